"""The points load of a set of specialists is read in one hand-written statement
(:func:`network.specialists.workload.work_of`, UNION ALL of the four kinds of work).
It must answer exactly as the per-kind Piccolo queries it replaced
(``tests/support/points_sources.py``): compared on the configured engine, inside a
user's case transaction (row-level security on PostgreSQL hides other
municipalities' consultations and engagements unless the read widens the scope),
for the week around every boundary below and the weeks either side.

Each kind has pieces of work just inside and just outside the week: accepted a
second before it ends or as it ends; opened or closed at its edges; standing series
begun on its last (Stockholm) day or the next, ended on its first day (shortly after
midnight in Stockholm, still the day before in UTC) or the second before it;
mentees matched before it ends, as it ends, or with no time of matching.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from network.accounts.principals import load_principal
from network.consultations.tables import Assignment, ConsultationRequest
from network.directory.tables import County, Municipality
from network.engagements.tables import Engagement
from network.kernel.case_scope import case_transaction, system_scope
from network.lib.vocab import (
    AssignmentStatus,
    ConsultationKind,
    ConsultationStatus,
    MentoringStatus,
    Role,
    StandingStatus,
    WorkKind,
)
from network.mentoring.tables import MentoringProgramme, MentoringRequest, MentorOffer
from network.scheduling import STOCKHOLM
from network.specialists.capacity import week_bounds
from network.specialists.workload import PointsLoad, Work, points_load, work_of
from network.standing.tables import StandingSeries
from tests.support import SharedApp, in_app
from tests.support.cases import area_id
from tests.support.people import create_specialist_profile, create_user
from tests.support.points_sources import REFERENCE_SOURCES

HOME = "2262"  # Timrå
ORIGIN = "0180"  # Stockholm: the consultations' and series' municipality
AREA = "npf"
DAY = date(2026, 3, 4)  # a Wednesday; its week starts on Monday 2 March
START, END = week_bounds(DAY)
SECOND = timedelta(seconds=1)
KIND_ORDER = ("consultation", "engagement", "standing", "mentee")


def _in_order(items: tuple[tuple[Work, int], ...]) -> tuple[tuple[Work, int], ...]:
    """Items by kind, then id: the order the statement gives."""
    return tuple(
        sorted(
            items,
            key=lambda item: (
                KIND_ORDER.index(item[0].ref.split(":")[0]),
                int(item[0].ref.split(":")[1]),
            ),
        )
    )


async def _place(code: str) -> int:
    town = await Municipality.select(Municipality.id).where(Municipality.code == code).first()
    assert town is not None, code
    return int(town["id"])


async def _consultation(
    worker: int,
    specialist: int,
    *,
    accepted_at: datetime | None,
    status: ConsultationStatus = ConsultationStatus.ACCEPTED,
    kind: ConsultationKind = ConsultationKind.MEETING,
    assignment: AssignmentStatus = AssignmentStatus.ACCEPTED,
    urgency: str = "planned",
) -> int:
    origin = await _place(ORIGIN)
    request = ConsultationRequest(
        area=await area_id(AREA),
        origin_municipality=origin,
        requester=worker,
        kind=kind,
        mode="video",
        urgency=urgency,
        summary="Hur planerar vi nästa steg?",
        status=status,
        created_at=START - timedelta(days=30),
        opened_at=START - timedelta(days=30),
        accepted_at=accepted_at,
    )
    await request.save()
    await Assignment(
        request=request.id,
        specialist=specialist,
        origin_municipality=origin,
        status=assignment,
        score=1,
        breakdown={},
        created_at=START - timedelta(days=30),
    ).save()
    return int(request.id)


async def _engagement(
    worker: int, specialist: int, *, opened_at: datetime, closed_at: datetime | None
) -> None:
    request = await _consultation(
        worker,
        specialist,
        accepted_at=opened_at,
        kind=ConsultationKind.CO_HANDLING,
        urgency="soon",
    )
    await Engagement(
        request=request,
        origin_municipality=await _place(ORIGIN),
        requester=worker,
        specialist=specialist,
        area=await area_id(AREA),
        urgency="soon",
        phase="investigation_opened",
        opened_at=opened_at,
        expected_end=DAY + timedelta(days=120),
        closed_at=closed_at,
    ).save()


async def _series(
    worker: int,
    specialist: int,
    *,
    first_date: date,
    end_date: date | None = None,
    ended_at: datetime | None = None,
    status: StandingStatus = StandingStatus.ACTIVE,
    answered: bool = True,
    mentoring: int | None = None,
) -> None:
    await StandingSeries(
        specialist=specialist,
        social_worker=worker,
        municipality=await _place(ORIGIN),
        mentoring=mentoring,
        cadence="weekly",
        weekday=first_date.weekday(),
        start_time=time(9),
        duration_minutes=45,
        mode="video",
        first_date=first_date,
        end_date=end_date,
        status=status,
        by_specialist=False,
        answered_at=START - timedelta(days=20) if answered else None,
        ended_at=ended_at,
        created_at=START - timedelta(days=30),
    ).save()


@pytest.fixture(scope="module")
def ids(migrated: None) -> dict[str, int]:
    async def create() -> dict[str, int]:
        found = {
            "worker": await create_user(
                "pointsql.worker@demo.invalid", Role.SOCIAL_WORKER, municipality=ORIGIN
            ),
            "outsider": await create_user(
                "pointsql.outsider@demo.invalid", Role.SOCIAL_WORKER, municipality=HOME
            ),
        }
        for key in ("busy", "other", "idle"):
            user = await create_user(
                f"pointsql.{key}@demo.invalid", Role.SPECIALIST, municipality=HOME
            )
            found[f"{key}_user"] = user
            found[key] = await create_specialist_profile(user, HOME)
        worker, busy, other = found["worker"], found["busy"], found["other"]
        # Consultations.
        for at, extra in (
            (END - SECOND, {}),  # counts
            (END, {}),  # accepted as the week ends: not yet
            (START - timedelta(days=10), {"status": ConsultationStatus.BOOKED}),  # counts
            (START, {"status": ConsultationStatus.COMPLETED}),  # closed
            (START, {"kind": ConsultationKind.CO_HANDLING}),  # its engagement weighs
            (START, {"assignment": AssignmentStatus.OFFERED}),  # not taken
            (None, {}),  # never accepted
            (START + timedelta(hours=5), {"kind": ConsultationKind.WRITTEN}),  # counts
        ):
            await _consultation(worker, busy, accepted_at=at, **extra)
        await _consultation(worker, other, accepted_at=START, urgency="urgent")
        # Engagements.
        for opened, closed in (
            (END - SECOND, None),  # counts
            (END, None),  # opens as the week ends
            (START - timedelta(days=40), START),  # closed as it starts: counts
            (START - timedelta(days=40), START - SECOND),  # closed before it
            (START - timedelta(days=40), END + timedelta(days=3)),  # counts
        ):
            await _engagement(worker, busy, opened_at=opened, closed_at=closed)
        await _engagement(worker, other, opened_at=START, closed_at=None)
        # Mentees (a programme of the county of Västernorrland).
        county = await County.select(County.id).where(County.code == "22").first()
        assert county is not None
        programme = MentoringProgramme(
            name="Introduktion punkter",
            county=county["id"],
            start_date=date(2026, 1, 1),
            end_date=date(2027, 12, 31),
            created_at=START - timedelta(days=60),
        )
        await programme.save()
        offer = MentorOffer(
            programme=programme.id,
            user=found["busy_user"],
            municipality=await _place(HOME),
            created_at=START - timedelta(days=60),
        )
        await offer.save()
        pairs = []
        for number, (status, matched) in enumerate(
            (
                (MentoringStatus.MATCHED, END - SECOND),  # counts
                (MentoringStatus.MATCHED, END),  # matched as the week ends
                (MentoringStatus.MATCHED, None),  # counts
                (MentoringStatus.OPEN, START),  # not matched
            )
        ):
            mentee = await create_user(
                f"pointsql.mentee{number}@demo.invalid", Role.SOCIAL_WORKER, municipality=HOME
            )
            pair = MentoringRequest(
                programme=programme.id,
                mentee=mentee,
                status=status,
                offer=offer.id,
                matched_at=matched,
                created_at=START - timedelta(days=50),
            )
            await pair.save()
            pairs.append(int(pair.id))
        # Standing series.
        monday = START.astimezone(STOCKHOLM).date()
        sunday = monday + timedelta(days=6)
        first_midnight = datetime.combine(monday, time(0), tzinfo=STOCKHOLM)
        for first, extra in (
            (sunday, {}),  # begins on the week's last day: counts
            (sunday + timedelta(days=1), {}),  # begins the next week
            (monday - timedelta(days=21), {"end_date": monday}),  # last date Monday: counts
            (monday - timedelta(days=21), {"end_date": monday - timedelta(days=1)}),
            # Ended at 00:30 on Monday in Stockholm (Sunday in UTC): counts.
            (
                monday - timedelta(days=21),
                {
                    "ended_at": first_midnight + timedelta(minutes=30),
                    "status": StandingStatus.ENDED,
                },
            ),
            (
                monday - timedelta(days=21),
                {"ended_at": first_midnight - SECOND, "status": StandingStatus.ENDED},
            ),
            (monday, {"status": StandingStatus.PROPOSED, "answered": False}),
            (monday, {"status": StandingStatus.DECLINED}),
            (monday, {"answered": False}),
            (monday, {"mentoring": pairs[0]}),  # weighs as the mentee
        ):
            await _series(worker, busy, first_date=first, **extra)
        await _series(worker, other, first_date=monday - timedelta(days=3))
        return found

    async def seeing_all() -> dict[str, int]:
        async with system_scope(ConsultationRequest._meta.db):
            return await create()

    return asyncio.run(seeing_all())


@pytest.fixture
def client(ids: dict[str, int], shared_app: SharedApp) -> TestClient[Litestar]:
    return shared_app.client()


def as_user(client: TestClient[Litestar], user: int, work: Any) -> Any:
    """``work()`` inside ``user``'s case transaction (as a suggestion runs)."""

    async def run() -> Any:
        principal = await load_principal(user)
        assert principal is not None
        async with case_transaction(ConsultationRequest._meta.db, principal):
            return await work()

    return in_app(client, run)


