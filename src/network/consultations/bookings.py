"""Booking, cancelling and rescheduling the meeting of an accepted consultation.

Rules, all checked inside one transaction:

- only a meeting consultation whose specialist has accepted it can be booked, once
  (a live booking is moved with :func:`reschedule`, not booked twice);
- the start must be one of the specialist's free slots: within their hours, not
  during an absence, not touching another booking (buffer included), not in the
  past, and in a week whose capacity is not used up;
- a specialist is never double-booked, also when two processes race for one slot:
  the specialist's row is locked for the check (``SELECT … FOR UPDATE`` on
  PostgreSQL; SQLite has one writer at a time), and the partial unique index
  ``booking_one_live_per_start`` refuses what slips past;
- who: the requester, social workers and coordinators of the request's
  municipality (or county), and the specialist who accepted it (the policy's
  ``booking.write``); every change and every listing is audited.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from network.audit.services import record
from network.consultations import schemas
from network.consultations.access import (
    RequestRow,
    authorize,
    case_work,
    load_requests,
    load_visible,
    unseen,
    visible,
)
from network.consultations.notices import tell_booking
from network.consultations.repository import visible_cases
from network.consultations.requests import set_status
from network.consultations.tables import Booking
from network.db import is_unique_violation
from network.kernel.context import Actor, Context
from network.kernel.policy import Action, Principal, visible_scope
from network.lib import clock
from network.lib.deidentified import required_text
from network.lib.errors import Conflict, Forbidden, InvalidInput, NotFound
from network.lib.meeting import details_for_mode, meeting_place
from network.lib.vocab import (
    BookingStatus,
    ConsultationKind,
    ConsultationStatus,
    MeetingMode,
    NotificationKind,
)
from network.scheduling.slots import iso_week
from network.specialists.services import availability, locked_profile
from network.specialists.tables import SpecialistProfile

__all__ = (
    "DEFAULT_DETAILS",
    "aware",
    "book",
    "cancel",
    "default_details",
    "insert_booking",
    "list_bookings",
    "reschedule",
    "save_booking",
    "set_meeting_details",
    "stored",
)

MAX_LIST_RANGE = timedelta(days=92)


def _offers(profile: dict[str, Any], mode: str) -> bool:
    return bool(profile.get(f"offers_{mode}", False))


# The profile's default meeting details for each mode, copied to a new booking.
DEFAULT_DETAILS = {
    MeetingMode.VIDEO.value: SpecialistProfile.meeting_video_url,
    MeetingMode.PHONE.value: SpecialistProfile.meeting_phone,
    MeetingMode.ON_SITE.value: SpecialistProfile.meeting_place,
}


async def _check_free(specialist_id: int, start: datetime, slot: timedelta, now: datetime) -> None:
    """Raise :class:`Conflict` naming ``start`` unless it is a free slot (and why not)."""
    found = await availability(specialist_id, start - timedelta(days=1), start + slot)
    if start in found.free(start, start + slot, now):
        return
    end = start + slot
    buffer = timedelta(minutes=found.rules.buffer_minutes)
    if start < now:
        reason = "is in the past"
    elif found.used.get(iso_week(start), 0) >= found.rules.weekly_capacity:
        year, week = iso_week(start)
        reason = f"falls in week {week} of {year}, when the specialist's capacity is used up"
    elif any(a.start < end and start < a.end for a in found.absences):
        reason = "falls in the specialist's absence"
    elif any(b.start - buffer < end and start < b.end + buffer for b in found.bookings):
        reason = "is taken (or too close to another meeting)"
    else:
        reason = "is not one of the specialist's free slots (see their slots)"
    raise Conflict(reason, field="start")


def aware(value: datetime, field: str) -> datetime:
    if value.tzinfo is None:
        raise InvalidInput("needs a time zone offset, e.g. +01:00", field=field)
    return value


async def _insert(
    request: RequestRow,
    specialist_id: int,
    start: datetime,
    mode: str,
    actor: Actor,
    now: datetime,
    *,
    details: str | None = None,
) -> int:
    booking_id = await insert_booking(
        request, specialist_id, start, mode, actor, now, details=details
    )
    if request.kind != ConsultationKind.CO_HANDLING:  # an engagement has many meetings
        await set_status(request, ConsultationStatus.BOOKED, meeting_at=start.astimezone(UTC))
    return booking_id


async def insert_booking(
    request: RequestRow,
    specialist_id: int,
    start: datetime,
    mode: str,
    actor: Actor,
    now: datetime,
    *,
    details: str | None = None,
) -> int:
    """Book ``start`` with the specialist for ``request`` (inside the caller's case
    transaction): the specialist's row locked, the start checked to be one of their
    free slots (capacity, absences, other bookings), the mode one they offer. Its
    meeting details are ``details`` (a moved booking keeps its own), else the
    specialist's default for ``mode``. The request's status is the caller's (a
    co-handling engagement books many)."""
    profile = await locked_profile(
        specialist_id,
        SpecialistProfile.slot_minutes,
        SpecialistProfile.offers_phone,
        SpecialistProfile.offers_video,
        SpecialistProfile.offers_on_site,
        *DEFAULT_DETAILS.values(),
        missing=NotFound("the accepting specialist no longer exists", field="request"),
    )
    if not _offers(profile, mode):
        raise InvalidInput(f"the specialist does not offer {mode} meetings", field="mode")
    slot = timedelta(minutes=profile["slot_minutes"])
    await _check_free(specialist_id, start, slot, now)
    booking = Booking(
        specialist=specialist_id,
        request=request.id,
        origin_municipality=request.origin_id,
        starts_at=start.astimezone(UTC),
        ends_at=(start + slot).astimezone(UTC),
        mode=mode,
        status=BookingStatus.BOOKED,
        created_by=actor.user_id,
        created_at=now,
        meeting_details=details or default_details(profile, mode),
    )
    return await save_booking(booking)


async def save_booking(booking: Booking) -> int:
    """Write a new booking (of a consultation, an engagement, a standing series or a
    conference session); its id. Two bookings of one specialist at one start are
    refused by the database's unique index: a :class:`Conflict` naming ``start``."""
    try:
        await booking.save()
    except Exception as error:
        if is_unique_violation(error):
            raise Conflict("is taken (booked by someone else just now)", field="start") from error
        raise
    return int(booking.id)


