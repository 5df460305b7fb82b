"""Queries over the reference data."""

from __future__ import annotations

import msgspec
from piccolo.query.functions.aggregate import Count

from network.directory import schemas
from network.directory.tables import CompetenceArea, County, Municipality
from network.lib.errors import InvalidInput
from network.specialists.tables import SpecialistProfile

__all__ = ("county_overview", "list_areas", "list_counties", "list_municipalities")


async def list_counties() -> list[schemas.County]:
    counties = await County.select(County.code, County.name).order_by(County.code)
    stats = await Municipality.select(Municipality.county.code, Municipality.population)
    count: dict[str, int] = {}
    population: dict[str, int] = {}
    for row in stats:
        code = row["county.code"]
        count[code] = count.get(code, 0) + 1
        population[code] = population.get(code, 0) + row["population"]
    return [
        schemas.County(
            code=c["code"],
            name=c["name"],
            municipalities=count.get(c["code"], 0),
            population=population.get(c["code"], 0),
        )
        for c in counties
    ]


async def list_municipalities(county: str | None = None) -> list[schemas.Municipality]:
    query = Municipality.select(
        Municipality.code,
        Municipality.name,
        Municipality.county.code.as_alias("county_code"),
        Municipality.county.name.as_alias("county_name"),
        Municipality.population,
        Municipality.latitude,
        Municipality.longitude,
    ).order_by(Municipality.code)
    if county is not None:
        if not await County.exists().where(County.code == county):
            raise InvalidInput(f"unknown county code {county!r}", field="county", source="query")
        query = query.where(Municipality.county.code == county)
    return msgspec.convert(await query, list[schemas.Municipality])


async def list_areas() -> list[schemas.Area]:
    rows = (
        await CompetenceArea.select(
            CompetenceArea.code,
            CompetenceArea.name_sv,
            CompetenceArea.name_en,
            CompetenceArea.description_en,
        )
        .where(CompetenceArea.active.eq(True))
        .order_by(CompetenceArea.code)
    )
    return msgspec.convert(rows, list[schemas.Area])


async def county_overview() -> list[schemas.CountyOverview]:
    """Every county with its municipalities, population and specialists (start page)."""
    counties = await list_counties()
    county = SpecialistProfile.home_municipality._.county._.code
    rows = await SpecialistProfile.select(county.as_alias("county"), Count(alias="n")).group_by(
        county
    )
    specialists = {row["county"]: row["n"] for row in rows}
    return [
        schemas.CountyOverview(
            code=c.code,
            name=c.name,
            municipalities=c.municipalities,
            population=c.population,
            specialists=specialists.get(c.code, 0),
        )
        for c in counties
    ]
