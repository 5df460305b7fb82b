"""The competence ladder (kompetenstrappa) of a pair, its meetings, and a cohort's
progress.

The pair's mentor records meetings (a day, minutes and themes from a fixed list:
no case text) and signs off the programme's steps, in order; nobody else may. The
mentee and the mentor see the pair; the programme's coordinators see every pair
of a cohort, with those that have not met for the programme's ``stale_weeks``
flagged, and export it as CSV.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta

from network.audit.services import record
from network.db import is_unique_violation
from network.kernel.context import Context
from network.kernel.policy import Principal
from network.lib import clock
from network.lib.clock import today
from network.lib.csvsafe import csv_text
from network.lib.errors import Conflict, Forbidden, InvalidInput, NotFound
from network.lib.vocab import MentoringStatus
from network.mentoring import schemas
from network.mentoring.group_parts import attendance
from network.mentoring.mentors import decoded, load_offers
from network.mentoring.programmes import Programme, load_programme, require_manager
from network.mentoring.requests import Access, load_requests, request_access
from network.mentoring.tables import (
    LadderSignoff,
    MentoringCohort,
    MentoringMeeting,
    MentoringRequest,
)
from network.scheduling import STOCKHOLM

__all__ = (
    "PROGRESS_COLUMNS",
    "cohort_progress",
    "pair_view",
    "progress_csv",
    "record_meeting",
    "sign_off",
)


def stale(last_met: date | None, matched_at: datetime | None, weeks: int, today: date) -> bool:
    """Whether a pair has gone ``weeks`` without meeting (counted from matching if never)."""
    since = last_met or (matched_at.astimezone(STOCKHOLM).date() if matched_at else None)
    return since is not None and today - since >= timedelta(weeks=weeks)


async def _pairs(
    requests: list[schemas.RequestOut], programme: Programme, principal: Principal
) -> list[schemas.PairOut]:
    ids = [r.id for r in requests]
    meetings: dict[int, list[schemas.MeetingOut]] = defaultdict(list)
    for row in (
        await MentoringMeeting.select(
            MentoringMeeting.id,
            MentoringMeeting.request,
            MentoringMeeting.held_on,
            MentoringMeeting.minutes,
            MentoringMeeting.themes,
        )
        .where(MentoringMeeting.request.is_in(ids or [0]))
        .order_by(MentoringMeeting.held_on)
    ):
        meetings[row["request"]].append(
            schemas.MeetingOut(
                id=row["id"],
                held_on=row["held_on"],
                minutes=row["minutes"],
                themes=[schemas.Theme(t) for t in decoded(row["themes"])],
            )
        )
    signed: dict[int, dict[int, tuple[datetime, str | None]]] = defaultdict(dict)
    for row in await LadderSignoff.select(
        LadderSignoff.request,
        LadderSignoff.step,
        LadderSignoff.signed_at,
        LadderSignoff.signed_by._.display_name.as_alias("by"),
    ).where(LadderSignoff.request.is_in(ids or [0])):
        signed[row["request"]][row["step"]] = (row["signed_at"], row["by"])
    offers = {o.id: o for o in await load_offers(programme.id)}
    groups = await attendance(programme.id, [r.mentee for r in requests if r.offer is not None])
    day = today()
    found = []
    for r in requests:
        if r.offer is None:
            continue
        mentor = offers[r.offer]
        steps = [
            schemas.SignoffOut(
                step=index,
                title=title,
                signed_at=signed[r.id][index][0] if index in signed[r.id] else None,
                signed_by=signed[r.id][index][1] if index in signed[r.id] else None,
            )
            for index, title in enumerate(programme.steps, start=1)
        ]
        done = sum(1 for s in steps if s.signed_at is not None)
        held = meetings[r.id]
        last = held[-1].held_on if held else None
        is_mentor = mentor.user == principal.user_id
        live = r.status is MentoringStatus.MATCHED
        group = groups.get(r.mentee)
        found.append(
            schemas.PairOut(
                request=r.id,
                programme=r.programme,
                programme_name=r.programme_name,
                cohort=r.cohort,
                mentee=r.mentee,
                mentee_name=r.mentee_name,
                mentor=mentor.user,
                mentor_name=mentor.name,
                matched_at=r.matched_at,
                steps=steps,
                steps_signed=done,
                meetings=held,
                minutes=sum(m.minutes for m in held),
                last_met=last,
                stale=live and stale(last, r.matched_at, programme.stale_weeks, day),
                live=live,
                is_mentor=is_mentor,
                may_sign=done + 1 if is_mentor and live and done < len(steps) else None,
                group_attended=group.attended if group else 0,
                group_held=group.held if group else 0,
                group_missed=list(group.missed) if group else [],
            )
        )
    return found


async def pair_view(principal: Principal, request_id: int) -> schemas.PairOut:
    access = await request_access(principal, request_id)
    if access.request.offer is None:
        raise NotFound("the request has no mentor yet", field="id", source="path")
    (pair,) = await _pairs([access.request], access.programme, principal)
    return pair


async def _mentor_of_live_pair(principal: Principal, request_id: int) -> Access:
    access = await request_access(principal, request_id)
    if not access.is_mentor:
        raise Forbidden("only the pair's mentor may do this")
    if access.request.status is not MentoringStatus.MATCHED:
        raise Conflict("the pair has ended", field="status")
    return access


async def record_meeting(ctx: Context, request_id: int, data: schemas.MeetingIn) -> schemas.PairOut:
    access = await _mentor_of_live_pair(ctx.principal, request_id)
    if data.held_on > today():
        raise InvalidInput("must not be in the future", field="held_on")
    matched = access.request.matched_at
    if matched is not None and data.held_on < matched.astimezone(STOCKHOLM).date():
        raise InvalidInput("must not be before the pair was matched", field="held_on")
    async with ctx.work():
        meeting = MentoringMeeting(
            request=request_id,
            held_on=data.held_on,
            minutes=data.minutes,
            themes=[t.value for t in dict.fromkeys(data.themes)],
            recorded_by=ctx.principal.user_id,
            created_at=clock.now(),
        )
        await meeting.save()
        await record(
            ctx.actor,
            "mentoring.meeting_record",
            "mentoring_request",
            request_id,
            municipality=access.request.municipality,
            detail={"minutes": data.minutes},
        )
    return await pair_view(ctx.principal, request_id)


async def sign_off(ctx: Context, request_id: int, data: schemas.SignoffIn) -> schemas.PairOut:
    """The mentor signs off the next step of the ladder (steps go in order)."""
    access = await _mentor_of_live_pair(ctx.principal, request_id)
    total = len(access.programme.steps)
    if data.step > total:
        raise InvalidInput(f"the programme's ladder has {total} steps", field="step")
    try:
        async with ctx.work():
            done = {
                row["step"]
                for row in await LadderSignoff.select(LadderSignoff.step).where(
                    LadderSignoff.request == request_id
                )
            }
            if data.step in done:
                raise Conflict(f"step {data.step} is already signed off", field="step")
            missing = [s for s in range(1, data.step) if s not in done]
            if missing:
                raise InvalidInput(
                    f"sign off step {missing[0]} first: the steps go in order", field="step"
                )
            await LadderSignoff.insert(
                LadderSignoff(
                    request=request_id,
                    step=data.step,
                    signed_by=ctx.principal.user_id,
                    signed_at=clock.now(),
                )
            )
            await record(
                ctx.actor,
                "mentoring.step_signoff",
                "mentoring_request",
                request_id,
                municipality=access.request.municipality,
                detail={"step": data.step},
            )
    except Exception as error:
        if is_unique_violation(error):
            raise Conflict(f"step {data.step} is already signed off", field="step") from None
        raise
    return await pair_view(ctx.principal, request_id)


async def cohort_progress(
    ctx: Context, cohort_id: int
) -> tuple[dict[str, object], Programme, list[schemas.PairOut], list[schemas.RequestOut]]:
    """The cohort, its programme, its pairs (matched or ended) and its open requests."""
    cohort = await MentoringCohort.select().where(MentoringCohort.id == cohort_id).first()
    if cohort is None:
        raise NotFound("no such cohort", field="id", source="path")
    programme = await load_programme(cohort["programme"])
    require_manager(ctx.principal, programme)
    requests = await load_requests(where=MentoringRequest.cohort == cohort_id)
    pairs = await _pairs([r for r in requests if r.offer is not None], programme, ctx.principal)
    await record(
        ctx.actor,
        "mentoring.progress_read",
        "mentoring_cohort",
        cohort_id,
        county=programme.county,
        detail={"pairs": len(pairs)},
    )
    waiting = [r for r in requests if r.status is MentoringStatus.OPEN]
    return cohort, programme, pairs, waiting


PROGRESS_COLUMNS = (
    "mentee",
    "mentor",
    "matched_on",
    "steps_signed",
    "steps_total",
    "current_step",
    "meetings",
    "minutes",
    "last_met",
    "stale",
    "group_parts_attended",
    "group_parts_held",
    "group_parts_missed",
)


def progress_csv(programme: Programme, pairs: list[schemas.PairOut]) -> str:
    """A cohort's progress for the programme's report: one row per pair; the group
    parts attended, held so far and missed come last."""
    return csv_text(
        PROGRESS_COLUMNS,
        (
            [
                p.mentee_name,
                p.mentor_name,
                p.matched_at.astimezone(STOCKHOLM).date().isoformat() if p.matched_at else "",
                p.steps_signed,
                len(programme.steps),
                programme.steps[p.steps_signed - 1] if p.steps_signed else "",
                len(p.meetings),
                p.minutes,
                p.last_met.isoformat() if p.last_met else "",
                "yes" if p.stale else "no",
                p.group_attended,
                p.group_held,
                "; ".join(p.group_missed),
            ]
            for p in pairs
        ),
    )
