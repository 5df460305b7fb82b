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
from network.lib.errors import Conflict, DomainError, Forbidden, InvalidInput, NotFound
from network.lib.vocab import (
    ApplicationStatus,
    BookingStatus,
    Cadence,
    ConferenceKind,
    NotificationKind,
)
from network.notifications.services import notify
from network.scheduling import STOCKHOLM, cadence_dates, local_period
from network.scheduling.slots import iso_week
from network.specialists.capacity import booked_times, week_used
from network.specialists.services import locked_profile, served_places
from network.specialists.tables import Absence, SpecialistCompetence, SpecialistProfile

__all__ = (
    "book_leader",
    "create_series",
    "get_series",
    "list_series",
    "lock_leader",
    "plan_sessions",
    "refusal",
    "schedule_session",
    "series_options",
    "series_out",
    "session_out",
)


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


async def series_options(ctx: Context, hub: int | None = None) -> schemas.SeriesOptions:
    """The choices of the form that sets up a series (see :class:`schemas.SeriesOptions`):
    ``hub`` when the asker may name it, else the asker's own profile, else none yet."""
    rows = await SpecialistProfile.select(
        SpecialistProfile.id,
        SpecialistProfile.user._.display_name.as_alias("name"),
        SpecialistProfile.home_municipality._.code.as_alias("home"),
        SpecialistProfile.home_municipality._.name.as_alias("home_name"),
        SpecialistProfile.home_municipality._.county._.code.as_alias("county"),
    ).order_by(SpecialistProfile.user._.display_name)
    hubs = [
        schemas.HubChoice(
            id=r["id"], name=r["name"], home=schemas.Place(code=r["home"], name=r["home_name"])
        )
        for r in rows
        if decide(
            ctx.principal,
            Action.CONFERENCE_MANAGE,
            Target(municipality=r["home"], county=r["county"], specialist_ids=frozenset({r["id"]})),
        )
    ]
    ids = [h.id for h in hubs]
    chosen = hub if hub in ids else ctx.principal.specialist_id
    if chosen not in ids:
        chosen = ids[0] if len(ids) == 1 else None
    if chosen is None:
        return schemas.SeriesOptions(hubs=hubs, hub=None, areas=[], municipalities=[])
    areas = (
        await SpecialistCompetence.select(
            SpecialistCompetence.area._.code.as_alias("code"),
            SpecialistCompetence.area._.name_sv.as_alias("name_sv"),
            SpecialistCompetence.area._.name_en.as_alias("name_en"),
        )
        .where(SpecialistCompetence.specialist == chosen)
        .order_by(SpecialistCompetence.area._.name_sv)
    )
    served = await served_places(chosen, clock.today())
    reach = sorted({t.municipality for t in served if t.municipality is not None})
    places = (
        await Municipality.select(Municipality.code, Municipality.name)
        .where(Municipality.code.is_in(reach or ["-"]))
        .order_by(Municipality.name)
    )
    return schemas.SeriesOptions(
        hubs=hubs,
        hub=chosen,
        areas=[schemas.AreaChoice(**a) for a in areas],
        municipalities=[schemas.Place(code=p["code"], name=p["name"]) for p in places],
    )


async def session_out(
    ctx: Context, rows: list[dict[str, Any]], capacity: dict[int, int]
) -> list[schemas.SessionOut]:
    """Sessions with their seats taken, cases presented and whether the asker signed up
    (``capacity``: seats per series id)."""
    ids = [row["id"] for row in rows] or [0]
    seats: Counter[int] = Counter()
    mine: dict[int, bool | None] = {}  # the asker's seats: session → attended
    for signup in await ConferenceSignup.select(
        ConferenceSignup.session, ConferenceSignup.user, ConferenceSignup.attended
    ).where(ConferenceSignup.session.is_in(ids)):
        seats[signup["session"]] += 1
        if signup["user"] == ctx.principal.user_id:
            mine[signup["session"]] = signup["attended"]
    async with system_scope(ConferenceCase._meta.db):  # a count, no case text
        cases: Counter[int] = Counter(
            row["session"]
            for row in await ConferenceCase.select(ConferenceCase.session).where(
                ConferenceCase.session.is_in(ids)
            )
        )
    leaders = sorted({row["stand_in"] for row in rows if row.get("stand_in") is not None})
    names = {
        r["id"]: r["name"]
        for r in await SpecialistProfile.select(
            SpecialistProfile.id, SpecialistProfile.user._.display_name.as_alias("name")
        ).where(SpecialistProfile.id.is_in(leaders or [0]))
    }
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
            attended=mine.get(row["id"]),
            cancelled=row.get("cancelled_at") is not None,
            cancel_reason=row.get("cancel_reason"),
            stand_in=row.get("stand_in"),
            stand_in_name=names.get(row.get("stand_in") or 0),
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
            kind=s.kind,
            programme=s.programme,
            part_format=s.part_format,
        )
        for s in found
    ]


