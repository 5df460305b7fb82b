"""The audit log: who sees which entries, CSV export, and that reads are audited too."""

from __future__ import annotations

import asyncio
import csv
import io

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from network.audit.queries import CSV_COLUMNS
from network.audit.services import record
from network.kernel.context import Actor
from network.lib.vocab import Role
from tests.support import SharedApp
from tests.support.people import create_users

ADMIN = "audit.admin@demo.invalid"
WORKER = "audit.worker@demo.invalid"


@pytest.fixture(scope="module")
def people(migrated: None) -> dict[str, int]:
    ids = create_users(
        (ADMIN, Role.ADMIN, {"county": "21"}),
        (WORKER, Role.SOCIAL_WORKER, {"municipality": "2161"}),
    )

    async def events() -> None:
        stranger = Actor(user_id=None, email=None)
        await record(
            stranger, "test.in_scope", "consultation", "1", municipality="2161", county="21"
        )
        await record(
            stranger, "test.out_of_scope", "consultation", "2", municipality="2584", county="25"
        )

    asyncio.run(events())
    return ids


@pytest.fixture
def app_client(people: dict[str, int], shared_app: SharedApp) -> TestClient[Litestar]:
    return shared_app.client()


def _actions(client: TestClient[Litestar]) -> set[str]:
    response = client.get("/api/v1/audit", params={"limit": 500})
    assert response.status_code == 200, response.text
    return {item["action"] for item in response.json()["items"]}


def test_admin_sees_their_county_not_others(app_client: TestClient[Litestar]) -> None:
    app_client.post("/auth/dev-login", json={"email": ADMIN})
    actions = _actions(app_client)
    assert "test.in_scope" in actions
    assert "test.out_of_scope" not in actions


def test_user_sees_only_own_entries(
    app_client: TestClient[Litestar], people: dict[str, int]
) -> None:
    app_client.post("/auth/dev-login", json={"email": WORKER})
    items = app_client.get("/api/v1/audit", params={"limit": 500}).json()["items"]
    assert items
    assert {item["actor_id"] for item in items} == {people[WORKER]}
    assert "auth.sign_in" in {item["action"] for item in items}
    # Reading the log is itself audited.
    again = app_client.get("/api/v1/audit", params={"limit": 500}).json()["items"]
    assert "audit.read" in {item["action"] for item in again}


def test_csv_export_parses_back(app_client: TestClient[Litestar]) -> None:
    app_client.post("/auth/dev-login", json={"email": ADMIN})
    response = app_client.get("/api/v1/audit/export.csv")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert tuple(rows[0].keys()) == CSV_COLUMNS
    assert any(r["action"] == "test.in_scope" and r["municipality_code"] == "2161" for r in rows)
    assert not any(r["action"] == "test.out_of_scope" for r in rows)


def test_period_in_wrong_order_is_named(app_client: TestClient[Litestar]) -> None:
    app_client.post("/auth/dev-login", json={"email": ADMIN})
    response = app_client.get(
        "/api/v1/audit",
        params={"since": "2026-02-01T00:00:00+00:00", "until": "2026-01-01T00:00:00+00:00"},
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "until"


def test_anonymous_is_refused(app_client: TestClient[Litestar]) -> None:
    assert app_client.get("/api/v1/audit").status_code == 401
