"""Applications to conference series and group placement: who gets a seat, exactly.

A social worker *applies* to a series opened by application (``by_application``), or
to one whose next session is full. The hub or a coordinator of the series then runs
a *group placement* over one or more series they manage (parallel groups of one
area, say): every waiting applicant of those series is placed into at most one of
them by :mod:`network.graph.groups` (area, language, distance, the applicant's ranking,
and the mixing of municipalities), exactly. The round is a *preview* first, kept
with each person's placement and reasons and the totals; *committing* it gives the
placed people a seat in every upcoming session of their group, through the same seat
rule as signing up (:func:`network.conferences.participation.take_seat`), in one
transaction: if a seat has gone since the preview, nothing is written and the round
must be previewed again. Or it is *discarded*.

A group's seats are those free in every one of its upcoming sessions; a series with
no upcoming session has none. An on-site group takes applicants within
:data:`ON_SITE_MAX_KM` of the hub's municipality; a video group any distance.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import datetime
from typing import Any

import anyio.to_thread
import msgspec
from piccolo.engine.postgres import PostgresEngine

from network.audit.services import record
from network.conferences import schemas
from network.conferences.access import (
    SeriesRow,
    joining_place,
    load_series,
    may_manage,
    series_rows,
)
from network.conferences.participation import take_seat
from network.conferences.series import create_series, get_series, schedule_session
from network.conferences.tables import (
    ConferenceApplication,
    ConferencePlacement,
    ConferenceSeries,
    ConferenceSession,
    ConferenceSignup,
)
from network.db import is_unique_violation
from network.directory.tables import Municipality
from network.graph.groups import (
    Applicant,
    Group,
    GroupProblem,
    GroupSolution,
    Mixing,
    build_groups_problem,
    solve_groups,
)
from network.graph.model import Place
from network.kernel.context import Context
from network.lib import clock
from network.lib.errors import Conflict, DomainError, Forbidden, InvalidInput, NotFound
from network.lib.vocab import ApplicationStatus, NotificationKind, RoundStatus
from network.notifications.services import Notice, notify_many

__all__ = (
    "MAX_APPLICANTS",
    "ON_SITE_MAX_KM",
    "apply",
    "commit",
    "create_groups",
    "discard",
    "get_placement",
    "list_applications",
    "list_placements",
    "preview",
    "withdraw",
)

ON_SITE_MAX_KM = 300.0
MAX_APPLICANTS = 20_000
# CP-SAT's time bound (the floor of municipalities); the flow needs no bound.
SOLVE_SECONDS = 20.0


async def _upcoming(series_ids: list[int], now: datetime) -> dict[int, list[int]]:
    """The ids of each series' sessions that have not started, earliest first."""
    found: dict[int, list[int]] = defaultdict(list)
    for row in (
        await ConferenceSession.select(ConferenceSession.id, ConferenceSession.series)
        .where(
            ConferenceSession.series.is_in(series_ids or [0])
            & (ConferenceSession.starts_at > now)
            & ConferenceSession.cancelled_at.is_null()
        )
        .order_by(ConferenceSession.starts_at)
    ):
        found[row["series"]].append(row["id"])
    return found


async def _seats(session_ids: list[int]) -> tuple[Counter[int], set[tuple[int, int]]]:
    """Seats taken per session, and who holds them as (session, user)."""
    taken: Counter[int] = Counter()
    holders: set[tuple[int, int]] = set()
    for row in await ConferenceSignup.select(ConferenceSignup.session, ConferenceSignup.user).where(
        ConferenceSignup.session.is_in(session_ids or [0])
    ):
        taken[row["session"]] += 1
        holders.add((row["session"], row["user"]))
    return taken, holders


def _free(series: SeriesRow, sessions: list[int], taken: Counter[int]) -> int:
    if not sessions:
        return 0
    return max(0, min(series.capacity - taken[s] for s in sessions))


