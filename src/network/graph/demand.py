"""Demand per municipality × area, from the requests' times, with small numbers
suppressed (:mod:`network.privacy.small_numbers`).

- ``requests``: consultation requests opened in the period;
- ``per_10k``: the same per 10,000 inhabitants;
- ``unplaced``: of those, the ones that never got a specialist (still waiting, or
  expired);
- ``median_days_to_meeting``: from opening to the meeting, for those that had one.

A suppressed count is ``None`` and so is everything computed from it; the median
needs at least ``MIN_GROUP`` meetings. Pure: facts in, figures out.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from network.privacy.small_numbers import MIN_GROUP, shown
from network.scheduling import STOCKHOLM

__all__ = ("Demand", "MonthPoint", "RequestFact", "demand", "monthly")


@dataclass(frozen=True, slots=True)
class RequestFact:
    """One opened request: where from, the area, when, and how it went."""

    municipality: str
    area: str
    opened_at: datetime
    meeting_at: datetime | None
    unplaced: bool


@dataclass(frozen=True, slots=True)
class Demand:
    municipality: str
    area: str
    requests: int | None
    per_10k: float | None
    unplaced: int | None
    median_days_to_meeting: float | None

    @property
    def suppressed(self) -> bool:
        return self.requests is None


def _median_days(facts: list[RequestFact]) -> float | None:
    waits = [(f.meeting_at - f.opened_at).total_seconds() / 86400 for f in facts if f.meeting_at]
    if len(waits) < MIN_GROUP:
        return None
    return round(statistics.median(waits), 1)


def demand(
    facts: Iterable[RequestFact], population: Mapping[str, int]
) -> dict[tuple[str, str], Demand]:
    """Figures for every (municipality, area) with at least one request."""
    groups: dict[tuple[str, str], list[RequestFact]] = defaultdict(list)
    for fact in facts:
        groups[(fact.municipality, fact.area)].append(fact)
    found = {}
    for (municipality, area), items in groups.items():
        requests = shown(len(items))
        people = population.get(municipality, 0)
        found[(municipality, area)] = Demand(
            municipality=municipality,
            area=area,
            requests=requests,
            per_10k=(
                round(len(items) / people * 10_000, 2) if requests is not None and people else None
            ),
            unplaced=shown(sum(f.unplaced for f in items)) if requests is not None else None,
            median_days_to_meeting=_median_days(items),
        )
    return found


@dataclass(frozen=True, slots=True)
class MonthPoint:
    month: str  # YYYY-MM, Europe/Stockholm
    requests: int | None
    unplaced: int | None
    median_days_to_meeting: float | None


def monthly(facts: Iterable[RequestFact], months: Iterable[str]) -> list[MonthPoint]:
    """Requests opened per month (in ``months``, in that order), suppressed alike."""
    groups: dict[str, list[RequestFact]] = defaultdict(list)
    for fact in facts:
        groups[fact.opened_at.astimezone(STOCKHOLM).strftime("%Y-%m")].append(fact)
    points = []
    for month in months:
        items = groups.get(month, [])
        requests = shown(len(items))
        points.append(
            MonthPoint(
                month=month,
                requests=requests,
                unplaced=shown(sum(f.unplaced for f in items)) if requests is not None else None,
                median_days_to_meeting=_median_days(items),
            )
        )
    return points
