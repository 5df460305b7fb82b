"""Demand per municipality × area, from the requests' times, with small numbers
suppressed (:mod:`network.privacy.small_numbers`).

- ``requests``: consultation requests opened in the period;
- ``per_10k``: the same per 10,000 inhabitants;
- ``unplaced``: of those, the ones that never got a specialist (still waiting, or
  expired);
- ``median_days_to_meeting``: from opening to the meeting, for those that had one.

A suppressed count is ``None`` and so is everything computed from it; the median
needs at least ``MIN_GROUP`` meetings. An area's total over the municipalities asked
about can be read elsewhere (the monthly trends add up to it), so each area's column
is protected against differencing too (:func:`network.privacy.small_numbers.protect`):
a hidden count never comes back as that total minus the counts shown. Pure: facts
in, figures out.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from network.privacy.small_numbers import MIN_GROUP, protect, shown
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


def _protected(
    counts: Mapping[tuple[str, str], int], forced: set[tuple[str, str]]
) -> set[tuple[str, str]]:
    """The (municipality, area) counts to hide, column by column (one area each)."""
    hidden: set[tuple[str, str]] = set()
    for area in sorted({a for _, a in counts}):
        column = {key: n for key, n in counts.items() if key[1] == area}
        hidden |= protect(column, forced=[k for k in forced if k[1] == area]).hidden
    return hidden


def demand(
    facts: Iterable[RequestFact], population: Mapping[str, int]
) -> dict[tuple[str, str], Demand]:
    """Figures for every (municipality, area) with at least one request."""
    groups: dict[tuple[str, str], list[RequestFact]] = defaultdict(list)
    for fact in facts:
        groups[(fact.municipality, fact.area)].append(fact)
    asked = _protected({key: len(items) for key, items in groups.items()}, set())
    left = _protected({key: sum(f.unplaced for f in items) for key, items in groups.items()}, asked)
    found = {}
    for (municipality, area), items in groups.items():
        hidden = (municipality, area) in asked
        people = population.get(municipality, 0)
        found[(municipality, area)] = Demand(
            municipality=municipality,
            area=area,
            requests=None if hidden else len(items),
            per_10k=(round(len(items) / people * 10_000, 2) if not hidden and people else None),
            unplaced=None
            if hidden or (municipality, area) in left
            else sum(f.unplaced for f in items),
            median_days_to_meeting=None if hidden else _median_days(items),
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
