"""Free slots of one specialist in a period.

Hours are kept as wall-clock times in Europe/Stockholm (weekday 0 = Monday). A
window's start and end are placed on the calendar in local time and the slots are
laid out in absolute time between them, so a window that spans a daylight-saving
change is as long as the clock on the wall says it is (an hour shorter in March,
longer in October), and every slot lasts exactly ``slot_minutes``.

    free slots = weekly hours (+ extra hours, − closed days)
                 − absences − bookings (each widened by the buffer) − the past
                 − weeks whose capacity is used up
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

__all__ = (
    "STOCKHOLM",
    "Busy",
    "DateOverride",
    "SlotRules",
    "WeeklyHours",
    "free_slots",
    "iso_week",
    "next_free_slot",
    "used_per_week",
)

STOCKHOLM = ZoneInfo("Europe/Stockholm")


@dataclass(frozen=True, slots=True)
class WeeklyHours:
    """Recurring hours: ``weekday`` 0–6 (Monday first), local ``start`` < ``end``."""

    weekday: int
    start: time
    end: time


@dataclass(frozen=True, slots=True)
class DateOverride:
    """A date that differs: ``closed``, or extra hours ``start``–``end`` that day."""

    on: date
    closed: bool = False
    start: time | None = None
    end: time | None = None


@dataclass(frozen=True, slots=True)
class Busy:
    """A period that is taken (an absence or a booking); aware datetimes."""

    start: datetime
    end: datetime


@dataclass(frozen=True, slots=True)
class SlotRules:
    slot_minutes: int = 45
    buffer_minutes: int = 15
    weekly_capacity: int = 4  # consultations and mentoring meetings together


def iso_week(moment: datetime) -> tuple[int, int]:
    """The (ISO year, ISO week) of ``moment`` on the Stockholm calendar."""
    year, week, _ = moment.astimezone(STOCKHOLM).isocalendar()
    return year, week


def used_per_week(taken: Iterable[Busy]) -> dict[tuple[int, int], int]:
    """How many meetings start in each ISO week (Stockholm calendar): the part of the
    weekly capacity already used."""
    used: dict[tuple[int, int], int] = {}
    for busy in taken:
        week = iso_week(busy.start)
        used[week] = used.get(week, 0) + 1
    return used


def _local(day: date, clock: time) -> datetime:
    return datetime.combine(day, clock, tzinfo=STOCKHOLM)


class _Hours:
    """One specialist's weekly hours by weekday and date overrides by date, for
    looking a day's windows up without scanning every rule (many days, many
    specialists in a round: :func:`network.consultations.network_loader.first_free`)."""

    __slots__ = ("by_day", "by_weekday")

    def __init__(self, weekly: Sequence[WeeklyHours], overrides: Sequence[DateOverride]) -> None:
        self.by_weekday: dict[int, list[tuple[time, time]]] = {}
        for w in weekly:
            self.by_weekday.setdefault(w.weekday, []).append((w.start, w.end))
        self.by_day: dict[date, list[DateOverride]] = {}
        for o in overrides:
            self.by_day.setdefault(o.on, []).append(o)

    def windows(self, day: date) -> tuple[tuple[datetime, datetime], ...]:
        todays = self.by_day.get(day, ())
        if any(o.closed for o in todays):
            return ()
        intervals = list(self.by_weekday.get(day.weekday(), ()))
        intervals += [(o.start, o.end) for o in todays if o.start is not None and o.end is not None]
        return _merged_windows(day, tuple(sorted(intervals)))


@lru_cache(maxsize=8192)
def _merged_windows(
    day: date, intervals: tuple[tuple[time, time], ...]
) -> tuple[tuple[datetime, datetime], ...]:
    """The day's windows in UTC from its sorted local intervals, overlapping ones
    merged (pure, so alike days of different specialists share the work)."""
    merged: list[tuple[time, time]] = []
    for start, end in intervals:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return tuple(
        (_local(day, start).astimezone(UTC), _local(day, end).astimezone(UTC))
        for start, end in merged
    )


def _overlaps(start: datetime, end: datetime, taken: Iterable[tuple[datetime, datetime]]) -> bool:
    return any(start < t_end and t_start < end for t_start, t_end in taken)


def free_slots(
    weekly: Sequence[WeeklyHours],
    overrides: Sequence[DateOverride],
    absences: Sequence[Busy],
    bookings: Sequence[Busy],
    rules: SlotRules,
    *,
    start: datetime,
    end: datetime,
    now: datetime,
    used_per_week: Mapping[tuple[int, int], int] | None = None,
) -> list[datetime]:
    """The start times (Europe/Stockholm, aware) of the free slots in [start, end).

    ``used_per_week`` counts what already uses each ISO week's capacity (bookings
    and mentoring meetings); a week with no capacity left offers no slots.
    """
    if start.tzinfo is None or end.tzinfo is None or now.tzinfo is None:
        raise ValueError("start, end and now must carry a time zone")
    return list(
        _free(weekly, overrides, absences, bookings, rules, start, end, now, used_per_week or {})
    )


def _free(
    weekly: Sequence[WeeklyHours],
    overrides: Sequence[DateOverride],
    absences: Sequence[Busy],
    bookings: Sequence[Busy],
    rules: SlotRules,
    start: datetime,
    end: datetime,
    now: datetime,
    used: Mapping[tuple[int, int], int],
) -> Iterator[datetime]:
    """:func:`free_slots`, one at a time (the next free slot needs the first only)."""
    slot = timedelta(minutes=rules.slot_minutes)
    step = slot + timedelta(minutes=rules.buffer_minutes)
    buffer = timedelta(minutes=rules.buffer_minutes)
    taken = [(a.start, a.end) for a in absences]
    taken += [(b.start - buffer, b.end + buffer) for b in bookings]
    hours = _Hours(weekly, overrides)
    first_day = start.astimezone(STOCKHOLM).date()
    last_day = end.astimezone(STOCKHOLM).date()
    day = first_day
    while day <= last_day:
        # A window lies within its day, so each of its slots starts in the day's week.
        year, week, _ = day.isocalendar()
        if used.get((year, week), 0) < rules.weekly_capacity:
            for window_start, window_end in hours.windows(day):
                moment = window_start
                while moment + slot <= window_end:
                    if (
                        moment >= start
                        and moment + slot <= end
                        and moment >= now
                        and not _overlaps(moment, moment + slot, taken)
                    ):
                        yield moment.astimezone(STOCKHOLM)
                    moment += step
        day += timedelta(days=1)


def next_free_slot(
    weekly: Sequence[WeeklyHours],
    overrides: Sequence[DateOverride],
    absences: Sequence[Busy],
    bookings: Sequence[Busy],
    rules: SlotRules,
    *,
    now: datetime,
    horizon_days: int = 56,
    used_per_week: Mapping[tuple[int, int], int] | None = None,
) -> datetime | None:
    """The first free slot from ``now`` within ``horizon_days``, or ``None``."""
    if now.tzinfo is None:
        raise ValueError("now must carry a time zone")
    week = timedelta(days=7)
    start = now
    limit = now + timedelta(days=horizon_days)
    while start < limit:
        found = next(
            _free(
                weekly,
                overrides,
                absences,
                bookings,
                rules,
                start,
                min(start + week, limit),
                now,
                used_per_week or {},
            ),
            None,
        )
        if found is not None:
            return found
        start += week
    return None
