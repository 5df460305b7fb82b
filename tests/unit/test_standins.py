"""Who receives an offer while a specialist is away: themself, their stand-in, the
stand-in's stand-in, or nobody (away without one, or a loop)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from network.scheduling import Away, offer_recipient

NOW = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)
WEEK = Away(NOW - timedelta(days=1), NOW + timedelta(days=6))


def away(stand_in: int | None) -> Away:
    return Away(WEEK.start, WEEK.end, stand_in)


def test_present_specialist_receives_their_own_offers() -> None:
    assert offer_recipient(1, {}, NOW) == 1
    ended = Away(NOW - timedelta(days=3), NOW)  # ends exactly now: back again
    later = Away(NOW + timedelta(hours=1), NOW + timedelta(days=2), 2)
    assert offer_recipient(1, {1: [ended, later]}, NOW) == 1


def test_absent_specialist_passes_offers_to_the_stand_in() -> None:
    assert offer_recipient(1, {1: [away(2)]}, NOW) == 2


def test_chain_of_stand_ins_is_followed() -> None:
    assert offer_recipient(1, {1: [away(2)], 2: [away(3)]}, NOW) == 3


@pytest.mark.parametrize(
    "absences",
    [
        {1: [away(None)]},  # away, nobody named
        {1: [away(2)], 2: [away(None)]},  # the stand-in is away too, with nobody
        {1: [away(2)], 2: [away(1)]},  # a loop
        {1: [away(1)]},  # names themself
    ],
)
def test_nobody_when_the_chain_ends_away(absences: dict[int, list[Away]]) -> None:
    assert offer_recipient(1, absences, NOW) is None


def test_naive_time_is_refused() -> None:
    with pytest.raises(ValueError, match="time zone"):
        offer_recipient(1, {}, NOW.replace(tzinfo=None))
