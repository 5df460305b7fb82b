"""Standing support series: propose, agree or decline, list, move one occurrence, end.

One party proposes a weekly or fortnightly time (the specialist to a named social
worker or a unit of a municipality; a social worker to a specialist for themself; a
coordinator for a unit of their municipality); the other agrees or declines. The
municipality must be the specialist's own or bound to it by a sharing agreement valid
on the first date (as for consultations), and the time must lie in the specialist's
weekly hours. Agreeing books the occurrences of the coming weeks
(:mod:`network.standing.occurrences`). Every change is audited and told to the other
party; every listing is audited.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import msgspec

from network.accounts.tables import RoleBinding
from network.audit.services import record
from network.consultations.access import case_work
from network.consultations.tables import Booking
from network.directory.tables import Municipality
from network.kernel.case_scope import system_scope
from network.kernel.context import Context
from network.kernel.policy import Action, Principal
from network.lib import clock
from network.lib.deidentified import require_deidentified
from network.lib.errors import Conflict, Forbidden, InvalidInput, NotFound
from network.lib.vocab import (
    MentoringStatus,
    NotificationKind,
    OccurrenceOutcome,
    Role,
    StandingCadence,
    StandingStatus,
    Urgency,
    WorkKind,
)
from network.mentoring.tables import MentoringRequest
from network.notifications.services import notify
from network.scheduling import STOCKHOLM, first_on_weekday
from network.specialists.services import served_places
from network.specialists.tables import AvailabilityRule, SpecialistProfile
from network.specialists.workload import Work, load_points_table, take_points, work_points
from network.standing import schemas
from network.standing.access import (
    SeriesRow,
    load_series,
    may_answer,
    may_end,
    may_move,
    may_see,
    refuse,
    series_rows,
)
from network.standing.occurrences import book_time, cancel_booking, plan_ahead, tell
from network.standing.tables import StandingOccurrence, StandingSeries

__all__ = (
    "Choice",
    "ProposalChoices",
    "answer",
    "end_series",
    "get_series",
    "list_series",
    "move_occurrence",
    "proposal_choices",
    "propose",
    "series_out",
)

WRITE = Action.BOOKING_WRITE
READ = Action.SIGNED_IN
SHOWN_AHEAD = 8  # occurrences a series lists from today on


async def _within_hours(specialist_id: int, weekday: int, start: Any, minutes: int) -> bool:
    """Whether [start, start + minutes) on ``weekday`` lies in one of the specialist's
    weekly hours (Stockholm time)."""
    end = (datetime.combine(datetime(2024, 1, 1), start) + timedelta(minutes=minutes)).time()
    if end <= start:  # past midnight
        return False
    return bool(
        await AvailabilityRule.exists().where(
            (AvailabilityRule.specialist == specialist_id)
            & (AvailabilityRule.weekday == weekday)
            & (AvailabilityRule.start_time <= start)
            & (AvailabilityRule.end_time >= end)
        )
    )


async def _social_worker_places(user_id: int) -> list[dict[str, Any]]:
    return list(
        await RoleBinding.select(
            RoleBinding.municipality.as_alias("id"),
            RoleBinding.municipality._.code.as_alias("code"),
        ).where(
            (RoleBinding.user == user_id)
            & (RoleBinding.role == Role.SOCIAL_WORKER)
            & RoleBinding.municipality.is_not_null()
        )
    )


def _own_places(principal: Principal, *roles: Role) -> list[str]:
    return sorted(
        {b.municipality for b in principal.bindings if b.role in roles and b.municipality}
    )


async def _places_of(principal: Principal, *roles: Role) -> list[str]:
    """The kommunkoder where ``principal`` holds one of ``roles``: their municipalities,
    and every municipality of a county they hold one in."""
    places = set(_own_places(principal, *roles))
    counties = sorted(
        {b.county for b in principal.bindings if b.role in roles and not b.municipality}
    )
    if counties:
        places.update(
            row["code"]
            for row in await Municipality.select(Municipality.code).where(
                Municipality.county._.code.is_in(counties)
            )
        )
    return sorted(places)


async def _parties(ctx: Context, data: schemas.SeriesIn) -> tuple[int, int | None, str, bool]:
    """(specialist, social worker, kommunkod, proposed by the specialist) of a
    proposal by ``ctx.principal``, or the refusal naming the field."""
    principal = ctx.principal
    by_specialist = principal.specialist_id is not None and data.specialist in (
        None,
        principal.specialist_id,
    )
    if by_specialist:
        assert principal.specialist_id is not None
        specialist = principal.specialist_id
        if data.social_worker is not None:
            places = await _social_worker_places(data.social_worker)
            if not places:
                raise InvalidInput(
                    "is not a social worker of any municipality", field="social_worker"
                )
            codes = [p["code"] for p in places]
            if data.municipality is not None and data.municipality not in codes:
                raise InvalidInput(
                    "the social worker does not work in this municipality", field="municipality"
                )
            return specialist, data.social_worker, data.municipality or codes[0], True
        if data.municipality is None:
            raise InvalidInput(
                "name the social worker, or the municipality whose unit you support",
                field="social_worker",
            )
        return specialist, None, data.municipality, True
    if data.specialist is None:
        raise InvalidInput("name the specialist", field="specialist")
    coordinator_of = await _places_of(principal, Role.COORDINATOR)
    worker_of = await _places_of(principal, Role.SOCIAL_WORKER)
    if coordinator_of and data.social_worker != principal.user_id:
        if data.municipality is None and len(coordinator_of) > 1:
            raise InvalidInput("name the municipality", field="municipality")
        place = data.municipality or coordinator_of[0]
        if place not in coordinator_of:
            raise Forbidden("you are not a coordinator there", field="municipality")
        if data.social_worker is not None:
            codes = [p["code"] for p in await _social_worker_places(data.social_worker)]
            if place not in codes:
                raise InvalidInput(
                    "the social worker does not work in this municipality", field="social_worker"
                )
        return data.specialist, data.social_worker, place, False
    if not worker_of:
        raise Forbidden(
            "only the specialist, a social worker or a coordinator proposes a standing time",
            field="specialist",
        )
    if data.social_worker not in (None, principal.user_id):
        raise Forbidden(
            "a social worker proposes a standing time for themself", field="social_worker"
        )
    place = data.municipality or worker_of[0]
    if place not in worker_of:
        raise Forbidden("you are not a social worker there", field="municipality")
    return data.specialist, principal.user_id, place, False


async def _pair(mentoring: int) -> tuple[int | None, int | None]:
    """(the mentor's specialist profile, the mentee) of a mentoring pair, if any."""
    pair = (
        await MentoringRequest.select(
            MentoringRequest.mentee, MentoringRequest.offer._.user.as_alias("mentor")
        )
        .where(
            (MentoringRequest.id == mentoring)
            & (MentoringRequest.status == MentoringStatus.MATCHED)
        )
        .first()
    )
    if pair is None or pair["mentor"] is None:
        raise InvalidInput("is not a matched mentoring pair", field="mentoring")
    profile = (
        await SpecialistProfile.select(SpecialistProfile.id)
        .where(SpecialistProfile.user == pair["mentor"])
        .first()
    )
    if profile is None:
        raise InvalidInput(
            "the mentor has no specialist profile: no slots to book", field="mentoring"
        )
    return int(profile["id"]), pair["mentee"]


async def _check_mentoring(mentoring: int, specialist: int, social_worker: int | None) -> None:
    pair = (
        await MentoringRequest.select(
            MentoringRequest.status,
            MentoringRequest.mentee,
            MentoringRequest.offer._.user.as_alias("mentor"),
        )
        .where(MentoringRequest.id == mentoring)
        .first()
    )
    mentor = (
        await SpecialistProfile.select(SpecialistProfile.user)
        .where(SpecialistProfile.id == specialist)
        .first()
    )
    if (
        pair is None
        or mentor is None
        or pair["status"] != MentoringStatus.MATCHED
        or pair["mentor"] != mentor["user"]
        or pair["mentee"] != social_worker
    ):
        raise InvalidInput(
            "is not a mentoring pair of this specialist (mentor) and social worker (mentee)",
            field="mentoring",
        )


async def propose(
    ctx: Context, data: schemas.SeriesIn, *, now: datetime | None = None
) -> schemas.SeriesOut:
    """A proposed standing time, for the other party to agree to or decline."""
    now = now or clock.now()
    today = now.astimezone(STOCKHOLM).date()
    if data.first_date < today:
        raise InvalidInput("is in the past", field="first_date")
    if data.end_date is not None and data.end_date < first_on_weekday(
        data.first_date, data.weekday
    ):
        raise InvalidInput("must be on or after the first meeting", field="end_date")
    unit = require_deidentified("unit", data.unit).strip() or None if data.unit else None
    if data.mentoring is not None:
        mentor, mentee = await _pair(data.mentoring)
        data = msgspec.structs.replace(
            data,
            specialist=data.specialist or mentor,
            social_worker=data.social_worker or mentee,
        )
    if data.social_worker is not None and data.unit is not None:
        raise InvalidInput("a series is with a named social worker or with a unit", field="unit")
    async with case_work(ctx):
        specialist, social_worker, code, by_specialist = await _parties(ctx, data)
        profile = (
            await SpecialistProfile.select(
                SpecialistProfile.id,
                SpecialistProfile.offers_phone,
                SpecialistProfile.offers_video,
                SpecialistProfile.offers_on_site,
            )
            .where(SpecialistProfile.id == specialist)
            .first()
        )
        if profile is None:
            raise InvalidInput("no such specialist", field="specialist")
        if not profile[f"offers_{data.mode}"]:
            raise InvalidInput(f"the specialist does not offer {data.mode} meetings", field="mode")
        reach = {t.municipality for t in await served_places(specialist, data.first_date)}
        if code not in reach:
            raise InvalidInput(
                "no agreement lets the specialist serve this municipality", field="municipality"
            )
        if not await _within_hours(
            specialist, data.weekday, data.start_time, data.duration_minutes
        ):
            raise InvalidInput(
                "is outside the specialist's weekly hours on that weekday", field="start_time"
            )
        if data.mentoring is not None:
            await _check_mentoring(data.mentoring, specialist, social_worker)
        place = await Municipality.select(Municipality.id).where(Municipality.code == code).first()
        if place is None:
            raise InvalidInput("no such municipality", field="municipality")
        series = StandingSeries(
            specialist=specialist,
            social_worker=social_worker,
            municipality=place["id"],
            unit=unit,
            mentoring=data.mentoring,
            cadence=data.cadence,
            weekday=data.weekday,
            start_time=data.start_time,
            duration_minutes=data.duration_minutes,
            mode=data.mode,
            first_date=data.first_date,
            end_date=data.end_date,
            status=StandingStatus.PROPOSED,
            proposed_by=ctx.actor.user_id,
            by_specialist=by_specialist,
            created_at=now,
        )
        await series.save()
        row = (await series_rows(StandingSeries.id == series.id))[0]
        await record(
            ctx.actor,
            "standing_series.propose",
            "standing_series",
            row.id,
            municipality=row.municipality,
            county=row.county,
            detail={"specialist": specialist, "social_worker": social_worker},
        )
        other = row.municipal_user if by_specialist else row.specialist_user
        await notify_one(row, other, NotificationKind.STANDING_PROPOSED)
        return (await series_out(ctx.principal, [row], now))[0]


async def notify_one(row: SeriesRow, user: int | None, kind: NotificationKind) -> None:
    await notify(
        [user],
        kind,
        object_type="standing_series",
        object_id=row.id,
        link=f"/standing/{row.id}",
    )


async def answer(
    ctx: Context, series_id: int, data: schemas.AnswerIn, *, now: datetime | None = None
) -> schemas.SeriesOut:
    """Agree to (the occurrences of the coming weeks are booked; a week whose capacity
    is used up refuses it) or decline a proposed series."""
    now = now or clock.now()
    async with case_work(ctx):
        row = await load_series(ctx.principal, series_id, WRITE)
        if row.status != StandingStatus.PROPOSED:
            raise Conflict(f"is {row.status}: only a proposed series is answered", field="agree")
        if not may_answer(ctx.principal, row):
            raise refuse("only the other party answers a proposal", row, WRITE)
        if data.agree and row.mentoring is None:
            await _take_points(row, now)
        status = StandingStatus.ACTIVE if data.agree else StandingStatus.DECLINED
        await StandingSeries.update(
            {
                StandingSeries.status: status,
                StandingSeries.answered_by: ctx.actor.user_id,
                StandingSeries.answered_at: now,
            }
        ).where(StandingSeries.id == row.id)
        row = (await series_rows(StandingSeries.id == row.id))[0]
        counts = {}
        if data.agree:
            counts = await plan_ahead(row, user_id=ctx.actor.user_id, now=now, strict=True)
        await record(
            ctx.actor,
            "standing_series.agree" if data.agree else "standing_series.decline",
            "standing_series",
            row.id,
            municipality=row.municipality,
            county=row.county,
            detail={k.value: v for k, v in counts.items()},
        )
        await notify_one(
            row,
            row.proposed_by,
            NotificationKind.STANDING_AGREED if data.agree else NotificationKind.STANDING_DECLINED,
        )
        return (await series_out(ctx.principal, [row], now))[0]


async def _take_points(row: SeriesRow, now: datetime) -> None:
    """The series' case points fit the specialist's weekly budget from its first week
    (the specialist's row locked; a Conflict naming the points when they do not)."""
    table = await load_points_table()
    weight = work_points(
        table,
        Work(
            specialist=row.specialist,
            kind=WorkKind.STANDING,
            urgency=Urgency.PLANNED.value,
            area="",
            county=row.county,
        ),
    )
    first = max(row.first_date, now.astimezone(STOCKHOLM).date())
    await take_points(row.specialist, weight, first, field="agree", table=table)


async def end_series(
    ctx: Context, series_id: int, *, now: datetime | None = None
) -> schemas.SeriesOut:
    """End an agreed series (its future occurrences are cancelled) or withdraw a
    proposal; both parties are told."""
    now = now or clock.now()
    today = now.astimezone(STOCKHOLM).date()
    async with case_work(ctx):
        row = await load_series(ctx.principal, series_id, WRITE)
        if row.status not in (StandingStatus.PROPOSED, StandingStatus.ACTIVE):
            raise Conflict(f"is {row.status} already", field="series_id", source="path")
        if not may_end(ctx.principal, row):
            raise refuse("only a party of the series ends it", row, WRITE)
        async with system_scope(Booking._meta.db):
            future = await StandingOccurrence.select(
                StandingOccurrence.id, StandingOccurrence.booking
            ).where(
                (StandingOccurrence.series == row.id)
                & (StandingOccurrence.outcome == OccurrenceOutcome.BOOKED)
                & (StandingOccurrence.booking._.starts_at > now)
            )
        for occurrence in future:
            await cancel_booking(occurrence["booking"], "the standing series ended", now)
        await StandingOccurrence.update(
            {StandingOccurrence.outcome: OccurrenceOutcome.CANCELLED}
        ).where(StandingOccurrence.id.is_in([o["id"] for o in future] or [0]))
        end_date = row.end_date
        if row.status == StandingStatus.ACTIVE and today >= row.first_date:
            end_date = today if end_date is None else min(end_date, today)
        await StandingSeries.update(
            {
                StandingSeries.status: StandingStatus.ENDED,
                StandingSeries.ended_at: now,
                StandingSeries.end_date: end_date,
            }
        ).where(StandingSeries.id == row.id)
        await record(
            ctx.actor,
            "standing_series.end",
            "standing_series",
            row.id,
            municipality=row.municipality,
            county=row.county,
            detail={"cancelled": len(future)},
        )
        await tell(row, NotificationKind.STANDING_ENDED)
        row = (await series_rows(StandingSeries.id == row.id))[0]
        return (await series_out(ctx.principal, [row], now))[0]


async def move_occurrence(
    ctx: Context, occurrence_id: int, data: schemas.MoveIn, *, now: datetime | None = None
) -> schemas.SeriesOut:
    """Move one booked occurrence to another time (the series keeps its time): the
    old booking is cancelled and a new one made, checked like any booking."""
    now = now or clock.now()
    async with case_work(ctx):
        occurrence = (
            await StandingOccurrence.select(
                StandingOccurrence.id,
                StandingOccurrence.series,
                StandingOccurrence.outcome,
                StandingOccurrence.booking,
            )
            .where(StandingOccurrence.id == occurrence_id)
            .first()
        )
        if occurrence is None:
            raise NotFound("no such occurrence", field="occurrence_id", source="path")
        row = await load_series(ctx.principal, occurrence["series"], WRITE, field="occurrence_id")
        if not may_move(ctx.principal, row):
            raise refuse("only a party of an agreed series moves its meetings", row, WRITE)
        async with system_scope(Booking._meta.db):
            booking = (
                await Booking.select(Booking.id, Booking.starts_at, Booking.status)
                .where(Booking.id == (occurrence["booking"] or 0))
                .first()
            )
        if (
            occurrence["outcome"] != OccurrenceOutcome.BOOKED
            or booking is None
            or booking["status"] != "booked"
        ):
            raise Conflict("is not booked: only a booked meeting is moved", field="occurrence_id")
        if booking["starts_at"] <= now:
            raise Conflict("has taken place already", field="occurrence_id")
        local = data.start.astimezone(STOCKHOLM)
        if not await _within_hours(
            row.specialist, local.weekday(), local.time().replace(tzinfo=None), row.duration_minutes
        ):
            raise InvalidInput(
                "is outside the specialist's weekly hours on that weekday", field="start"
            )
        await cancel_booking(booking["id"], "moved", now)
        new_id = await book_time(row, data.start, ctx.actor.user_id, now, field="start")
        await StandingOccurrence.update(
            {StandingOccurrence.booking: new_id, StandingOccurrence.moved: True}
        ).where(StandingOccurrence.id == occurrence_id)
        await record(
            ctx.actor,
            "standing_occurrence.move",
            "standing_occurrence",
            occurrence_id,
            municipality=row.municipality,
            county=row.county,
            detail={"series": row.id, "booking": new_id, "replaces": booking["id"]},
        )
        await tell(row, NotificationKind.STANDING_MOVED, start=data.start)
        return (await series_out(ctx.principal, [row], now))[0]


async def series_out(
    principal: Principal, rows: list[SeriesRow], now: datetime, *, ahead: int | None = None
) -> list[schemas.SeriesOut]:
    """Series with their occurrences (from today on, ``ahead`` of them when given)."""
    today = now.astimezone(STOCKHOLM).date()
    async with system_scope(Booking._meta.db):  # times only
        occurrences = (
            await StandingOccurrence.select(
                StandingOccurrence.id,
                StandingOccurrence.series,
                StandingOccurrence.on_date,
                StandingOccurrence.outcome,
                StandingOccurrence.booking,
                StandingOccurrence.booking._.starts_at.as_alias("starts_at"),
                StandingOccurrence.booking._.ends_at.as_alias("ends_at"),
                StandingOccurrence.moved,
            )
            .where(
                StandingOccurrence.series.is_in([r.id for r in rows] or [0])
                & (StandingOccurrence.on_date >= today - timedelta(days=7))
            )
            .order_by(StandingOccurrence.on_date)
        )
    by_series: dict[int, list[schemas.OccurrenceOut]] = {}
    for o in occurrences:
        listed = by_series.setdefault(o["series"], [])
        if ahead is not None and len(listed) >= ahead:
            continue
        live = o["outcome"] == OccurrenceOutcome.BOOKED
        listed.append(
            schemas.OccurrenceOut(
                id=o["id"],
                on_date=o["on_date"],
                outcome=OccurrenceOutcome(o["outcome"]),
                booking=o["booking"] if live else None,
                starts_at=_aware(o["starts_at"]) if live else None,
                ends_at=_aware(o["ends_at"]) if live else None,
                moved=bool(o["moved"]),
            )
        )
    return [
        schemas.SeriesOut(
            id=r.id,
            status=StandingStatus(r.status),
            specialist=r.specialist,
            specialist_name=r.specialist_name,
            social_worker=r.social_worker,
            social_worker_name=r.social_worker_name,
            municipality=r.municipality,
            municipality_name=r.municipality_name,
            unit=r.unit,
            mentoring=r.mentoring,
            cadence=StandingCadence(r.cadence),
            weekday=r.weekday,
            start_time=r.start_time,
            duration_minutes=r.duration_minutes,
            mode=r.mode,
            first_date=r.first_date,
            first_meeting=first_on_weekday(r.first_date, r.weekday),
            end_date=r.end_date,
            proposed_by_specialist=r.by_specialist,
            may_answer=may_answer(principal, r),
            may_manage=may_move(principal, r) or may_end(principal, r),
            occurrences=by_series.get(r.id, []),
        )
        for r in rows
    ]


def _aware(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


async def list_series(ctx: Context, *, now: datetime | None = None) -> list[schemas.SeriesOut]:
    """The series ``ctx.principal`` is a party of (or, as a coordinator, whose
    municipality they serve), newest first, each with its next occurrences. Not
    audited: a series holds no case data, and its meetings show as times only (as
    free slots and the weekly capacity read them); one series read is."""
    now = now or clock.now()
    principal = ctx.principal
    condition: Any = StandingSeries.proposed_by == principal.user_id
    condition = condition | (StandingSeries.social_worker == principal.user_id)
    condition = condition | (StandingSeries.answered_by == principal.user_id)
    if principal.specialist_id is not None:
        condition = condition | (StandingSeries.specialist == principal.specialist_id)
    places = _own_places(principal, Role.COORDINATOR, Role.SOCIAL_WORKER)
    counties = sorted(
        {
            b.county
            for b in principal.bindings
            if b.municipality is None and b.role in (Role.COORDINATOR, Role.SOCIAL_WORKER)
        }
    )
    if places:
        condition = condition | StandingSeries.municipality._.code.is_in(places)
    if counties:
        condition = condition | StandingSeries.municipality._.county._.code.is_in(counties)
    async with case_work(ctx):
        rows = [r for r in await series_rows(condition) if may_see(principal, r)]
        rows.reverse()
        return await series_out(principal, rows, now, ahead=SHOWN_AHEAD)


async def get_series(
    ctx: Context, series_id: int, *, now: datetime | None = None
) -> schemas.SeriesOut:
    """One series with its occurrences from last week on."""
    now = now or clock.now()
    async with case_work(ctx):
        row = await load_series(ctx.principal, series_id, READ)
        await record(
            ctx.actor,
            "standing_series.read",
            "standing_series",
            row.id,
            municipality=row.municipality,
            county=row.county,
        )
        return (await series_out(ctx.principal, [row], now))[0]


@dataclass(frozen=True, slots=True)
class Choice:
    value: str
    label: str


@dataclass(frozen=True, slots=True)
class ProposalChoices:
    """What the propose form offers ``ctx.principal``: the specialists who may serve
    their municipality (for a social worker or coordinator), or the social workers and
    municipalities the specialist may serve. Empty lists: they cannot propose."""

    as_specialist: bool
    specialists: list[Choice]
    social_workers: list[Choice]
    municipalities: list[Choice]
    mentoring: list[Choice] = field(default_factory=list)


MAX_CHOICES = 200
MAX_AGREEMENT_CHECKS = 40


async def _mentoring_choices(principal: Principal) -> list[Choice]:
    """The matched mentoring pairs ``principal`` is mentor or mentee of whose mentor
    is a specialist (has slots)."""
    mentors = SpecialistProfile.select(SpecialistProfile.user)
    rows = await MentoringRequest.select(
        MentoringRequest.id,
        MentoringRequest.mentee._.display_name.as_alias("mentee"),
        MentoringRequest.offer._.user._.display_name.as_alias("mentor"),
    ).where(
        (MentoringRequest.status == MentoringStatus.MATCHED)
        & (
            (MentoringRequest.mentee == principal.user_id)
            | (MentoringRequest.offer._.user == principal.user_id)
        )
        & MentoringRequest.offer._.user.is_in(mentors)
    )
    return [Choice(str(r["id"]), f"{r['mentor']} · {r['mentee']}") for r in rows]


async def proposal_choices(ctx: Context, *, on: date | None = None) -> ProposalChoices:
    principal = ctx.principal
    day = on or clock.today()
    pairs = await _mentoring_choices(principal)
    if principal.specialist_id is not None:
        places = sorted(
            {
                t.municipality
                for t in await served_places(principal.specialist_id, day)
                if t.municipality
            }
        )
        names = (
            await Municipality.select(Municipality.code, Municipality.name)
            .where(Municipality.code.is_in(places or ["-"]))
            .order_by(Municipality.name)
        )
        workers = (
            await RoleBinding.select(
                RoleBinding.user,
                RoleBinding.user._.display_name.as_alias("name"),
                RoleBinding.municipality._.name.as_alias("place"),
            )
            .where(
                (RoleBinding.role == Role.SOCIAL_WORKER)
                & RoleBinding.municipality._.code.is_in(places or ["-"])
                & (RoleBinding.user._.active.eq(True))
            )
            .order_by(RoleBinding.user._.display_name)
            .limit(MAX_CHOICES)
        )
        return ProposalChoices(
            as_specialist=True,
            specialists=[],
            social_workers=[Choice(str(w["user"]), f"{w['name']} ({w['place']})") for w in workers],
            municipalities=[Choice(m["code"], m["name"]) for m in names],
            mentoring=pairs,
        )
    places = await _places_of(principal, Role.COORDINATOR, Role.SOCIAL_WORKER)
    if not places:
        return ProposalChoices(False, [], [], [], pairs)
    counties = await Municipality.select(Municipality.county._.code.as_alias("county")).where(
        Municipality.code.is_in(places)
    )
    candidates = (
        await SpecialistProfile.select(
            SpecialistProfile.id,
            SpecialistProfile.user._.display_name.as_alias("name"),
            SpecialistProfile.home_municipality._.code.as_alias("home_code"),
            SpecialistProfile.home_municipality._.name.as_alias("home"),
        )
        .where(
            SpecialistProfile.home_municipality._.county._.code.is_in(
                sorted({c["county"] for c in counties}) or ["-"]
            )
        )
        .order_by(SpecialistProfile.user._.display_name)
        .limit(MAX_CHOICES)
    )
    specialists = []
    checked = 0
    for candidate in candidates:
        serves = candidate["home_code"] in places
        if not serves and checked < MAX_AGREEMENT_CHECKS:  # one beyond: under an agreement?
            checked += 1
            reach = {t.municipality for t in await served_places(candidate["id"], day)}
            serves = bool(reach & set(places))
        if serves:
            specialists.append(
                Choice(str(candidate["id"]), f"{candidate['name']} ({candidate['home']})")
            )
    names = (
        await Municipality.select(Municipality.code, Municipality.name)
        .where(Municipality.code.is_in(places))
        .order_by(Municipality.name)
    )
    coordinator_of = await _places_of(principal, Role.COORDINATOR)
    colleagues: list[Choice] = []
    if coordinator_of:
        colleagues = [
            Choice(str(w["user"]), f"{w['name']} ({w['place']})")
            for w in await RoleBinding.select(
                RoleBinding.user,
                RoleBinding.user._.display_name.as_alias("name"),
                RoleBinding.municipality._.name.as_alias("place"),
            )
            .where(
                (RoleBinding.role == Role.SOCIAL_WORKER)
                & RoleBinding.municipality._.code.is_in(coordinator_of)
            )
            .order_by(RoleBinding.user._.display_name)
            .limit(MAX_CHOICES)
        ]
    return ProposalChoices(
        as_specialist=False,
        specialists=specialists,
        social_workers=colleagues,
        municipalities=[Choice(m["code"], m["name"]) for m in names],
        mentoring=pairs,
    )
