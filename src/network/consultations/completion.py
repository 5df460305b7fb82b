"""Completing a consultation with its short, mandatory close-out survey.

The requester's side completes it: a meeting once it has taken place, a written
consultation once the specialist has answered. The survey (helpful 1–5, changed
risk assessment, escalation, placement or referral avoided or made) has no free
text; its aggregates feed the FoU views.
"""

from __future__ import annotations

from datetime import datetime

from network.consultations import schemas
from network.consultations.access import RequestRow, authorize, case_work, load_visible
from network.consultations.lifecycle import check_transition
from network.consultations.requests import audit, set_status
from network.consultations.responses import ON_ENGAGEMENT
from network.consultations.tables import Booking, Feedback
from network.kernel.context import Context
from network.kernel.policy import Action
from network.lib import clock
from network.lib.errors import Conflict
from network.lib.vocab import BookingStatus, ConsultationKind, ConsultationStatus

__all__ = ("close_with_survey", "complete")


async def close_with_survey(
    ctx: Context, request: RequestRow, survey: schemas.Survey, now: datetime
) -> None:
    """Store the requester's close-out survey and close the request (inside the
    caller's case transaction): a consultation's, or a co-handling engagement's."""
    await Feedback(
        request=request.id,
        origin_municipality=request.origin_id,
        author=ctx.principal.user_id,
        helpful=survey.helpful,
        changed_risk_assessment=survey.changed_risk_assessment,
        escalation_avoided=survey.escalation_avoided,
        placement_avoided=survey.placement_avoided,
        referral_avoided=survey.referral_avoided,
        referral_made=survey.referral_made,
        created_at=now,
    ).save()
    await set_status(request, ConsultationStatus.COMPLETED, closed_at=now)


async def complete(
    ctx: Context,
    request_id: int,
    survey: schemas.Survey,
    *,
    now: datetime | None = None,
) -> None:
    now = now or clock.now()
    async with case_work(ctx):
        request = await load_visible(ctx.principal, request_id, Action.CONSULTATION_UPDATE)
        authorize(ctx.principal, Action.CONSULTATION_UPDATE, request)
        if request.kind == ConsultationKind.CO_HANDLING:
            raise Conflict(ON_ENGAGEMENT, field="kind")
        check_transition(request.status, ConsultationStatus.COMPLETED)
        if request.kind == ConsultationKind.WRITTEN:
            if request.first_answer_at is None:
                raise Conflict("the specialist has not answered yet", field="status")
        else:
            meeting = (
                await Booking.select(Booking.starts_at)
                .where((Booking.request == request_id) & (Booking.status == BookingStatus.BOOKED))
                .first()
            )
            if meeting is None or meeting["starts_at"] > now:
                raise Conflict("the meeting has not taken place yet", field="status")
        await close_with_survey(ctx, request, survey, now)
        await audit(ctx.actor, "consultation.complete", request, helpful=survey.helpful)
