"""The planned dates of a standing series (pure): the first weekday on or after the
first date, weekly or fortnightly steps, the window and the series' last day."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest

from network.scheduling import STOCKHOLM, first_on_weekday, local_period, planned_dates

WEDNESDAY = date(2026, 12, 2)


def test_the_first_meeting_is_the_first_such_weekday() -> None:
    assert first_on_weekday(WEDNESDAY, 2) == WEDNESDAY
    assert first_on_weekday(WEDNESDAY, 0) == date(2026, 12, 7)
    assert first_on_weekday(WEDNESDAY, 1) == date(2026, 12, 8)
    with pytest.raises(ValueError, match="weekday"):
        first_on_weekday(WEDNESDAY, 7)


def test_weekly_and_fortnightly_dates_in_the_window() -> None:
    weekly = planned_dates(WEDNESDAY, 0, 1, start=WEDNESDAY, until=date(2026, 12, 28))
    assert weekly == [date(2026, 12, 7), date(2026, 12, 14), date(2026, 12, 21), date(2026, 12, 28)]
    fortnightly = planned_dates(WEDNESDAY, 0, 2, start=WEDNESDAY, until=date(2027, 1, 31))
    assert fortnightly == [
        date(2026, 12, 7),
        date(2026, 12, 21),
        date(2027, 1, 4),
        date(2027, 1, 18),
    ]


def test_a_later_window_keeps_the_fortnightly_rhythm() -> None:
    # From the 14th (an "off" Monday) the next meeting is the 21st, not the 14th.
    assert planned_dates(WEDNESDAY, 0, 2, start=date(2026, 12, 14), until=date(2027, 1, 5)) == [
        date(2026, 12, 21),
        date(2027, 1, 4),
    ]
    assert planned_dates(WEDNESDAY, 0, 2, start=date(2026, 12, 15), until=date(2026, 12, 21)) == [
        date(2026, 12, 21)
    ]


def test_the_last_day_ends_the_series() -> None:
    assert planned_dates(
        WEDNESDAY, 0, 1, start=WEDNESDAY, until=date(2027, 3, 1), end=date(2026, 12, 14)
    ) == [date(2026, 12, 7), date(2026, 12, 14)]
    assert planned_dates(WEDNESDAY, 0, 1, start=WEDNESDAY, until=date(2026, 12, 6)) == []
    with pytest.raises(ValueError, match="every_weeks"):
        planned_dates(WEDNESDAY, 0, 0, start=WEDNESDAY, until=WEDNESDAY)


def test_a_meeting_keeps_its_local_time_across_the_change_to_summer_time() -> None:
    before, _ = local_period(date(2027, 3, 22), time(10), 45)
    after, end = local_period(date(2027, 3, 29), time(10), 45)
    assert before.astimezone(STOCKHOLM).hour == after.astimezone(STOCKHOLM).hour == 10
    assert before.utcoffset() == timedelta(hours=1)
    assert after.utcoffset() == timedelta(hours=2)
    assert end - after == timedelta(minutes=45)
