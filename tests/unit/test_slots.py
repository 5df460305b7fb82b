"""Free-slot computation: weekly hours, overrides, absences, bookings, capacity, DST."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, time, timedelta

import pytest

from network.consultations.network_loader import NEXT_FREE_HORIZON_DAYS, first_free
from network.scheduling import (
    STOCKHOLM,
    Busy,
    DateOverride,
    SlotRules,
    WeeklyHours,
    free_slots,
    next_free_slot,
)
from network.scheduling.slots import iso_week
from network.specialists.services import Availability

RULES = SlotRules(slot_minutes=45, buffer_minutes=15, weekly_capacity=10)
LONG_AGO = datetime(2020, 1, 1, tzinfo=UTC)


def local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=STOCKHOLM)


def day_range(day: date) -> tuple[datetime, datetime]:
    return local(day, 0), local(day + timedelta(days=1), 0)


def slots_on(day: date, weekly: list[WeeklyHours], **kwargs: object) -> list[datetime]:
    start, end = day_range(day)
    options: dict[str, object] = {
        "overrides": [],
        "absences": [],
        "bookings": [],
        "rules": RULES,
        "now": LONG_AGO,
    }
    options.update(kwargs)
    return free_slots(weekly, start=start, end=end, **options)  # type: ignore[arg-type]


MONDAY = date(2026, 11, 23)
MORNING = [WeeklyHours(0, time(8, 30), time(12, 0))]


def test_weekly_hours_become_slots_with_buffer() -> None:
    slots = slots_on(MONDAY, MORNING)
    assert [s.strftime("%H:%M") for s in slots] == ["08:30", "09:30", "10:30"]
    assert all(s.tzinfo is STOCKHOLM for s in slots)
    assert slots[0].utcoffset() == timedelta(hours=1)  # winter time


def test_several_intervals_a_day_and_other_days_empty() -> None:
    weekly = [*MORNING, WeeklyHours(0, time(13, 0), time(15, 0))]
    assert [s.strftime("%H:%M") for s in slots_on(MONDAY, weekly)] == [
        "08:30",
        "09:30",
        "10:30",
        "13:00",
        "14:00",
    ]
    assert slots_on(MONDAY + timedelta(days=1), weekly) == []


def test_closed_override_and_extra_hours() -> None:
    assert slots_on(MONDAY, MORNING, overrides=[DateOverride(MONDAY, closed=True)]) == []
    saturday = MONDAY + timedelta(days=5)
    extra = [DateOverride(saturday, start=time(10, 0), end=time(11, 0))]
    assert [s.strftime("%H:%M") for s in slots_on(saturday, MORNING, overrides=extra)] == ["10:00"]


def test_absence_and_bookings_remove_slots_with_their_buffer() -> None:
    booking = Busy(local(MONDAY, 9, 30), local(MONDAY, 10, 15))
    # 08:30–09:15 leaves exactly the 15-minute buffer before the booking; 09:30 is taken.
    assert [s.strftime("%H:%M") for s in slots_on(MONDAY, MORNING, bookings=[booking])] == [
        "08:30",
        "10:30",
    ]
    tight = Busy(local(MONDAY, 9, 25), local(MONDAY, 10, 10))
    assert [s.strftime("%H:%M") for s in slots_on(MONDAY, MORNING, bookings=[tight])] == ["10:30"]
    absence = Busy(local(MONDAY, 0), local(MONDAY, 10, 0))
    assert [s.strftime("%H:%M") for s in slots_on(MONDAY, MORNING, absences=[absence])] == ["10:30"]
    # An absence that overlaps a booking takes the union, not more, not less.
    both = slots_on(MONDAY, MORNING, absences=[absence], bookings=[booking])
    assert [s.strftime("%H:%M") for s in both] == ["10:30"]


def test_the_past_is_not_offered() -> None:
    now = local(MONDAY, 9, 0)
    assert [s.strftime("%H:%M") for s in slots_on(MONDAY, MORNING, now=now)] == ["09:30", "10:30"]


def test_weekly_capacity_closes_the_week() -> None:
    week = iso_week(local(MONDAY, 12))
    rules = SlotRules(weekly_capacity=2)
    assert slots_on(MONDAY, MORNING, rules=rules, used_per_week={week: 1})
    assert slots_on(MONDAY, MORNING, rules=rules, used_per_week={week: 2}) == []
    next_monday = MONDAY + timedelta(days=7)
    assert slots_on(next_monday, MORNING, rules=rules, used_per_week={week: 2})


# Daylight saving time in Sweden: last Sunday of March and of October.
SPRING = date(2026, 3, 29)
AUTUMN = date(2026, 10, 25)
NIGHT = [WeeklyHours(6, time(1, 0), time(4, 0))]
SUNDAY_MORNING = [WeeklyHours(6, time(8, 0), time(10, 0))]


def test_spring_forward() -> None:
    morning = slots_on(SPRING, SUNDAY_MORNING)
    assert [s.strftime("%H:%M") for s in morning] == ["08:00", "09:00"]
    assert {s.utcoffset() for s in morning} == {timedelta(hours=2)}
    # 01:00–04:00 on the wall is two real hours that night: two 45-minute slots.
    night = slots_on(SPRING, NIGHT)
    assert len(night) == 2
    assert night[1].astimezone(UTC) - night[0].astimezone(UTC) == timedelta(hours=1)
    assert all(s.astimezone(UTC) + timedelta(minutes=45) <= local(SPRING, 4) for s in night)


def test_fall_back() -> None:
    morning = slots_on(AUTUMN, SUNDAY_MORNING)
    assert [s.strftime("%H:%M") for s in morning] == ["08:00", "09:00"]
    assert {s.utcoffset() for s in morning} == {timedelta(hours=1)}
    # 01:00–04:00 on the wall is four real hours: four slots, one of them twice "02:xx".
    night = slots_on(AUTUMN, NIGHT)
    assert len(night) == 4
    gaps = {b.astimezone(UTC) - a.astimezone(UTC) for a, b in itertools.pairwise(night)}
    assert gaps == {timedelta(hours=1)}


def test_day_before_and_after_the_change_keep_their_offsets() -> None:
    saturday = [WeeklyHours(5, time(9, 0), time(10, 0))]
    monday = [WeeklyHours(0, time(9, 0), time(10, 0))]
    assert slots_on(SPRING - timedelta(days=1), saturday)[0].utcoffset() == timedelta(hours=1)
    assert slots_on(SPRING + timedelta(days=1), monday)[0].utcoffset() == timedelta(hours=2)
    assert slots_on(AUTUMN - timedelta(days=1), saturday)[0].utcoffset() == timedelta(hours=2)
    assert slots_on(AUTUMN + timedelta(days=1), monday)[0].utcoffset() == timedelta(hours=1)


def test_next_free_slot_skips_a_full_week_and_an_absence() -> None:
    now = local(MONDAY, 7)
    week = iso_week(now)
    rules = SlotRules(weekly_capacity=1)
    found = next_free_slot(MORNING, [], [], [], rules, now=now, used_per_week={week: 1})
    assert found == local(MONDAY + timedelta(days=7), 8, 30)
    away = Busy(local(MONDAY, 0), local(MONDAY + timedelta(days=14), 0))
    later = next_free_slot(MORNING, [], [away], [], RULES, now=now)
    assert later == local(MONDAY + timedelta(days=14), 8, 30)
    assert next_free_slot([], [], [], [], RULES, now=now) is None


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError, match="time zone"):
        free_slots(
            MORNING,
            [],
            [],
            [],
            RULES,
            start=datetime(2026, 1, 1),
            end=datetime(2026, 1, 2),
            now=LONG_AGO,
        )


def first_of_each_week(now: datetime, **kwargs: object) -> datetime | None:
    """The next free slot as the first of each week's :func:`free_slots` in turn."""
    start, limit = now, now + timedelta(days=56)
    while start < limit:
        found = free_slots(
            start=start, end=min(start + timedelta(days=7), limit), now=now, **kwargs
        )  # type: ignore[arg-type]
        if found:
            return found[0]
        start += timedelta(days=7)
    return None