def _application_out(row: dict[str, Any]) -> schemas.ApplicationOut:
    return schemas.ApplicationOut(
        id=row["id"],
        series=row["series"],
        user=row["user"],
        name=row["name"],
        municipality=schemas.Place(code=row["code"], name=row["place"]),
        languages=[code for code in row["languages"].split(",") if code],
        rank=row["rank"],
        status=row["status"],
        created_at=row["created_at"],
    )


async def _applications(condition: Any) -> list[dict[str, Any]]:
    return list(
        await ConferenceApplication.select(
            ConferenceApplication.id,
            ConferenceApplication.series,
            ConferenceApplication.user,
            ConferenceApplication.user._.display_name.as_alias("name"),
            ConferenceApplication.municipality.as_alias("municipality_id"),
            ConferenceApplication.municipality._.code.as_alias("code"),
            ConferenceApplication.municipality._.name.as_alias("place"),
            ConferenceApplication.municipality._.county._.code.as_alias("county"),
            ConferenceApplication.municipality._.latitude.as_alias("latitude"),
            ConferenceApplication.municipality._.longitude.as_alias("longitude"),
            ConferenceApplication.languages,
            ConferenceApplication.rank,
            ConferenceApplication.status,
            ConferenceApplication.created_at,
        )
        .where(condition)
        .order_by(ConferenceApplication.created_at, ConferenceApplication.id)
    )


async def apply(
    ctx: Context, series_id: int, data: schemas.ApplicationIn, *, now: datetime | None = None
) -> schemas.ApplicationOut:
    """Apply for a seat in the series' upcoming sessions (social workers of a served
    municipality; the series is opened by application or its next session is full)."""
    now = now or clock.now()
    if len(set(data.languages)) != len(data.languages):
        raise InvalidInput("lists a language twice", field="languages")
    async with ctx.work():
        series = await load_series(ctx.principal, series_id)
        place = joining_place(ctx.principal, series)
        if place is None:
            raise Forbidden(
                "only social workers of the municipalities the series serves apply",
                field="series_id",
            )
        sessions = (await _upcoming([series_id], now)).get(series_id, [])
        taken, holders = await _seats(sessions)
        if any((s, ctx.principal.user_id) in holders for s in sessions):
            raise Conflict("you have a seat already", field="series_id", source="path")
        if not series.by_application:
            if not sessions:
                raise Conflict("has no upcoming session", field="series_id", source="path")
            if taken[sessions[0]] < series.capacity:
                raise Conflict(
                    "has free seats: sign up for a session instead",
                    field="series_id",
                    source="path",
                )
        application = ConferenceApplication(
            series=series_id,
            user=ctx.principal.user_id,
            municipality=place[0],
            languages=",".join(data.languages),
            rank=data.rank,
            status=ApplicationStatus.WAITING,
            created_at=now,
        )
        try:
            await application.save()
        except Exception as error:
            if is_unique_violation(error):
                raise Conflict(
                    "you have applied already", field="series_id", source="path"
                ) from error
            raise
        await record(
            ctx.actor,
            "conference_application.create",
            "conference_series",
            series_id,
            municipality=place[1],
            detail={"rank": data.rank},
        )
        rows = await _applications(ConferenceApplication.id == application.id)
        return _application_out(rows[0])


async def withdraw(ctx: Context, series_id: int) -> schemas.ApplicationOut:
    """Withdraw your waiting application to the series."""
    async with ctx.work():
        await load_series(ctx.principal, series_id)
        mine = (ConferenceApplication.series == series_id) & (
            ConferenceApplication.user == ctx.principal.user_id
        )
        rows = await _applications(mine)
        if not rows or rows[0]["status"] != ApplicationStatus.WAITING:
            raise NotFound("you have no waiting application here", field="series_id", source="path")
        await ConferenceApplication.update(
            {ConferenceApplication.status: ApplicationStatus.WITHDRAWN}
        ).where(ConferenceApplication.id == rows[0]["id"])
        await record(
            ctx.actor,
            "conference_application.withdraw",
            "conference_series",
            series_id,
            municipality=rows[0]["code"],
        )
        return _application_out({**rows[0], "status": ApplicationStatus.WITHDRAWN})


