"""Standing support through its use cases: a weekly or fortnightly series proposed by
one party and agreed by the other books real occurrences; absences and clashes skip a
date with notice to both; a full week refuses the agreement (at the boundary); one
occurrence moves alone; ending cancels the future ones; other municipalities see
nothing; the periodic pass plans ahead and skips dates a new absence covers."""

from __future__ import annotations

import asyncio
import itertools
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest

from network.accounts.principals import load_principal
from network.consultations.tables import Booking
from network.directory.tables import Municipality
from network.kernel.context import Context
from network.lib.errors import Conflict, InvalidInput, NotFound
from network.lib.vocab import (
    BookingStatus,
    MentoringStatus,
    NotificationKind,
    OccurrenceOutcome,
    Role,
    StandingStatus,
    Urgency,
    WorkKind,
)
from network.mentoring.tables import MentoringProgramme, MentoringRequest, MentorOffer
from network.notifications.tables import Notification
from network.scheduling import STOCKHOLM, planned_dates
from network.specialists.capacity import week_load
from network.specialists.tables import Absence, SpecialistProfile
from network.specialists.workload import load_points_table, points_load
from network.standing import schemas, series
from network.standing.occurrences import HORIZON_WEEKS, active_series, refresh
from network.standing.tables import StandingOccurrence, StandingSeries
from tests.support.cases import (
    add_competence,
    add_weekly_hours,
    create_county_agreement,
    seeing_all,
)
from tests.support.context import bare_runtime, context_of
from tests.support.people import create_specialist_profile, create_user

AREA = "lvu_investigation"
SPECIALIST = "standing.specialist@demo.invalid"  # Linköping (0580)
WORKER = "standing.ydre@demo.invalid"  # Ydre (0512), under the county agreement
COORDINATOR = "standing.coordinator@demo.invalid"  # Ydre (0512)
FAR = "standing.kiruna@demo.invalid"  # Kiruna (2584): not served


@pytest.fixture(scope="module")
def ids(migrated: None) -> dict[str, int]:
    async def create() -> dict[str, int]:
        await create_county_agreement("05", AREA)
        found: dict[str, int] = {}
        found["specialist_user"] = await create_user(
            SPECIALIST, Role.SPECIALIST, municipality="0580"
        )
        found["specialist"] = await create_specialist_profile(found["specialist_user"], "0580")
        await add_competence(found["specialist"], AREA, 3)
        await add_weekly_hours(found["specialist"], range(5), time(8), time(17))
        found["worker"] = await create_user(WORKER, Role.SOCIAL_WORKER, municipality="0512")
        found["coordinator"] = await create_user(COORDINATOR, Role.COORDINATOR, municipality="0512")
        found["far"] = await create_user(FAR, Role.SOCIAL_WORKER, municipality="2584")
        return found

    return asyncio.run(create())


@pytest.fixture(autouse=True)
def clean(ids: dict[str, int]) -> None:
    """Every test starts with no series, bookings or absences of the specialist."""

    async def wipe() -> None:
        await StandingSeries.delete(force=True)
        await seeing_all(lambda: Booking.delete().where(Booking.specialist == ids["specialist"]))
        await Absence.delete().where(Absence.specialist == ids["specialist"])
        await Notification.delete(force=True)
        await SpecialistProfile.update(
            {SpecialistProfile.consultations_per_week: 4, SpecialistProfile.buffer_minutes: 15}
        ).where(SpecialistProfile.id == ids["specialist"])

    asyncio.run(wipe())


async def ctx(user_id: int) -> Context:
    principal = await load_principal(user_id)
    assert principal is not None
    return context_of(principal)


def next_monday() -> date:
    today = datetime.now(STOCKHOLM).date()
    return today + timedelta(days=7 - today.weekday())


def proposal(**changes: Any) -> schemas.SeriesIn:
    fields: dict[str, Any] = {
        "weekday": 0,
        "start_time": time(10),
        "first_date": next_monday(),
        "duration_minutes": 45,
    }
    return schemas.SeriesIn(**{**fields, **changes})


async def live_bookings(specialist: int) -> list[dict[str, Any]]:
    return await seeing_all(
        lambda: (
            Booking.select(Booking.id, Booking.starts_at, Booking.origin_municipality)
            .where((Booking.specialist == specialist) & (Booking.status == BookingStatus.BOOKED))
            .order_by(Booking.starts_at)
        )
    )


