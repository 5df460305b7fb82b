"""Matching rounds of a cohort, and late joiners one by one.

A preview computes both answers (welfare-optimal and stable, see
:mod:`network.graph.mentoring`) for the cohort's open requests and the
programme's active mentors with seats left, and keeps them. The coordinator
commits one: each pair is written if the request is still open and the mentor
still has a seat (a pair that no longer holds is skipped and reported), the
mentee and the mentor are notified. A late joiner is matched alone to the best
mentor with a seat left; committed pairs are never touched. A mentor who is a
specialist takes the mentee's case points from their weekly budget
(:mod:`network.specialists.workload`); a pair that does not fit is skipped too.
"""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any

from network.accounts.tables import User
from network.audit.services import record
from network.consultations.network_loader import places
from network.graph.mentoring import MenteeInfo, MentorInfo, Preview, Solution, best_mentor, preview
from network.graph.model import distance_km
from network.kernel.context import Actor, Context
from network.kernel.policy import Principal
from network.lib import clock
from network.lib.errors import Conflict, InvalidInput, NotFound
from network.lib.vocab import MentoringStatus, NotificationKind, WorkKind
from network.mentoring import schemas
from network.mentoring.mentors import load_offers
from network.mentoring.programmes import Programme, load_programme, require_manager
from network.mentoring.requests import load_requests, request_access
from network.mentoring.tables import MentoringCohort, MentoringRequest, MentoringRound, MentorOffer
from network.notifications.services import notify
from network.specialists.tables import SpecialistCompetence, SpecialistProfile
from network.specialists.workload import load_points_table, take_points

__all__ = ("commit_round", "get_round", "match_late_joiner", "preview_round")

CAPACITY_EXHAUSTED = "capacity_exhausted"


async def _distance() -> Any:
    where = {p.code: p for p in await places()}

    def km(a: str, b: str) -> float:
        return 0.0 if a == b else distance_km(where[a], where[b])

    return km


async def _mentors(programme: Programme) -> tuple[list[MentorInfo], dict[int, schemas.OfferOut]]:

    offers = [o for o in await load_offers(programme.id) if o.active]
    levels: dict[int, dict[str, int]] = defaultdict(dict)
    for row in await SpecialistCompetence.select(
        SpecialistCompetence.specialist._.user.as_alias("user"),
        SpecialistCompetence.area._.code.as_alias("area"),
        SpecialistCompetence.level,
    ).where(SpecialistCompetence.specialist._.user.is_in([o.user for o in offers] or [0])):
        levels[row["user"]][row["area"]] = row["level"]
    return [
        MentorInfo(
            id=o.id,
            user=o.user,
            municipality=o.municipality,
            unit=o.unit,
            areas={a: levels[o.user].get(a, 1) for a in o.areas},
            languages=frozenset(o.languages),
            modes=frozenset(o.modes),
            years=o.years or 0,
            capacity=o.seats_left,
            ranking=tuple(o.ranking),
        )
        for o in offers
    ], {o.id: o for o in offers}


def _mentee(request: schemas.RequestOut, unit: str | None) -> MenteeInfo:
    return MenteeInfo(
        id=request.id,
        user=request.mentee,
        municipality=request.municipality or "",
        unit=unit,
        areas=tuple(request.areas),
        language=request.language,
        mode=request.mode,
        constraint=request.constraint,
        wishes=tuple(request.wishes),
    )


async def _units(user_ids: list[int]) -> dict[int, str | None]:

    rows = await User.select(User.id, User.unit).where(User.id.is_in(user_ids or [0]))
    return {row["id"]: row["unit"] for row in rows}


async def _cohort(cohort_id: int) -> tuple[dict[str, Any], Programme]:
    row = await MentoringCohort.select().where(MentoringCohort.id == cohort_id).first()
    if row is None:
        raise NotFound("no such cohort", field="id", source="path")
    return row, await load_programme(row["programme"])


def _solution_json(solution: Solution, found: Preview) -> dict[str, Any]:
    return {
        "pairs": [[m, r, found.scores[m, r].total] for m, r in solution.pairs.items()],
        "total_score": solution.total_score,
        "first_choices": solution.first_choices,
        "blocking_pairs": [list(p) for p in solution.blocking_pairs],
        "unmatched": [
            [m, str(found.ineligible.get(m) or CAPACITY_EXHAUSTED)] for m in solution.unmatched
        ],
    }


