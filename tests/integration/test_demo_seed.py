"""Seeding the demo network into a database: counts, wiring, idempotence, determinism.

Each test gets its own freshly migrated database (SQLite file or new PostgreSQL
database, like the suite's), and points every Piccolo table at it for the test.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from network.accounts.principals import load_principal
from network.accounts.tables import RoleBinding, User
from network.consultations.tables import ConsultationRequest
from network.demo import (
    DEMO_USERS,
    DemoSeedError,
    generate_network,
    load_generator_inputs,
    seed_demo,
    seed_if_empty,
)
from network.directory.reference import load_reference_data, read_reference_data
from network.directory.tables import (
    AgreementArea,
    AgreementMunicipality,
    SharingAgreement,
)
from network.kernel.case_scope import system_transaction
from network.lib.vocab import Role
from network.mentoring.group_parts import attendance, my_sessions, programme_parts
from network.mentoring.tables import MentoringProgramme, MentoringRequest
from network.peers import group as peer_groups
from network.peers import thread as peer_thread
from network.specialists.tables import (
    Absence,
    AvailabilityRule,
    SpecialistCompetence,
    SpecialistProfile,
)
from network.standing.series import list_series
from tests.support.context import context_of
from tests.support.database import migrated_database, using_database

TODAY = date(2026, 11, 23)
SMALL = {"specialists": 40, "requests": 120, "mentoring_requests": 15}


# --------------------------------------------------------------------------- fixtures


@pytest.fixture
def three_dbs() -> list[str]:
    """Three freshly migrated databases (made here: creating one needs no running loop)."""
    return [migrated_database("demo") for _ in range(3)]


async def _count(table: Any) -> int:
    # Case rows are visible (row-level security) only in a scope that names the reader.
    async with system_transaction(table._meta.db):
        return int(await table.count())


async def _dump() -> dict[str, list[dict[str, Any]]]:
    async with system_transaction(User._meta.db):
        return await _select_all()


async def _select_all() -> dict[str, list[dict[str, Any]]]:
    return {
        t._meta.tablename: await t.select().order_by(t._meta.primary_key)
        for t in (
            User,
            RoleBinding,
            SpecialistProfile,
            SpecialistCompetence,
            AvailabilityRule,
            Absence,
            SharingAgreement,
            AgreementMunicipality,
            AgreementArea,
            MentoringProgramme,
            MentoringRequest,
            ConsultationRequest,
        )
    }


# --------------------------------------------------------------------------- tests


async def test_seed_writes_the_whole_network(fresh_db: str) -> None:
    await load_reference_data()
    municipalities, counties, areas = await load_generator_inputs()
    network = generate_network(municipalities, counties, areas, seed=3, today=TODAY, **SMALL)
    counts = await seed_demo(network, progress=False)

    assert counts.specialists == await _count(SpecialistProfile) == 40
    assert counts.consultations == await _count(ConsultationRequest) == 120
    assert counts.mentoring_requests == await _count(MentoringRequest) == 15
    assert counts.users == await _count(User) == len(network.users)
    assert counts.role_bindings == await _count(RoleBinding) == len(network.role_bindings)
    expected_competences = sum(len(s.competences) for s in network.specialists)
    assert counts.competences == await _count(SpecialistCompetence) == expected_competences
    assert counts.availability_rules == await _count(AvailabilityRule)
    assert counts.availability_rules == sum(len(s.availability) for s in network.specialists)
    assert counts.absences == await _count(Absence)
    assert counts.agreements == await _count(SharingAgreement) == len(network.agreements)
    assert counts.agreement_municipalities == await _count(AgreementMunicipality)
    assert counts.agreement_areas == await _count(AgreementArea)
    assert counts.programmes == await _count(MentoringProgramme) == len(network.programmes)

    # Every specialist is a user with a SPECIALIST role in their home municipality.
    profiles = await SpecialistProfile.select(
        SpecialistProfile.user.as_alias("user_id"),
        SpecialistProfile.home_municipality.code.as_alias("home"),
    )
    bindings = await RoleBinding.select(
        RoleBinding.user.as_alias("user_id"),
        RoleBinding.municipality.code.as_alias("municipality"),
    ).where(RoleBinding.role == Role.SPECIALIST.value)
    assert {(p["user_id"], p["home"]) for p in profiles} <= {
        (b["user_id"], b["municipality"]) for b in bindings
    }

    # The five demo users, scoped as documented.
    for email, role in DEMO_USERS:
        rows = await RoleBinding.select(
            RoleBinding.role,
            RoleBinding.municipality.code.as_alias("municipality"),
            RoleBinding.county.code.as_alias("county"),
        ).where(RoleBinding.user.email == email)
        assert [r["role"] for r in rows] == [role.value], email
        if role in (Role.SOCIAL_WORKER, Role.SPECIALIST):
            assert rows[0]["municipality"] is not None
        else:
            assert rows[0]["county"] == network.focus.county_code
    competences = await SpecialistCompetence.select(
        SpecialistCompetence.area.code.as_alias("area"), SpecialistCompetence.level
    ).where(SpecialistCompetence.specialist._.user._.email == "specialist@demo.invalid")
    levels = {r["area"]: r["level"] for r in competences}
    assert levels == {"honour_based_violence": 3, "lvu_investigation": 2}

    # No specialist of the demo social worker's municipality knows honour-based violence.
    local = await SpecialistCompetence.count().where(
        (SpecialistCompetence.area.code == "honour_based_violence")
        & (
            SpecialistCompetence.specialist._.home_municipality._.code
            == network.focus.social_worker_municipality_code
        )
    )
    assert local == 0

    # The demo requests point at the right rows.
    async with system_transaction(ConsultationRequest._meta.db):
        demo_requests = await ConsultationRequest.select(
            ConsultationRequest.origin_municipality.code.as_alias("origin"),
            ConsultationRequest.area.code.as_alias("area"),
            ConsultationRequest.status,
        ).where(ConsultationRequest.requester.email == "social.worker@demo.invalid")
    assert len(demo_requests) == 3
    assert {r["origin"] for r in demo_requests} == {network.focus.social_worker_municipality_code}
    assert {r["status"] for r in demo_requests} == {"open"}


async def test_seed_if_empty_seeds_once(fresh_db: str) -> None:
    await load_reference_data()
    assert await seed_if_empty(seed=5, today=TODAY, progress=False, **SMALL) is True
    users = await _count(User)
    assert await _count(SpecialistProfile) == 40
    assert await seed_if_empty(seed=6, today=TODAY, progress=False, **SMALL) is False
    assert await _count(SpecialistProfile) == 40
    assert await _count(User) == users
    assert await _count(ConsultationRequest) == 120


async def test_seed_needs_reference_data(fresh_db: str) -> None:
    data = read_reference_data()
    network = generate_network(
        data.municipalities, data.counties, data.areas, seed=1, today=TODAY, **SMALL
    )
    with pytest.raises(DemoSeedError, match="reference data"):
        await seed_demo(network, progress=False)
    assert await _count(User) == 0


async def test_same_seed_gives_equal_databases(three_dbs: list[str]) -> None:
    dumps = []
    for seed, url in zip((21, 21, 22), three_dbs, strict=True):
        with using_database(url):
            await load_reference_data()
            assert await seed_if_empty(seed=seed, today=TODAY, progress=False, **SMALL)
            dumps.append(await _dump())
    first, second, other = dumps
    assert first == second
    assert len(first["consultation_request"]) == 120
    assert first != other


async def test_the_demo_shows_standing_series_to_each_role(fresh_db: str) -> None:
    await load_reference_data()
    municipalities, counties, areas = await load_generator_inputs()
    network = generate_network(municipalities, counties, areas, seed=3, today=TODAY, **SMALL)
    await seed_demo(network, progress=False)

    seen = {}
    for email in (
        "specialist@demo.invalid",
        "social.worker@demo.invalid",
        "coordinator@demo.invalid",
    ):
        user = await User.select(User.id).where(User.email == email).first()
        assert user is not None
        principal = await load_principal(user["id"])
        assert principal is not None
        seen[email] = await list_series(context_of(principal))
    assert len(seen["specialist@demo.invalid"]) == 3
    assert len(seen["coordinator@demo.invalid"]) == 3
    mine = seen["social.worker@demo.invalid"]
    assert sorted(s.status for s in mine) == ["active", "proposed"]
    assert [s.may_answer for s in mine if s.status == "proposed"] == [True]
    agreed = next(s for s in mine if s.status == "active")
    assert any(o.outcome == "booked" and o.starts_at for o in agreed.occurrences)


async def test_the_demo_programme_has_group_parts(fresh_db: str) -> None:
    """The coordinator sees the focus programme's two group parts (one held with
    attendance, one to come); a mentee sees both, and the matched pair's attendance."""
    await load_reference_data()
    municipalities, counties, areas = await load_generator_inputs()
    network = generate_network(municipalities, counties, areas, seed=3, today=TODAY, **SMALL)
    await seed_demo(network, progress=False)
    coordinator = await User.select(User.id).where(User.email == "coordinator@demo.invalid").first()
    assert coordinator is not None
    principal = await load_principal(coordinator["id"])
    assert principal is not None
    focus = (
        await SpecialistProfile.select(
            SpecialistProfile.home_municipality._.county.as_alias("county")
        )
        .where(SpecialistProfile.user._.email == "specialist@demo.invalid")
        .first()
    )
    assert focus is not None
    programme = (
        await MentoringProgramme.select(MentoringProgramme.id)
        .where(MentoringProgramme.county == focus["county"])
        .first()
    )
    assert programme is not None
    parts = await programme_parts(context_of(principal), programme["id"])
    assert sorted(p.part_format or "" for p in parts) == ["group_supervision", "theme_meeting"]
    assert all(p.may_manage for p in parts)
    sessions = [s for p in parts for s in p.sessions]
    assert sorted(s.attendance_recorded for s in sessions) == [False, True]
    async with system_transaction(MentoringRequest._meta.db):
        pair = (
            await MentoringRequest.select(MentoringRequest.mentee, MentoringRequest.programme)
            .where(
                (MentoringRequest.status == "matched")
                & (MentoringRequest.programme == programme["id"])
            )
            .first()
        )
    assert pair is not None
    mentee = await load_principal(pair["mentee"])
    assert mentee is not None
    mine = await my_sessions(context_of(mentee))
    assert [(s.attended, s.signed_up) for s in mine] == [(True, True), (None, True)]
    seen = (await attendance(pair["programme"], [pair["mentee"]]))[pair["mentee"]]
    assert (seen.attended, seen.held, seen.missed) == (1, 1, [])


