"""Supply over time: the monthly coverage snapshots summed for a set of municipalities.

Pure: plain snapshot rows in, one point per month out.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from network.graph.coverage import Cell, Status

__all__ = ("SnapshotFact", "SupplyPoint", "facts_of", "supply_by_month")


@dataclass(frozen=True, slots=True)
class SnapshotFact:
    """One municipality × area as it stood in a month."""

    month: str  # YYYY-MM
    municipality: str
    county: str
    area: str
    status: Status
    population: int
    local_specialists: int
    local_hours: float
    reachable_hours: float


@dataclass(frozen=True, slots=True)
class SupplyPoint:
    month: str
    covered_share: float  # of the inhabitants, averaged over the areas (0–1)
    local_specialists: int  # specialists working in the municipalities, summed over the areas
    local_hours: float  # their weekly hours, summed over the areas


def facts_of(
    month: str, cells: Iterable[Cell], weekly_hours: dict[int, float]
) -> list[SnapshotFact]:
    """The snapshot rows of ``cells`` for ``month``."""
    return [
        SnapshotFact(
            month=month,
            municipality=c.municipality,
            county=c.county,
            area=c.area,
            status=c.status,
            population=c.population,
            local_specialists=len(c.local),
            local_hours=round(sum(weekly_hours.get(s, 0.0) for s in c.local), 2),
            reachable_hours=round(c.supply_hours, 2),
        )
        for c in cells
    ]


def supply_by_month(
    facts: Iterable[SnapshotFact], months: Iterable[str]
) -> list[SupplyPoint | None]:
    """One point per month of ``months`` (in that order); None for a month without a snapshot."""
    population: dict[str, int] = defaultdict(int)
    covered: dict[str, int] = defaultdict(int)
    specialists: dict[str, int] = defaultdict(int)
    hours: dict[str, float] = defaultdict(float)
    for fact in facts:
        population[fact.month] += fact.population
        if fact.status is not Status.NONE:
            covered[fact.month] += fact.population
        specialists[fact.month] += fact.local_specialists
        hours[fact.month] += fact.local_hours
    return [
        SupplyPoint(
            month=month,
            covered_share=round(covered[month] / population[month], 4)
            if population[month]
            else 0.0,
            local_specialists=specialists[month],
            local_hours=round(hours[month], 2),
        )
        if month in population
        else None
        for month in months
    ]
