"""A specialist's private iCalendar (RFC 5545) feed of their bookings and absences.

The feed's address holds a secret token (only its hash is stored); the specialist
makes a new one (the old address dies at once) or revokes it. The feed carries no
case text: a booking shows its competence area, mode and a link into the app; an
absence shows "Frånvaro / Absence" without its reason. Every read is audited.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from icalendar import Calendar, Event

from network.audit.services import record
from network.consultations.tables import Booking
from network.db import is_unique_violation
from network.kernel.case_scope import system_scope
from network.kernel.context import Actor, Context
from network.kernel.policy import Principal
from network.lib import clock
from network.lib.errors import Conflict, Forbidden, NotFound
from network.lib.secrets import hash_secret, new_secret
from network.lib.vocab import BookingStatus
from network.scheduling.slots import iso_week
from network.specialists.tables import Absence, CalendarFeed, SpecialistProfile
from network.standing.tables import StandingOccurrence

__all__ = (
    "FEED_PREFIX",
    "FeedEvent",
    "FeedStatus",
    "build_calendar",
    "create_feed",
    "feed_for_token",
    "feed_path",
    "feed_status",
    "revoke_feed",
)

FEED_PREFIX = "snc_"
PAST = timedelta(days=60)
AHEAD = timedelta(days=400)
MODE_LABELS = {"phone": "telefon", "video": "video", "on_site": "på plats"}


@dataclass(frozen=True, slots=True)
class FeedEvent:
    """One calendar entry, with nothing from the case in it."""

    uid: str
    start: datetime
    end: datetime
    summary: str
    url: str | None = None
    location: str | None = None
    how: str | None = None  # how to meet: the booking's video link, phone or place


@dataclass(frozen=True, slots=True)
class FeedStatus:
    active: bool
    created_at: datetime | None
    last_read_at: datetime | None


def feed_path(token: str) -> str:
    """Where the feed of ``token`` is served (put it on NETWORK_PUBLIC_URL, never on
    the request's Host header: ``network.server.links.public_link``)."""
    return f"/calendar/{token}/feed.ics"


def build_calendar(events: Sequence[FeedEvent], *, now: datetime) -> bytes:
    """The iCalendar document of ``events`` (times in UTC)."""
    calendar = Calendar()
    calendar.add("prodid", "-//Specialistnätet//Kalender//SV")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", "Specialistnätet")
    calendar.add("refresh-interval", timedelta(hours=1), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT1H")
    for item in events:
        event = Event()
        event.add("uid", item.uid)
        event.add("dtstamp", now.astimezone(UTC))
        event.add("dtstart", item.start.astimezone(UTC))
        event.add("dtend", item.end.astimezone(UTC))
        event.add("summary", item.summary)
        if item.location:
            event.add("location", item.location)
        lines = []
        if item.how:
            lines.append(f"Så möts ni / How to meet: {item.how}")
        if item.url:
            event.add("url", item.url)
            lines.append(f"Detaljer i Specialistnätet / Details: {item.url}")
        if lines:
            event.add("description", "\n".join(lines))
        event.add("transp", "OPAQUE")
        calendar.add_component(event)
    return bytes(calendar.to_ical())


def _mode(mode: str) -> str:
    return MODE_LABELS.get(mode, mode)


def _week_of(moment: datetime) -> str:
    year, week = iso_week(moment)
    return f"{year}-W{week:02d}"


def _only_self(principal: Principal, specialist_id: int) -> None:
    if principal.specialist_id != specialist_id:
        raise Forbidden("only the specialist themself manages their calendar feed")


async def _exists(specialist_id: int) -> dict[str, Any]:
    row = (
        await SpecialistProfile.select(
            SpecialistProfile.id,
            SpecialistProfile.home_municipality._.code.as_alias("municipality"),
            SpecialistProfile.home_municipality._.county._.code.as_alias("county"),
        )
        .where(SpecialistProfile.id == specialist_id)
        .first()
    )
    if row is None:
        raise NotFound("no such specialist", field="specialist_id", source="path")
    return row


async def create_feed(ctx: Context, specialist_id: int) -> str:
    """A new feed token for the specialist (any earlier address stops working)."""
    profile = await _exists(specialist_id)
    _only_self(ctx.principal, specialist_id)
    token = new_secret(FEED_PREFIX)
    now = clock.now()
    try:
        async with ctx.work():
            await CalendarFeed.update({CalendarFeed.revoked_at: now}).where(
                (CalendarFeed.specialist == specialist_id) & CalendarFeed.revoked_at.is_null()
            )
            await CalendarFeed(
                specialist=specialist_id, token_hash=hash_secret(token), created_at=now
            ).save()
            await record(
                ctx.actor,
                "calendar_feed.create",
                "specialist",
                specialist_id,
                municipality=profile["municipality"],
                county=profile["county"],
            )
    except Exception as error:
        if is_unique_violation(error):
            raise Conflict("a new feed was made at the same moment; reload") from error
        raise
    return token


async def revoke_feed(ctx: Context, specialist_id: int) -> None:
    """Stop the specialist's feed address from working."""
    profile = await _exists(specialist_id)
    _only_self(ctx.principal, specialist_id)
    async with ctx.work():
        revoked = (
            await CalendarFeed.update({CalendarFeed.revoked_at: clock.now()})
            .where((CalendarFeed.specialist == specialist_id) & CalendarFeed.revoked_at.is_null())
            .returning(CalendarFeed.id)
        )
        if not revoked:
            raise NotFound("there is no active calendar feed", field="specialist_id")
        await record(
            ctx.actor,
            "calendar_feed.revoke",
            "specialist",
            specialist_id,
            municipality=profile["municipality"],
            county=profile["county"],
        )


async def feed_status(principal: Principal, specialist_id: int) -> FeedStatus:
    await _exists(specialist_id)
    _only_self(principal, specialist_id)
    row = (
        await CalendarFeed.select(CalendarFeed.created_at, CalendarFeed.last_read_at)
        .where((CalendarFeed.specialist == specialist_id) & CalendarFeed.revoked_at.is_null())
        .first()
    )
    if row is None:
        return FeedStatus(active=False, created_at=None, last_read_at=None)
    return FeedStatus(active=True, created_at=row["created_at"], last_read_at=row["last_read_at"])


async def feed_for_token(
    token: str, *, base_url: str, client_addr: str | None, now: datetime | None = None
) -> bytes | None:
    """The iCalendar document of the feed with this token, or ``None`` if there is none."""
    if not token.startswith(FEED_PREFIX) or len(token) > 100:
        return None
    now = now or clock.now()
    feed = (
        await CalendarFeed.select(CalendarFeed.id, CalendarFeed.specialist)
        .where((CalendarFeed.token_hash == hash_secret(token)) & CalendarFeed.revoked_at.is_null())
        .first()
    )
    if feed is None:
        return None
    specialist_id = int(feed["specialist"])
    profile = await _exists(specialist_id)
    start, end = now - PAST, now + AHEAD
    async with system_scope(Booking._meta.db):
        bookings = await Booking.select(
            Booking.id,
            Booking.starts_at,
            Booking.ends_at,
            Booking.mode,
            Booking.meeting_details,
            Booking.request._.area._.name_sv.as_alias("area"),
            Booking.origin_municipality._.name.as_alias("place"),
        ).where(
            (Booking.specialist == specialist_id)
            & (Booking.status == BookingStatus.BOOKED)
            & (Booking.starts_at < end)
            & (Booking.ends_at > start)
        )
    absences = await Absence.select(Absence.id, Absence.starts_at, Absence.ends_at).where(
        (Absence.specialist == specialist_id)
        & (Absence.starts_at < end)
        & (Absence.ends_at > start)
    )
    # Occurrences of standing series: their own summary, one event each (no RRULE).
    standing = {
        row["booking"]
        for row in await StandingOccurrence.select(StandingOccurrence.booking).where(
            StandingOccurrence.booking.is_in([b["id"] for b in bookings] or [0])
        )
    }
    base = base_url.rstrip("/")
    events = [
        FeedEvent(
            uid=f"booking-{b['id']}@specialistnatet",
            start=b["starts_at"],
            end=b["ends_at"],
            summary=(
                f"Stående stöd / Standing support: {b['place']} ({_mode(b['mode'])})"
                if b["id"] in standing
                else f"Konsultation: {b['area'] or 'möte'} ({_mode(b['mode'])})"
            ),
            location=(
                f"{_mode(b['mode'])}: {b['meeting_details']}"
                if b["meeting_details"]
                else _mode(b["mode"])
            ),
            how=b["meeting_details"],
            url=f"{base}/specialists/{specialist_id}?week={_week_of(b['starts_at'])}",
        )
        for b in bookings
    ] + [
        FeedEvent(
            uid=f"absence-{a['id']}@specialistnatet",
            start=a["starts_at"],
            end=a["ends_at"],
            summary="Frånvaro / Absence",
        )
        for a in absences
    ]
    events.sort(key=lambda e: (e.start, e.uid))
    await CalendarFeed.update({CalendarFeed.last_read_at: now}).where(CalendarFeed.id == feed["id"])
    await record(
        Actor(client_addr=client_addr),
        "calendar_feed.read",
        "specialist",
        specialist_id,
        municipality=profile["municipality"],
        county=profile["county"],
        detail={"bookings": len(bookings), "absences": len(absences)},
    )
    return build_calendar(events, now=now)