async def kinds_told(user_id: int) -> list[str]:
    rows = await Notification.select(Notification.kind).where(Notification.recipient == user_id)
    return [row["kind"] for row in rows]


def expected_dates(first: date, every_weeks: int) -> list[date]:
    today = datetime.now(STOCKHOLM).date()
    return planned_dates(
        first, 0, every_weeks, start=today, until=today + timedelta(weeks=HORIZON_WEEKS)
    )


async def agreed(ids: dict[str, int], **changes: Any) -> schemas.SeriesOut:
    specialist = await ctx(ids["specialist_user"])
    made = await series.propose(specialist, proposal(social_worker=ids["worker"], **changes))
    assert made.status == StandingStatus.PROPOSED
    return await series.answer(await ctx(ids["worker"]), made.id, schemas.AnswerIn(agree=True))


def test_a_weekly_series_books_real_occurrences(ids: dict[str, int]) -> None:
    async def run() -> None:
        specialist = await ctx(ids["specialist_user"])
        made = await series.propose(specialist, proposal(social_worker=ids["worker"]))
        assert made.municipality == "0512"
        assert not made.may_answer  # the proposer does not answer their own proposal
        assert await live_bookings(ids["specialist"]) == []
        assert NotificationKind.STANDING_PROPOSED in await kinds_told(ids["worker"])

        worker = await ctx(ids["worker"])
        listed = await series.list_series(worker)
        assert [s.id for s in listed] == [made.id]
        assert listed[0].may_answer
        done = await series.answer(worker, made.id, schemas.AnswerIn(agree=True))
        assert done.status == StandingStatus.ACTIVE
        dates = expected_dates(next_monday(), 1)
        assert [o.on_date for o in done.occurrences] == dates
        assert {o.outcome for o in done.occurrences} == {OccurrenceOutcome.BOOKED}
        booked = await live_bookings(ids["specialist"])
        assert [b["starts_at"].astimezone(STOCKHOLM) for b in booked] == [
            datetime.combine(d, time(10), tzinfo=STOCKHOLM) for d in dates
        ]
        assert NotificationKind.STANDING_AGREED in await kinds_told(ids["specialist_user"])
        load = await week_load([ids["specialist"]], next_monday())  # counted in the budget
        assert load[ids["specialist"]].used == 1

    asyncio.run(run())


def test_a_fortnightly_series_meets_every_other_week(ids: dict[str, int]) -> None:
    async def run() -> None:
        done = await agreed(ids, cadence="fortnightly")
        days = [o.on_date for o in done.occurrences]
        assert days == expected_dates(next_monday(), 2)
        assert len(days) >= 4
        assert all(b - a == timedelta(weeks=2) for a, b in itertools.pairwise(days))
        assert len(await live_bookings(ids["specialist"])) == len(days)

    asyncio.run(run())


def test_absences_and_clashes_skip_a_date_with_notice_to_both(ids: dict[str, int]) -> None:
    async def run() -> None:
        second = next_monday() + timedelta(weeks=1)
        third = next_monday() + timedelta(weeks=2)
        await Absence(
            specialist=ids["specialist"],
            starts_at=datetime.combine(second, time(0), tzinfo=STOCKHOLM),
            ends_at=datetime.combine(second + timedelta(days=1), time(0), tzinfo=STOCKHOLM),
            reason="holiday",
        ).save()
        clash_start = datetime.combine(third, time(10, 30), tzinfo=STOCKHOLM)
        other = Booking(
            specialist=ids["specialist"],
            starts_at=clash_start.astimezone(UTC),
            ends_at=(clash_start + timedelta(minutes=45)).astimezone(UTC),
            status=BookingStatus.BOOKED,
            created_at=datetime.now(UTC),
        )
        await seeing_all(other.save)

        done = await agreed(ids)
        outcome = {o.on_date: o.outcome for o in done.occurrences}
        assert outcome[next_monday()] == OccurrenceOutcome.BOOKED
        assert outcome[second] == OccurrenceOutcome.SKIPPED_ABSENCE
        assert outcome[third] == OccurrenceOutcome.SKIPPED_CLASH
        booked = await live_bookings(ids["specialist"])
        assert other.id in [b["id"] for b in booked]  # the clash is not overwritten
        assert len(booked) == len(done.occurrences) - 2 + 1
        for user in (ids["worker"], ids["specialist_user"]):
            told = await kinds_told(user)
            assert NotificationKind.STANDING_SKIPPED_ABSENCE in told
            assert NotificationKind.STANDING_SKIPPED_CLASH in told

    asyncio.run(run())


