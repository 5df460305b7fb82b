"""Demand figures and the suppression of small numbers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from network.graph.demand import RequestFact, demand, monthly
from network.privacy.small_numbers import MIN_GROUP, shown

OPENED = datetime(2026, 10, 5, 9, 0, tzinfo=UTC)


def fact(
    where: str = "0580", *, wait_days: float | None = None, unplaced: bool = False
) -> RequestFact:
    meeting = OPENED + timedelta(days=wait_days) if wait_days is not None else None
    return RequestFact(where, "lvu", OPENED, meeting, unplaced)


def test_counts_from_one_to_four_are_suppressed_and_zero_is_shown() -> None:
    assert [shown(n) for n in range(7)] == [0, None, None, None, None, 5, 6]
    assert MIN_GROUP == 5


def test_a_small_group_shows_nothing_computed_from_it() -> None:
    facts = [fact("0512", wait_days=3)] * (MIN_GROUP - 1)
    (row,) = demand(facts, {"0512": 3_700}).values()
    assert row.suppressed
    assert (row.requests, row.per_10k, row.unplaced, row.median_days_to_meeting) == (
        None,
        None,
        None,
        None,
    )


def test_figures_of_a_large_enough_group() -> None:
    facts = (
        [fact(wait_days=d) for d in (1, 2, 3, 4, 10)]
        + [fact(unplaced=True)] * 5
        + [fact(unplaced=True)] * 2
    )
    row = demand(facts, {"0580": 167_000})[("0580", "lvu")]
    assert row.requests == 12
    assert row.per_10k == round(12 / 167_000 * 10_000, 2)
    assert row.unplaced == 7
    assert row.median_days_to_meeting == 3.0


def test_few_unplaced_or_few_meetings_are_suppressed_on_their_own() -> None:
    facts = [fact(wait_days=2)] * 4 + [fact()] * 4 + [fact(unplaced=True)] * 2
    row = demand(facts, {"0580": 167_000})[("0580", "lvu")]
    assert row.requests == 10
    assert row.unplaced is None  # 2 unplaced could point to someone
    assert row.median_days_to_meeting is None  # from 4 meetings only


def test_monthly_points_follow_the_months_asked_for() -> None:
    october = [fact(wait_days=1)] * 6
    november = [RequestFact("0580", "lvu", datetime(2026, 11, 2, tzinfo=UTC), None, True)] * 3
    points = monthly(october + november, ["2026-09", "2026-10", "2026-11"])
    assert [(p.month, p.requests) for p in points] == [
        ("2026-09", 0),
        ("2026-10", 6),
        ("2026-11", None),
    ]
    assert points[1].median_days_to_meeting == 1.0
    assert points[1].unplaced == 0


def test_a_hidden_count_cannot_be_worked_out_from_the_areas_total() -> None:
    # The monthly trends add up to the area's total over the county (8): with
    # Östersund's 6 shown, Ragunda's hidden 2 would be 8 − 6. Both are hidden.
    facts = [fact("2380", wait_days=4)] * 6 + [fact("2303", wait_days=4)] * 2
    found = demand(facts, {"2380": 65_000, "2303": 5_300})
    assert found[("2380", "lvu")].requests is None
    assert found[("2380", "lvu")].median_days_to_meeting is None
    assert found[("2303", "lvu")].requests is None
    # with a third municipality, the smallest shown count is hidden with the small one
    more = facts + [fact("0180", wait_days=2)] * 10
    found = demand(more, {"2380": 65_000, "2303": 5_300, "0180": 980_000})
    assert found[("0180", "lvu")].requests == 10
    assert found[("2380", "lvu")].requests is None
    assert found[("2303", "lvu")].requests is None
    shown_sum = sum(d.requests or 0 for d in found.values())
    assert len(more) - shown_sum >= MIN_GROUP  # what is hidden adds up to 5 or more


def test_unplaced_counts_are_protected_alike() -> None:
    facts = (
        [fact("0180", unplaced=True)] * 6
        + [fact("0180")] * 4
        + [fact("2380", unplaced=True)] * 2
        + [fact("2380")] * 8
    )
    found = demand(facts, {"0180": 980_000, "2380": 65_000})
    assert found[("0180", "lvu")].requests == 10
    assert found[("2380", "lvu")].requests == 10
    assert found[("2380", "lvu")].unplaced is None  # 2
    assert found[("0180", "lvu")].unplaced is None  # else 8 − 6 gives it
