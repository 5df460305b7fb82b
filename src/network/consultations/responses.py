"""The specialist's side: accept or decline an offer (with a reason), log time spent.

Accepting takes the consultation's case points from the specialist's weekly budget
(:func:`network.specialists.workload.take_points`): refused, naming the points,
when they do not fit."""

from __future__ import annotations

from network.consultations.access import (
    RequestRow,
    authorize,
    case_work,
    load_visible,
    refused,
)
from network.consultations.lifecycle import check_transition
from network.consultations.notices import tell_requester
from network.consultations.requests import audit, set_status
from network.consultations.tables import Assignment, ConsultationRequest
from network.kernel.context import Context
from network.kernel.policy import Action, Principal
from network.lib import clock
from network.lib.deidentified import required_text
from network.lib.errors import Conflict
from network.lib.vocab import (
    AssignmentStatus,
    ConsultationKind,
    ConsultationStatus,
    NotificationKind,
)
from network.specialists.workload import consultation_points, load_points_table, take_points

__all__ = ("CO_HANDLING_ACCEPT", "ON_ENGAGEMENT", "accept", "decline", "log_time")


def _must_hold_offer(principal: Principal, request: RequestRow) -> None:
    if request.offered_to is None or request.offered_to != principal.specialist_id:
        raise refused(
            "only the specialist it is offered to may answer this offer",
            Action.CONSULTATION_RESPOND,
            request,
        )


async def _close_offer(request: RequestRow, status: AssignmentStatus, **extra: object) -> None:
    await Assignment.update(
        {
            Assignment.status: status,
            Assignment.responded_at: clock.now(),
            **{getattr(Assignment, name): value for name, value in extra.items()},
        }
    ).where(
        (Assignment.request == request.id)
        & (Assignment.specialist == request.offered_to)
        & (Assignment.status == AssignmentStatus.OFFERED)
    )


CO_HANDLING_ACCEPT = "a co-handling offer is accepted as an engagement"
# Once accepted, a co-handling request's time, close-out and end are its engagement's.
ON_ENGAGEMENT = "a co-handling request is handled on its engagement"


async def accept(ctx: Context, request_id: int, *, co_handling: bool = False) -> RequestRow:
    """Take on an offered request; a meeting is booked next, a written one answered.

    A co-handling request is accepted only together with its engagement
    (``network.engagements.opening.accept``, which passes ``co_handling``)."""
    async with case_work(ctx):
        request = await load_visible(ctx.principal, request_id, Action.CONSULTATION_RESPOND)
        authorize(ctx.principal, Action.CONSULTATION_RESPOND, request)
        _must_hold_offer(ctx.principal, request)
        if (request.kind == ConsultationKind.CO_HANDLING) != co_handling:
            raise Conflict(
                "is not a co-handling request" if co_handling else CO_HANDLING_ACCEPT,
                field="kind",
            )
        check_transition(request.status, ConsultationStatus.ACCEPTED)
        assert request.offered_to is not None
        table = await load_points_table()
        points = consultation_points(
            table,
            kind=request.kind,
            urgency=request.urgency,
            area=request.area,
            county=request.county,
        )
        await take_points(request.offered_to, points, clock.today(), field="request", table=table)
        await _close_offer(request, AssignmentStatus.ACCEPTED)
        await set_status(request, ConsultationStatus.ACCEPTED, accepted_at=clock.now())
        await audit(
            ctx.actor, "consultation.accept", request, specialist=ctx.principal.specialist_id
        )
        await tell_requester(request, NotificationKind.OFFER_ACCEPTED)
    return request


async def decline(ctx: Context, request_id: int, reason: str) -> RequestRow:
    """Turn an offer down with a reason; the requester may offer it to someone else."""
    reason = required_text("reason", reason)
    async with case_work(ctx):
        request = await load_visible(ctx.principal, request_id, Action.CONSULTATION_RESPOND)
        authorize(ctx.principal, Action.CONSULTATION_RESPOND, request)
        _must_hold_offer(ctx.principal, request)
        check_transition(request.status, ConsultationStatus.DECLINED)
        await _close_offer(request, AssignmentStatus.DECLINED, decline_reason=reason)
        await set_status(request, ConsultationStatus.DECLINED)
        await audit(
            ctx.actor, "consultation.decline", request, specialist=ctx.principal.specialist_id
        )
        await tell_requester(request, NotificationKind.OFFER_DECLINED)
    return request


async def log_time(ctx: Context, request_id: int, minutes: int) -> None:
    """Record the minutes the accepting specialist spent on the consultation in all."""
    async with case_work(ctx):
        request = await load_visible(ctx.principal, request_id, Action.CONSULTATION_RESPOND)
        authorize(ctx.principal, Action.CONSULTATION_RESPOND, request)
        if request.kind == ConsultationKind.CO_HANDLING:
            raise Conflict(ON_ENGAGEMENT, field="kind")
        if request.accepted_by is None or request.accepted_by != ctx.principal.specialist_id:
            raise refused(
                "only the specialist who took the consultation logs its time",
                Action.CONSULTATION_RESPOND,
                request,
            )
        if request.status not in (
            ConsultationStatus.ACCEPTED,
            ConsultationStatus.BOOKED,
            ConsultationStatus.COMPLETED,
        ):
            raise Conflict(f"a {request.status} request has no time to log", field="status")
        await ConsultationRequest.update({ConsultationRequest.minutes_spent: minutes}).where(
            ConsultationRequest.id == request_id
        )
        await audit(ctx.actor, "consultation.time", request, minutes=minutes)
