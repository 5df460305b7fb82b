"""What the co-handling engagements ask of specialists' time, for workload budgets.

:func:`open_engagements` is the one read another part of the app (a workload or
case-point budget) needs: which engagements each specialist holds during a period,
with their urgency and area. Ids and codes only, no case text, so it reads every
engagement whoever asks (:func:`~network.kernel.case_scope.system_scope`).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import NamedTuple

from network.db import among
from network.engagements.tables import Engagement
from network.kernel.case_scope import system_scope

__all__ = ("OpenEngagement", "open_engagements")


class OpenEngagement(NamedTuple):
    """An engagement a specialist holds in a period: what its case points depend on."""

    specialist: int
    engagement: int
    urgency: str
    area: str  # the competence area's code
    county: str  # the code of the requesting municipality's county


async def open_engagements(
    specialist_ids: Iterable[int], start: datetime, end: datetime
) -> list[OpenEngagement]:
    """Each engagement that the specialists hold now (after any handover) and that is
    open during [start, end): opened before ``end`` and not closed before ``start``;
    ordered by specialist, then engagement."""
    ids = sorted(set(specialist_ids))
    if not ids or end <= start:
        return []
    async with system_scope(Engagement._meta.db):
        rows = (
            await Engagement.select(
                Engagement.specialist,
                Engagement.id,
                Engagement.urgency,
                Engagement.area._.code.as_alias("area"),
                Engagement.origin_municipality._.county._.code.as_alias("county"),
            )
            .where(
                among(Engagement.specialist, ids)
                & (Engagement.opened_at < end)
                & (Engagement.closed_at.is_null() | (Engagement.closed_at >= start))
            )
            .order_by(Engagement.specialist)
            .order_by(Engagement.id)
        )
    return [
        OpenEngagement(row["specialist"], row["id"], row["urgency"], row["area"], row["county"])
        for row in rows
    ]