async def series_out(ctx: Context, found: list[SeriesRow]) -> list[schemas.SeriesOut]:
    """The series of ``found`` as the API shows them to ``ctx.principal`` (call it
    inside the caller's unit of work)."""
    return await _series_out(ctx, found)


async def list_series(
    ctx: Context, *, kind: ConferenceKind | None = None, area_id: int | None = None
) -> list[schemas.SeriesOut]:
    """The series ``ctx.principal`` may see: their own as hub, and those of the places
    where they hold a role (the hub's or a served municipality); only those of ``kind``
    and of the area ``area_id`` when given (a peer group's meetings)."""
    condition: Any = None
    if kind is not None:
        condition = ConferenceSeries.kind == kind
    if area_id is not None:
        by_area = ConferenceSeries.area == area_id
        condition = by_area if condition is None else condition & by_area
    async with ctx.work():
        found = [s for s in await series_rows(condition) if may_see(ctx.principal, s)]
        return await _series_out(ctx, found)


async def get_series(ctx: Context, series_id: int) -> schemas.SeriesOut:
    async with ctx.work():
        return (await _series_out(ctx, [await load_series(ctx.principal, series_id)]))[0]


LEADER_COLUMNS = (
    SpecialistProfile.buffer_minutes,
    SpecialistProfile.consultations_per_week,
    SpecialistProfile.offers_video,
    SpecialistProfile.offers_on_site,
    *DEFAULT_DETAILS.values(),  # how to meet, copied onto the session's booking
)


async def lock_leader(specialist: int) -> dict[str, Any]:
    """The profile row of the specialist who leads a session (the hub, or a stand-in),
    locked until the transaction ends so that the checks of :func:`refusal` stay true."""
    return await locked_profile(
        specialist,
        *LEADER_COLUMNS,
        missing=NotFound("the hub specialist no longer exists", field="series_id", source="path"),
    )


async def refusal(
    leader: dict[str, Any],
    series: SeriesRow,
    start: datetime,
    end: datetime,
    now: datetime,
    *,
    who: str = "the hub",
) -> DomainError | None:
    """Why the (locked) ``leader`` cannot hold a session of ``series`` at [start, end):
    the past, the meeting mode, another booking (buffer included), an absence or the
    week's capacity, each naming ``start``; ``None`` when the time is free."""
    specialist = leader["id"]
    if start < now:
        return Conflict("is in the past", field="start")
    if not leader[f"offers_{series.mode}"]:
        return InvalidInput(f"{who} does not offer {series.mode} meetings", field="start")
    buffer = timedelta(minutes=leader["buffer_minutes"])
    taken = (await booked_times([specialist], start - buffer, end + buffer)).get(specialist, [])
    if taken:
        return Conflict(f"is taken: {who} has another meeting then", field="start")
    away = await Absence.exists().where(
        (Absence.specialist == specialist) & (Absence.starts_at < end) & (Absence.ends_at > start)
    )
    if away:
        return Conflict(f"falls in {who}'s absence", field="start")
    used = (await week_used([specialist], start.astimezone(STOCKHOLM).date())).get(specialist, 0)
    if used >= leader["consultations_per_week"]:
        year, week = iso_week(start)
        return Conflict(
            f"falls in week {week} of {year}, when {who}'s capacity is used up", field="start"
        )
    return None


async def book_leader(
    leader: dict[str, Any],
    series: SeriesRow,
    start: datetime,
    end: datetime,
    user_id: int | None,
    now: datetime,
) -> int:
    """A live booking of ``leader`` (the profile row of :func:`lock_leader`, checked
    free by :func:`refusal`) for a session of ``series``: its id."""
    booking = Booking(
        specialist=leader["id"],
        request=None,
        origin_municipality=series.home_id,
        starts_at=start.astimezone(UTC),
        ends_at=end.astimezone(UTC),
        mode=series.mode,
        status=BookingStatus.BOOKED,
        created_by=user_id,
        created_at=now,
        # How to meet: the leader's default for the series' mode, as a consultation's.
        meeting_details=default_details(leader, series.mode),
    )
    return await save_booking(booking)


