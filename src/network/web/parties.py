"""The parties picker of the forms for arrangements between municipalities (sharing
agreements, mentoring programmes): its choices, and reading it back."""

from __future__ import annotations

from typing import Any

from network.directory.services import list_counties, list_municipalities
from network.kernel.policy import Action, Principal, visible_scope

__all__ = ("parties_from_form", "party_choices")


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