async def list_applications(ctx: Context, series_id: int) -> list[schemas.ApplicationOut]:
    """The series' applications (its hub and coordinators), or your own."""
    async with ctx.work():
        series = await load_series(ctx.principal, series_id)
        condition: Any = ConferenceApplication.series == series_id
        if not may_manage(ctx.principal, series):
            condition = condition & (ConferenceApplication.user == ctx.principal.user_id)
        rows = await _applications(condition)
        if may_manage(ctx.principal, series):
            await record(
                ctx.actor,
                "conference_application.list",
                "conference_series",
                series_id,
                municipality=series.home,
                county=series.home_county,
                detail={"applications": len(rows)},
            )
        return [_application_out(r) for r in rows]


# --- group placement ---------------------------------------------------------------


async def _managed(ctx: Context, ids: list[int], field: str) -> list[SeriesRow]:
    found = []
    for series_id in ids:
        series = await load_series(ctx.principal, series_id, field=field)
        if not may_manage(ctx.principal, series):
            raise Forbidden(
                f"you do not manage series {series_id}: only its hub or a coordinator",
                field=field,
            )
        found.append(series)
    return found


def _problem(
    groups: list[SeriesRow],
    free: dict[int, int],
    rows: list[dict[str, Any]],
    homes: dict[str, Place],
    mixing: Mixing,
) -> GroupProblem:
    area_of = {s.id: s.area for s in groups}
    by_user: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        by_user[row["user"]].append(row)
    applicants = []
    for user, mine in by_user.items():
        mine.sort(key=lambda r: (r["rank"], r["created_at"], r["id"]))
        top = mine[0]
        areas = tuple(dict.fromkeys(area_of[r["series"]] for r in mine))
        applicants.append(
            Applicant(
                id=user,
                municipality=top["code"],
                place=Place(top["code"], top["county"], top["latitude"], top["longitude"]),
                areas=areas,
                languages=tuple(c for c in top["languages"].split(",") if c),
                preferences=tuple(dict.fromkeys(r["series"] for r in mine)),
            )
        )
    teams = [
        Group(
            id=s.id,
            area=s.area,
            place=homes[s.home],
            capacity=free[s.id],
            language=s.language,
            municipalities=frozenset(code for _, code, _, _ in s.served),
            max_km=ON_SITE_MAX_KM if s.mode == "on_site" else None,
        )
        for s in groups
    ]
    return build_groups_problem(applicants, teams, mixing=mixing)


def _solve(problem: GroupProblem) -> GroupSolution:
    return solve_groups(problem, seconds=SOLVE_SECONDS)


def _result(
    groups: list[SeriesRow],
    free: dict[int, int],
    rows: list[dict[str, Any]],
    solution: GroupSolution,
) -> dict[str, Any]:
    """What the round keeps: the solver's answer, the groups and one line a person."""
    first: dict[int, dict[str, Any]] = {}
    for row in sorted(rows, key=lambda r: (r["rank"], r["created_at"], r["id"])):
        first.setdefault(row["user"], row)
    placed = Counter(p.group for p in solution.placements)
    lines = []
    for user, row in sorted(first.items(), key=lambda item: ((item[1]["name"] or ""), item[0])):
        why = solution.explanations[user]
        lines.append(
            {
                "user": user,
                "name": row["name"],
                "municipality_id": row["municipality_id"],
                "code": row["code"],
                "place": row["place"],
                "series": why.group,
                "reason": why.reason,
                "score": why.score.total if why.score else None,
                "parts": {
                    "area": why.score.area,
                    "language": why.score.language,
                    "distance": why.score.distance,
                    "preference": why.score.preference,
                    "base": why.score.base,
                }
                if why.score
                else None,
                "km": round(why.score.km, 1) if why.score else None,
                "passed_over": list(why.passed_over),
                "eligible": why.eligible,
            }
        )
    return {
        "method": solution.method,
        "status": solution.status,
        "objective": solution.objective,
        "bound": solution.bound,
        "gap": solution.gap,
        "groups": [
            {
                "series": s.id,
                "title": s.title,
                "area": s.area,
                "seats": free[s.id],
                "placed": placed[s.id],
            }
            for s in groups
        ],
        "lines": lines,
    }


