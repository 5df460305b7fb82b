"""Response times: working-day targets across weekends, medians, and suppression of
groups too small to show."""

from __future__ import annotations

from datetime import datetime, timedelta

from network.consultations.response_times import (
    MIN_GROUP,
    Opened,
    answer_deadline,
    response_times,
)
from network.scheduling import STOCKHOLM

FRIDAY = datetime(2026, 11, 27, 15, 0, tzinfo=STOCKHOLM)


def test_working_day_targets_skip_the_weekend() -> None:
    assert answer_deadline(FRIDAY, "acute") == datetime(2026, 11, 30, 15, 0, tzinfo=STOCKHOLM)
    thursday = FRIDAY - timedelta(days=1)
    assert answer_deadline(thursday, "planned") == datetime(2026, 12, 1, 15, 0, tzinfo=STOCKHOLM)
    assert answer_deadline(thursday, "soon") == answer_deadline(thursday, "planned")


def opened(hours_to_answer: float | None, *, urgency: str = "acute", where: str = "0512") -> Opened:
    answer = None if hours_to_answer is None else FRIDAY + timedelta(hours=hours_to_answer)
    return Opened(
        area="honour_based_violence",
        municipality=where,
        urgency=urgency,
        written=True,
        opened_at=FRIDAY,
        first_answer_at=answer,
        accepted_at=FRIDAY + timedelta(hours=1),
        meeting_at=None,
    )


def test_medians_and_share_answered_within_target() -> None:
    # Acute from Friday 15:00: the target is Monday 15:00, 72 hours later.
    rows = response_times([opened(h) for h in (2, 10, 70, 80, None)])
    assert len(rows) == 1
    row = rows[0]
    assert row.requests == 5
    assert row.median_hours_to_first_answer == 40.0  # median of 2, 10, 70, 80
    assert row.median_hours_to_accepted == 1.0
    assert row.median_hours_to_meeting is None
    assert row.answered_within_target == 0.6  # 3 of the 5 written ones


def test_small_groups_are_suppressed() -> None:
    rows = response_times(
        [opened(1, where="0512")] * (MIN_GROUP - 1) + [opened(1, where="0580")] * MIN_GROUP
    )
    by_place = {row.municipality: row for row in rows}
    small = by_place["0512"]
    assert small.requests is None
    assert small.median_hours_to_first_answer is None
    assert small.answered_within_target is None
    assert by_place["0580"].requests == MIN_GROUP