@pytest.mark.parametrize("weeks", [-1, 0, 1, 2])
def test_the_points_statement_answers_as_the_queries_it_replaces(
    client: TestClient[Litestar], ids: dict[str, int], weeks: int
) -> None:
    wanted = [ids["busy"], ids["other"], ids["idle"], 2**31 - 1]
    day = DAY + timedelta(weeks=weeks)
    new: dict[int, PointsLoad] = as_user(client, ids["outsider"], lambda: points_load(wanted, day))
    old: dict[int, PointsLoad] = as_user(
        client, ids["outsider"], lambda: points_load(wanted, day, sources=REFERENCE_SOURCES)
    )
    assert set(new) == {ids["busy"], ids["other"], ids["idle"]}
    for specialist, load in new.items():
        assert load.items == _in_order(load.items)  # by kind, then id
        reference = old[specialist]
        assert load == PointsLoad(reference.capacity, reference.used, _in_order(reference.items)), (
            specialist
        )
    assert new[ids["idle"]].items == ()
    if weeks == 0:
        refs = [work.ref.split(":")[0] for work, _ in new[ids["busy"]].items]
        # Three consultations, three engagements, three series, two mentees.
        assert refs == ["consultation"] * 3 + ["engagement"] * 3 + ["standing"] * 3 + ["mentee"] * 2
        kinds = {work.kind for work, _ in new[ids["other"]].items}
        assert kinds == {WorkKind.MEETING, WorkKind.CO_HANDLING, WorkKind.STANDING}
        mentee = next(w for w, _ in new[ids["busy"]].items if w.kind == WorkKind.MENTEE)
        assert mentee.county == "22"
        assert mentee.programme is not None
        assert all(points > 0 for _, points in new[ids["busy"]].items)


