"""The use cases of a running co-handling engagement, for the API and the pages alike:
reading and listing, the next phase, the expected end, its meetings (booked from the
specialist's free slots), the written thread, time logged, and the close-out.

Every text passes the de-identification guard before it is stored; every read and
change is audited and runs in a case transaction (row-level security on PostgreSQL).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from network.audit.services import record
from network.consultations import schemas as consultation_schemas
from network.consultations.access import case_work, refused, unseen
from network.consultations.bookings import aware, insert_booking, stored
from network.consultations.completion import close_with_survey
from network.consultations.lifecycle import check_transition
from network.consultations.notices import tell_booking, tell_message
from network.consultations.repository import visible_cases
from network.consultations.tables import (
    Booking,
    ConsultationMessage,
    ConsultationRequest,
    Feedback,
)
from network.engagements import schemas
from network.engagements.access import (
    ENGAGEMENT,
    Loaded,
    load_engagement,
    must_be_either_side,
    must_be_open,
    requester_side,
    specialist_side,
)
from network.engagements.lifecycle import check_phase, next_phases
from network.engagements.tables import (
    Engagement,
    EngagementHandover,
    EngagementPhaseChange,
    EngagementTime,
)
from network.kernel.context import Context
from network.kernel.policy import Action, visible_scope
from network.lib import clock
from network.lib.deidentified import require_deidentified, required_text
from network.lib.errors import Conflict, InvalidInput
from network.lib.vocab import (
    BookingStatus,
    ConsultationStatus,
    EngagementPhase,
    MeetingMode,
    NotificationKind,
    Referral,
)
from network.scheduling import STOCKHOLM
from network.specialists.services import specialist_slots
from network.specialists.tables import SpecialistProfile

__all__ = (
    "MAX_LIST",
    "MAX_MESSAGES",
    "advance",
    "audit",
    "book_meeting",
    "close",
    "engagement_of",
    "free_slots",
    "get",
    "list_engagements",
    "log_time",
    "post_message",
    "set_expected_end",
)

MAX_LIST = 500
MAX_MESSAGES = 500
MAX_EXPECTED_DAYS = 366
SLOT_DAYS = 21


async def audit(ctx: Context, action: str, loaded: Loaded, **detail: Any) -> None:
    await record(
        ctx.actor,
        action,
        ENGAGEMENT,
        loaded.engagement.id,
        municipality=loaded.request.municipality,
        county=loaded.request.county,
        detail={"request": loaded.request.id, **detail},
    )


_ITEM_COLUMNS = (
    Engagement.id,
    Engagement.request,
    Engagement.phase,
    Engagement.area._.code.as_alias("area"),
    Engagement.area._.name_sv.as_alias("area_name_sv"),
    Engagement.area._.name_en.as_alias("area_name_en"),
    Engagement.origin_municipality._.code.as_alias("municipality"),
    Engagement.origin_municipality._.name.as_alias("municipality_name"),
    Engagement.specialist,
    Engagement.specialist._.user._.display_name.as_alias("specialist_name"),
    Engagement.opened_at,
    Engagement.expected_end,
    Engagement.closed_at,
)


async def list_engagements(
    ctx: Context, *, open_only: bool = False
) -> list[schemas.EngagementItem]:
    """The engagements ``ctx.principal`` may see: their own as requester or as the
    co-handling specialist, and those of their municipalities or county."""
    scope = visible_scope(ctx.principal, Action.CONSULTATION_READ)
    condition: Any = visible_cases(
        scope,
        never=Engagement.id < 0,
        origin=Engagement.origin_municipality,
        requester=Engagement.requester,
    )
    if ctx.principal.specialist_id is not None:
        condition = condition | (Engagement.specialist == ctx.principal.specialist_id)
    if open_only:
        condition = condition & (Engagement.phase != EngagementPhase.CLOSED)
    async with ctx.work():
        rows = (
            await Engagement.select(*_ITEM_COLUMNS)
            .where(condition)
            .order_by(Engagement.opened_at, ascending=False)
            .limit(MAX_LIST)
        )
        await record(ctx.actor, "engagement.list", ENGAGEMENT, None, detail={"count": len(rows)})
    return [schemas.EngagementItem(**row) for row in rows]


async def get(ctx: Context, engagement_id: int) -> schemas.EngagementDetail:
    """One engagement, whole, for its two sides and its municipality's readers (audited)."""
    async with case_work(ctx):
        loaded = await load_engagement(ctx.principal, engagement_id, Action.CONSULTATION_READ)
        request_id = loaded.request.id
        item = await Engagement.select(*_ITEM_COLUMNS).where(Engagement.id == engagement_id).first()
        asked = (
            await ConsultationRequest.select(ConsultationRequest.summary, ConsultationRequest.mode)
            .where(ConsultationRequest.id == request_id)
            .first()
        )
        phases = (
            await EngagementPhaseChange.select(
                EngagementPhaseChange.phase,
                EngagementPhaseChange.changed_at,
                EngagementPhaseChange.changed_by._.display_name.as_alias("changed_by_name"),
            )
            .where(EngagementPhaseChange.engagement == engagement_id)
            .order_by(EngagementPhaseChange.changed_at)
            .order_by(EngagementPhaseChange.id)
        )
        meetings = (
            await Booking.select(Booking.id)
            .where((Booking.request == request_id) & (Booking.status == BookingStatus.BOOKED))
            .order_by(Booking.starts_at)
        )
        messages = (
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
        time = (
            await EngagementTime.select(
                EngagementTime.id,
                EngagementTime.worked_on,
                EngagementTime.minutes,
                EngagementTime.note,
                EngagementTime.specialist,
            )
            .where(EngagementTime.engagement == engagement_id)
            .order_by(EngagementTime.worked_on)
            .order_by(EngagementTime.id)
        )
        handovers = (
            await EngagementHandover.select(
                EngagementHandover.from_specialist,
                EngagementHandover.to_specialist,
                EngagementHandover.handed_over_at,
            )
            .where(EngagementHandover.engagement == engagement_id)
            .order_by(EngagementHandover.handed_over_at)
        )
        survey = (
            await Feedback.select(
                Feedback.helpful,
                Feedback.changed_risk_assessment,
                Feedback.escalation_avoided,
                Feedback.placement_avoided,
                Feedback.referral_avoided,
                Feedback.referral_made,
            )
            .where(Feedback.request == request_id)
            .first()
        )
        booked = [await stored(row["id"]) for row in meetings]
        await audit(ctx, "engagement.read", loaded)
    assert item is not None
    assert asked is not None
    return schemas.EngagementDetail(
        **item,
        summary=asked["summary"],
        urgency=loaded.engagement.urgency,
        mode=asked["mode"],
        next_phases=[p.value for p in next_phases(loaded.engagement.phase)],
        phases=[schemas.PhaseChange(**row) for row in phases],
        meetings=booked,
        messages=[consultation_schemas.Message(**row) for row in messages],
        time=[schemas.TimeEntry(**row) for row in time],
        minutes_logged=sum(row["minutes"] for row in time),
        handovers=[schemas.Handover(**row) for row in handovers],
        survey=None
        if survey is None
        else consultation_schemas.Survey(
            **{k: v for k, v in survey.items() if k != "referral_made"},
            referral_made=Referral(survey["referral_made"] or Referral.NONE),
        ),
        requester_side=requester_side(ctx.principal, loaded),
        specialist_side=specialist_side(ctx.principal, loaded),
    )


async def engagement_of(ctx: Context, request_id: int) -> int:
    """The engagement of a co-handling request the reader may see (one 404 otherwise)."""
    async with case_work(ctx):
        row = await Engagement.select(Engagement.id).where(Engagement.request == request_id).first()
        if row is None:
            raise unseen("no such engagement", ENGAGEMENT, request_id, Action.CONSULTATION_READ)
        await load_engagement(ctx.principal, row["id"], Action.CONSULTATION_READ)
    return int(row["id"])


async def enter_phase(
    ctx: Context, loaded: Loaded, phase: EngagementPhase, now: datetime, **stamps: Any
) -> None:
    """Move the engagement to ``phase`` if it is still in the phase loaded (else
    :class:`Conflict`: someone moved it meanwhile), with its history row."""
    changed = (
        await Engagement.update(
            {
                Engagement.phase: phase,
                **{getattr(Engagement, name): value for name, value in stamps.items()},
            }
        )
        .where(
            (Engagement.id == loaded.engagement.id) & (Engagement.phase == loaded.engagement.phase)
        )
        .returning(Engagement.id)
    )
    if not changed:
        raise Conflict("the engagement changed meanwhile; reload it", field="phase")
    await EngagementPhaseChange(
        engagement=loaded.engagement.id,
        origin_municipality=loaded.engagement.origin_municipality,
        phase=phase,
        changed_at=now,
        changed_by=ctx.principal.user_id,
    ).save()


async def advance(ctx: Context, engagement_id: int, phase: str) -> None:
    """Move the engagement on to ``phase`` (one of its next phases; ``closed`` only
    through :func:`close`, with the survey)."""
    try:
        wanted = EngagementPhase(phase)
    except ValueError:
        raise InvalidInput("no such phase", field="phase") from None
    now = clock.now()
    async with case_work(ctx):
        loaded = await load_engagement(ctx.principal, engagement_id, Action.CONSULTATION_UPDATE)
        must_be_either_side(ctx.principal, loaded, Action.CONSULTATION_UPDATE, "move it on")
        check_phase(loaded.engagement.phase, wanted)
        if wanted is EngagementPhase.CLOSED:
            raise Conflict("an engagement is closed with its close-out survey", field="phase")
        await enter_phase(ctx, loaded, wanted, now)
        await audit(ctx, "engagement.phase", loaded, phase=wanted.value)


async def set_expected_end(ctx: Context, engagement_id: int, day: date) -> None:
    """When the engagement is expected to end (the investigation's decision)."""
    if day < clock.today():
        raise InvalidInput("is in the past", field="expected_end")
    if day > clock.today() + timedelta(days=MAX_EXPECTED_DAYS):
        raise InvalidInput("at most a year ahead", field="expected_end")
    async with case_work(ctx):
        loaded = await load_engagement(ctx.principal, engagement_id, Action.CONSULTATION_UPDATE)
        must_be_either_side(ctx.principal, loaded, Action.CONSULTATION_UPDATE, "change it")
        must_be_open(loaded)
        await Engagement.update({Engagement.expected_end: day}).where(
            Engagement.id == engagement_id
        )
        await audit(ctx, "engagement.expected_end", loaded, expected_end=day.isoformat())


async def free_slots(ctx: Context, engagement_id: int, *, days: int = SLOT_DAYS) -> list[Any]:
    """The co-handling specialist's free slots in the next ``days`` (for booking)."""
    async with case_work(ctx):
        loaded = await load_engagement(ctx.principal, engagement_id, Action.BOOKING_WRITE)
        must_be_either_side(ctx.principal, loaded, Action.BOOKING_WRITE, "book its meetings")
    now = clock.now()
    return await specialist_slots(loaded.engagement.specialist, now, now + timedelta(days=days))


async def book_meeting(
    ctx: Context,
    engagement_id: int,
    *,
    start: datetime,
    mode: MeetingMode | str | None = None,
    now: datetime | None = None,
) -> consultation_schemas.BookingOut:
    """Book one of the engagement's meetings at a free slot of its specialist (the
    specialist's time and weekly capacity, never double-booked)."""
    start = aware(start, "start")
    if mode is not None and MeetingMode(mode) is MeetingMode.WRITTEN:
        raise InvalidInput("a meeting is by phone, video or on site", field="mode")
    now = now or clock.now()
    async with case_work(ctx):
        loaded = await load_engagement(ctx.principal, engagement_id, Action.BOOKING_WRITE)
        must_be_either_side(ctx.principal, loaded, Action.BOOKING_WRITE, "book its meetings")
        must_be_open(loaded)
        chosen = MeetingMode(mode).value if mode is not None else loaded.request.mode
        booking_id = await insert_booking(
            loaded.request, loaded.engagement.specialist, start, chosen, ctx.actor, now
        )
        await ConsultationRequest.update(
            {ConsultationRequest.meeting_at: start.astimezone(UTC)}
        ).where(
            (ConsultationRequest.id == loaded.request.id) & ConsultationRequest.meeting_at.is_null()
        )
        await record(
            ctx.actor,
            "booking.create",
            "booking",
            booking_id,
            municipality=loaded.request.municipality,
            county=loaded.request.county,
            detail={"engagement": engagement_id, "specialist": loaded.engagement.specialist},
        )
        await tell_booking(
            loaded.request,
            loaded.engagement.specialist,
            NotificationKind.BOOKING_CREATED,
            start,
        )
        return await stored(booking_id)


async def post_message(ctx: Context, engagement_id: int, body: str) -> consultation_schemas.Message:
    """Write in the engagement's thread (the requester's side or its specialist)."""
    body = required_text("body", body, empty="write something")
    now = clock.now()
    async with case_work(ctx):
        loaded = await load_engagement(ctx.principal, engagement_id, Action.CONSULTATION_READ)
        from_specialist = specialist_side(ctx.principal, loaded)
        if not from_specialist and not requester_side(ctx.principal, loaded):
            raise refused(
                "only the requester's side and the co-handling specialist write here",
                Action.CONSULTATION_READ,
                loaded.request,
                ENGAGEMENT,
                engagement_id,
            )
        must_be_open(loaded)
        count = await ConsultationMessage.count().where(
            ConsultationMessage.request == loaded.request.id
        )
        if count >= MAX_MESSAGES:
            raise Conflict("the thread is full", field="body")
        message = ConsultationMessage(
            request=loaded.request.id,
            origin_municipality=loaded.request.origin_id,
            author=ctx.principal.user_id,
            from_specialist=from_specialist,
            body=body,
            created_at=now,
        )
        await message.save()
        if from_specialist and loaded.request.first_answer_at is None:
            await ConsultationRequest.update({ConsultationRequest.first_answer_at: now}).where(
                ConsultationRequest.id == loaded.request.id
            )
        await audit(ctx, "engagement.message", loaded, from_specialist=from_specialist)
        await tell_message(loaded.request, from_specialist=from_specialist)
    return consultation_schemas.Message(
        id=int(message.id),
        from_specialist=from_specialist,
        author_name=None,
        body=body,
        created_at=now,
    )


async def log_time(ctx: Context, engagement_id: int, data: schemas.TimeIn) -> schemas.TimeEntry:
    """Minutes the co-handling specialist worked on the engagement on one day (the
    note de-identified); they count in the settlement between municipalities."""
    note = require_deidentified("note", data.note).strip()
    today = clock.today()
    worked_on = data.worked_on or today
    if worked_on > today:
        raise InvalidInput("must not be in the future", field="worked_on")
    now = clock.now()
    async with case_work(ctx):
        loaded = await load_engagement(ctx.principal, engagement_id, Action.CONSULTATION_RESPOND)
        if not specialist_side(ctx.principal, loaded):
            raise refused(
                "only the co-handling specialist logs time",
                Action.CONSULTATION_RESPOND,
                loaded.request,
                ENGAGEMENT,
                engagement_id,
            )
        must_be_open(loaded)
        if worked_on < loaded.engagement.opened_at.astimezone(STOCKHOLM).date():
            raise InvalidInput("is before the engagement opened", field="worked_on")
        home = (
            await SpecialistProfile.select(SpecialistProfile.home_municipality)
            .where(SpecialistProfile.id == loaded.engagement.specialist)
            .first()
        )
        assert home is not None
        entry = EngagementTime(
            engagement=engagement_id,
            origin_municipality=loaded.engagement.origin_municipality,
            specialist=loaded.engagement.specialist,
            giver=home["home_municipality"],
            worked_on=worked_on,
            minutes=data.minutes,
            note=note,
            created_at=now,
        )
        await entry.save()
        await audit(ctx, "engagement.time", loaded, minutes=data.minutes)
    return schemas.TimeEntry(
        id=int(entry.id),
        worked_on=worked_on,
        minutes=data.minutes,
        note=note,
        specialist=loaded.engagement.specialist,
    )


async def close(
    ctx: Context,
    engagement_id: int,
    survey: consultation_schemas.Survey,
    *,
    now: datetime | None = None,
) -> None:
    """Close the engagement after its decision, with the consultations' close-out
    survey (the requester's side); meetings still ahead are cancelled."""
    now = now or clock.now()
    async with case_work(ctx):
        loaded = await load_engagement(ctx.principal, engagement_id, Action.CONSULTATION_UPDATE)
        if not requester_side(ctx.principal, loaded):
            raise refused(
                "only the requester's side closes the engagement",
                Action.CONSULTATION_UPDATE,
                loaded.request,
                ENGAGEMENT,
                engagement_id,
            )
        check_phase(loaded.engagement.phase, EngagementPhase.CLOSED)
        check_transition(loaded.request.status, ConsultationStatus.COMPLETED)
        await Booking.update(
            {
                Booking.status: BookingStatus.CANCELLED,
                Booking.cancelled_at: now,
                Booking.cancel_reason: "the engagement closed",
            }
        ).where(
            (Booking.request == loaded.request.id)
            & (Booking.status == BookingStatus.BOOKED)
            & (Booking.starts_at > now)
        )
        await close_with_survey(ctx, loaded.request, survey, now)
        await enter_phase(ctx, loaded, EngagementPhase.CLOSED, now, closed_at=now)
        await audit(ctx, "engagement.close", loaded, helpful=survey.helpful)
