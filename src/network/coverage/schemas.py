"""What the coverage API returns."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

import msgspec

from network.lib.schema import Schema

__all__ = (
    "AreaGainOut",
    "AttendanceOut",
    "AttendanceRowOut",
    "CountySummaryOut",
    "CoverageOut",
    "DependenceOut",
    "MonthOut",
    "OutcomeRowOut",
    "OutcomesOut",
    "PickOut",
    "ProviderOut",
    "ReasonOut",
    "RecommendationOut",
    "UncoveredAreaOut",
    "WeakPointsOut",
    "WorkforceImportOut",
    "WorkforceIn",
    "WorkforceOut",
)

Count = Annotated[int, msgspec.Meta(ge=0, le=100_000)]
Percent = Annotated[float, msgspec.Meta(ge=0, le=100)]


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
    # the status, or "conference" where no specialist is within reach but an active
    # group case conference serves the municipality in the area (a weaker level)
    reach: Literal["local", "shared", "conference", "none"]
    conference_series: list[int]


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
    conference_only: int  # not covered, reached through a group case conference only


class AreaGainOut(Schema):
    """What a step closes in one area."""

    area: str
    municipalities: list[str]
    population: int


class ReasonOut(Schema):
    """One reason for a step: its kind, the sentence in Swedish, and its figures."""

    kind: Literal["reach", "demand", "wait", "fragility", "quiet"]
    text: str
    municipality: str | None
    area: str | None
    population: int | None
    count: int | None
    unplaced: int | None
    days: float | None
    new_share: float | None
    turnover: float | None
    year: int | None


class PickOut(Schema):
    """One recommended place (each place once) with every area it would close."""

    action: Literal["new_specialist", "county_agreement", "pair_agreement"]
    areas: list[str]
    municipality: str | None
    partner: str | None
    county: str | None
    distance_km: float | None
    gain: int  # the weighted gain (inhabitants × demand and fragility factors)
    population: int  # inhabitants newly reached in at least one area, each once
    municipalities: list[str]
    by_area: list[AreaGainOut]
    newly_covered: list[list[str]]
    reasons: list[ReasonOut]


class UncoveredAreaOut(Schema):
    area: str
    municipalities: int
    population: int


class RecommendationOut(Schema):
    kind: Literal["specialists", "agreements"]
    k: int
    demand_weight: int
    fragility_weight: int
    uncovered_population: int  # each municipality once, lacking at least one area
    uncovered_by_area: list[UncoveredAreaOut]
    covered_by_picks: int  # inhabitants the picks reach in at least one area, each once
    score: int
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


class OutcomeRowOut(Schema):
    """One group's close-out figures; null is suppressed (a count of 1–4, or a cell
    hidden so that it cannot be derived from the total and the others)."""

    key: str  # area code, county code, municipality code or YYYY-MM; "total"
    name: str
    due: int | None  # consultations due a close-out (meeting held or answer given)
    responses: int | None  # closed out with the survey
    response_rate: float | None
    helpful_mean: float | None  # 1 (not at all) – 5 (very)
    helpful: int | None  # answered 4 or 5
    helpful_share: float | None
    risk_changed: int | None
    risk_changed_share: float | None
    escalation_avoided: int | None
    escalation_avoided_share: float | None
    placement_avoided: int | None
    placement_avoided_share: float | None
    referral_avoided: int | None
    referral_avoided_share: float | None
    referral_made: int | None
    referral_made_share: float | None
    suppressed: bool


class OutcomesOut(Schema):
    by: Literal["area", "county", "municipality", "month"]
    year: int
    county: str | None
    area: str | None
    rows: list[OutcomeRowOut]
    total: OutcomeRowOut


class WorkforceIn(Schema):
    """One municipality's child and youth social care workforce in one year; an
    unknown figure is null."""

    municipality: Annotated[str, msgspec.Meta(pattern=r"^\d{4}$", description="kommunkod")]
    year: Annotated[int, msgspec.Meta(ge=2000, le=2100)]
    social_workers: Count | None = None
    new_share: Annotated[Percent | None, msgspec.Meta(description="% under one year")] = None
    turnover: Annotated[Percent | None, msgspec.Meta(description="% who left")] = None
    vacancies: Count | None = None
    agency_consultants: Count | None = None
    sick_leave: Annotated[Percent | None, msgspec.Meta(description="% of hours")] = None
    case_points: Annotated[float, msgspec.Meta(ge=0, le=1000)] | None = None


class WorkforceOut(Schema):
    """The figures as stored; ``synthetic``: made up for the demo."""

    municipality: str
    municipality_name: str
    county: str
    year: int
    social_workers: int | None
    new_share: float | None
    turnover: float | None
    vacancies: int | None
    agency_consultants: int | None
    sick_leave: float | None
    case_points: float | None
    source: Literal["form", "import", "synthetic"]
    synthetic: bool
    updated_at: datetime


class WorkforceImportOut(Schema):
    saved: int
    years: list[int]


class AttendanceRowOut(Schema):
    """One municipality's seats and attendance in one case-conference series over the
    sessions held in the period (``municipality`` "total": the series' total over the
    municipalities of your scope). Null is suppressed: a count of 1–4, or one hidden
    so that it cannot be worked out from the total and the other rows."""

    series: int
    series_title: str
    area: str
    hub_municipality: str
    municipality: str
    municipality_name: str
    county: str
    sessions: int
    seats: int | None
    attended: int | None
    suppressed: bool


class AttendanceOut(Schema):
    county: str | None
    area: str | None
    months: int
    start: datetime
    end: datetime
    rows: list[AttendanceRowOut]