def test_a_new_absence_skips_a_booked_date_on_the_next_pass(ids: dict[str, int]) -> None:
    async def run() -> None:
        done = await agreed(ids)
        first = done.occurrences[0]
        assert first.starts_at is not None
        await Absence(
            specialist=ids["specialist"],
            starts_at=first.starts_at - timedelta(hours=1),
            ends_at=first.starts_at + timedelta(hours=3),
            reason="sick_leave",
        ).save()
        await Notification.delete(force=True)
        result = await refresh(bare_runtime())
        assert result.get("skipped_absence") == 1
        again = await series.get_series(await ctx(ids["worker"]), done.id)
        assert again.occurrences[0].outcome == OccurrenceOutcome.SKIPPED_ABSENCE
        assert first.booking not in [b["id"] for b in await live_bookings(ids["specialist"])]
        assert await kinds_told(ids["worker"]) == [NotificationKind.STANDING_SKIPPED_ABSENCE]
        assert await kinds_told(ids["specialist_user"]) == [
            NotificationKind.STANDING_SKIPPED_ABSENCE
        ]
        assert await refresh(bare_runtime()) == {}  # nothing more to do

    asyncio.run(run())


def _fill_week(specialist: int, day: date, count: int) -> Any:
    async def fill() -> None:
        for n in range(count):
            start = datetime.combine(day + timedelta(days=2), time(8 + 2 * n), tzinfo=STOCKHOLM)
            await Booking(
                specialist=specialist,
                starts_at=start.astimezone(UTC),
                ends_at=(start + timedelta(minutes=45)).astimezone(UTC),
                status=BookingStatus.BOOKED,
                created_at=datetime.now(UTC),
            ).save()

    return seeing_all(fill)


def test_a_full_week_refuses_the_agreement_at_the_boundary(ids: dict[str, int]) -> None:
    async def run() -> None:
        await SpecialistProfile.update({SpecialistProfile.consultations_per_week: 2}).where(
            SpecialistProfile.id == ids["specialist"]
        )
        week = next_monday() + timedelta(weeks=3)
        await _fill_week(ids["specialist"], week, 1)  # one of two used: room for one more
        specialist = await ctx(ids["specialist_user"])
        worker = await ctx(ids["worker"])
        fits = await series.propose(specialist, proposal(social_worker=ids["worker"]))
        done = await series.answer(worker, fits.id, schemas.AnswerIn(agree=True))
        assert {o.outcome for o in done.occurrences} == {OccurrenceOutcome.BOOKED}
        await series.end_series(worker, fits.id)

        await _fill_week(ids["specialist"], week + timedelta(days=1), 1)  # two of two used
        full = await series.propose(specialist, proposal(social_worker=ids["worker"]))
        before = len(await live_bookings(ids["specialist"]))
        with pytest.raises(Conflict) as refused:
            await series.answer(worker, full.id, schemas.AnswerIn(agree=True))
        year, number, _ = week.isocalendar()
        assert refused.value.field == "first_date"
        assert f"week {number} of {year}" in refused.value.message
        assert len(await live_bookings(ids["specialist"])) == before  # nothing half-written
        still = await series.get_series(worker, full.id)
        assert still.status == StandingStatus.PROPOSED
        assert still.occurrences == []

    asyncio.run(run())


