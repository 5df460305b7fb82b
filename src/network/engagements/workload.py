"""What the co-handling engagements ask of specialists' time, for workload budgets.

:func:`open_engagements` is the one read another part of the app (a workload or
case-point budget) needs: which engagements each specialist holds during a period,
with their urgency and area. Ids and codes only, no case text, so it reads every
engagement whoever asks (:func:`~network.kernel.case_scope.system_scope`).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from network.db import among
from network.engagements.tables import Engagement
from network.kernel.case_scope import system_scope

__all__ = ("open_engagements",)


async def open_engagements(
    specialist_ids: Iterable[int], start: datetime, end: datetime
) -> list[tuple[int, str, int]]:
    """``(specialist_id, urgency, area_id)`` of each engagement that the specialists
    hold now and that is open during [start, end): opened before ``end`` and not
    closed before ``start``; ordered by specialist, then engagement."""
    ids = sorted(set(specialist_ids))
    if not ids or end <= start:
        return []
    async with system_scope(Engagement._meta.db):
        rows = (
            await Engagement.select(Engagement.specialist, Engagement.urgency, Engagement.area)
            .where(
                among(Engagement.specialist, ids)
                & (Engagement.opened_at < end)
                & (Engagement.closed_at.is_null() | (Engagement.closed_at >= start))
            )
            .order_by(Engagement.specialist)
            .order_by(Engagement.id)
        )
    return [(row["specialist"], row["urgency"], row["area"]) for row in rows]