async def _enrol_cohort(
    series: SeriesRow, session_id: int, start: datetime, topic: str, now: datetime
) -> int:
    """A programme's group part is part of the programme: its mentees are enrolled in
    every session when it is scheduled (the host records who came) and told so.
    Refused when the mentees outnumber the part's seats. Returns how many were
    enrolled."""
    if series.intro is None or not series.intro.mentees:
        return 0
    mentees = series.intro.mentees
    if len(mentees) > series.capacity:
        raise Conflict(
            f"the programme has {len(mentees)} mentees, more than the part's "
            f"{series.capacity} seats",
            field="series_id",
            source="path",
        )
    await ConferenceSignup.insert(
        *(
            ConferenceSignup(session=session_id, user=user, municipality=place, created_at=now)
            for user, (place, _) in sorted(mentees.items())
        )
    )
    await notify(
        sorted(mentees),
        NotificationKind.PROGRAMME_ENROLLED,
        object_type="conference_session",
        object_id=session_id,
        link=f"/conferences/sessions/{session_id}",
        params={"area": series.area, "start": start.isoformat(), "title": series.title}
        | ({"topic": topic} if topic else {}),
    )
    return len(mentees)


async def _new_session(
    ctx: Context, series: SeriesRow, start: datetime, topic: str, booking_id: int, now: datetime
) -> int:
    end = start + timedelta(minutes=series.duration_minutes)
    session = ConferenceSession(
        series=series.id,
        starts_at=start.astimezone(UTC),
        ends_at=end.astimezone(UTC),
        topic=topic.strip(),
        booking=booking_id,
        created_at=now,
    )
    await session.save()
    enrolled = await _enrol_cohort(series, int(session.id), start, topic.strip(), now)
    await record(
        ctx.actor,
        "conference_session.create",
        "conference_session",
        session.id,
        municipality=series.home,
        county=series.home_county,
        detail={"series": series.id, "booking": booking_id, "enrolled": enrolled},
    )
    return int(session.id)


def _must_manage(ctx: Context, series: SeriesRow) -> None:
    if not may_manage(ctx.principal, series):
        raise Forbidden("only the hub or a coordinator of its municipality", field="series_id")


async def schedule_session(
    ctx: Context, series_id: int, data: schemas.SessionIn, *, now: datetime | None = None
) -> schemas.SessionOut:
    """A dated session of the series, holding the hub's time as a booking."""
    now = now or clock.now()
    async with ctx.work():
        series = await load_series(ctx.principal, series_id)
        _must_manage(ctx, series)
        start = data.start
        end = start + timedelta(minutes=series.duration_minutes)
        hub = await lock_leader(series.hub)
        problem = await refusal(hub, series, start, end, now)
        if problem is not None:
            raise problem
        booking_id = await book_leader(hub, series, start, end, ctx.actor.user_id, now)
        session_id = await _new_session(ctx, series, start, data.topic, booking_id, now)
        rows = await ConferenceSession.select().where(ConferenceSession.id == session_id)
        return (await session_out(ctx, list(rows), {series.id: series.capacity}))[0]


async def plan_sessions(
    ctx: Context, series_id: int, data: schemas.PlanIn, *, now: datetime | None = None
) -> schemas.PlanOut:
    """The next ``data.count`` sessions by the series' cadence from ``data.first``
    (:func:`network.scheduling.cadence_dates`, at the same Stockholm time of day), each
    booked in the hub's calendar under the rules of :func:`schedule_session`; a date
    that cannot be booked is skipped with the reason, the others are booked."""
    now = now or clock.now()
    if len(data.topics) > data.count:
        raise InvalidInput(f"gives more topics than the {data.count} sessions", field="topics")
    local = data.first.astimezone(STOCKHOLM)
    async with ctx.work():
        series = await load_series(ctx.principal, series_id)
        _must_manage(ctx, series)
        days = cadence_dates(local.date(), series.cadence, data.count)
        hub = await lock_leader(series.hub)
        booked: list[int] = []
        skipped: list[schemas.PlanSkipped] = []
        for index, day in enumerate(days):
            start, end = local_period(
                day, local.timetz().replace(tzinfo=None), series.duration_minutes
            )
            problem = await refusal(hub, series, start, end, now)
            if problem is not None:
                skipped.append(schemas.PlanSkipped(start=start, reason=problem.message))
                continue
            booking_id = await book_leader(hub, series, start, end, ctx.actor.user_id, now)
            topic = data.topics[index] if index < len(data.topics) else ""
            booked.append(await _new_session(ctx, series, start, topic, booking_id, now))
        await record(
            ctx.actor,
            "conference_series.plan",
            "conference_series",
            series.id,
            municipality=series.home,
            county=series.home_county,
            detail={"booked": len(booked), "skipped": len(skipped), "cadence": series.cadence},
        )
        rows = (
            await ConferenceSession.select()
            .where(ConferenceSession.id.is_in(booked or [0]))
            .order_by(ConferenceSession.starts_at)
        )
        out = await session_out(ctx, list(rows), {series.id: series.capacity})
        return schemas.PlanOut(booked=out, skipped=skipped)
