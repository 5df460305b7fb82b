"""What the coverage API returns."""

from __future__ import annotations

from typing import Literal

from network.lib.schema import Schema

__all__ = (
    "CountySummaryOut",
    "CoverageOut",
    "DependenceOut",
    "MonthOut",
    "PickOut",
    "ProviderOut",
    "RecommendationOut",
    "WeakPointsOut",
)


class ProviderOut(Schema):
    """A municipality whose specialists may serve this one, and through which
    agreements."""

    municipality: str
    name: str
    agreements: list[int]
    specialists: int
    distance_km: float


class CoverageOut(Schema):
    """One municipality in one area. Demand counts of 1–4 are null (``suppressed``),
    and so is what is computed from them."""

    municipality: str
    municipality_name: str
    county: str
    area: str
    population: int
    status: Literal["local", "shared", "none"]
    local_specialists: int
    reachable_specialists: int
    providers: list[ProviderOut]
    agreements: list[int]
    supply_hours: float
    requests: int | None
    requests_per_10k: float | None
    unplaced: int | None
    median_days_to_meeting: float | None
    suppressed: bool


class CountySummaryOut(Schema):
    county: str
    area: str
    municipalities: int
    local: int
    shared: int
    covered_share: float
    population: int
    covered_population: int
    population_share: float


class PickOut(Schema):
    """One recommended action and the population it newly covers."""

    action: Literal["new_specialist", "county_agreement", "pair_agreement"]
    areas: list[str]
    municipality: str | None
    partner: str | None
    county: str | None
    distance_km: float | None
    gain: int
    newly_covered: list[list[str]]


class RecommendationOut(Schema):
    kind: Literal["specialists", "agreements"]
    k: int
    uncovered_population: int
    covered_by_picks: int
    exact_optimum: int | None
    candidates: int
    picks: list[PickOut]


class DependenceOut(Schema):
    id: int
    name: str
    municipalities: list[str]
    areas: list[str]
    population: int


class WeakPointsOut(Schema):
    specialists: list[DependenceOut]
    agreements: list[DependenceOut]


class MonthOut(Schema):
    month: str
    requests: int | None
    unplaced: int | None
    median_days_to_meeting: float | None
    # supply, from the month's coverage snapshot (null: none was taken that month)
    covered_share: float | None = None
    local_specialists: int | None = None
    local_hours: float | None = None
