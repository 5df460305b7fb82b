"""Suggestions for one request, and offering it to one specialist.

Suggestions leave out specialists without the request's case points left this week
(:mod:`network.specialists.workload`); an offer to one of them is refused, naming
the points.

The requester's side sees the best eligible specialists with each part of their
score (so the page can say why), then offers the request to one of them, or to
the best one. An offer meant for someone who is away goes to the stand-in they
named; it is refused, naming the reason, when nobody can take it. Each offer
has a time limit by urgency; when it passes unanswered the request returns to
the pool (see :mod:`network.consultations.followup`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from network.consultations import schemas
from network.consultations.access import RequestRow, authorize, case_work, load_visible
from network.consultations.lifecycle import PLACEABLE, check_transition
from network.consultations.network_loader import (
    State,
    current_state,
    next_free_slots,
    request_info,
)
from network.consultations.notices import tell_offered
from network.consultations.requests import audit, set_status
from network.consultations.snapshots import AreaSnapshot, area_snapshot
from network.consultations.tables import Assignment, ConsultationRequest
from network.db import fetch, one_of
from network.directory.versions import HOURS, NETWORK, data_versions
from network.graph.fastmatch import next_to_look_up, suggest_fast, with_next_free, with_state
from network.graph.matching import (
    MEETING_KINDS,
    ScoreBreakdown,
    Suggestion,
    eligibility,
    score,
)
from network.graph.model import SpecialistInfo
from network.kernel.case_scope import system_scope
from network.kernel.context import Context
from network.kernel.kept import Kept
from network.kernel.policy import Action
from network.lib import clock
from network.lib.errors import Conflict, InvalidInput
from network.lib.vocab import AssignmentStatus, ConsultationKind, ConsultationStatus
from network.specialists.capacity import offer_recipients
from network.specialists.tables import SpecialistProfile
from network.specialists.workload import consultation_points, load_points_table, points_load

__all__ = ("OFFER_TIME_LIMIT", "make_offer", "offer", "suggestions")

# How long a specialist has to answer an offer, by urgency.
OFFER_TIME_LIMIT = {
    "acute": timedelta(hours=4),
    "soon": timedelta(hours=24),
    "planned": timedelta(days=3),
}
MAX_SUGGESTIONS = 20
# Who the suggested specialists are; ``{}``: the ids' condition (``db.one_of``).
_PEOPLE_SQL = (
    "SELECT p.id, u.display_name AS name, p.title, m.code AS home_municipality, "
    "m.name AS home_municipality_name FROM specialist_profile p "
    'LEFT JOIN app_user u ON u.id = p."user" '
    "LEFT JOIN municipality m ON m.id = p.home_municipality "
    "WHERE p.id {}"
)


@dataclass(frozen=True)
class Ranked:
    """The best few for a request, and what they were ranked on."""

    snapshot: AreaSnapshot
    state: State
    next_free: dict[int, datetime | None]  # of the specialists it was needed for
    found: list[Suggestion]

    def specialist(self, specialist_id: int) -> SpecialistInfo | None:
        return self.snapshot.specialist(
            specialist_id, self.state, self.next_free.get(specialist_id)
        )


async def ranked(kept: Kept, request: RequestRow, k: int, now: datetime) -> Ranked:
    """The ``k`` best eligible specialists for ``request``, over the area's kept
    snapshot and its state now; next free slots are looked up only for the
    specialists that could make the top ``k`` (see
    :func:`~network.graph.fastmatch.next_to_look_up`)."""
    info = request_info(request)
    # The static network and the slot rules and hours are kept per process: one
    # read of their data versions says whether what is kept is current.
    network_version, hours_version = await data_versions((NETWORK, HOURS))
    token = (network_version, hours_version)
    snapshot = await area_snapshot(kept, info.area, now, version=network_version)
    excluded = set(request.never_offered)  # never to the requester themself
    slots: dict[int, datetime | None] = {}
    table = snapshot.points
    points = consultation_points(
        table, kind=request.kind, urgency=request.urgency, area=request.area, county=request.county
    )
    checked: set[int] = set()
    # Counts and times of every specialist's bookings only (one widening for all
    # the reads below, not one each).
    async with system_scope(ConsultationRequest._meta.db):
        # (The whole area's: narrowing it to the homes that may serve the request
        # makes the database join more than it saves.)
        state = await current_state([info.area], now)
        arrays = with_state(snapshot.arrays, used=state.used, absent=state.absent)
        while True:
            while wanted := next_to_look_up(info, arrays, now=now, k=k, exclude=excluded):
                found = await next_free_slots(wanted, now, kept=kept, token=token)
                slots |= found
                arrays = with_next_free(arrays, found)
            best = suggest_fast(info, arrays, now=now, k=k, exclude=excluded)
            # Case points are checked for the few that made the top k only: those
            # without the request's points left make way for the next (rarely twice).
            unchecked = [s.specialist for s in best if s.specialist not in checked]
            if not unchecked:
                break
            loads = await points_load(
                unchecked, clock.today(), table=table, capacities=snapshot.points_capacity
            )
            checked.update(unchecked)
            short = {s for s in unchecked if s not in loads or loads[s].remaining < points}
            if not short:
                break
            excluded |= short
    return Ranked(snapshot, state, slots, best)


async def _describe(best: Ranked, request: RequestRow) -> list[Any]:
    found, network = best.found, best.snapshot.network
    engine = SpecialistProfile._meta.db
    wanted, args = one_of(engine, [s.specialist for s in found], "bigint")
    people = (
        {row["id"]: row for row in await fetch(engine, _PEOPLE_SQL.format(wanted), *args)}
        if found
        else {}
    )
    today = clock.today()
    result = []
    for item in found:
        person = people[item.specialist]
        specialist = network.specialists[item.specialist]
        agreement = network.sharing_agreement(
            specialist.home,
            request.municipality,
            request.area,
            today,
            co_handling=request.kind == ConsultationKind.CO_HANDLING,
        )
        result.append(
            schemas.SuggestionOut(
                specialist=item.specialist,
                rank=item.rank,
                name=person["name"],
                title=person["title"],
                home_municipality=person["home_municipality"],
                home_municipality_name=person["home_municipality_name"],
                score=item.breakdown.total,
                parts=item.breakdown.as_dict(),
                distance_km=item.distance_km,
                next_free=best.next_free.get(item.specialist),
                agreement=None
                if specialist.home == request.municipality
                else (agreement.id if agreement else None),
            )
        )
    return result


async def suggestions(ctx: Context, request_id: int, *, k: int = 5) -> list[schemas.SuggestionOut]:
    """The ``k`` best eligible specialists for a waiting request, with why."""
    if not 1 <= k <= MAX_SUGGESTIONS:
        raise InvalidInput(f"must be 1 to {MAX_SUGGESTIONS}", field="k", source="query")
    now = clock.now()
    async with case_work(ctx):
        request = await load_visible(ctx.principal, request_id, Action.CONSULTATION_UPDATE)
        authorize(ctx.principal, Action.CONSULTATION_UPDATE, request)
        if request.status not in PLACEABLE:
            raise Conflict(
                f"a {request.status} request is not waiting for a specialist", field="status"
            )
        best = await ranked(ctx.runtime.kept, request, k, now)
        await audit(ctx.actor, "consultation.suggestions", request, shown=len(best.found))
        return await _describe(best, request)


async def make_offer(
    request: RequestRow,
    specialist_id: int,
    breakdown: ScoreBreakdown,
    *,
    now: datetime,
    batch_round: int | None = None,
) -> int:
    """Write the offer (inside the caller's transaction): the request is now offered."""
    check_transition(request.status, ConsultationStatus.OFFERED)
    deadline = now + OFFER_TIME_LIMIT.get(request.urgency, OFFER_TIME_LIMIT["planned"])
    assignment = Assignment(
        request=request.id,
        specialist=specialist_id,
        origin_municipality=request.origin_id,
        batch_round=batch_round,
        score=breakdown.total,
        breakdown=breakdown.as_dict(),
        status=AssignmentStatus.OFFERED,
        created_at=now,
        expires_at=deadline,
    )
    await assignment.save()
    await set_status(request, ConsultationStatus.OFFERED)
    await tell_offered(request, specialist_id, deadline)
    return int(assignment.id)


async def _check_points(request: RequestRow, specialist_id: int, who: str) -> None:
    """A :class:`Conflict` naming the points unless the specialist has the request's
    case points left this week (the best one found has: suggestions check it)."""
    table = await load_points_table()
    points = consultation_points(
        table, kind=request.kind, urgency=request.urgency, area=request.area, county=request.county
    )
    load = (await points_load([specialist_id], clock.today(), table=table)).get(specialist_id)
    if load is None or load.remaining < points:
        left = load.remaining if load else 0
        raise Conflict(
            f"{who}has {left} case points left this week; the request takes {points}",
            field="specialist",
        )


async def offer(ctx: Context, request_id: int, specialist_id: int | None) -> int:
    """Offer the request to ``specialist_id`` (or their stand-in while they are away),
    or to the best eligible specialist when ``None``; the specialist it went to."""
    now = clock.now()
    async with case_work(ctx):
        request = await load_visible(ctx.principal, request_id, Action.CONSULTATION_UPDATE)
        authorize(ctx.principal, Action.CONSULTATION_UPDATE, request)
        if request.status not in PLACEABLE:
            raise Conflict(f"a {request.status} request cannot be offered", field="status")
        info = request_info(request)
        stand_in_for: int | None = None
        if specialist_id is None:
            best = await ranked(ctx.runtime.kept, request, 1, now)
            if not best.found:
                raise Conflict("no eligible specialist is free to take it", field="specialist")
            chosen = best.found[0].specialist
            network, target = best.snapshot.network, best.specialist(chosen)
        else:
            if not await SpecialistProfile.exists().where(SpecialistProfile.id == specialist_id):
                raise InvalidInput("no such specialist", field="specialist")
            if specialist_id == request.requester_specialist:
                raise InvalidInput(
                    "is the requester: a request is never offered to the one who asks",
                    field="specialist",
                )
            recipient = (await offer_recipients([specialist_id], now))[specialist_id]
            if recipient is None:
                raise Conflict(
                    "is away and has named no stand-in who is present", field="specialist"
                )
            chosen = recipient
            if chosen != specialist_id:
                stand_in_for = specialist_id
                if info.named_specialist == specialist_id:
                    # The stand-in takes the offers meant for the named specialist.
                    info = replace(info, named_specialist=chosen)
            snapshot = await area_snapshot(ctx.runtime.kept, info.area, now)
            network = snapshot.network
            target = snapshot.specialist(chosen, await current_state([info.area], now))
        who = "their stand-in " if stand_in_for is not None else ""
        if target is None:
            raise Conflict(f"{who}is not competent in the request's area", field="specialist")
        reason = eligibility(info, target, network, now=now)
        if reason is not None:
            raise Conflict(f"{who}cannot take it: {reason.value}", field="specialist")
        if specialist_id is not None and info.kind in MEETING_KINDS:
            target = replace(target, next_free=(await next_free_slots([chosen], now))[chosen])
        if chosen == request.requester_specialist:
            raise Conflict(f"{who}is the requester themself", field="specialist")
        if chosen in request.turned_down:
            raise Conflict(f"{who}has already turned this request down", field="specialist")
        if specialist_id is not None:
            await _check_points(request, chosen, who)
        breakdown = score(info, target, network, now=now)
        await make_offer(request, chosen, breakdown, now=now)
        await audit(
            ctx.actor,
            "consultation.offer",
            request,
            specialist=chosen,
            stand_in_for=stand_in_for,
            score=breakdown.total,
        )
    return chosen
