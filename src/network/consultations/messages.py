"""The short threaded exchange of a written consultation.

The requester's side and the specialist who accepted write; the first message from
the specialist is the first answer, whose time is measured against the target
(1 working day for acute requests, 3 for the rest).
"""

from __future__ import annotations

from network.consultations import schemas
from network.consultations.access import RequestRow, authorize, case_work, load_visible, refused
from network.consultations.notices import tell_message
from network.consultations.requests import audit
from network.consultations.tables import ConsultationMessage, ConsultationRequest
from network.kernel.context import Context
from network.kernel.policy import Action, Principal, decide
from network.lib import clock
from network.lib.deidentified import required_text
from network.lib.errors import Conflict
from network.lib.vocab import ConsultationKind, ConsultationStatus

__all__ = ("list_messages", "post_message")

MAX_MESSAGES = 200
THREAD = "consultation_thread"  # the audit's name for a request's message thread


def _side(principal: Principal, request: RequestRow) -> bool:
    """True when ``principal`` writes as the specialist, False as the requester's side."""
    if (
        principal.specialist_id is not None
        and principal.specialist_id == request.accepted_by
        and decide(principal, Action.CONSULTATION_RESPOND, request.target())
    ):
        return True
    if decide(principal, Action.CONSULTATION_UPDATE, request.target()):
        return False
    raise refused(
        "only the requester's side and the specialist who took it write here",
        Action.CONSULTATION_READ,
        request,
        THREAD,
    )


async def post_message(ctx: Context, request_id: int, body: str) -> schemas.Message:
    body = required_text("body", body, empty="write something")
    now = clock.now()
    async with case_work(ctx):
        request = await load_visible(
            ctx.principal, request_id, Action.CONSULTATION_READ, object_type=THREAD
        )
        from_specialist = _side(ctx.principal, request)
        if request.kind != ConsultationKind.WRITTEN:
            raise Conflict("only written consultations have a message thread", field="id")
        if request.status != ConsultationStatus.ACCEPTED:
            raise Conflict(f"a {request.status} consultation takes no messages", field="status")
        count = await ConsultationMessage.count().where(ConsultationMessage.request == request_id)
        if count >= MAX_MESSAGES:
            raise Conflict("the thread is full; complete the consultation", field="body")
        message = ConsultationMessage(
            request=request_id,
            origin_municipality=request.origin_id,
            author=ctx.principal.user_id,
            from_specialist=from_specialist,
            body=body,
            created_at=now,
        )
        await message.save()
        if from_specialist and request.first_answer_at is None:
            await ConsultationRequest.update({ConsultationRequest.first_answer_at: now}).where(
                ConsultationRequest.id == request_id
            )
        await audit(ctx.actor, "consultation.message", request, from_specialist=from_specialist)
        await tell_message(request, from_specialist=from_specialist)
    return schemas.Message(
        id=int(message.id),
        from_specialist=from_specialist,
        author_name=None,
        body=body,
        created_at=now,
    )


async def list_messages(ctx: Context, request_id: int) -> list[schemas.Message]:
    async with case_work(ctx):
        request = await load_visible(
            ctx.principal, request_id, Action.CONSULTATION_READ, object_type=THREAD
        )
        authorize(ctx.principal, Action.CONSULTATION_READ, request, object_type=THREAD)
        rows = (
            await ConsultationMessage.select(
                ConsultationMessage.id,
                ConsultationMessage.from_specialist,
                ConsultationMessage.author._.display_name.as_alias("author_name"),
                ConsultationMessage.body,
                ConsultationMessage.created_at,
            )
            .where(ConsultationMessage.request == request_id)
            .order_by(ConsultationMessage.created_at)
            .order_by(ConsultationMessage.id)
        )
        await audit(ctx.actor, "consultation.messages_read", request, count=len(rows))
    return [schemas.Message(**row) for row in rows]