def test_one_occurrence_moves_without_the_series(ids: dict[str, int]) -> None:
    async def run() -> None:
        done = await agreed(ids)
        first, second = done.occurrences[0], done.occurrences[1]
        worker = await ctx(ids["worker"])
        tuesday = datetime.combine(first.on_date + timedelta(days=1), time(13), tzinfo=STOCKHOLM)
        moved = await series.move_occurrence(worker, first.id, schemas.MoveIn(start=tuesday))
        assert moved.weekday == 0
        assert moved.start_time == time(10)
        after = {o.id: o for o in moved.occurrences}
        assert after[first.id].moved
        assert after[first.id].starts_at == tuesday
        assert after[first.id].booking != first.booking
        assert after[second.id].starts_at == second.starts_at  # the others stay
        starts = [b["starts_at"] for b in await live_bookings(ids["specialist"])]
        assert tuesday in starts
        assert first.starts_at not in starts
        assert NotificationKind.STANDING_MOVED in await kinds_told(ids["specialist_user"])

        evening = tuesday.replace(hour=20)  # after the specialist's hours
        with pytest.raises(InvalidInput) as late:
            await series.move_occurrence(worker, first.id, schemas.MoveIn(start=evening))
        assert late.value.field == "start"

        # Into an absence: refused, naming the field; the meeting stays where it was.
        wednesday = tuesday + timedelta(days=1)
        await Absence(
            specialist=ids["specialist"],
            starts_at=wednesday - timedelta(hours=2),
            ends_at=wednesday + timedelta(hours=2),
            reason="training",
        ).save()
        with pytest.raises(Conflict) as refused:
            await series.move_occurrence(worker, first.id, schemas.MoveIn(start=wednesday))
        assert refused.value.field == "start"
        assert "absence" in refused.value.message
        kept = await series.get_series(worker, done.id)
        assert {o.id: o for o in kept.occurrences}[first.id].starts_at == tuesday

    asyncio.run(run())


def test_ending_a_series_cancels_its_future_occurrences(ids: dict[str, int]) -> None:
    async def run() -> None:
        done = await agreed(ids)
        assert len(await live_bookings(ids["specialist"])) == len(done.occurrences)
        now = datetime.now(STOCKHOLM)
        assert await active_series([ids["specialist"]], now, now + timedelta(days=7)) == [
            (ids["specialist"], done.id)
        ]
        ended = await series.end_series(await ctx(ids["specialist_user"]), done.id)
        assert ended.status == StandingStatus.ENDED
        assert {o.outcome for o in ended.occurrences} == {OccurrenceOutcome.CANCELLED}
        assert await live_bookings(ids["specialist"]) == []
        assert NotificationKind.STANDING_ENDED in await kinds_told(ids["worker"])
        later = now + timedelta(days=14)
        assert await active_series([ids["specialist"]], later, later + timedelta(days=7)) == []
        with pytest.raises(Conflict):
            await series.end_series(await ctx(ids["worker"]), done.id)

    asyncio.run(run())


def test_other_municipalities_see_nothing(ids: dict[str, int]) -> None:
    async def run() -> None:
        done = await agreed(ids)
        far = await ctx(ids["far"])
        assert await series.list_series(far) == []
        with pytest.raises(NotFound):
            await series.get_series(far, done.id)
        with pytest.raises(NotFound):
            await series.end_series(far, done.id)
        occurrence = done.occurrences[0].id
        with pytest.raises(NotFound):
            await series.move_occurrence(
                far, occurrence, schemas.MoveIn(start=datetime.now(UTC) + timedelta(days=30))
            )
        coordinator = await ctx(ids["coordinator"])  # of Ydre: sees and may end it
        assert [s.id for s in await series.list_series(coordinator)] == [done.id]

    asyncio.run(run())


def test_proposals_are_checked_against_hours_and_agreements(ids: dict[str, int]) -> None:
    async def run() -> None:
        specialist = await ctx(ids["specialist_user"])
        with pytest.raises(InvalidInput) as late:
            await series.propose(
                specialist, proposal(social_worker=ids["worker"], start_time=time(16, 30))
            )
        assert late.value.field == "start_time"
        with pytest.raises(InvalidInput) as weekend:
            await series.propose(specialist, proposal(social_worker=ids["worker"], weekday=5))
        assert weekend.value.field == "start_time"
        with pytest.raises(InvalidInput) as far:
            await series.propose(await ctx(ids["far"]), proposal(specialist=ids["specialist"]))
        assert far.value.field == "municipality"
        with pytest.raises(InvalidInput) as past:
            await series.propose(
                specialist, proposal(social_worker=ids["worker"], first_date=date(2020, 1, 6))
            )
        assert past.value.field == "first_date"
        with pytest.raises(InvalidInput) as number:
            await series.propose(
                specialist, proposal(municipality="0512", unit="Barn 19121212-1212")
            )
        assert number.value.field == "unit"
        assert await StandingSeries.count() == 0

        # A social worker proposes to the specialist; the specialist answers.
        made = await series.propose(
            await ctx(ids["worker"]), proposal(specialist=ids["specialist"])
        )
        assert made.social_worker == ids["worker"]
        assert not made.proposed_by_specialist
        declined = await series.answer(specialist, made.id, schemas.AnswerIn(agree=False))
        assert declined.status == StandingStatus.DECLINED
        assert NotificationKind.STANDING_DECLINED in await kinds_told(ids["worker"])
        assert await StandingOccurrence.count() == 0

    asyncio.run(run())