def _placement_out(row: dict[str, Any]) -> schemas.PlacementOut:
    result = row["result"]
    lines = [
        schemas.PlacementLine(
            user=line["user"],
            name=line["name"],
            municipality=schemas.Place(code=line["code"], name=line["place"]),
            series=line["series"],
            reason=line["reason"],
            score=line["score"],
            parts=line["parts"],
            km=line["km"],
            passed_over=line["passed_over"],
            eligible=line["eligible"],
        )
        for line in result.get("lines", [])
    ]
    return schemas.PlacementOut(
        id=row["id"],
        status=row["status"],
        series=list(row["series"]),
        max_per_municipality=row["max_per_municipality"],
        min_municipalities=row["min_municipalities"],
        method=result.get("method", ""),
        solver_status=result.get("status", ""),
        objective=result.get("objective", 0),
        bound=result.get("bound", 0),
        gap=result.get("gap", 0.0),
        total_score=row["total_score"],
        applicants=len(lines),
        placed=sum(1 for line in lines if line.series is not None),
        groups=[schemas.PlacementGroup(**g) for g in result.get("groups", [])],
        lines=lines,
        created_at=row["created_at"],
        committed_at=row["committed_at"],
    )


async def preview(
    ctx: Context, data: schemas.PlacementIn, *, now: datetime | None = None
) -> schemas.PlacementOut:
    """Place the waiting applicants of the series (groups) into them, and keep the
    answer as a preview: each person's group and reasons, the totals."""
    now = now or clock.now()
    if len(set(data.series)) != len(data.series):
        raise InvalidInput("lists a series twice", field="series")
    mixing = Mixing(
        max_per_municipality=data.max_per_municipality,
        min_municipalities=data.min_municipalities,
    )
    async with ctx.work():
        groups = await _managed(ctx, list(data.series), "series")
        upcoming = await _upcoming(list(data.series), now)
        taken, _ = await _seats([s for ids in upcoming.values() for s in ids])
        free = {s.id: _free(s, upcoming.get(s.id, []), taken) for s in groups}
        rows = await _applications(
            ConferenceApplication.series.is_in(list(data.series))
            & (ConferenceApplication.status == ApplicationStatus.WAITING)
        )
        if len({r["user"] for r in rows}) > MAX_APPLICANTS:
            raise InvalidInput(
                f"more than {MAX_APPLICANTS} applicants: place fewer series at once",
                field="series",
            )
        homes = {
            m["code"]: Place(m["code"], m["county"], m["latitude"], m["longitude"])
            for m in await Municipality.select(
                Municipality.code,
                Municipality.county._.code.as_alias("county"),
                Municipality.latitude,
                Municipality.longitude,
            ).where(Municipality.code.is_in(sorted({s.home for s in groups})))
        }
    # Solved outside the transaction (CP-SAT may take its time bound), on a worker thread.
    problem = _problem(groups, free, rows, homes, mixing)
    solution = await anyio.to_thread.run_sync(_solve, problem)
    result = _result(groups, free, rows, solution)
    async with ctx.work():
        stored = ConferencePlacement(
            status=RoundStatus.PREVIEW,
            series=list(data.series),
            max_per_municipality=data.max_per_municipality,
            min_municipalities=data.min_municipalities,
            total_score=solution.objective,
            result=result,
            created_by=ctx.actor.user_id,
            created_at=now,
        )
        await stored.save()
        await record(
            ctx.actor,
            "conference_placement.preview",
            "conference_placement",
            stored.id,
            municipality=groups[0].home,
            county=groups[0].home_county,
            detail={
                "series": list(data.series),
                "applicants": len(result["lines"]),
                "placed": len(solution.placements),
                "total_score": solution.objective,
                "method": solution.method,
                "status": solution.status,
            },
        )
        return await _read(stored.id)


