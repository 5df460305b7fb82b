"""The suggestion path reads the request (``access.load_requests``) and the
specialists' changing state (this week's load, who is away, the inputs of their next
free slots) in hand-written statements
(:func:`network.consultations.network_loader.current_state`, ``slot_inputs``). They
must answer exactly as the Piccolo queries they replace (``capacity.week_used`` and
``services.availabilities`` stay in use elsewhere; the request's old queries are
copied here): compared on the configured engine, inside a user's case transaction
(row-level security on PostgreSQL hides other municipalities' cases unless the
reads widen the scope)."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from datetime import UTC, datetime, time, timedelta
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import TestClient
from piccolo.engine.postgres import PostgresEngine

from network.accounts.principals import load_principal
from network.consultations.access import (
    LIVE_ASSIGNMENTS,
    TURNED_DOWN,
    RequestRow,
    load_requests,
)
from network.consultations.network_loader import (
    NEXT_FREE_HORIZON_DAYS,
    competent_in,
    current_state,
    first_free,
    next_free_slots,
    slot_inputs,
)
from network.consultations.tables import Assignment, Booking, ConsultationRequest
from network.kernel.case_scope import case_transaction, system_scope
from network.kernel.kept import Kept
from network.lib.vocab import (
    AssignmentStatus,
    BookingStatus,
    ConsultationKind,
    ConsultationStatus,
    Role,
)
from network.scheduling import STOCKHOLM
from network.specialists.capacity import week_bounds, week_used
from network.specialists.services import availabilities
from network.specialists.tables import Absence, AvailabilityOverride, SpecialistProfile
from tests.support import SharedApp, in_app, in_app_seeing_all
from tests.support.cases import (
    add_competence,
    add_weekly_hours,
    create_accepted_request,
    seeing_all,
)
from tests.support.people import create_specialist_profile, create_user

AREA = "npf"
HOME = "2262"  # Timrå; the worker's requests come from Sundsvall (2281)
OTHER = "2281"
NOW = datetime.now(UTC).replace(microsecond=0)


@pytest.fixture(scope="module")
def ids(migrated: None) -> dict[str, int]:
    async def create() -> dict[str, int]:
        found = {
            "worker": await create_user(
                "state.worker@demo.invalid", Role.SOCIAL_WORKER, municipality=OTHER
            ),
            "stranger": await create_user(
                "state.stranger@demo.invalid", Role.SOCIAL_WORKER, municipality="0180"
            ),
        }
        for key in ("booked", "written", "away", "later", "idle", "elsewhere"):
            email = f"state.{key}@demo.invalid"
            user = await create_user(email, Role.SPECIALIST, municipality=HOME)
            home = OTHER if key == "elsewhere" else HOME
            found[key] = await create_specialist_profile(user, home)
            await add_competence(found[key], AREA, 2)
            await add_weekly_hours(found[key], range(5), time(8), time(16))
        await add_weekly_hours(found["booked"], (5,), time(10), time(12))
        # Bookings this week, last week and next week; one cancelled; made by
        # another municipality's request (row-level security hides it from the worker).
        request = await create_accepted_request(
            requester=found["stranger"], municipality="0180", specialist=found["booked"]
        )
        monday, _ = week_bounds(NOW.astimezone(STOCKHOLM).date())
        for hours, status in ((58, "booked"), (59, "booked"), (80, "cancelled"), (-100, "booked")):
            starts = monday + timedelta(hours=hours)
            await Booking(
                specialist=found["booked"],
                request=request if hours == 58 else None,
                starts_at=starts,
                ends_at=starts + timedelta(minutes=45),
                status=BookingStatus(status),
                created_at=NOW,
            ).save()
        # Written consultations accepted now: two count, a cancelled one does not.
        for status in (*[ConsultationStatus.ACCEPTED] * 2, ConsultationStatus.CANCELLED):
            await create_accepted_request(
                requester=found["stranger"],
                municipality="0180",
                specialist=found["written"],
                kind=ConsultationKind.WRITTEN,
                status=status,
            )
        await create_accepted_request(
            requester=found["stranger"],
            municipality="0180",
            specialist=found["written"],
            kind=ConsultationKind.WRITTEN,
            assignment=AssignmentStatus.OFFERED,
        )
        for key, start, end in (
            ("away", NOW - timedelta(days=1), NOW + timedelta(days=3)),
            ("later", NOW + timedelta(days=2), NOW + timedelta(days=9)),
        ):
            await Absence(
                specialist=found[key], starts_at=start, ends_at=end, created_at=NOW
            ).save()
        today = NOW.astimezone(STOCKHOLM).date()
        await AvailabilityOverride.insert(
            AvailabilityOverride(specialist=found["idle"], on_date=today, closed=True),
            AvailabilityOverride(
                specialist=found["idle"],
                on_date=today + timedelta(days=1),
                start_time=time(9),
                end_time=time(10, 30),
            ),
        )
        return found

    return asyncio.run(_seeing_all(create))


async def _seeing_all(create: Any) -> dict[str, int]:
    async with system_scope(ConsultationRequest._meta.db):
        found: dict[str, int] = await create()
        return found


@pytest.fixture
def client(ids: dict[str, int], shared_app: SharedApp) -> TestClient[Litestar]:
    return shared_app.client()


def as_worker(client: TestClient[Litestar], ids: dict[str, int], work: Any) -> Any:
    """``work()`` inside the worker's case transaction, as a suggestion runs."""
    return as_user(client, ids["worker"], work)