@pytest.mark.parametrize("seed", range(40))
def test_next_free_slot_is_the_first_of_the_free_slots(seed: int) -> None:
    import random

    rng = random.Random(seed)
    # Around both clock changes of 2026 and an ordinary month.
    base = rng.choice([date(2026, 3, 20), date(2026, 10, 20), date(2026, 11, 23)])
    now = local(base, rng.randint(0, 23), rng.choice([0, 17, 59])) + timedelta(
        microseconds=rng.randint(0, 999_999)
    )
    weekly = [
        WeeklyHours(d, time(h), time(min(h + rng.randint(1, 6), 23), rng.choice([0, 30])))
        for d in rng.sample(range(7), rng.randint(0, 4))
        for h in [rng.randint(6, 14)]
    ]
    day = lambda: base + timedelta(days=rng.randint(0, 50))  # noqa: E731
    overrides = [
        DateOverride(day(), True)
        if rng.random() < 0.5
        else DateOverride(day(), False, time(9), time(11))
        for _ in range(rng.randint(0, 6))
    ]
    spans = [
        (local(d, rng.randint(0, 20)), timedelta(hours=rng.randint(1, 200)))
        for d in [day() for _ in range(rng.randint(0, 6))]
    ]
    absences = [Busy(s, s + length) for s, length in spans[: len(spans) // 2]]
    bookings = [Busy(s, s + timedelta(minutes=45)) for s, _ in spans[len(spans) // 2 :]]
    rules = SlotRules(rng.choice([30, 45, 60]), rng.choice([0, 15]), rng.randint(1, 5))
    used = {iso_week(local(day(), 12)): rng.randint(0, 5) for _ in range(rng.randint(0, 4))}
    found = next_free_slot(
        weekly, overrides, absences, bookings, rules, now=now, used_per_week=used
    )
    assert found == first_of_each_week(
        now,
        weekly=weekly,
        overrides=overrides,
        absences=absences,
        bookings=bookings,
        rules=rules,
        used_per_week=used,
    )


def test_first_free_shares_an_answer_only_among_truly_alike_specialists() -> None:
    """A round's next free slots in one pass (``network_loader.first_free``): the
    specialists with nothing booked, away or changed share an answer when their hours
    and slot lengths are alike; it must be each one's own next free slot, capacity 0
    (no week open) and bookings (a week used up, a slot taken) included."""
    now = datetime(2026, 3, 27, 9, 10, tzinfo=UTC)  # a Friday before the clocks change
    day = WeeklyHours(0, time(8), time(16))
    patterns = [
        [day],
        [day, WeeklyHours(4, time(9), time(10))],
        [WeeklyHours(4, time(9, 30), time(12))],
        [WeeklyHours(6, time(20), time(21))],
        [],
    ]
    booked = Busy(now + timedelta(minutes=20), now + timedelta(minutes=65))
    found: dict[int, Availability] = {}
    for n, (weekly, slot, buffer, capacity, bookings, closed) in enumerate(
        itertools.product(patterns, (30, 45), (0, 15), (0, 1, 4), ([], [booked]), (False, True))
    ):
        found[n] = Availability(
            weekly=weekly,
            overrides=[DateOverride(now.date(), closed=True)] if closed else [],
            absences=[],
            bookings=bookings,
            rules=SlotRules(slot_minutes=slot, buffer_minutes=buffer, weekly_capacity=capacity),
        )
    wanted = [*found, 10**6]  # (and one with nothing read)
    answers = first_free(found, wanted, now)
    assert answers[10**6] is None
    for n, a in found.items():
        assert answers[n] == next_free_slot(
            a.weekly,
            a.overrides,
            a.absences,
            a.bookings,
            a.rules,
            now=now,
            horizon_days=NEXT_FREE_HORIZON_DAYS,
            used_per_week=a.used,
        ), (n, a)
    # The cases tell each other apart: capacity 0 has no slot, a booking moves one.
    assert {answers[n] for n, a in found.items() if a.rules.weekly_capacity == 0} == {None}
    assert len({answers[n] for n in found}) > 5
