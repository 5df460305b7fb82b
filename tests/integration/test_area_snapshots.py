"""Suggestions read an area's static network from a snapshot kept by each process,
stamped with the ``network`` data version that database triggers raise. A change
made behind the app's back (a hand-made SQL statement, a direct insert) is seen by
the very next suggestion; what changes by the hour (absences) is read every time."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, time, timedelta
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from network.accounts.principals import load_principal
from network.consultations import offers
from network.consultations.snapshots import area_snapshot
from network.directory.tables import DataVersion
from network.directory.versions import NETWORK, data_version
from network.lib.vocab import Role
from network.settings import get_settings
from network.specialists.tables import Absence
from tests.support import SharedApp, in_app, sign_in
from tests.support.cases import add_competence, add_weekly_hours, create_county_agreement
from tests.support.context import context_of
from tests.support.people import create_specialist_profile, create_user

AREA = "children_as_next_of_kin"
HOME = "1880"  # Örebro
WORKER = "snapshot.worker@demo.invalid"


@pytest.fixture(scope="module")
def ids(migrated: None) -> dict[str, int]:
    async def create() -> dict[str, int]:
        found = {"worker": await create_user(WORKER, Role.SOCIAL_WORKER, municipality=HOME)}
        found["agreement"] = await create_county_agreement("18", AREA)
        for key, level in (("first", 3), ("second", 2)):
            user = await create_user(
                f"snapshot.{key}@demo.invalid", Role.SPECIALIST, municipality=HOME
            )
            found[key] = await create_specialist_profile(user, HOME)
            await add_competence(found[key], AREA, level)
            await add_weekly_hours(found[key], range(7), time(0), time(23, 59))
        user = await create_user("snapshot.late@demo.invalid", Role.SPECIALIST, municipality=HOME)
        found["late"] = await create_specialist_profile(user, HOME)  # no competence yet
        await add_weekly_hours(found["late"], range(7), time(0), time(23, 59))
        return found

    return asyncio.run(create())


@pytest.fixture
def client(ids: dict[str, int], shared_app: SharedApp) -> TestClient[Litestar]:
    test_client = shared_app.client()
    sign_in(test_client, WORKER)
    return test_client


def suggested(client: TestClient[Litestar], request_id: int) -> list[int]:
    response = client.get(f"/api/v1/consultations/{request_id}/suggestions", params={"k": 20})
    assert response.status_code == 200, response.text
    return [s["specialist"] for s in response.json()]


def open_request(client: TestClient[Litestar]) -> int:
    body: dict[str, Any] = {
        "area": AREA,
        "summary": "Förälder med allvarlig sjukdom; hur stöttar vi barnen i samtalet?",
        "urgency": "planned",
        "submit": True,
    }
    response = client.post("/api/v1/consultations", json=body)
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def raw(client: TestClient[Litestar], sql: str, *args: Any) -> Any:
    return in_app(client, lambda: DataVersion.raw(sql, *args))


def version(client: TestClient[Litestar]) -> int:
    return in_app(client, lambda: data_version(NETWORK))


IN_18 = "(SELECT id FROM county WHERE code = '18')"
PAIR = (
    "INSERT INTO agreement_municipality (agreement, municipality) "
    f"SELECT max(id), (SELECT id FROM municipality WHERE code = '1881') FROM sharing_agreement "
    f"WHERE county = {IN_18}"
)


@pytest.mark.parametrize(
    ("statements", "counted"),
    [
        (["UPDATE municipality SET population = population WHERE code = '1880'"], True),
        (["UPDATE county SET name = name WHERE code = '18'"], True),
        ([f"UPDATE sharing_agreement SET name = name WHERE county = {IN_18}"], True),
        (
            [
                PAIR,
                "DELETE FROM agreement_municipality WHERE municipality IN "
                "(SELECT id FROM municipality WHERE code = '1881')",
            ],
            True,
        ),
        (
            [
                f"UPDATE agreement_area SET area = area WHERE agreement IN "
                f"(SELECT id FROM sharing_agreement WHERE county = {IN_18})"
            ],
            True,
        ),
        (["UPDATE specialist_profile SET title = title"], True),
        (["UPDATE specialist_competence SET level = level"], True),
        (["UPDATE availability_rule SET weekday = weekday"], False),
    ],
)
def test_a_hand_made_statement_raises_the_version_of_counted_tables_only(
    client: TestClient[Litestar], statements: list[str], counted: bool
) -> None:
    for statement in statements:
        before = version(client)
        raw(client, statement)
        assert (version(client) > before) is counted, statement


def test_a_change_behind_the_apps_back_is_seen_by_the_next_suggestion(
    client: TestClient[Litestar], ids: dict[str, int]
) -> None:
    request = open_request(client)
    assert set(suggested(client, request)) >= {ids["first"], ids["second"]}
    assert ids["late"] not in suggested(client, request)
    now = datetime.now(UTC)
    app_kept = client.app.state.runtime.kept  # what this app keeps between requests
    kept = in_app(client, lambda: area_snapshot(app_kept, AREA, now))
    assert in_app(client, lambda: area_snapshot(app_kept, AREA, now)) is kept  # not reloaded

    # A direct insert, as a seed or an import would make it: no service says so.
    in_app(client, lambda: add_competence(ids["late"], AREA, 3))
    assert ids["late"] in suggested(client, request)
    assert in_app(client, lambda: area_snapshot(app_kept, AREA, now)) is not kept

    # A hand-made statement.
    raw(client, "UPDATE specialist_profile SET accepts_new = {} WHERE id = {}", False, ids["first"])
    assert ids["first"] not in suggested(client, request)
    raw(client, "UPDATE specialist_profile SET accepts_new = {} WHERE id = {}", True, ids["first"])
    assert ids["first"] in suggested(client, request)


def test_an_absence_counts_at_once(client: TestClient[Litestar], ids: dict[str, int]) -> None:
    request = open_request(client)
    assert ids["second"] in suggested(client, request)
    before = version(client)
    now = datetime.now(UTC)
    absence = Absence(
        specialist=ids["second"],
        starts_at=now - timedelta(hours=1),
        ends_at=now + timedelta(days=2),
        reason="sick_leave",
        created_at=now,
    )
    in_app(client, absence.save)
    try:
        assert version(client) == before  # not static data: read with every request
        assert ids["second"] not in suggested(client, request)
    finally:
        in_app(client, lambda: Absence.delete().where(Absence.id == absence.id))
    assert ids["second"] in suggested(client, request)


def test_many_at_once_after_a_change_share_one_load_without_starving_the_pool(
    client: TestClient[Litestar], ids: dict[str, int]
) -> None:
    """More callers than the pool has connections, each in its case transaction, all
    missing the snapshot at once: each must get its answer (a load that waited for
    a connection of its own while they hold them all would never end)."""
    request = open_request(client)
    expected = suggested(client, request)
    raw(client, "UPDATE specialist_profile SET title = title WHERE id = {}", ids["first"])
    principal = in_app(client, lambda: load_principal(ids["worker"]))
    assert principal is not None
    ctx = context_of(principal, client.app.state.runtime)
    callers = 3 * get_settings().pg_pool_max

    async def at_once() -> list[list[int]]:
        answers = await asyncio.wait_for(
            asyncio.gather(*(offers.suggestions(ctx, request, k=20) for _ in range(callers))),
            timeout=60,
        )
        return [[s.specialist for s in answer] for answer in answers]

    assert in_app(client, at_once) == [expected] * callers