def test_a_mentee_books_a_standing_time_from_the_mentors_hours(ids: dict[str, int]) -> None:
    async def run() -> None:
        programme = MentoringProgramme(
            name="Introduktion Östergötland",
            start_date=date(2026, 1, 1),
            end_date=date(2030, 12, 31),
            created_at=datetime.now(UTC),
        )
        await programme.save()
        place = (
            await Municipality.select(Municipality.id).where(Municipality.code == "0580").first()
        )
        assert place is not None
        offer = MentorOffer(
            programme=programme.id,
            user=ids["specialist_user"],
            municipality=place["id"],
            created_at=datetime.now(UTC),
        )
        await offer.save()
        pair = MentoringRequest(
            programme=programme.id,
            mentee=ids["worker"],
            status=MentoringStatus.MATCHED,
            offer=offer.id,
            created_at=datetime.now(UTC),
        )
        await pair.save()
        open_request = MentoringRequest(
            programme=programme.id, mentee=ids["far"], created_at=datetime.now(UTC)
        )
        await open_request.save()

        worker = await ctx(ids["worker"])
        with pytest.raises(InvalidInput) as unmatched:
            await series.propose(worker, proposal(mentoring=open_request.id))
        assert unmatched.value.field == "mentoring"

        made = await series.propose(worker, proposal(mentoring=pair.id, cadence="fortnightly"))
        assert made.specialist == ids["specialist"]
        assert made.social_worker == ids["worker"]
        assert made.mentoring == pair.id
        done = await series.answer(
            await ctx(ids["specialist_user"]), made.id, schemas.AnswerIn(agree=True)
        )
        assert [o.on_date for o in done.occurrences] == expected_dates(next_monday(), 2)
        assert len(await live_bookings(ids["specialist"])) == len(done.occurrences)
        await StandingSeries.delete(force=True)
        await MentoringRequest.delete().where(MentoringRequest.programme == programme.id)
        await MentoringProgramme.delete().where(MentoringProgramme.id == programme.id)

    asyncio.run(run())


def test_an_agreed_series_takes_case_points_exactly_full_but_not_one_over(
    ids: dict[str, int],
) -> None:
    """A standing series weighs on the specialist's one budget of case points: agreed
    when its points fill the budget exactly, refused (naming the points, nothing
    written) when they are one over; while agreed it is in the week's load."""

    async def run() -> None:
        table = await load_points_table()
        weight = table.points(WorkKind.STANDING.value, Urgency.PLANNED.value, "", county="05")
        assert weight > 0
        await SpecialistProfile.update({SpecialistProfile.points_capacity: weight}).where(
            SpecialistProfile.id == ids["specialist"]
        )
        done = await agreed(ids)
        assert done.status == StandingStatus.ACTIVE
        load = (await points_load([ids["specialist"]], next_monday()))[ids["specialist"]]
        assert load.used == weight == load.capacity
        assert [w.ref for w, _ in load.items] == [f"standing:{done.id}"]

        specialist = await ctx(ids["specialist_user"])
        worker = await ctx(ids["worker"])
        second = await series.propose(
            specialist, proposal(social_worker=ids["worker"], weekday=1, start_time=time(13))
        )
        before = len(await live_bookings(ids["specialist"]))
        with pytest.raises(Conflict) as refused:
            await series.answer(worker, second.id, schemas.AnswerIn(agree=True))
        assert refused.value.field == "agree"
        assert "case points" in refused.value.message
        assert len(await live_bookings(ids["specialist"])) == before
        assert (await series.get_series(worker, second.id)).status == StandingStatus.PROPOSED

        await series.end_series(worker, done.id)  # ended: its weeks ahead free the points
        load = (await points_load([ids["specialist"]], next_monday() + timedelta(weeks=2)))[
            ids["specialist"]
        ]
        assert load.used == 0

    asyncio.run(run())
