"""Accepting a co-handling offer opens its engagement, in one transaction.

The social worker asks through the consultation request pipeline (kind
``co_handling``: the form and ``POST /api/v1/consultations``, the guard,
suggestions, offers and rounds, matched only under agreements that allow
co-handling). When the specialist accepts the offer, the engagement opens between
them and the requesting unit in its first phase, "investigation opened", expected
to end on the request's latest useful date or four months on (the time limit of a
child investigation, SoL 11 kap. 2 §).
"""

from __future__ import annotations

from datetime import timedelta

from network.consultations import responses
from network.consultations.access import case_work
from network.consultations.requests import audit
from network.engagements.tables import Engagement, EngagementPhaseChange
from network.kernel.context import Context
from network.lib import clock
from network.lib.errors import Conflict
from network.lib.vocab import EngagementPhase

__all__ = ("INVESTIGATION_DAYS", "accept")

INVESTIGATION_DAYS = 120


async def accept(ctx: Context, request_id: int) -> int:
    """Accept the co-handling offer held by ``ctx.principal``: the new engagement's id."""
    now = clock.now()
    async with case_work(ctx):
        request = await responses.accept(ctx, request_id, co_handling=True)
        if ctx.principal.specialist_id is None:  # (responses.accept refuses first)
            raise Conflict("only a specialist accepts", field="request")
        expected = request.latest_date or clock.today() + timedelta(days=INVESTIGATION_DAYS)
        engagement = Engagement(
            request=request.id,
            origin_municipality=request.origin_id,
            requester=request.requester,
            specialist=ctx.principal.specialist_id,
            area=request.area_id,
            urgency=request.urgency,
            phase=EngagementPhase.INVESTIGATION_OPENED,
            opened_at=now,
            expected_end=expected,
        )
        await engagement.save()
        await EngagementPhaseChange(
            engagement=engagement.id,
            origin_municipality=request.origin_id,
            phase=EngagementPhase.INVESTIGATION_OPENED,
            changed_at=now,
            changed_by=ctx.principal.user_id,
        ).save()
        await audit(ctx.actor, "engagement.open", request, engagement=int(engagement.id))
    return int(engagement.id)