def as_user(client: TestClient[Litestar], user: int, work: Any) -> Any:
    """``work()`` inside ``user``'s case transaction."""

    async def run() -> Any:
        principal = await load_principal(user)
        assert principal is not None
        async with case_transaction(ConsultationRequest._meta.db, principal):
            return await work()

    return in_app(client, run)


async def old_state(homes: list[str] | None) -> tuple[dict[int, int], frozenset[int]]:
    """What ``current_state`` read before: Piccolo's queries."""
    competent = competent_in([AREA], homes)
    away = await Absence.select(Absence.specialist).where(
        Absence.specialist.is_in(competent) & (Absence.starts_at <= NOW) & (Absence.ends_at > NOW)
    )
    used = await week_used(competent, NOW.astimezone(STOCKHOLM).date())
    return used, frozenset(row["specialist"] for row in away)


@pytest.mark.parametrize("homes", [None, [HOME], [OTHER], []])
def test_the_state_statement_answers_as_the_queries_it_replaces(
    client: TestClient[Litestar], ids: dict[str, int], homes: list[str] | None
) -> None:
    new = as_worker(client, ids, lambda: current_state([AREA], NOW, homes))
    used, absent = as_worker(client, ids, lambda: old_state(homes))
    assert (new.used, new.absent) == (used, absent)
    if homes is None or homes == [HOME]:
        # The data are there to be found (row-level security did not hide them).
        assert used[ids["booked"]] == 2
        assert used[ids["written"]] == 2
        assert absent == {ids["away"]}
    if homes == [OTHER]:
        assert not used
        assert not absent


async def old_next_free(wanted: list[int]) -> dict[int, datetime | None]:
    horizon = NOW + timedelta(days=NEXT_FREE_HORIZON_DAYS)
    return first_free(await availabilities(wanted, NOW, horizon), wanted, NOW)


def _sorted(found: dict[int, Any]) -> dict[int, Any]:
    return {
        i: (
            sorted(a.weekly, key=repr),
            sorted(a.overrides, key=repr),
            sorted(a.absences, key=repr),
            a.bookings,
            sorted(a.written, key=repr),
            a.rules,
        )
        for i, a in found.items()
    }


def test_the_slot_statement_answers_as_the_queries_it_replaces(
    client: TestClient[Litestar], ids: dict[str, int]
) -> None:
    wanted = sorted(ids[k] for k in ("booked", "written", "away", "later", "idle", "elsewhere"))
    wanted.append(2**31 - 1)  # no such specialist
    horizon = NOW + timedelta(days=NEXT_FREE_HORIZON_DAYS)
    new = as_worker(client, ids, lambda: slot_inputs(wanted, NOW, horizon))
    old = as_worker(client, ids, lambda: availabilities(wanted, NOW, horizon))
    assert _sorted(new) == _sorted(old)
    assert len(new[ids["booked"]].bookings) >= 2  # this week's two (last week's too, early on)
    assert len(new[ids["written"]].written) == 2
    assert len(new[ids["idle"]].overrides) == 2
    assert len(new[ids["later"]].absences) == 1
    assert len(new[ids["booked"]].weekly) == 6
    assert 2**31 - 1 not in new
    slots = as_worker(client, ids, lambda: next_free_slots(wanted, NOW))
    assert slots == as_worker(client, ids, lambda: old_next_free(wanted))
    assert slots[2**31 - 1] is None
    assert slots[ids["booked"]] is not None


