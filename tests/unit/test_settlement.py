"""Settlement arithmetic: per pair and area, across borders only, rounded once per line."""

from __future__ import annotations

import pytest

from network.consultations.settlement import Given, month_bounds, settle
from network.lib.errors import InvalidInput


def test_lines_per_pair_and_area_across_borders_only() -> None:
    given = [
        Given("0580", "0512", "honour_based_violence", 45),
        Given("0580", "0512", "honour_based_violence", 50),
        Given("0580", "0512", "lvu_investigation", 30),
        Given("0512", "0580", "honour_based_violence", 20),  # the other direction
        Given("0580", "0580", "honour_based_violence", 600),  # own municipality: no settlement
    ]
    lines = settle(given, hourly_rate=1000)
    assert [
        (line.giver, line.receiver, line.area, line.consultations, line.minutes) for line in lines
    ] == [
        ("0512", "0580", "honour_based_violence", 1, 20),
        ("0580", "0512", "honour_based_violence", 2, 95),
        ("0580", "0512", "lvu_investigation", 1, 30),
    ]
    # 95 minutes at 1,000 SEK an hour: 1,583.33 → 1,583; 20 minutes: 333.33 → 333.
    assert [line.amount for line in lines] == [333, 1583, 500]
    assert lines[1].hours == 1.58


def test_amounts_round_half_up_once_per_line() -> None:
    # 3 × 1 minute at 10 SEK an hour is 0.5 SEK: rounded once, up, not 3 × 0.
    lines = settle([Given("a", "b", "x", 1)] * 3, hourly_rate=10)
    assert lines[0].amount == 1
    assert settle([], hourly_rate=1000) == []


def test_month_bounds_in_stockholm_time() -> None:
    start, end = month_bounds("2026-12")
    assert (start.isoformat(), end.isoformat()) == (
        "2026-12-01T00:00:00+01:00",
        "2027-01-01T00:00:00+01:00",
    )
    march, april = month_bounds("2026-03")
    assert april.utcoffset() != march.utcoffset()  # summer time begins in March
    with pytest.raises(InvalidInput):
        month_bounds("2026-13")
