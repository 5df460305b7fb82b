"""Pure recurrence: the planned dates of a weekly or fortnightly standing time, and
of a conference series that meets every other week or on the same weekday of each
month (the 2nd Tuesday; the last one when the first date is a 5th weekday)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from network.scheduling.slots import STOCKHOLM

__all__ = (
    "MONTHLY",
    "WEEKLY_STEPS",
    "cadence_dates",
    "first_on_weekday",
    "local_period",
    "nth_weekday",
    "planned_dates",
    "weekday_of_month",
)

MONTHLY = "monthly"
# Cadences that step by whole weeks: how many weeks apart.
WEEKLY_STEPS = {"weekly": 1, "fortnightly": 2}


def first_on_weekday(first: date, weekday: int) -> date:
    """The first ``weekday`` (0 Monday … 6 Sunday) on or after ``first``."""
    if not 0 <= weekday <= 6:
        raise ValueError("weekday must be 0 (Monday) to 6 (Sunday)")
    return first + timedelta(days=(weekday - first.weekday()) % 7)


def planned_dates(
    first: date,
    weekday: int,
    every_weeks: int,
    *,
    start: date,
    until: date,
    end: date | None = None,
) -> list[date]:
    """The dates of a series that meets on ``weekday`` every ``every_weeks`` weeks from
    the first such day on or after ``first``, that fall in [start, until] and not after
    ``end`` (the series' last day, if any)."""
    if every_weeks < 1:
        raise ValueError("every_weeks must be at least 1")
    last = until if end is None else min(until, end)
    day = first_on_weekday(first, weekday)
    step = timedelta(weeks=every_weeks)
    if day < start:
        day += step * ((start - day).days // step.days)
        if day < start:
            day += step
    found = []
    while day <= last:
        found.append(day)
        day += step
    return found


def local_period(day: date, at: time, minutes: int) -> tuple[datetime, datetime]:
    """[start, end) of a meeting at ``at`` Stockholm time on ``day``, ``minutes`` long."""
    start = datetime.combine(day, at, tzinfo=STOCKHOLM)
    return start, start + timedelta(minutes=minutes)


def weekday_of_month(day: date) -> int:
    """Which ``day.weekday()`` of its month ``day`` is: 1 … 4, or -1 for the last one
    when it is the 5th (so a series begun on a 5th Tuesday keeps to the last Tuesday)."""
    n = (day.day - 1) // 7 + 1
    return -1 if n == 5 else n


def nth_weekday(year: int, month: int, weekday: int, n: int) -> date:
    """The ``n``-th (1 … 4, or -1: the last) ``weekday`` of ``month`` in ``year``."""
    if not 0 <= weekday <= 6:
        raise ValueError("weekday must be 0 (Monday) to 6 (Sunday)")
    if n == -1:
        following = date(year + month // 12, month % 12 + 1, 1)
        last = following - timedelta(days=1)
        return last - timedelta(days=(last.weekday() - weekday) % 7)
    if not 1 <= n <= 4:
        raise ValueError("n must be 1 to 4, or -1 for the last")
    return first_on_weekday(date(year, month, 1), weekday) + timedelta(weeks=n - 1)


def cadence_dates(first: date, cadence: str, count: int) -> list[date]:
    """The ``count`` dates of a series from ``first`` (included): ``"monthly"`` on the
    same weekday of each month as ``first`` (see :func:`weekday_of_month`), or every
    ``WEEKLY_STEPS[cadence]`` weeks."""
    if count < 0:
        raise ValueError("count must not be negative")
    if count == 0:
        return []
    if cadence in WEEKLY_STEPS:
        every = WEEKLY_STEPS[cadence]
        last = first + timedelta(weeks=every * (count - 1))
        return planned_dates(first, first.weekday(), every, start=first, until=last)
    if cadence != MONTHLY:
        raise ValueError(f"unknown cadence {cadence!r}")
    n, weekday = weekday_of_month(first), first.weekday()
    found = []
    for step in range(count):
        months = first.month - 1 + step
        found.append(nth_weekday(first.year + months // 12, months % 12 + 1, weekday, n))
    return found
