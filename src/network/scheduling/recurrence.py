"""Pure recurrence: the planned dates of a weekly or fortnightly standing time."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from network.scheduling.slots import STOCKHOLM

__all__ = ("first_on_weekday", "local_period", "planned_dates")


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
