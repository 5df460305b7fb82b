"""Handing an engagement over to a stand-in while its specialist is away.

The stand-in rules are the offers' (:func:`network.specialists.capacity.offer_recipients`):
while the specialist is absent, the stand-in they named for that absence (or, when
that one is away too, theirs) takes over; nobody present: refused, naming why. The
stand-in must be competent in the engagement's area. The stand-in now holds the
request (an accepted assignment; the absent specialist's is withdrawn), the
engagement names them, and the absent specialist's meetings still ahead are
cancelled so that the stand-in books their own. Either side may hand over
(:func:`hand_over`); a periodic pass hands over every open engagement whose
specialist is away and has a stand-in present (:func:`hand_over_absent`, with the
follow-up's cadence), so nobody has to notice first.
"""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager
from datetime import date, datetime
from typing import Any

from network.audit.services import record
from network.consultations.access import case_work
from network.consultations.tables import Assignment, Booking
from network.directory.tables import (
    AgreementArea,
    AgreementMunicipality,
    Municipality,
    SharingAgreement,
)
from network.engagements.access import load_engagement, must_be_either_side, must_be_open
from network.engagements.services import audit
from network.engagements.tables import Engagement, EngagementHandover
from network.kernel.case_scope import system_scope
from network.kernel.context import Actor, Context, Runtime
from network.kernel.policy import Action
from network.lib import clock
from network.lib.errors import Conflict
from network.lib.vocab import (
    AgreementScope,
    AssignmentStatus,
    BookingStatus,
    EngagementPhase,
    NotificationKind,
)
from network.notifications.services import notify
from network.scheduling import STOCKHOLM
from network.server.periodic import periodic
from network.specialists.capacity import offer_recipients
from network.specialists.tables import SpecialistCompetence, SpecialistProfile

__all__ = ("NOT_AWAY", "NO_STAND_IN", "hand_over", "hand_over_absent", "periodic_handover")

NOT_AWAY = "the specialist is not away: there is nothing to hand over"
NO_STAND_IN = "the specialist is away and has named no stand-in who is present"
NOT_ALLOWED = "the stand-in may not co-handle in this area for the municipality"


SYSTEM = Actor(email="system", role="system")


async def _may_co_handle(specialist: int, origin: int, area: int, day: date) -> bool:
    """Whether ``specialist`` may co-handle in ``area`` for the municipality ``origin`` on
    ``day``: competent in it, and at home there or under a valid agreement that covers
    the area and both municipalities and allows co-handling (as matching requires)."""
    if not await SpecialistCompetence.exists().where(
        (SpecialistCompetence.specialist == specialist) & (SpecialistCompetence.area == area)
    ):
        return False
    home = (
        await SpecialistProfile.select(
            SpecialistProfile.home_municipality.as_alias("id"),
            SpecialistProfile.home_municipality._.county.as_alias("county"),
        )
        .where(SpecialistProfile.id == specialist)
        .first()
    )
    place = await Municipality.select(Municipality.county).where(Municipality.id == origin).first()
    if home is None or place is None:
        return False
    if home["id"] == origin:
        return True

    def listing(municipality: int) -> Any:
        return AgreementMunicipality.select(AgreementMunicipality.agreement).where(
            AgreementMunicipality.municipality == municipality
        )

    members: Any = SharingAgreement.id.is_in(listing(home["id"])) & SharingAgreement.id.is_in(
        listing(origin)
    )
    if home["county"] == place["county"]:
        members = members | (SharingAgreement.county == place["county"])
    return bool(
        await SharingAgreement.exists().where(
            (SharingAgreement.scope == AgreementScope.CO_HANDLING)
            & (SharingAgreement.valid_from <= day)
            & (SharingAgreement.valid_to.is_null() | (SharingAgreement.valid_to >= day))
            & SharingAgreement.id.is_in(
                AgreementArea.select(AgreementArea.agreement).where(AgreementArea.area == area)
            )
            & members
        )
    )


