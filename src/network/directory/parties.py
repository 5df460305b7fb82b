"""Checking the parties and areas of an arrangement between municipalities (a sharing
agreement, a mentoring programme) against the reference data; every refusal names
its field."""

from __future__ import annotations

from network.directory.tables import CompetenceArea, County, Municipality
from network.lib.errors import InvalidInput

__all__ = ("Members", "area_ids", "check_parties")

Members = dict[str, tuple[int, str]]  # kommunkod → (row id, county code)


def _no_repeats(values: list[str], field: str) -> None:
    seen: set[str] = set()
    for index, value in enumerate(values):
        if value in seen:
            raise InvalidInput(f"{value!r} is listed twice", field=f"{field}[{index}]")
        seen.add(value)


async def check_parties(
    county: str | None, municipalities: list[str], *, what: str
) -> tuple[int | None, Members]:
    """Either a county or at least two municipalities: the county's row id and the
    members by kommunkod. ``what`` names the arrangement in messages."""
    if county is not None and municipalities:
        raise InvalidInput(
            "give either a county or member municipalities, not both", field="municipalities"
        )
    if county is None and len(set(municipalities)) < 2:
        raise InvalidInput(
            f"{what} needs a county or at least two municipalities", field="municipalities"
        )
    _no_repeats(municipalities, "municipalities")
    county_id = None
    if county is not None:
        row = await County.select(County.id).where(County.code == county).first()
        if row is None:
            raise InvalidInput(f"unknown county code {county!r}", field="county")
        county_id = int(row["id"])
    members = {
        row["code"]: (row["id"], row["county"])
        for row in await Municipality.select(
            Municipality.id, Municipality.code, Municipality.county._.code.as_alias("county")
        ).where(Municipality.code.is_in(municipalities or [""]))
    }
    for index, code in enumerate(municipalities):
        if code not in members:
            raise InvalidInput(f"unknown kommunkod {code!r}", field=f"municipalities[{index}]")
    return county_id, members


async def area_ids(codes: list[str], field: str = "areas") -> list[int]:
    """The row ids of active competence areas, in order; unknown or repeated ones refused."""
    _no_repeats(codes, field)
    known = {
        row["code"]: row["id"]
        for row in await CompetenceArea.select(CompetenceArea.id, CompetenceArea.code).where(
            CompetenceArea.code.is_in(codes or [""]) & CompetenceArea.active.eq(True)
        )
    }
    for index, code in enumerate(codes):
        if code not in known:
            raise InvalidInput(f"unknown area code {code!r}", field=f"{field}[{index}]")
    return [known[code] for code in codes]