def default_details(profile: dict[str, Any], mode: str) -> str | None:
    """The specialist's default meeting details for ``mode`` from a profile row that
    selected the :data:`DEFAULT_DETAILS` columns (a consultation's or a session's)."""
    column = DEFAULT_DETAILS.get(mode)
    return profile.get(column._meta.name) if column is not None else None


async def book(
    ctx: Context,
    *,
    request_id: int,
    start: datetime,
    mode: MeetingMode | None = None,
    now: datetime | None = None,
) -> schemas.BookingOut:
    """Book the meeting of an accepted consultation at a free slot."""
    start = aware(start, "start")
    if mode is MeetingMode.WRITTEN:
        raise InvalidInput("a written consultation has no meeting to book", field="mode")
    now = now or clock.now()
    async with case_work(ctx):
        request = await load_visible(
            ctx.principal, request_id, Action.BOOKING_WRITE, field="request", source="body"
        )
        authorize(ctx.principal, Action.BOOKING_WRITE, request)
        if request.kind != ConsultationKind.MEETING:
            raise InvalidInput("a written consultation has no meeting to book", field="request")
        if request.status == ConsultationStatus.BOOKED:
            raise Conflict("is booked already; reschedule that booking instead", field="request")
        if request.status != ConsultationStatus.ACCEPTED or request.accepted_by is None:
            raise Conflict(
                f"is {request.status}: only an accepted consultation can be booked",
                field="request",
            )
        chosen = mode.value if mode else request.mode
        booking_id = await _insert(request, request.accepted_by, start, chosen, ctx.actor, now)
        await record(
            ctx.actor,
            "booking.create",
            "booking",
            booking_id,
            municipality=request.municipality,
            county=request.county,
            detail={"request": request.id, "specialist": request.accepted_by},
        )
        out = await stored(booking_id)
        await tell_booking(
            request,
            request.accepted_by,
            NotificationKind.BOOKING_CREATED,
            start,
            mode=out.mode,
            details=out.meeting_details,
        )
        return out


async def _live_booking(principal: Principal, booking_id: int) -> tuple[dict[str, Any], RequestRow]:
    """The live booking and its request, for booking changes by ``principal``: one
    404 for a booking that does not exist and for one of a request they may not see."""
    row = (
        await Booking.select(
            Booking.id,
            Booking.request,
            Booking.specialist,
            Booking.status,
            Booking.mode,
            Booking.starts_at,
            Booking.meeting_details,
        )
        .where(Booking.id == booking_id)
        .first()
    )
    found = await load_requests([row["request"]]) if row and row["request"] is not None else []
    if row is None or not found or not visible(principal, found[0]):
        raise unseen(
            "no such booking", "booking", booking_id, Action.BOOKING_WRITE, field="booking_id"
        )
    request = found[0]
    authorize(principal, Action.BOOKING_WRITE, request, object_type="booking", object_id=booking_id)
    if row["status"] != BookingStatus.BOOKED:
        raise Conflict("is cancelled already", field="booking_id", source="path")
    return row, request


async def _cancel_row(booking_id: int, reason: str, now: datetime) -> None:
    await Booking.update(
        {
            Booking.status: BookingStatus.CANCELLED,
            Booking.cancelled_at: now,
            Booking.cancel_reason: reason,
        }
    ).where(Booking.id == booking_id)


async def cancel(
    ctx: Context,
    booking_id: int,
    reason: str,
    *,
    now: datetime | None = None,
) -> None:
    """Cancel a live booking with a reason; the consultation is accepted again, to rebook."""
    reason = required_text("reason", reason)
    now = now or clock.now()
    async with case_work(ctx):
        booking, request = await _live_booking(ctx.principal, booking_id)
        await _cancel_row(booking_id, reason, now)
        if request.kind != ConsultationKind.CO_HANDLING:  # an engagement stays as it is
            await set_status(request, ConsultationStatus.ACCEPTED, meeting_at=None)
        await record(
            ctx.actor,
            "booking.cancel",
            "booking",
            booking_id,
            municipality=request.municipality,
            county=request.county,
            detail={"request": request.id},
        )
        await tell_booking(
            request, booking["specialist"], NotificationKind.BOOKING_CANCELLED, booking["starts_at"]
        )


