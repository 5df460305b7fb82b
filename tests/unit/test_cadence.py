"""The dates of a conference series planned by cadence (pure): the same weekday of
each month (the 2nd Tuesday stays the 2nd Tuesday; a 5th weekday becomes the last),
or every other week, over year ends."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from network.scheduling import cadence_dates
from network.scheduling.recurrence import nth_weekday, weekday_of_month

SECOND_TUESDAY = date(2026, 12, 8)


def test_monthly_keeps_the_weekday_of_the_month_across_the_year_end() -> None:
    assert cadence_dates(SECOND_TUESDAY, "monthly", 4) == [
        date(2026, 12, 8),
        date(2027, 1, 12),
        date(2027, 2, 9),
        date(2027, 3, 9),
    ]


def test_a_fifth_weekday_becomes_the_last_of_each_month() -> None:
    fifth_tuesday = date(2026, 12, 29)
    assert weekday_of_month(fifth_tuesday) == -1
    assert cadence_dates(fifth_tuesday, "monthly", 3) == [
        date(2026, 12, 29),
        date(2027, 1, 26),
        date(2027, 2, 23),
    ]


def test_fortnightly_steps_two_weeks() -> None:
    assert cadence_dates(SECOND_TUESDAY, "fortnightly", 3) == [
        date(2026, 12, 8),
        date(2026, 12, 22),
        date(2027, 1, 5),
    ]


def test_refuses_what_it_cannot_plan() -> None:
    assert cadence_dates(SECOND_TUESDAY, "monthly", 0) == []
    with pytest.raises(ValueError, match="cadence"):
        cadence_dates(SECOND_TUESDAY, "yearly", 2)
    with pytest.raises(ValueError, match="negative"):
        cadence_dates(SECOND_TUESDAY, "monthly", -1)
    with pytest.raises(ValueError, match="n must"):
        nth_weekday(2026, 12, 1, 5)


@given(
    first=st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 12, 31)),
    count=st.integers(min_value=1, max_value=12),
)
def test_monthly_dates_are_one_a_month_on_the_same_weekday(first: date, count: int) -> None:
    found = cadence_dates(first, "monthly", count)
    assert found[0] == first
    assert len(found) == count
    n = weekday_of_month(first)
    for step, day in enumerate(found):
        assert day.weekday() == first.weekday()
        months = first.month - 1 + step
        assert (day.year, day.month) == (first.year + months // 12, months % 12 + 1)
        if n == -1:
            assert (day + timedelta(weeks=1)).month != day.month  # the last one
        else:
            assert weekday_of_month(day) == n


@given(
    first=st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 12, 31)),
    count=st.integers(min_value=1, max_value=12),
)
def test_fortnightly_dates_are_fourteen_days_apart(first: date, count: int) -> None:
    found = cadence_dates(first, "fortnightly", count)
    assert found == [first + timedelta(weeks=2 * i) for i in range(count)]
