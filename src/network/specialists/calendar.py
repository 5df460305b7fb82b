"""Private iCalendar (RFC 5545) feeds: a specialist's of their bookings, absences and
conference sessions, and every signed-in person's own.

The feed's address holds a secret token (only its hash is stored); its owner makes a
new one (the old address dies at once) or revokes it. A specialist's feed
(``snc_…``) holds their bookings and absences, and the conference sessions they lead
or take part in; a person's own feed (``snu_…``, :func:`create_user_feed`) holds
their meetings as requester, their standing support times and the conference sessions
they are signed up for, present a case at or lead. The feed carries no case text: a
booking shows its competence area, mode, how to meet and a link into the app; a
conference session its series' title and teaching topic (a cancelled one stays, as
``STATUS:CANCELLED``); an absence shows "Frånvaro / Absence" without its reason.
Every read is audited.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from icalendar import Calendar, Event

from network.accounts.tables import User
from network.audit.services import record
from network.conferences.feed import SessionEntry, sessions_for
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
from network.specialists.tables import Absence, CalendarFeed, SpecialistProfile, UserCalendarFeed
from network.standing.tables import StandingOccurrence

__all__ = (
    "FEED_PREFIX",
    "USER_FEED_PREFIX",
    "FeedEvent",
    "FeedStatus",
    "build_calendar",
    "create_feed",
    "create_user_feed",
    "feed_for_token",
    "feed_path",
    "feed_status",
    "revoke_feed",
    "revoke_user_feed",
    "user_feed_status",
)

FEED_PREFIX = "snc_"
USER_FEED_PREFIX = "snu_"
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
    cancelled: bool = False  # kept in the feed as STATUS:CANCELLED


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
        if item.cancelled:
            event.add("status", "CANCELLED")
            event.add("transp", "TRANSPARENT")
        else:
            event.add("transp", "OPAQUE")
        calendar.add_component(event)
    return bytes(calendar.to_ical())


def _mode(mode: str) -> str:
    return MODE_LABELS.get(mode, mode)


def _session_event(entry: SessionEntry, base: str) -> FeedEvent:
    """A conference session as a feed event: what (title, topic), how to meet."""
    return FeedEvent(
        uid=f"conference-session-{entry.session}@specialistnatet",
        start=entry.starts_at,
        end=entry.ends_at,
        summary=(
            f"{'Inställd: ' if entry.cancelled else ''}Konferens / Conference: "
            f"{entry.title} – {entry.topic} ({_mode(entry.mode)})"
        ),
        location=f"{_mode(entry.mode)}: {entry.how}" if entry.how else _mode(entry.mode),
        how=entry.how,
        url=f"{base}/conferences/sessions/{entry.session}",
        cancelled=entry.cancelled,
    )


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
            SpecialistProfile.user,
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
    if len(token) > 100:
        return None
    now = now or clock.now()
    if token.startswith(USER_FEED_PREFIX):
        return await _user_feed(token, base_url=base_url, client_addr=client_addr, now=now)
    if not token.startswith(FEED_PREFIX):
        return None
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
    sessions = await sessions_for(
        user_id=profile["user"], specialist_id=specialist_id, start=start, end=end
    )
    session_bookings = {e.booking for e in sessions}
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
    events = (
        [
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
            if b["id"] not in session_bookings  # shown as the session, below
        ]
        + [_session_event(e, base) for e in sessions]
        + [
            FeedEvent(
                uid=f"absence-{a['id']}@specialistnatet",
                start=a["starts_at"],
                end=a["ends_at"],
                summary="Frånvaro / Absence",
            )
            for a in absences
        ]
    )
    events.sort(key=lambda e: (e.start, e.uid))
    await CalendarFeed.update({CalendarFeed.last_read_at: now}).where(CalendarFeed.id == feed["id"])
    await record(
        Actor(client_addr=client_addr),
        "calendar_feed.read",
        "specialist",
        specialist_id,
        municipality=profile["municipality"],
        county=profile["county"],
        detail={
            "bookings": len(bookings),
            "absences": len(absences),
            "sessions": len(sessions),
        },
    )
    return build_calendar(events, now=now)


# ---- every signed-in person's own feed ----


async def create_user_feed(ctx: Context) -> str:
    """A new feed token for the signed-in person (any earlier address stops working)."""
    token = new_secret(USER_FEED_PREFIX)
    now = clock.now()
    user_id = ctx.principal.user_id
    try:
        async with ctx.work():
            await UserCalendarFeed.update({UserCalendarFeed.revoked_at: now}).where(
                (UserCalendarFeed.user == user_id) & UserCalendarFeed.revoked_at.is_null()
            )
            await UserCalendarFeed(
                user=user_id, token_hash=hash_secret(token), created_at=now
            ).save()
            await record(ctx.actor, "user_calendar_feed.create", "user", user_id)
    except Exception as error:
        if is_unique_violation(error):
            raise Conflict("a new feed was made at the same moment; reload") from error
        raise
    return token


async def revoke_user_feed(ctx: Context) -> None:
    """Stop the signed-in person's feed address from working."""
    user_id = ctx.principal.user_id
    async with ctx.work():
        revoked = (
            await UserCalendarFeed.update({UserCalendarFeed.revoked_at: clock.now()})
            .where((UserCalendarFeed.user == user_id) & UserCalendarFeed.revoked_at.is_null())
            .returning(UserCalendarFeed.id)
        )
        if not revoked:
            raise NotFound("there is no active calendar feed", field="feed")
        await record(ctx.actor, "user_calendar_feed.revoke", "user", user_id)