async def _read(placement_id: int) -> schemas.PlacementOut:
    row = await _row(placement_id)
    return _placement_out(row)


async def _row(placement_id: int) -> dict[str, Any]:
    row = (
        await ConferencePlacement.select()
        .where(ConferencePlacement.id == placement_id)
        .output(load_json=True)
        .first()
    )
    if row is None:
        raise NotFound("no such group placement", field="placement_id", source="path")
    return dict(row)


async def _lock(placement_id: int) -> None:
    """Hold the round's row until the transaction ends (PostgreSQL; SQLite has one
    writer at a time), so that one commit or discard decides it."""
    query = ConferencePlacement.select(ConferencePlacement.id).where(
        ConferencePlacement.id == placement_id
    )
    if isinstance(ConferencePlacement._meta.db, PostgresEngine):
        query = query.lock_rows()
    await query.first()


async def _visible(ctx: Context, placement_id: int) -> tuple[dict[str, Any], list[SeriesRow]]:
    """The round and its series, for those who manage every one of them (others get
    the same 404 as for a missing id)."""
    row = await _row(placement_id)
    found = await series_rows(ConferenceSeries.id.is_in(list(row["series"]) or [0]))
    if len(found) != len(row["series"]) or not all(may_manage(ctx.principal, s) for s in found):
        raise NotFound("no such group placement", field="placement_id", source="path")
    return row, found


async def get_placement(ctx: Context, placement_id: int) -> schemas.PlacementOut:
    async with ctx.work():
        row, found = await _visible(ctx, placement_id)
        await record(
            ctx.actor,
            "conference_placement.read",
            "conference_placement",
            placement_id,
            municipality=found[0].home,
            county=found[0].home_county,
        )
        return _placement_out(row)


async def list_placements(ctx: Context, series_id: int) -> list[schemas.PlacementOut]:
    """The placement rounds that include the series (its hub and coordinators), newest
    first, without their lines."""
    async with ctx.work():
        series = await load_series(ctx.principal, series_id)
        if not may_manage(ctx.principal, series):
            raise Forbidden("only the hub or a coordinator of its municipality", field="series_id")
        rows = (
            await ConferencePlacement.select()
            .order_by(ConferencePlacement.id, ascending=False)
            .output(load_json=True)
        )
        return [
            msgspec.structs.replace(_placement_out(row), lines=[])
            for row in rows
            if series_id in row["series"]
        ]


