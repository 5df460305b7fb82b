"""Making and reading conference series, and scheduling their sessions.

A session is a real booking in the hub's calendar: scheduling one inserts a live
:class:`~network.consultations.tables.Booking` (no request; the hub's home municipality
as its place) in the same transaction, after locking the hub's profile row (``SELECT
… FOR UPDATE`` on PostgreSQL; SQLite has one writer at a time) and checking the time
against the hub's other bookings (buffer included), absences and weekly capacity, as
consultation booking does. So free slots, consultation bookings, the weekly capacity
budget and the hub's calendar feed all see the session, and the partial unique index
``booking_one_live_per_start`` stays the last line against a double booking.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

from network.audit.services import record
from network.conferences import schemas
from network.conferences.access import (
    SeriesRow,
    joining_place,
    load_series,
    may_manage,
    may_see,
    series_rows,
)
from network.conferences.tables import (
    ConferenceApplication,
    ConferenceCase,
    ConferenceSeries,
    ConferenceSession,
    ConferenceSignup,
    SeriesMunicipality,
)
from network.consultations.bookings import DEFAULT_DETAILS, default_details, save_booking
from network.consultations.tables import Booking
from network.directory.tables import CompetenceArea, Municipality
from network.kernel.case_scope import system_scope
from network.kernel.context import Context
from network.kernel.policy import Action, Target, decide
from network.lib import clock
from network.lib.errors import Conflict, Forbidden, InvalidInput, NotFound
from network.lib.vocab import ApplicationStatus, BookingStatus, Cadence
from network.scheduling import STOCKHOLM
from network.scheduling.slots import iso_week
from network.specialists.capacity import booked_times, week_used
from network.specialists.services import locked_profile, served_places
from network.specialists.tables import Absence, SpecialistCompetence, SpecialistProfile

__all__ = ("create_series", "get_series", "list_series", "schedule_session", "session_out")


async def _hub_of(ctx: Context, data: schemas.SeriesIn) -> dict[str, Any]:
    hub = data.hub if data.hub is not None else ctx.principal.specialist_id
    if hub is None:
        raise InvalidInput("name the hub specialist", field="hub")
    row = (
        await SpecialistProfile.select(
            SpecialistProfile.id,
            SpecialistProfile.home_municipality.as_alias("home_id"),
            SpecialistProfile.home_municipality._.code.as_alias("home"),
            SpecialistProfile.home_municipality._.county._.code.as_alias("county"),
        )
        .where(SpecialistProfile.id == hub)
        .first()
    )
    if row is None:
        raise InvalidInput("no such specialist", field="hub")
    target = Target(municipality=row["home"], county=row["county"], specialist_ids=frozenset({hub}))
    if not decide(ctx.principal, Action.CONFERENCE_MANAGE, target):
        raise Forbidden(
            "only the hub or a coordinator of the hub's municipality makes its series",
            field="hub",
        )
    return row


async def create_series(ctx: Context, data: schemas.SeriesIn) -> schemas.SeriesOut:
    """A new series; the served municipalities must be the hub's own or bound to it by
    a sharing agreement valid today, and the hub must be competent in the area."""
    now = clock.now()
    if len(set(data.municipalities)) != len(data.municipalities):
        raise InvalidInput("lists a municipality twice", field="municipalities")
    async with ctx.work():
        hub = await _hub_of(ctx, data)
        area = (
            await CompetenceArea.select(CompetenceArea.id)
            .where(CompetenceArea.code == data.area)
            .first()
        )
        if area is None:
            raise InvalidInput("no such competence area", field="area")
        competent = await SpecialistCompetence.exists().where(
            (SpecialistCompetence.specialist == hub["id"])
            & (SpecialistCompetence.area == area["id"])
        )
        if not competent:
            raise InvalidInput("the hub is not competent in this area", field="area")
        reach = {t.municipality for t in await served_places(hub["id"], now.date())}
        beyond = sorted(set(data.municipalities) - reach)
        if beyond:
            raise InvalidInput(
                f"{', '.join(beyond)}: no agreement binds these to the hub's municipality",
                field="municipalities",
            )
        places = await Municipality.select(Municipality.id, Municipality.code).where(
            Municipality.code.is_in(list(data.municipalities))
        )
        series = ConferenceSeries(
            title=data.title.strip(),
            area=area["id"],
            hub=hub["id"],
            home_municipality=hub["home_id"],
            cadence=data.cadence,
            duration_minutes=data.duration_minutes,
            mode=data.mode,
            capacity=data.capacity,
            language=data.language,
            by_application=data.by_application,
            created_by=ctx.actor.user_id,
            created_at=now,
        )
        await series.save()
        for place in places:
            await SeriesMunicipality(series=series.id, municipality=place["id"]).save()
        await record(
            ctx.actor,
            "conference_series.create",
            "conference_series",
            series.id,
            municipality=hub["home"],
            county=hub["county"],
            detail={"hub": hub["id"], "area": data.area, "served": len(places)},
        )
        found = await series_rows(ConferenceSeries.id == series.id)
        return (await _series_out(ctx, found))[0]


async def session_out(
    ctx: Context, rows: list[dict[str, Any]], capacity: dict[int, int]
) -> list[schemas.SessionOut]:
    """Sessions with their seats taken, cases presented and whether the asker signed up
    (``capacity``: seats per series id)."""
    ids = [row["id"] for row in rows] or [0]
    seats: Counter[int] = Counter()
    mine: set[int] = set()
    for signup in await ConferenceSignup.select(
        ConferenceSignup.session, ConferenceSignup.user
    ).where(ConferenceSignup.session.is_in(ids)):
        seats[signup["session"]] += 1
        if signup["user"] == ctx.principal.user_id:
            mine.add(signup["session"])
    async with system_scope(ConferenceCase._meta.db):  # a count, no case text
        cases: Counter[int] = Counter(
            row["session"]
            for row in await ConferenceCase.select(ConferenceCase.session).where(
                ConferenceCase.session.is_in(ids)
            )
        )
    return [
        schemas.SessionOut(
            id=row["id"],
            series=row["series"],
            starts_at=row["starts_at"],
            ends_at=row["ends_at"],
            topic=row["topic"],
            seats_taken=seats[row["id"]],
            seats_left=max(capacity[row["series"]] - seats[row["id"]], 0),
            cases=cases[row["id"]],
            signed_up=row["id"] in mine,
            attendance_recorded=row["attendance_recorded_at"] is not None,
        )
        for row in rows
    ]


async def _series_out(ctx: Context, found: list[SeriesRow]) -> list[schemas.SeriesOut]:
    sessions = (
        await ConferenceSession.select()
        .where(ConferenceSession.series.is_in([s.id for s in found] or [0]))
        .order_by(ConferenceSession.starts_at)
    )
    out = await session_out(ctx, list(sessions), {s.id: s.capacity for s in found})
    waiting: Counter[int] = Counter()
    applied: dict[int, str] = {}
    for application in await ConferenceApplication.select(
        ConferenceApplication.series, ConferenceApplication.user, ConferenceApplication.status
    ).where(ConferenceApplication.series.is_in([s.id for s in found] or [0])):
        if application["status"] == ApplicationStatus.WAITING:
            waiting[application["series"]] += 1
        if application["user"] == ctx.principal.user_id:
            applied[application["series"]] = application["status"]
    by_series: dict[int, list[schemas.SessionOut]] = {}
    for session in out:
        by_series.setdefault(session.series, []).append(session)
    return [
        schemas.SeriesOut(
            id=s.id,
            title=s.title,
            area=s.area,
            area_name_sv=s.area_name_sv,
            area_name_en=s.area_name_en,
            hub=s.hub,
            hub_name=s.hub_name,
            home_municipality=schemas.Place(code=s.home, name=s.home_name),
            cadence=Cadence(s.cadence),
            duration_minutes=s.duration_minutes,
            mode=s.mode,
            capacity=s.capacity,
            municipalities=[schemas.Place(code=c, name=n) for _, c, n, _ in s.served],
            sessions=by_series.get(s.id, []),
            may_manage=may_manage(ctx.principal, s),
            may_join=joining_place(ctx.principal, s) is not None,
            language=s.language,
            by_application=s.by_application,
            waiting=waiting[s.id] if may_manage(ctx.principal, s) else 0,
            applied=applied.get(s.id),
        )
        for s in found
    ]


async def list_series(ctx: Context) -> list[schemas.SeriesOut]:
    """The series ``ctx.principal`` may see: their own as hub, and those of the places
    where they hold a role (the hub's or a served municipality)."""
    async with ctx.work():
        found = [s for s in await series_rows() if may_see(ctx.principal, s)]
        return await _series_out(ctx, found)


async def get_series(ctx: Context, series_id: int) -> schemas.SeriesOut:
    async with ctx.work():
        return (await _series_out(ctx, [await load_series(ctx.principal, series_id)]))[0]


async def _book_hub(
    series: SeriesRow, start: datetime, end: datetime, user_id: int | None, now: datetime
) -> int:
    """A live booking of the hub for [start, end), or :class:`Conflict` naming ``start``."""
    hub = await locked_profile(
        series.hub,
        SpecialistProfile.buffer_minutes,
        SpecialistProfile.consultations_per_week,
        SpecialistProfile.offers_video,
        SpecialistProfile.offers_on_site,
        *DEFAULT_DETAILS.values(),
        missing=NotFound("the hub specialist no longer exists", field="series_id", source="path"),
    )
    if start < now:
        raise Conflict("is in the past", field="start")
    if not hub[f"offers_{series.mode}"]:
        raise InvalidInput(f"the hub does not offer {series.mode} meetings", field="start")
    buffer = timedelta(minutes=hub["buffer_minutes"])
    taken = (await booked_times([series.hub], start - buffer, end + buffer)).get(series.hub, [])
    if taken:
        raise Conflict("is taken: the hub has another meeting then", field="start")
    away = await Absence.exists().where(
        (Absence.specialist == series.hub) & (Absence.starts_at < end) & (Absence.ends_at > start)
    )
    if away:
        raise Conflict("falls in the hub's absence", field="start")
    used = (await week_used([series.hub], start.astimezone(STOCKHOLM).date())).get(series.hub, 0)
    if used >= hub["consultations_per_week"]:
        year, week = iso_week(start)
        raise Conflict(
            f"falls in week {week} of {year}, when the hub's capacity is used up", field="start"
        )
    booking = Booking(
        specialist=series.hub,
        request=None,
        origin_municipality=series.home_id,
        starts_at=start.astimezone(UTC),
        ends_at=end.astimezone(UTC),
        mode=series.mode,
        status=BookingStatus.BOOKED,
        created_by=user_id,
        created_at=now,
        # How to meet: the hub's default for the series' mode, as a consultation's.
        meeting_details=default_details(hub, series.mode),
    )
    return await save_booking(booking)


async def schedule_session(
    ctx: Context, series_id: int, data: schemas.SessionIn, *, now: datetime | None = None
) -> schemas.SessionOut:
    """A dated session of the series, holding the hub's time as a booking."""
    now = now or clock.now()
    async with ctx.work():
        series = await load_series(ctx.principal, series_id)
        if not may_manage(ctx.principal, series):
            raise Forbidden("only the hub or a coordinator of its municipality", field="series_id")
        start = data.start
        end = start + timedelta(minutes=series.duration_minutes)
        booking_id = await _book_hub(series, start, end, ctx.actor.user_id, now)
        session = ConferenceSession(
            series=series.id,
            starts_at=start.astimezone(UTC),
            ends_at=end.astimezone(UTC),
            topic=data.topic.strip(),
            booking=booking_id,
            created_at=now,
        )
        await session.save()
        await record(
            ctx.actor,
            "conference_session.create",
            "conference_session",
            session.id,
            municipality=series.home,
            county=series.home_county,
            detail={"series": series.id, "booking": booking_id},
        )
        rows = await ConferenceSession.select().where(ConferenceSession.id == session.id)
        return (await session_out(ctx, list(rows), {series.id: series.capacity}))[0]