async def user_feed_status(principal: Principal) -> FeedStatus:
    row = (
        await UserCalendarFeed.select(UserCalendarFeed.created_at, UserCalendarFeed.last_read_at)
        .where((UserCalendarFeed.user == principal.user_id) & UserCalendarFeed.revoked_at.is_null())
        .first()
    )
    if row is None:
        return FeedStatus(active=False, created_at=None, last_read_at=None)
    return FeedStatus(active=True, created_at=row["created_at"], last_read_at=row["last_read_at"])


async def _user_feed(
    token: str, *, base_url: str, client_addr: str | None, now: datetime
) -> bytes | None:
    feed = (
        await UserCalendarFeed.select(UserCalendarFeed.id, UserCalendarFeed.user)
        .where(
            (UserCalendarFeed.token_hash == hash_secret(token))
            & UserCalendarFeed.revoked_at.is_null()
        )
        .first()
    )
    if feed is None:
        return None
    user_id = int(feed["user"])
    active = await User.exists().where((User.id == user_id) & User.active.eq(True))
    if not active:
        return None
    start, end = now - PAST, now + AHEAD
    window: Any = (
        (Booking.status == BookingStatus.BOOKED)
        & (Booking.starts_at < end)
        & (Booking.ends_at > start)
    )
    async with system_scope(Booking._meta.db):  # times, modes and how to meet only
        requested = await Booking.select(
            Booking.id,
            Booking.request,
            Booking.starts_at,
            Booking.ends_at,
            Booking.mode,
            Booking.meeting_details,
            Booking.request._.area._.name_sv.as_alias("area"),
        ).where(window & (Booking.request._.requester == user_id))
        standing = await StandingOccurrence.select(
            StandingOccurrence.series,
            StandingOccurrence.booking,
            StandingOccurrence.booking._.starts_at.as_alias("starts_at"),
            StandingOccurrence.booking._.ends_at.as_alias("ends_at"),
            StandingOccurrence.booking._.mode.as_alias("mode"),
            StandingOccurrence.booking._.meeting_details.as_alias("meeting_details"),
            StandingOccurrence.booking._.status.as_alias("status"),
        ).where(
            (StandingOccurrence.series._.social_worker == user_id)
            & (StandingOccurrence.booking._.starts_at < end)
            & (StandingOccurrence.booking._.ends_at > start)
        )
    standing = [s for s in standing if s["status"] == BookingStatus.BOOKED]
    sessions = await sessions_for(user_id=user_id, specialist_id=None, start=start, end=end)
    base = base_url.rstrip("/")
    shown = {s["booking"] for s in standing} | {e.booking for e in sessions}
    events = [
        FeedEvent(
            uid=f"booking-{b['id']}@specialistnatet",
            start=b["starts_at"],
            end=b["ends_at"],
            summary=f"Konsultation: {b['area'] or 'möte'} ({_mode(b['mode'])})",
            location=_located(b["mode"], b["meeting_details"]),
            how=b["meeting_details"],
            url=f"{base}/consultations/{b['request']}",
        )
        for b in requested
        if b["id"] not in shown
    ]
    events += [
        FeedEvent(
            uid=f"booking-{s['booking']}@specialistnatet",
            start=s["starts_at"],
            end=s["ends_at"],
            summary=f"Stående stöd / Standing support ({_mode(s['mode'])})",
            location=_located(s["mode"], s["meeting_details"]),
            how=s["meeting_details"],
            url=f"{base}/standing/{s['series']}",
        )
        for s in standing
    ]
    events += [_session_event(e, base) for e in sessions]
    events.sort(key=lambda e: (e.start, e.uid))
    await UserCalendarFeed.update({UserCalendarFeed.last_read_at: now}).where(
        UserCalendarFeed.id == feed["id"]
    )
    await record(
        Actor(client_addr=client_addr),
        "user_calendar_feed.read",
        "user",
        user_id,
        detail={"bookings": len(requested), "standing": len(standing), "sessions": len(sessions)},
    )
    return build_calendar(events, now=now)


def _located(mode: str, details: str | None) -> str:
    return f"{_mode(mode)}: {details}" if details else _mode(mode)