def test_the_statement_reads_nothing_for_no_one_or_an_empty_week(
    client: TestClient[Litestar], ids: dict[str, int]
) -> None:
    async def run() -> tuple[list[Work], list[Work]]:
        return await work_of([], START, END), await work_of([ids["busy"]], END, START)

    assert in_app(client, run) == ([], [])
    assert len(in_app(client, lambda: work_of([ids["busy"]], START, END))) == 11


def test_the_week_is_read_in_stockholm_time() -> None:
    assert datetime(2026, 3, 1, 23, 0, tzinfo=UTC) == START
    assert datetime(2026, 3, 8, 23, 0, tzinfo=UTC) == END


def test_many_specialists_are_read_in_chunks_with_the_same_answer(
    client: TestClient[Litestar], ids: dict[str, int]
) -> None:
    """More ids than one statement takes (SQLite's IN lists): read in chunks, each
    specialist's work as when asked alone."""
    few = [ids["busy"], ids["other"]]
    many = [2**31 - i for i in range(1, 4500)] + few  # the real ones in the last chunk
    alone = in_app(client, lambda: work_of(few, START, END))
    assert len(alone) == 11 + 3
    assert sorted(in_app(client, lambda: work_of(many, START, END)), key=repr) == sorted(
        alone, key=repr
    )