async def reschedule(
    ctx: Context,
    booking_id: int,
    *,
    start: datetime,
    reason: str,
    now: datetime | None = None,
) -> schemas.BookingOut:
    """Move a live booking to another free slot (the old one is cancelled with
    ``reason``) in one transaction; the new booking."""
    start = aware(start, "start")
    reason = required_text("reason", reason)
    now = now or clock.now()
    async with case_work(ctx):
        booking, request = await _live_booking(ctx.principal, booking_id)
        await _cancel_row(booking_id, reason, now)
        new_id = await _insert(
            request,
            booking["specialist"],
            start,
            booking["mode"],
            ctx.actor,
            now,
            details=booking["meeting_details"],
        )
        await record(
            ctx.actor,
            "booking.reschedule",
            "booking",
            new_id,
            municipality=request.municipality,
            county=request.county,
            detail={"request": request.id, "replaces": booking_id},
        )
        out = await stored(new_id)
        await tell_booking(
            request,
            booking["specialist"],
            NotificationKind.BOOKING_MOVED,
            start,
            mode=out.mode,
            details=out.meeting_details,
        )
        return out


async def set_meeting_details(
    ctx: Context, booking_id: int, details: str, *, field: str = "details"
) -> schemas.BookingOut:
    """The booking's specialist says how to meet (checked for the booking's mode: an
    https link, a phone number or a place; empty clears it); the requester is told.
    A refusal names ``field`` (the API's ``details``, the page's own name)."""
    meeting_place(field, details)  # plain text on one line, whatever the mode
    async with case_work(ctx):
        booking, request = await _live_booking(ctx.principal, booking_id)
        if ctx.principal.specialist_id != booking["specialist"]:
            raise Forbidden("only the booking's specialist may change how to meet")
        checked = details_for_mode(booking["mode"], field, details)
        await Booking.update({Booking.meeting_details: checked}).where(Booking.id == booking_id)
        await record(
            ctx.actor,
            "booking.meeting_details",
            "booking",
            booking_id,
            municipality=request.municipality,
            county=request.county,
            detail={"request": request.id, "given": checked is not None},
        )
        out = await stored(booking_id)
        await tell_booking(
            request,
            booking["specialist"],
            NotificationKind.BOOKING_DETAILS,
            booking["starts_at"],
            mode=out.mode,
            details=out.meeting_details,
            only_requester=True,
        )
        return out


async def list_bookings(
    ctx: Context,
    *,
    specialist_id: int | None,
    start: datetime,
    end: datetime,
) -> list[schemas.BookingOut]:
    """Live bookings in [start, end) that ``ctx.principal`` may see: their own as the
    specialist, and those of requests from their municipalities or county."""
    if end <= start:
        raise InvalidInput("must be after 'from'", field="to", source="query")
    if end - start > MAX_LIST_RANGE:
        raise InvalidInput("at most 92 days after 'from'", field="to", source="query")
    scope = visible_scope(ctx.principal, Action.CONSULTATION_READ)
    visible: Any = visible_cases(
        scope,
        never=Booking.id < 0,
        origin=Booking.origin_municipality,
        requester=Booking.request._.requester,
    )
    if ctx.principal.specialist_id is not None:
        visible = visible | (Booking.specialist == ctx.principal.specialist_id)
    condition: Any = (
        visible
        & (Booking.status == BookingStatus.BOOKED)
        & (Booking.starts_at < end)
        & (Booking.ends_at > start)
    )
    if specialist_id is not None:
        condition = condition & (Booking.specialist == specialist_id)
    async with ctx.work():
        rows = await _rows(condition)
        await record(
            ctx.actor,
            "booking.list",
            "booking",
            None,
            detail={"specialist": specialist_id, "count": len(rows)},
        )
    return [schemas.BookingOut(**row) for row in rows]


async def _rows(condition: Any) -> list[dict[str, Any]]:
    return list(
        await Booking.select(
            Booking.id,
            Booking.specialist,
            Booking.specialist._.user._.display_name.as_alias("specialist_name"),
            Booking.request,
            Booking.request._.area._.code.as_alias("area"),
            Booking.request._.area._.name_sv.as_alias("area_name_sv"),
            Booking.request._.area._.name_en.as_alias("area_name_en"),
            Booking.mode,
            Booking.starts_at,
            Booking.ends_at,
            Booking.status,
            Booking.origin_municipality._.code.as_alias("origin_municipality"),
            Booking.origin_municipality._.name.as_alias("origin_municipality_name"),
            Booking.meeting_details,
        )
        .where(condition)
        .order_by(Booking.starts_at)
        .limit(2000)
    )


async def stored(booking_id: int) -> schemas.BookingOut:
    """The booking just written, read back in the writer's transaction."""
    rows = await _rows(Booking.id == booking_id)
    return schemas.BookingOut(**rows[0])