async def commit(
    ctx: Context, placement_id: int, *, now: datetime | None = None
) -> schemas.PlacementOut:
    """Give every placed person a seat in each upcoming session of their group (the
    sign-up seat rule), mark their applications placed and tell them; all or nothing."""
    now = now or clock.now()
    async with ctx.work():
        await _lock(placement_id)
        row, found = await _visible(ctx, placement_id)
        if row["status"] != RoundStatus.PREVIEW:
            raise Conflict(f"the placement is {row['status']} already", field="placement_id")
        by_id = {s.id: s for s in found}
        placed = [line for line in row["result"].get("lines", []) if line["series"] is not None]
        waiting = {
            r["user"]
            for r in await ConferenceApplication.select(ConferenceApplication.user).where(
                ConferenceApplication.series.is_in(list(by_id))
                & (ConferenceApplication.status == ApplicationStatus.WAITING)
            )
        }
        if any(line["user"] not in waiting for line in placed):
            raise Conflict(
                "applications have changed since the preview: preview the placement again",
                field="placement_id",
                source="path",
            )
        upcoming = await _upcoming(list(by_id), now)
        _, holders = await _seats([s for ids in upcoming.values() for s in ids])
        seats = 0
        for line in placed:
            series = by_id[line["series"]]
            for session_id in upcoming.get(series.id, []):
                if (session_id, line["user"]) in holders:
                    continue
                try:
                    await take_seat(
                        session_id, series, line["user"], line["municipality_id"], now, mine=False
                    )
                except Conflict as error:
                    raise Conflict(
                        "seats have changed since the preview: preview the placement again",
                        field="placement_id",
                        source="path",
                    ) from error
                seats += 1
        users = [line["user"] for line in placed]
        if users:
            await ConferenceApplication.update(
                {
                    ConferenceApplication.status: ApplicationStatus.PLACED,
                    ConferenceApplication.placed_at: now,
                }
            ).where(
                ConferenceApplication.series.is_in(list(by_id))
                & ConferenceApplication.user.is_in(users)
                & (ConferenceApplication.status == ApplicationStatus.WAITING)
            )
        await notify_many(
            NotificationKind.CONFERENCE_PLACED,
            "conference_series",
            [
                Notice(
                    (line["user"],),
                    line["series"],
                    f"/conferences/{line['series']}",
                    {"area": by_id[line["series"]].area},
                )
                for line in placed
            ],
        )
        await ConferencePlacement.update(
            {
                ConferencePlacement.status: RoundStatus.COMMITTED,
                ConferencePlacement.committed_at: now,
            }
        ).where(ConferencePlacement.id == placement_id)
        await record(
            ctx.actor,
            "conference_placement.commit",
            "conference_placement",
            placement_id,
            municipality=found[0].home,
            county=found[0].home_county,
            detail={"placed": len(placed), "seats": seats},
        )
        return await _read(placement_id)


async def discard(ctx: Context, placement_id: int) -> schemas.PlacementOut:
    """Drop a preview; nothing else changes."""
    async with ctx.work():
        await _lock(placement_id)
        row, found = await _visible(ctx, placement_id)
        if row["status"] != RoundStatus.PREVIEW:
            raise Conflict(f"the placement is {row['status']} already", field="placement_id")
        await ConferencePlacement.update({ConferencePlacement.status: RoundStatus.DISCARDED}).where(
            ConferencePlacement.id == placement_id
        )
        await record(
            ctx.actor,
            "conference_placement.discard",
            "conference_placement",
            placement_id,
            municipality=found[0].home,
            county=found[0].home_county,
        )
        return await _read(placement_id)


async def create_groups(ctx: Context, data: schemas.GroupsIn) -> list[schemas.SeriesOut]:
    """Parallel groups: one series per hub (numbered after ``title``), all of one area,
    serving the same municipalities, opened by application, each with its first
    session; all or nothing (a refusal names the hub by its place in ``hubs``)."""
    if len(set(data.hubs)) != len(data.hubs):
        raise InvalidInput("lists a hub twice", field="hubs")
    made: list[int] = []
    async with ctx.work():
        for number, hub in enumerate(data.hubs, start=1):
            title = f"{data.title.strip()} {number}" if len(data.hubs) > 1 else data.title
            try:
                series = await create_series(
                    ctx,
                    schemas.SeriesIn(
                        title=title[:200],
                        area=data.area,
                        municipalities=data.municipalities,
                        cadence=data.cadence,
                        duration_minutes=data.duration_minutes,
                        mode=data.mode,
                        capacity=data.capacity,
                        hub=hub,
                        language=data.language,
                        by_application=True,
                    ),
                )
                await schedule_session(
                    ctx, series.id, schemas.SessionIn(start=data.start, topic=data.topic)
                )
            except DomainError as error:
                about_hub = error.field == "area" and "competent" in error.message
                if error.field not in ("hub", "start", "series_id") and not about_hub:
                    raise
                raise type(error)(
                    f"hub {number} (specialist {hub}): {error.message}",
                    field="hubs" if error.field != "start" else "start",
                ) from error
            made.append(series.id)
        return [await get_series(ctx, series_id) for series_id in made]
