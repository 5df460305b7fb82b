"""Co-handling time in the settlement between municipalities.

The rule: every minute the co-handling specialist logs on an engagement is given by
the specialist's home municipality (when logged) to the municipality the request
came from, in the engagement's competence area, in the month (Europe/Stockholm) of
the day worked. A line counts engagements (each engagement once per line and month)
and sums their minutes; within one municipality nothing is settled (as for
consultations). Read beside the consultations' and conferences' settlements, at the
same hourly rate, by the same :func:`~network.consultations.settlement.settle` and
with the same small-number rule (:func:`~network.consultations.settlement.shown_to`).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from network.audit.services import record
from network.consultations.settlement import Given, month_bounds, settle, shown_to
from network.engagements import schemas
from network.engagements.tables import EngagementTime
from network.kernel.case_scope import system_scope
from network.kernel.context import Context
from network.scheduling import STOCKHOLM

__all__ = ("engagement_given", "engagement_settlement")


async def engagement_given(start: datetime, end: datetime) -> list[Given]:
    """One :class:`Given` per engagement and giver with time logged in [start, end)."""
    first, last = start.astimezone(STOCKHOLM).date(), end.astimezone(STOCKHOLM).date()
    async with system_scope(EngagementTime._meta.db):  # codes and minutes only
        rows = await EngagementTime.select(
            EngagementTime.engagement,
            EngagementTime.giver._.code.as_alias("giver"),
            EngagementTime.origin_municipality._.code.as_alias("receiver"),
            EngagementTime.engagement._.area._.code.as_alias("area"),
            EngagementTime.minutes,
        ).where((EngagementTime.worked_on >= first) & (EngagementTime.worked_on < last))
    minutes: dict[tuple[int, str, str, str], int] = defaultdict(int)
    for row in rows:
        minutes[(row["engagement"], row["giver"], row["receiver"], row["area"])] += row["minutes"]
    return [
        Given(giver=giver, receiver=receiver, area=area, minutes=total)
        for (_, giver, receiver, area), total in sorted(minutes.items())
    ]


async def engagement_settlement(
    ctx: Context, *, month: str, hourly_rate: int
) -> list[schemas.EngagementSettlementLine]:
    """The month's co-handling lines that concern a municipality in the reader's scope."""
    start, end = month_bounds(month)
    async with ctx.work():
        visible = await shown_to(ctx, settle(await engagement_given(start, end), hourly_rate))
        await record(
            ctx.actor,
            "engagement_settlement.read",
            "settlement",
            month,
            detail={"lines": len(visible), "rate": hourly_rate},
        )
    return [
        schemas.EngagementSettlementLine(
            giver=line.giver,
            receiver=line.receiver,
            area=line.area,
            engagements=line.consultations,
            minutes=line.minutes,
            hours=line.hours,
            amount=line.amount,
            suppressed=line.suppressed,
        )
        for line in visible
    ]