async def preview_round(ctx: Context, cohort_id: int) -> schemas.RoundOut:
    _, programme = await _cohort(cohort_id)
    require_manager(ctx.principal, programme)
    requests = await load_requests(
        where=(MentoringRequest.cohort == cohort_id)
        & (MentoringRequest.status == MentoringStatus.OPEN)
    )
    if not requests:
        raise InvalidInput("the cohort has no open requests", field="cohort")
    mentors, _ = await _mentors(programme)
    units = await _units([r.mentee for r in requests])
    found = preview([_mentee(r, units.get(r.mentee)) for r in requests], mentors, await _distance())
    result = {
        "welfare": _solution_json(found.welfare, found),
        "stable": _solution_json(found.stable, found),
        "ranked_by_both": found.ranked_by_both,
    }
    async with ctx.work():
        saved = MentoringRound(
            cohort=cohort_id,
            status="preview",
            result=result,
            created_by=ctx.actor.user_id,
            created_at=clock.now(),
        )
        await saved.save()
        await record(
            ctx.actor,
            "mentoring.round_preview",
            "mentoring_round",
            int(saved.id),
            county=programme.county,
            detail={
                "cohort": cohort_id,
                "requests": len(requests),
                "mentors": len(mentors),
                "welfare": found.welfare.total_score,
                "stable": found.stable.total_score,
            },
        )
    return await get_round(ctx.principal, int(saved.id))


async def get_round(principal: Principal, round_id: int) -> schemas.RoundOut:
    row = await MentoringRound.select().where(MentoringRound.id == round_id).first()
    if row is None:
        raise NotFound("no such round", field="id", source="path")
    _, programme = await _cohort(row["cohort"])
    require_manager(principal, programme)
    result = json.loads(row["result"]) if isinstance(row["result"], str) else row["result"]
    names = await _names(result)
    return schemas.RoundOut(
        id=row["id"],
        cohort=row["cohort"],
        status=row["status"],
        chosen=row["chosen"],
        ranked_by_both=bool(result.get("ranked_by_both")),
        welfare=_solution_out(result["welfare"], names),
        stable=_solution_out(result["stable"], names),
        created_at=row["created_at"],
        committed_at=row["committed_at"],
    )


async def _names(result: dict[str, Any]) -> tuple[dict[int, str], dict[int, str]]:

    requests: set[int] = set()
    offers: set[int] = set()
    for mode in ("welfare", "stable"):
        for m, r, _ in result[mode]["pairs"]:
            requests.add(m)
            offers.add(r)
        requests.update(m for m, _ in result[mode]["unmatched"])
    mentees = {
        row["id"]: row["name"]
        for row in await MentoringRequest.select(
            MentoringRequest.id, MentoringRequest.mentee._.display_name.as_alias("name")
        ).where(MentoringRequest.id.is_in(sorted(requests) or [0]))
    }
    mentors = {
        row["id"]: row["name"]
        for row in await MentorOffer.select(
            MentorOffer.id, MentorOffer.user._.display_name.as_alias("name")
        ).where(MentorOffer.id.is_in(sorted(offers) or [0]))
    }
    return mentees, mentors


def _solution_out(
    data: dict[str, Any], names: tuple[dict[int, str], dict[int, str]]
) -> schemas.SolutionOut:
    mentees, mentors = names
    return schemas.SolutionOut(
        pairs=[
            schemas.PairScore(
                request=m,
                offer=r,
                score=s,
                mentee_name=mentees.get(m, f"#{m}"),
                mentor_name=mentors.get(r, f"#{r}"),
            )
            for m, r, s in data["pairs"]
        ],
        total_score=data["total_score"],
        first_choices=data["first_choices"],
        blocking_pairs=[list(p) for p in data["blocking_pairs"]],
        unmatched=[
            schemas.Unmatched(request=m, mentee_name=mentees.get(m, f"#{m}"), reason=why)
            for m, why in data["unmatched"]
        ],
    )