async def _transfer(
    *,
    engagement_id: int,
    request_id: int,
    origin: int,
    absent: int,
    recipient: int,
    now: datetime,
    by_user: int | None,
) -> None:
    """Pass the engagement from ``absent`` to ``recipient``: rows that name the stand-in,
    written whoever hands over (ids only, so every case row is in reach)."""
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
            (Assignment.request == request_id)
            & (Assignment.specialist == absent)
            & (Assignment.status == AssignmentStatus.ACCEPTED)
        )
        await Assignment(
            request=request_id,
            specialist=recipient,
            origin_municipality=origin,
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
            (Booking.request == request_id)
            & (Booking.specialist == absent)
            & (Booking.status == BookingStatus.BOOKED)
            & (Booking.starts_at > now)
        )
        await EngagementHandover(
            engagement=engagement_id,
            origin_municipality=origin,
            from_specialist=absent,
            to_specialist=recipient,
            handed_over_at=now,
            handed_over_by=by_user,
        ).save()
        area = (
            await Engagement.select(Engagement.area._.code.as_alias("code"))
            .where(Engagement.id == engagement_id)
            .first()
        )
        stand_in = (
            await SpecialistProfile.select(SpecialistProfile.user)
            .where(SpecialistProfile.id == recipient)
            .first()
        )
    await notify(
        [stand_in["user"] if stand_in else None],
        NotificationKind.ENGAGEMENT_HANDOVER,
        object_type="engagement",
        object_id=engagement_id,
        link=f"/engagements/{engagement_id}",
        params={"area": area["code"] if area else ""},
    )


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
        allowed = await _may_co_handle(
            recipient, loaded.engagement.origin_municipality, loaded.engagement.area, clock.today()
        )
        if not allowed:
            raise Conflict(NOT_ALLOWED, field="specialist")
        await _transfer(
            engagement_id=engagement_id,
            request_id=loaded.request.id,
            origin=loaded.engagement.origin_municipality,
            absent=absent,
            recipient=recipient,
            now=now,
            by_user=ctx.principal.user_id,
        )
        await audit(ctx, "engagement.handover", loaded, specialist=absent, stand_in=recipient)
    return recipient


async def hand_over_absent(runtime: Runtime, *, now: datetime | None = None) -> int:
    """Hand every open engagement whose specialist is away now to the competent
    stand-in present (as the system, audited); how many were handed over. Those with
    nobody to take them stay, for either side to see and act on."""
    now = now or clock.now()
    count = 0
    async with runtime.system_work():
        rows = await Engagement.select(
            Engagement.id,
            Engagement.request,
            Engagement.specialist,
            Engagement.area,
            Engagement.origin_municipality,
            Engagement.origin_municipality._.code.as_alias("municipality"),
            Engagement.origin_municipality._.county._.code.as_alias("county"),
        ).where(Engagement.phase != EngagementPhase.CLOSED)
        recipients = await offer_recipients({row["specialist"] for row in rows}, now)
        for row in rows:
            absent, recipient = row["specialist"], recipients.get(row["specialist"])
            if recipient is None or recipient == absent:
                continue
            day = now.astimezone(STOCKHOLM).date()
            if not await _may_co_handle(recipient, row["origin_municipality"], row["area"], day):
                continue
            await _transfer(
                engagement_id=row["id"],
                request_id=row["request"],
                origin=row["origin_municipality"],
                absent=absent,
                recipient=recipient,
                now=now,
                by_user=None,
            )
            await record(
                SYSTEM,
                "engagement.handover",
                "engagement",
                row["id"],
                municipality=row["municipality"],
                county=row["county"],
                detail={
                    "request": row["request"],
                    "specialist": absent,
                    "stand_in": recipient,
                    "automatic": True,
                },
            )
            count += 1
    return count


def periodic_handover(runtime: Runtime) -> AbstractAsyncContextManager[None]:
    """Run :func:`hand_over_absent` every ``NETWORK_FOLLOWUP_INTERVAL`` seconds while
    the app runs (0: never); with several processes, one at a time."""

    async def work() -> int | None:
        return await hand_over_absent(runtime) or None

    return periodic("engagement-handover", runtime.settings.followup_interval, runtime.locks, work)
