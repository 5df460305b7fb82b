"""How to meet at a conference session: the meeting details of the session's booking.

A session's booking gets the hub's default details for the series' mode when it is
scheduled (a video link, a phone number or a place, as a consultation booking gets
them: :func:`network.consultations.bookings.default_details`). The hub or a
coordinator who manages the series changes them on the session page (checked for
the mode by :func:`network.lib.meeting.details_for_mode`); the people signed up for
an upcoming session are told. Attendees read them on the session page, in the
reminder before the session and in their calendar feed.

A session whose booking is gone or no longer live is *cancelled*: its people are not
reminded, and calendar feeds show it as ``STATUS:CANCELLED``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from network.audit.services import record
from network.conferences import schemas
from network.conferences.access import load_session, may_manage
from network.conferences.tables import ConferenceSignup
from network.consultations.tables import Booking
from network.kernel.case_scope import system_scope
from network.kernel.context import Context
from network.lib import clock
from network.lib.errors import Conflict, Forbidden
from network.lib.meeting import details_for_mode, meeting_place
from network.lib.vocab import BookingStatus, NotificationKind
from network.notifications.services import notify

__all__ = ("Meeting", "meetings_of", "set_meeting_details")


@dataclass(frozen=True, slots=True)
class Meeting:
    """A session booking's meeting details and whether it is still live."""

    details: str | None
    live: bool


async def meetings_of(booking_ids: Iterable[int | None]) -> dict[int, Meeting]:
    """The meeting of each booking id (missing ids: none). Reads only the details and
    the status, whoever asks (an attendee from another municipality does not see the
    hub's booking row under row-level security)."""
    ids = sorted({b for b in booking_ids if b is not None})
    if not ids:
        return {}
    async with system_scope(Booking._meta.db):
        rows = await Booking.select(Booking.id, Booking.meeting_details, Booking.status).where(
            Booking.id.is_in(ids)
        )
    return {
        row["id"]: Meeting(row["meeting_details"], row["status"] == BookingStatus.BOOKED)
        for row in rows
    }


async def set_meeting_details(
    ctx: Context,
    session_id: int,
    details: str,
    *,
    field: str = "details",
    now: datetime | None = None,
) -> schemas.SessionMeetingOut:
    """Say how to meet at the session (its series' mode decides what is checked: an
    https link, a phone number or a place; empty clears it); the people signed up are
    told while the session is ahead. A refusal names ``field``."""
    meeting_place(field, details)  # plain text on one line, whatever the mode
    now = now or clock.now()
    async with ctx.work():
        row, series = await load_session(ctx.principal, session_id)
        if not may_manage(ctx.principal, series):
            raise Forbidden("only the hub or a coordinator of its municipality", field="session_id")
        meeting = (await meetings_of([row["booking"]])).get(row["booking"])
        if meeting is None or not meeting.live:
            raise Conflict("is cancelled", field="session_id", source="path")
        checked = details_for_mode(series.mode, field, details)
        await Booking.update({Booking.meeting_details: checked}).where(Booking.id == row["booking"])
        await record(
            ctx.actor,
            "conference_session.meeting_details",
            "conference_session",
            session_id,
            municipality=series.home,
            county=series.home_county,
            detail={"series": series.id, "given": checked is not None},
        )
        if row["starts_at"] > now:
            people = await ConferenceSignup.select(ConferenceSignup.user).where(
                ConferenceSignup.session == session_id
            )
            params = {
                "area": series.area,
                "start": row["starts_at"].isoformat(),
                "mode": series.mode,
            }
            if checked:
                params["how"] = checked
            await notify(
                [p["user"] for p in people],
                NotificationKind.BOOKING_DETAILS,
                object_type="conference_session",
                object_id=session_id,
                link=f"/conferences/sessions/{session_id}",
                params=params,
            )
        return schemas.SessionMeetingOut(
            session=session_id, mode=series.mode, meeting_details=checked
        )