async def test_the_demo_gives_the_specialist_peer_groups_with_a_meeting_and_posts(
    fresh_db: str,
) -> None:
    await load_reference_data()
    municipalities, counties, areas = await load_generator_inputs()
    network = generate_network(municipalities, counties, areas, seed=3, today=TODAY, **SMALL)
    await seed_demo(network, progress=False)
    user = await User.select(User.id).where(User.email == "specialist@demo.invalid").first()
    assert user is not None
    principal = await load_principal(user["id"])
    assert principal is not None
    ctx = context_of(principal)
    mine = [g for g in await peer_groups.my_groups(ctx) if g.member]
    assert mine
    for summary in mine:
        assert summary.next_meeting is not None, summary.area
        group = await peer_groups.get_group(ctx, summary.area)
        upcoming = [s for m in group.meetings for s in m.sessions]
        assert [m.kind for m in group.meetings] == ["peer_network"]
        assert upcoming
        assert group.meetings[0].may_join
        assert not upcoming[0].signed_up  # the sign-up button is there to press
        posts = await peer_thread.thread(ctx, summary.area)
        assert posts.total >= 3
        assert any(p.replies for p in posts.items)


async def test_the_demo_extras_give_the_trend_charts_a_history(fresh_db: str) -> None:
    from network.coverage.history import supply_points
    from network.coverage.tables import CoverageSnapshot
    from network.demo.extras import HISTORY_SUMMARY, past_months, seed_demo_extras, seed_history
    from network.directory.tables import Municipality

    await load_reference_data()
    municipalities, counties, areas = await load_generator_inputs()
    network = generate_network(municipalities, counties, areas, seed=3, today=TODAY, **SMALL)
    await seed_demo(network, progress=False)
    await seed_demo_extras(seed=3, today=TODAY)
    months = [m.strftime("%Y-%m") for m in past_months(TODAY)]
    assert months[0] == "2025-05"
    assert months[-1] == "2026-10"
    cells = len(municipalities) * len(areas)
    per_month = await CoverageSnapshot.select(CoverageSnapshot.month).where(
        CoverageSnapshot.municipality == "0580"
    )
    assert {r["month"] for r in per_month} == set(months)
    assert await CoverageSnapshot.count() == cells * len(months)
    codes = [
        r["code"]
        for r in await Municipality.select(Municipality.code).where(
            Municipality.county.code == "05"
        )
    ]
    supply = await supply_points(codes, None, months)
    assert all(point is not None for point in supply)
    shares = [p.covered_share for p in supply if p is not None]
    assert shares[0] <= shares[-1]  # the network grew
    async with system_transaction(ConsultationRequest._meta.db):
        past = await ConsultationRequest.select(ConsultationRequest.opened_at).where(
            ConsultationRequest.summary == HISTORY_SUMMARY
        )
    opened = {r["opened_at"].strftime("%Y-%m") for r in past}
    assert opened == {m for m in months if m < "2026"}
    await seed_history(TODAY, 3)  # once: a second pass writes nothing
    assert await CoverageSnapshot.count() == cells * len(months)