async def _take_mentee_points(programme: Programme, offer: schemas.OfferOut) -> None:
    """A mentor who is a specialist takes a mentee's case points from their weekly
    budget (:func:`~network.specialists.workload.take_points`); a :class:`Conflict`
    naming the points when they do not fit. Other mentors have no such budget."""
    profile = (
        await SpecialistProfile.select(SpecialistProfile.id)
        .where(SpecialistProfile.user == offer.user)
        .first()
    )
    if profile is None:
        return
    table = await load_points_table()
    points = table.points(
        WorkKind.MENTEE.value, "planned", county=programme.county, programme=programme.id
    )
    await take_points(profile["id"], points, clock.today(), field="offer", table=table)


async def _pair(
    actor: Actor, programme: Programme, request_id: int, offer: schemas.OfferOut, how: str
) -> None:
    await _take_mentee_points(programme, offer)
    now = clock.now()
    await MentoringRequest.update(
        {
            MentoringRequest.offer: offer.id,
            MentoringRequest.status: MentoringStatus.MATCHED,
            MentoringRequest.matched_at: now,
        }
    ).where(MentoringRequest.id == request_id)
    mentee = (
        await MentoringRequest.select(MentoringRequest.mentee)
        .where(MentoringRequest.id == request_id)
        .first()
    )
    assert mentee is not None
    await notify(
        [mentee["mentee"], offer.user],
        NotificationKind.MENTOR_MATCHED,
        object_type="mentoring_request",
        object_id=request_id,
        link=f"/mentoring/pairs/{request_id}",
    )
    await record(
        actor,
        "mentoring.match",
        "mentoring_request",
        request_id,
        municipality=offer.municipality,
        county=programme.county,
        detail={"offer": offer.id, "how": how},
    )


async def commit_round(ctx: Context, round_id: int, data: schemas.CommitIn) -> schemas.RoundOut:
    """Write the chosen answer's pairs that still hold; skip (and report) the rest."""
    current = await get_round(ctx.principal, round_id)
    if current.status != "preview":
        raise Conflict(f"the round is already {current.status}", field="status")
    _, programme = await _cohort(current.cohort)
    chosen = current.welfare if data.mode == "welfare" else current.stable
    skipped: list[int] = []
    async with ctx.work():
        offers = {o.id: o for o in await load_offers(programme.id)}
        seats = {o.id: o.seats_left if o.active else 0 for o in offers.values()}
        still_open = {
            r.id
            for r in await load_requests(
                ids=[p.request for p in chosen.pairs],
            )
            if r.status is MentoringStatus.OPEN
        }
        for pair in chosen.pairs:
            if pair.request not in still_open or seats.get(pair.offer, 0) <= 0:
                skipped.append(pair.request)
                continue
            try:
                await _pair(
                    ctx.actor, programme, pair.request, offers[pair.offer], f"round {round_id}"
                )
            except Conflict:  # the mentor's case points are used up: skipped, reported
                skipped.append(pair.request)
                continue
            seats[pair.offer] -= 1
        updated = (
            await MentoringRound.update(
                {
                    MentoringRound.status: "committed",
                    MentoringRound.chosen: data.mode,
                    MentoringRound.committed_at: clock.now(),
                }
            )
            .where((MentoringRound.id == round_id) & (MentoringRound.status == "preview"))
            .returning(MentoringRound.id)
        )
        if not updated:
            raise Conflict("the round was committed meanwhile", field="status")
        await record(
            ctx.actor,
            "mentoring.round_commit",
            "mentoring_round",
            round_id,
            county=programme.county,
            detail={
                "mode": data.mode,
                "pairs": len(chosen.pairs) - len(skipped),
                "skipped": skipped,
            },
        )
    return await get_round(ctx.principal, round_id)


async def match_late_joiner(ctx: Context, request_id: int) -> schemas.RequestOut:
    """Match one open request to the best mentor with a seat left."""
    access = await request_access(ctx.principal, request_id)
    require_manager(ctx.principal, access.programme)
    if access.request.status is not MentoringStatus.OPEN:
        raise Conflict("the request is not open", field="status")
    async with ctx.work():
        mentors, offers = await _mentors(access.programme)
        units = await _units([access.request.mentee])
        found = best_mentor(
            _mentee(access.request, units.get(access.request.mentee)), mentors, await _distance()
        )
        if found is None:
            raise Conflict("no eligible mentor has a seat left", field="request")
        mentor, _ = found
        await _pair(ctx.actor, access.programme, request_id, offers[mentor.id], "late joiner")
    (out,) = await load_requests(ids=[request_id])
    return out