def test_kept_hours_answer_as_read_whole_and_follow_each_change(
    client: TestClient[Litestar], ids: dict[str, int]
) -> None:
    """Rounds keep the specialists' slot rules and weekly hours in the process
    (``slot_inputs(..., kept=...)``) and read only what changes: the answers are
    those of the whole statement, loading and from what was kept, and a change to a
    specialist's hours or slot rules is seen by the next read."""
    wanted = sorted(ids[k] for k in ("booked", "written", "away", "later", "idle", "elsewhere"))
    wanted.append(2**31 - 1)  # no such specialist
    horizon = NOW + timedelta(days=NEXT_FREE_HORIZON_DAYS)
    kept = Kept()
    for _ in range(2):  # (loading them, then from what was kept)
        new = as_worker(client, ids, lambda: slot_inputs(wanted, NOW, horizon, kept=kept))
        old = as_worker(client, ids, lambda: slot_inputs(wanted, NOW, horizon))
        assert _sorted(new) == _sorted(old)
        assert len(new[ids["booked"]].bookings) >= 2  # (what changes: read every time)
        assert len(new[ids["idle"]].overrides) == 2
        slots = as_worker(client, ids, lambda: next_free_slots(wanted, NOW, kept=kept))
        assert slots == as_worker(client, ids, lambda: old_next_free(wanted))

    async def own() -> int:
        user = await create_user("state.kept@demo.invalid", Role.SPECIALIST, municipality=HOME)
        specialist = await create_specialist_profile(user, HOME)
        await add_weekly_hours(specialist, range(5), time(8), time(16))
        return specialist

    mine = in_app_seeing_all(client, own)
    read = as_worker(client, ids, lambda: slot_inputs([mine], NOW, horizon, kept=kept))
    assert len(read[mine].weekly) == 5
    in_app_seeing_all(client, lambda: _weekend(mine))
    read = as_worker(client, ids, lambda: slot_inputs([mine], NOW, horizon, kept=kept))
    assert len(read[mine].weekly) == 7  # the hours' version moved
    slot = read[mine].rules.slot_minutes
    in_app_seeing_all(client, lambda: _slot_minutes(mine, slot + 15))
    read = as_worker(client, ids, lambda: slot_inputs([mine], NOW, horizon, kept=kept))
    assert read[mine].rules.slot_minutes == slot + 15  # the network's version moved
    assert _sorted(read) == _sorted(
        as_worker(client, ids, lambda: slot_inputs([mine], NOW, horizon))
    )


async def _weekend(specialist: int) -> int:
    await add_weekly_hours(specialist, (5, 6), time(10), time(12))
    return specialist


async def _slot_minutes(specialist: int, minutes: int) -> int:
    await SpecialistProfile.update({SpecialistProfile.slot_minutes: minutes}).where(
        SpecialistProfile.id == specialist
    )
    return specialist


async def old_load_requests(request_ids: list[int]) -> list[RequestRow]:
    """What ``access.load_requests`` read before: two Piccolo queries."""
    rows: dict[int, dict[str, Any]] = {}
    assignments: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in await ConsultationRequest.select(
        ConsultationRequest.id,
        ConsultationRequest.status,
        ConsultationRequest.kind,
        ConsultationRequest.mode,
        ConsultationRequest.urgency,
        ConsultationRequest.language,
        ConsultationRequest.area.as_alias("area_id"),
        ConsultationRequest.area._.code.as_alias("area"),
        ConsultationRequest.origin_municipality.as_alias("origin_id"),
        ConsultationRequest.origin_municipality._.code.as_alias("municipality"),
        ConsultationRequest.origin_municipality._.county._.code.as_alias("county"),
        ConsultationRequest.requester,
        ConsultationRequest.named_specialist,
        ConsultationRequest.latest_date,
        ConsultationRequest.opened_at,
        ConsultationRequest.first_answer_at,
        ConsultationRequest.version,
    ).where(ConsultationRequest.id.is_in(request_ids)):
        rows[row["id"]] = row
    for a in await Assignment.select(
        Assignment.request, Assignment.specialist, Assignment.status
    ).where(
        Assignment.request.is_in(request_ids)
        & Assignment.status.is_in([*LIVE_ASSIGNMENTS, *TURNED_DOWN])
    ):
        assignments[a["request"]].append(a)
    live = {
        i: {a["status"]: a["specialist"] for a in found if a["status"] in LIVE_ASSIGNMENTS}
        for i, found in assignments.items()
    }
    return [
        RequestRow(
            **rows[i],
            offered_to=live.get(i, {}).get(AssignmentStatus.OFFERED),
            accepted_by=live.get(i, {}).get(AssignmentStatus.ACCEPTED),
            turned_down=frozenset(
                a["specialist"] for a in assignments[i] if a["status"] in TURNED_DOWN
            ),
        )
        for i in request_ids
        if i in rows
    ]


def test_the_request_statement_answers_as_the_queries_it_replaces(
    client: TestClient[Litestar], ids: dict[str, int]
) -> None:
    """As the stranger (whose municipality's requests they are) and as the worker,
    who may see none of them: row-level security filters the one statement as it
    filtered the two queries."""

    async def requests() -> list[int]:
        rows = await ConsultationRequest.select(ConsultationRequest.id).where(
            ConsultationRequest.requester == ids["stranger"]
        )
        return [row["id"] for row in rows]

    found = in_app(client, lambda: seeing_all(requests))
    assert len(found) == 5
    wanted = [*found, 2**31 - 1]
    seen = {}
    for who in ("stranger", "worker"):
        seen[who] = as_user(client, ids[who], lambda: load_requests(wanted))
        assert seen[who] == as_user(client, ids[who], lambda: old_load_requests(wanted))
    assert [r.id for r in seen["stranger"]] == found
    assert {r.accepted_by for r in seen["stranger"]} == {ids["booked"], ids["written"], None}
    assert any(r.offered_to == ids["written"] for r in seen["stranger"])
    if isinstance(ConsultationRequest._meta.db, PostgresEngine):
        assert seen["worker"] == []
