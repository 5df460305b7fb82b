"""The parties picker of the forms for arrangements between municipalities (sharing
agreements, mentoring programmes): its choices, and reading it back."""

from __future__ import annotations

from typing import Any

from network.directory.services import list_counties, list_municipalities
from network.kernel.policy import Action, Principal, visible_scope

__all__ = ("parties_from_form", "party_choices", "place_choices", "place_names")


async def party_choices(principal: Principal, action: Action) -> dict[str, Any]:
    """The counties and municipalities to pick from, with the reader's own counties
    (where they may take ``action``) opened."""
    scope = visible_scope(principal, action)
    municipalities = await list_municipalities()
    mine = scope.counties | {
        m.county_code for m in municipalities if m.code in scope.municipalities
    }
    return {
        "counties": await list_counties(),
        "municipalities": municipalities,
        "open_counties": mine,
    }


def parties_from_form(form: dict[str, Any]) -> dict[str, Any]:
    """``county`` (a county-wide choice) or ``municipalities`` (the ticked ones)."""
    if form.get("kind") == "county":
        return {"county": form.get("county") or None, "municipalities": []}
    return {"county": None, "municipalities": form.get("municipalities", [])}


async def place_names() -> dict[str, str]:
    """Every municipality's and county's name by its code ("0512": "Ydre", "05":
    "Östergötlands län"), for pages that show a stored code."""
    counties = await list_counties()
    municipalities = await list_municipalities()
    return {
        **{c.code: c.name for c in counties},
        **{m.code: m.name for m in municipalities},
    }


async def place_choices() -> list[dict[str, Any]]:
    """The places to pick one from, by county: the county itself (its code, two
    digits), then its municipalities (four digits), each by name."""
    municipalities = await list_municipalities()
    return [
        {
            "code": county.code,
            "name": county.name,
            "municipalities": sorted(
                (m for m in municipalities if m.county_code == county.code),
                key=lambda m: m.name,
            ),
        }
        for county in await list_counties()
    ]
