"""Handing an engagement over to a stand-in while its specialist is away.

The stand-in rules are the offers' (:func:`network.specialists.capacity.offer_recipients`):
while the specialist is absent, the stand-in they named for that absence (or, when
that one is away too, theirs) takes over; nobody present: refused, naming why. The
stand-in must be competent in the engagement's area. The stand-in now holds the
request (an accepted assignment; the absent specialist's is withdrawn), the
engagement names them, and the absent specialist's meetings still ahead are
cancelled so that the stand-in books their own. Either side may hand over.
"""

from __future__ import annotations

from network.consultations.access import case_work
from network.consultations.tables import Assignment, Booking
from network.engagements.access import load_engagement, must_be_either_side, must_be_open
from network.engagements.services import audit
from network.engagements.tables import Engagement, EngagementHandover
from network.kernel.case_scope import system_scope
from network.kernel.context import Context
from network.kernel.policy import Action
from network.lib import clock
from network.lib.errors import Conflict
from network.lib.vocab import AssignmentStatus, BookingStatus
from network.specialists.capacity import offer_recipients
from network.specialists.tables import SpecialistCompetence

__all__ = ("NOT_AWAY", "NO_STAND_IN", "hand_over")

NOT_AWAY = "the specialist is not away: there is nothing to hand over"
NO_STAND_IN = "the specialist is away and has named no stand-in who is present"
NOT_COMPETENT = "the stand-in is not competent in the engagement's area"


async def hand_over(ctx: Context, engagement_id: int) -> int:
    """Hand the engagement over to its absent specialist's stand-in: their id."""
    now = clock.now()
    async with case_work(ctx):
        loaded = await load_engagement(ctx.principal, engagement_id, Action.CONSULTATION_UPDATE)
        must_be_either_side(ctx.principal, loaded, Action.CONSULTATION_UPDATE, "hand it over")
        must_be_open(loaded)
        absent = loaded.engagement.specialist
        recipient = (await offer_recipients([absent], now))[absent]
        if recipient == absent:
            raise Conflict(NOT_AWAY, field="specialist")
        if recipient is None:
            raise Conflict(NO_STAND_IN, field="specialist")
        if not await SpecialistCompetence.exists().where(
            (SpecialistCompetence.specialist == recipient)
            & (SpecialistCompetence.area == loaded.engagement.area)
        ):
            raise Conflict(NOT_COMPETENT, field="specialist")
        # Rows that name the stand-in, written by whichever side hands over (ids only).
        async with system_scope(Engagement._meta.db):
            changed = (
                await Engagement.update({Engagement.specialist: recipient})
                .where((Engagement.id == engagement_id) & (Engagement.specialist == absent))
                .returning(Engagement.id)
            )
            if not changed:
                raise Conflict("the engagement changed meanwhile; reload it", field="specialist")
            await Assignment.update(
                {Assignment.status: AssignmentStatus.WITHDRAWN, Assignment.responded_at: now}
            ).where(
                (Assignment.request == loaded.request.id)
                & (Assignment.specialist == absent)
                & (Assignment.status == AssignmentStatus.ACCEPTED)
            )
            await Assignment(
                request=loaded.request.id,
                specialist=recipient,
                origin_municipality=loaded.request.origin_id,
                score=0,
                breakdown={"handover_from": absent},
                status=AssignmentStatus.ACCEPTED,
                created_at=now,
                responded_at=now,
            ).save()
            await Booking.update(
                {
                    Booking.status: BookingStatus.CANCELLED,
                    Booking.cancelled_at: now,
                    Booking.cancel_reason: "handed over to a stand-in",
                }
            ).where(
                (Booking.request == loaded.request.id)
                & (Booking.specialist == absent)
                & (Booking.status == BookingStatus.BOOKED)
                & (Booking.starts_at > now)
            )
            await EngagementHandover(
                engagement=engagement_id,
                origin_municipality=loaded.engagement.origin_municipality,
                from_specialist=absent,
                to_specialist=recipient,
                handed_over_at=now,
                handed_over_by=ctx.principal.user_id,
            ).save()
        await audit(ctx, "engagement.handover", loaded, specialist=absent, stand_in=recipient)
    return recipient
