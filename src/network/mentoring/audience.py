"""Who a programme's group parts are for: its mentees.

The mentees of a programme are the new social workers with a live request in it
(waiting for a mentor or matched, in any of its cohorts), each in the municipality
the request was made from. Mentors are not in the audience: the group parts are the
cohort's own (theme meetings, group supervision), the mentoring stays one to one.
"""

from __future__ import annotations

from collections import defaultdict

from network.lib.vocab import MentoringStatus
from network.mentoring.tables import MentoringRequest

__all__ = ("LIVE", "programme_mentees")

LIVE = (MentoringStatus.OPEN, MentoringStatus.MATCHED)


async def programme_mentees(programme_ids: list[int]) -> dict[int, dict[int, tuple[int, str]]]:
    """Per programme id: mentee user id → (municipality id, kommunkod) of their request."""
    found: dict[int, dict[int, tuple[int, str]]] = defaultdict(dict)
    for row in (
        await MentoringRequest.select(
            MentoringRequest.programme,
            MentoringRequest.mentee,
            MentoringRequest.municipality,
            MentoringRequest.municipality._.code.as_alias("code"),
        )
        .where(
            MentoringRequest.programme.is_in(programme_ids or [0])
            & MentoringRequest.status.is_in(list(LIVE))
            & MentoringRequest.municipality.is_not_null()
        )
        .order_by(MentoringRequest.id)
    ):
        found[row["programme"]].setdefault(row["mentee"], (row["municipality"], row["code"]))
    return found
