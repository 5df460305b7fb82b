"""Batch rounds: a coordinator places the waiting requests of their municipality or
county all at once, with a maximum-weight assignment (see :mod:`network.graph.assignment`)
that keeps each specialist's meetings and case points left this week (with points of
different weights, a generalized assignment problem: :mod:`network.graph.gap`; the
round reports its total, the bound it proved and the gap between them).

A round is first a *preview*: who would get what, with each pair's score parts,
and the requests left unplaced with why. Committing it turns the proposals into
offers (each with its time limit), skipping any request that was placed some
other way in between. The round's problem instance is kept, so anyone can
re-solve it and check the total. Only one round runs at a time (a Redis lock
when Redis is configured).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from network.audit.services import record
from network.consultations import schemas
from network.consultations.access import (
    RequestRow,
    case_work,
    load_requests,
    refusals_audited,
    unseen,
)
from network.consultations.lifecycle import PLACEABLE
from network.consultations.network_loader import (
    area_homes,
    current_state,
    load_network,
    next_free_slots,
    request_info,
)
from network.consultations.notices import tell_offered_many
from network.consultations.offers import OFFER_TIME_LIMIT
from network.consultations.requests import set_statuses
from network.consultations.snapshots import AreaSnapshot, area_snapshots
from network.consultations.tables import Assignment, AssignmentRound, ConsultationRequest
from network.db import among, id_chunks, insert_columns
from network.directory.tables import County, Municipality
from network.graph.assignment import LAYOUTS, RoundProblem, exported, exported_json
from network.graph.fastmatch import build_problem_fast, prepare, round_pairs, with_next_free
from network.graph.gap import solve_points
from network.graph.model import Network, RequestInfo, SpecialistInfo
from network.graph.unplaced import explain_unplaced
from network.kernel.context import Context
from network.kernel.kept import Kept
from network.kernel.policy import Action, Principal, Target, decide, visible_scope
from network.lib import clock
from network.lib.errors import Conflict, Forbidden, InvalidInput
from network.lib.vocab import AssignmentStatus, ConsultationStatus, Role, RoundKind, RoundStatus
from network.specialists.services import lock_profiles
from network.specialists.workload import (
    consultation_points,
    load_points_table,
    points_load,
)

__all__ = (
    "MAX_REQUESTS",
    "commit",
    "get_round",
    "list_rounds",
    "preview",
    "problem_json",
    "problem_of",
    "request_details",
)

MAX_REQUESTS = 20_000
BUSY = "a batch round is running already; try again when it has finished"


async def _place(
    principal: Principal, county: str | None, municipality: str | None
) -> tuple[str | None, str | None, dict[str, Any], Target]:
    """The municipality or county the round covers (default: the coordinator's own),
    its row ids, and the target the coordinator's rights are checked against."""
    if county is None and municipality is None:
        bindings = [b for b in principal.bindings if b.role is Role.COORDINATOR]
        if len(bindings) != 1:
            raise InvalidInput("name the county or municipality of the round", field="county")
        county, municipality = (
            (None, bindings[0].municipality)
            if bindings[0].municipality
            else (bindings[0].county, None)
        )
    if municipality is not None:
        row = (
            await Municipality.select(
                Municipality.id, Municipality.county._.code.as_alias("county")
            )
            .where(Municipality.code == municipality)
            .first()
        )
        if row is None:
            raise InvalidInput(f"unknown municipality code {municipality!r}", field="municipality")
        target = Target(municipality=municipality, county=row["county"])
        ids = {"municipality": row["id"]}
    else:
        row = await County.select(County.id).where(County.code == county).first()
        if row is None:
            raise InvalidInput(f"unknown county code {county!r}", field="county")
        target = Target(county=county)
        ids = {"county": row["id"]}
    if not decide(principal, Action.ROUND_RUN, target):
        raise Forbidden("you may run rounds only for your own municipality or county")
    return county, municipality, ids, target


async def _waiting(county: str | None, municipality: str | None) -> list[int]:
    origin = ConsultationRequest.origin_municipality
    where: Any = ConsultationRequest.status.is_in(sorted(PLACEABLE))
    where = where & (
        (origin._.code == municipality) if municipality else (origin._.county._.code == county)
    )
    rows = (
        await ConsultationRequest.select(ConsultationRequest.id)
        .where(where)
        .order_by(ConsultationRequest.opened_at)
        .limit(MAX_REQUESTS)
    )
    return [row["id"] for row in rows]


async def round_network(
    kept: Kept, infos: list[RequestInfo], now: datetime
) -> tuple[Network, list[AreaSnapshot]]:
    """The specialists who may serve one of ``infos`` (competent in its area, at home
    where it comes from or where an agreement on the area joins to it), with this
    week's load and who is away now, as :func:`load_network` reads them; but taken
    from the process's kept area snapshots (:func:`area_snapshots`, the suggestions'),
    so that a round reads only the changing state. And those snapshots."""
    asks = {(r.area, r.origin) for r in infos}
    areas = sorted({area for area, _ in asks})
    if not areas:
        return await load_network(infos, now=now), []
    snapshots = await area_snapshots(kept, areas, now)
    base = snapshots[0].network
    homes = base.homes_serving(asks)
    state = await current_state(areas, now, homes)
    people: dict[int, SpecialistInfo] = {}
    for snapshot in snapshots:
        for specialist_id, specialist in snapshot.network.specialists.items():
            if specialist.home in homes and specialist_id not in people:
                people[specialist_id] = replace(
                    specialist,
                    used=state.used.get(specialist_id, 0),
                    absent=specialist_id in state.absent,
                )
    network = Network.of(base.places.values(), base.agreements, [people[i] for i in sorted(people)])
    return network, snapshots


async def _with_points(
    problem: RoundProblem, rows: list[RequestRow], snapshots: list[AreaSnapshot]
) -> RoundProblem:
    """The problem with each request's case points and each specialist's points left
    this week (:mod:`network.specialists.workload`): the round keeps both budgets
    (the points table and the budgets as the area ``snapshots`` hold them)."""
    table = snapshots[0].points if snapshots else await load_points_table()
    capacities: dict[int, int] = {}
    for snapshot in snapshots:
        capacities |= snapshot.points_capacity or {}
    points = {
        r.id: consultation_points(
            table, kind=r.kind, urgency=r.urgency, area=r.area, county=r.county
        )
        for r in rows
    }
    loads = await points_load(
        problem.capacities, clock.today(), table=table, capacities=capacities or None
    )
    budgets = {s: loads[s].remaining if s in loads else 0 for s in problem.capacities}
    return replace(problem, points=points, budgets=budgets)


async def preview(
    ctx: Context,
    *,
    county: str | None = None,
    municipality: str | None = None,
) -> schemas.RoundOut:
    """Solve a round for the waiting requests of the place and keep it as a preview."""
    county, municipality, place, target = await _place(ctx.principal, county, municipality)
    now = clock.now()
    async with (
        ctx.runtime.locks.exclusive("round", busy=BUSY),
        ctx.work(),
    ):
        rows = await load_requests(await _waiting(county, municipality))
        infos = [request_info(r) for r in rows]
        network, snapshots = await round_network(ctx.runtime.kept, infos, now)
        arrays = prepare(network, now.date())
        # Next free slots matter to meetings only, and are looked up only for
        # specialists eligible for one (vectorised: 5,000 requests × 20,000 specialists),
        # all at once (the hours as the process keeps them).
        eligible = round_pairs(infos, arrays)
        found = await next_free_slots(
            eligible.specialists(arrays, meetings_only=True), now, kept=ctx.runtime.kept
        )
        full = build_problem_fast(infos, with_next_free(arrays, found), now=now, pairs=eligible)
        # (Never to the one who turned it down, nor to a specialist who asks themself.)
        refused = {r.id: r.never_offered for r in rows if r.never_offered}
        problem = await _with_points(full.without(refused), rows, snapshots)
        answer = solve_points(problem)
        solution = answer.solution
        # What would help each unplaced request, in the coordinator's terms.
        left = [info for info in infos if info.id in solution.unplaced]
        whys = explain_unplaced(
            left,
            network,
            now=now,
            next_free=found,
            turned_down=refused,
            area_homes=await area_homes({info.area for info in left}),
        )
        header, packed = problem.to_stored()
        stored = AssignmentRound(
            kind=RoundKind.CONSULTATION,
            status=RoundStatus.PREVIEW,
            created_by=ctx.principal.user_id,
            created_at=now,
            total_score=solution.total_score,
            bound=answer.bound,
            gap=answer.gap,
            solver=answer.status,
            problem=header,
            pairs=packed,
            unplaced=[
                {"request": r, "reason": why, **(whys[r].as_dict() if r in whys else {})}
                for r, why in solution.unplaced.items()
            ],
            **place,
        )
        await stored.save()
        origins = {r.id: r.origin_id for r in rows}
        placed = solution.placements
        parts = [problem.breakdowns[(p.request, p.specialist)].as_dict() for p in placed]
        await insert_columns(  # thousands of rows at national scale
            Assignment,
            {
                Assignment.request: [p.request for p in placed],
                Assignment.specialist: [p.specialist for p in placed],
                Assignment.origin_municipality: [origins[p.request] for p in placed],
                Assignment.batch_round: [stored.id] * len(placed),
                Assignment.score: [p.score for p in placed],
                Assignment.breakdown: parts,
                Assignment.status: [AssignmentStatus.PROPOSED.value] * len(placed),
                Assignment.created_at: [now] * len(placed),
            },
        )
        await record(
            ctx.actor,
            "round.preview",
            "round",
            stored.id,
            municipality=municipality,
            county=county,
            detail={
                "requests": len(problem.requests),
                "placed": len(solution.placements),
                "total_score": solution.total_score,
                "bound": answer.bound,
                "gap": answer.gap,
                "solver": answer.status,
            },
        )
    # The answer from what was stored, not read again (thousands of rows).
    shown = {
        "id": stored.id,
        "status": RoundStatus.PREVIEW,
        "county": target.county,
        "municipality_county": None,
        "municipality": municipality,
        "total_score": stored.total_score,
        "bound": answer.bound,
        "gap": answer.gap,
        "solver": answer.status,
        "created_at": now,
        "committed_at": None,
        "unplaced": stored.unplaced,
    }
    proposals = [
        {
            "request": p.request,
            "specialist": p.specialist,
            "score": p.score,
            "breakdown": part,
            "status": AssignmentStatus.PROPOSED,
        }
        for p, part in zip(placed, parts, strict=True)
    ]
    return _round_out(shown, proposals)


async def _round_row(principal: Principal, round_id: int) -> dict[str, Any]:
    row = (
        await AssignmentRound.select(
            AssignmentRound.id,
            AssignmentRound.status,
            AssignmentRound.total_score,
            AssignmentRound.bound,
            AssignmentRound.gap,
            AssignmentRound.solver,
            AssignmentRound.created_at,
            AssignmentRound.committed_at,
            AssignmentRound.unplaced,
            AssignmentRound.county._.code.as_alias("county"),
            AssignmentRound.municipality._.code.as_alias("municipality"),
            AssignmentRound.municipality._.county._.code.as_alias("municipality_county"),
        )
        .where(AssignmentRound.id == round_id)
        .output(load_json=True)
        .first()
    )
    # Another place's round is answered as one that does not exist.
    if row is None or not decide(
        principal,
        Action.ROUND_RUN,
        Target(
            municipality=row["municipality"], county=row["county"] or row["municipality_county"]
        ),
    ):
        raise unseen("no such round", "round", round_id, Action.ROUND_RUN, field="round_id")
    return dict(row)


async def _assignments(round_id: int) -> list[dict[str, Any]]:
    return list(
        await Assignment.select(
            Assignment.id,
            Assignment.request,
            Assignment.specialist,
            Assignment.score,
            Assignment.breakdown,
            Assignment.status,
        )
        .where(Assignment.batch_round == round_id)
        .order_by(Assignment.request)
        .output(load_json=True)
    )


def _round_out(row: dict[str, Any], assignments: list[dict[str, Any]]) -> schemas.RoundOut:
    return schemas.RoundOut(
        id=row["id"],
        status=row["status"],
        county=row["county"] or row["municipality_county"],
        municipality=row["municipality"],
        total_score=row["total_score"],
        bound=row["bound"],
        gap=row["gap"],
        solver=row["solver"],
        created_at=row["created_at"],
        committed_at=row["committed_at"],
        assignments=[
            schemas.RoundAssignment(
                request=a["request"],
                specialist=a["specialist"],
                score=a["score"],
                breakdown=a["breakdown"],
                status=a["status"],
            )
            for a in assignments
        ],
        unplaced=[schemas.Unplaced(**u) for u in row["unplaced"] or []],
    )


async def get_round(ctx: Context, round_id: int, *, audited: bool = True) -> schemas.RoundOut:
    async with case_work(ctx):
        row = await _round_row(ctx.principal, round_id)
        assignments = await _assignments(round_id)
        if audited:
            await record(ctx.actor, "round.read", "round", round_id)
    return _round_out(row, assignments)


async def problem_of(ctx: Context, round_id: int) -> dict[str, Any]:
    """The round's problem instance, for anyone to re-solve (ids and scores only)."""
    row = await _problem_row(ctx, round_id)
    return exported(row["problem"], row["pairs"])


async def problem_json(ctx: Context, round_id: int, layout: str = "edges") -> Iterator[bytes]:
    """:func:`problem_of` as JSON text in pieces (:func:`exported_json`): a national
    round's millions of pairs are never whole in memory. Access is decided, and the
    reading audited, before the first piece."""
    if layout not in LAYOUTS:
        raise InvalidInput(f"must be one of {', '.join(LAYOUTS)}", field="layout", source="query")
    row = await _problem_row(ctx, round_id)
    return exported_json(row["problem"], row["pairs"], layout=layout)


async def _problem_row(ctx: Context, round_id: int) -> dict[str, Any]:
    async with refusals_audited(ctx.actor):
        await _round_row(ctx.principal, round_id)
    row = (
        await AssignmentRound.select(AssignmentRound.problem, AssignmentRound.pairs)
        .where(AssignmentRound.id == round_id)
        .output(load_json=True)
        .first()
    )
    assert row is not None
    await record(ctx.actor, "round.problem", "round", round_id)
    return row


@dataclass(frozen=True, slots=True)
class _Current:
    """What a commit needs of a request as it is now."""

    id: int
    status: str
    urgency: str
    version: int
    area: str
    kind: str
    county: str


async def _current(request_ids: list[int]) -> dict[int, _Current]:
    found: dict[int, _Current] = {}
    for chunk in id_chunks(request_ids):
        for row in await ConsultationRequest.select(
            ConsultationRequest.id,
            ConsultationRequest.status,
            ConsultationRequest.urgency,
            ConsultationRequest.version,
            ConsultationRequest.area._.code.as_alias("area"),
            ConsultationRequest.kind,
            ConsultationRequest.origin_municipality._.county._.code.as_alias("county"),
        ).where(among(ConsultationRequest.id, chunk)):
            found[row["id"]] = _Current(**row)
    return found


async def _over_points(proposals: list[dict[str, Any]], loaded: dict[int, _Current]) -> set[int]:
    """The proposals (ids) that no longer fit their specialist's points left this
    week, checked with the specialists' rows locked (:func:`lock_profiles`): each
    specialist keeps their best-scored proposals that fit."""
    specialists = sorted({p["specialist"] for p in proposals})
    if not specialists:
        return set()
    await lock_profiles(specialists)
    table = await load_points_table()
    left = {
        s: load.remaining
        for s, load in (await points_load(specialists, clock.today(), table=table)).items()
    }
    over: set[int] = set()
    for p in sorted(proposals, key=lambda p: (-p["score"], p["request"])):
        current = loaded[p["request"]]
        points = consultation_points(
            table,
            kind=current.kind,
            urgency=current.urgency,
            area=current.area,
            county=current.county,
        )
        if left.get(p["specialist"], 0) >= points:
            left[p["specialist"]] -= points
        else:
            over.add(p["id"])
    return over


async def commit(ctx: Context, round_id: int) -> schemas.RoundOut:
    """Turn a preview's proposals into offers, all in one transaction."""
    now = clock.now()
    async with (
        ctx.runtime.locks.exclusive("round", busy=BUSY),
        case_work(ctx),
    ):
        row = await _round_row(ctx.principal, round_id)
        if row["status"] != RoundStatus.PREVIEW:
            raise Conflict(f"the round is {row['status']} already", field="round_id")
        assignments = await _assignments(round_id)  # (what the answer shows, as it ends)
        proposals = [a for a in assignments if a["status"] == AssignmentStatus.PROPOSED]
        loaded = await _current([p["request"] for p in proposals])
        # Placed some other way since the preview: withdrawn.
        stale = [p["id"] for p in proposals if loaded[p["request"]].status not in PLACEABLE]
        fresh = [p for p in proposals if loaded[p["request"]].status in PLACEABLE]
        # And those that no longer fit their specialist's case points: withdrawn.
        over = await _over_points(fresh, loaded)
        stale += [p["id"] for p in fresh if p["id"] in over]
        fresh = [p for p in fresh if p["id"] not in over]
        for chunk in id_chunks(stale):
            await Assignment.update({Assignment.status: AssignmentStatus.WITHDRAWN}).where(
                among(Assignment.id, chunk)
            )
        by_limit: dict[timedelta, list[int]] = defaultdict(list)
        for p in fresh:
            urgency = loaded[p["request"]].urgency
            by_limit[OFFER_TIME_LIMIT.get(urgency, OFFER_TIME_LIMIT["planned"])].append(p["id"])
        for limit, ids in sorted(by_limit.items()):
            for chunk in id_chunks(ids):
                await Assignment.update(
                    {
                        Assignment.status: AssignmentStatus.OFFERED,
                        Assignment.expires_at: now + limit,
                    }
                ).where(among(Assignment.id, chunk))
        await set_statuses([loaded[p["request"]] for p in fresh], ConsultationStatus.OFFERED)
        limits = {
            p["request"]: OFFER_TIME_LIMIT.get(
                loaded[p["request"]].urgency, OFFER_TIME_LIMIT["planned"]
            )
            for p in fresh
        }
        await tell_offered_many(
            [(loaded[p["request"]], p["specialist"], now + limits[p["request"]]) for p in fresh]
        )
        await AssignmentRound.update(
            {AssignmentRound.status: RoundStatus.COMMITTED, AssignmentRound.committed_at: now}
        ).where(AssignmentRound.id == round_id)
        await record(
            ctx.actor,
            "round.commit",
            "round",
            round_id,
            municipality=row["municipality"],
            county=row["county"] or row["municipality_county"],
            detail={"offered": len(fresh), "skipped": len(stale)},
        )
    withdrawn = set(stale)
    for a in proposals:
        a["status"] = (
            AssignmentStatus.WITHDRAWN if a["id"] in withdrawn else AssignmentStatus.OFFERED
        )
    return _round_out({**row, "status": RoundStatus.COMMITTED, "committed_at": now}, assignments)


def _in_scope(principal: Principal) -> Any:
    """The rounds of the places where ``principal`` may run rounds (as ``_round_row``
    decides one): their municipalities, their counties and those counties' municipalities."""
    scope = visible_scope(principal, Action.ROUND_RUN)
    municipalities = sorted(scope.municipalities) or [""]
    counties = sorted(scope.counties) or [""]
    return (
        AssignmentRound.municipality._.code.is_in(municipalities)
        | AssignmentRound.municipality._.county._.code.is_in(counties)
        | AssignmentRound.county._.code.is_in(counties)
    )


async def list_rounds(
    ctx: Context, *, offset: int, limit: int
) -> tuple[list[schemas.RoundSummary], int]:
    """The batch rounds of the places the coordinator runs rounds for, newest first
    (``limit`` from ``offset``), with who ran them and how many were placed; and how
    many there are in all."""
    async with case_work(ctx):
        where = _in_scope(ctx.principal) & (AssignmentRound.kind == RoundKind.CONSULTATION)
        total = await AssignmentRound.count().where(where)
        rows = (
            await AssignmentRound.select(
                AssignmentRound.id,
                AssignmentRound.status,
                AssignmentRound.created_at,
                AssignmentRound.committed_at,
                AssignmentRound.total_score,
                AssignmentRound.unplaced,
                AssignmentRound.created_by._.display_name.as_alias("created_by"),
                AssignmentRound.county._.code.as_alias("county"),
                AssignmentRound.municipality._.code.as_alias("municipality"),
            )
            .where(where)
            .order_by(AssignmentRound.id, ascending=False)
            .limit(limit)
            .offset(offset)
            .output(load_json=True)
        )
        placed = {
            row["id"]: await Assignment.count().where(Assignment.batch_round == row["id"])
            for row in rows
        }
    return [
        schemas.RoundSummary(
            id=row["id"],
            status=row["status"],
            created_at=row["created_at"],
            committed_at=row["committed_at"],
            created_by=row["created_by"],
            county=row["county"],
            municipality=row["municipality"],
            total_score=row["total_score"],
            placed=placed[row["id"]],
            unplaced=len(row["unplaced"] or []),
        )
        for row in rows
    ], total


async def request_details(ctx: Context, request_ids: list[int]) -> dict[int, dict[str, Any]]:
    """What a round's page shows of each of ``request_ids`` besides its number: the
    area's names, the origin municipality's name, the urgency and the latest date. Read
    after the round itself (whose reading is audited and decides access)."""
    found: dict[int, dict[str, Any]] = {}
    async with case_work(ctx):
        for chunk in id_chunks(request_ids):
            for row in await ConsultationRequest.select(
                ConsultationRequest.id,
                ConsultationRequest.urgency,
                ConsultationRequest.latest_date,
                ConsultationRequest.area._.code.as_alias("area"),
                ConsultationRequest.area._.name_sv.as_alias("area_sv"),
                ConsultationRequest.area._.name_en.as_alias("area_en"),
                ConsultationRequest.origin_municipality._.name.as_alias("municipality"),
                ConsultationRequest.origin_municipality._.code.as_alias("municipality_code"),
                ConsultationRequest.origin_municipality._.county._.code.as_alias("county"),
            ).where(among(ConsultationRequest.id, chunk)):
                found[row["id"]] = row
    return found
