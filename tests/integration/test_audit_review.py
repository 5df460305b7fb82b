"""The coordinator's monthly sample review of accesses to their cases."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from network.audit.tables import AuditEvent
from network.lib.vocab import Role
from tests.support import SharedApp
from tests.support.people import create_user

COORDINATOR = "review.coordinator@demo.invalid"
MONTH = "2026-09"


@pytest.fixture(scope="module")
def accesses(migrated: None) -> dict[str, list[int]]:
    """Ten accesses to cases in Gävleborg (21) and three in Norrbotten (25), in September."""

    async def create() -> dict[str, list[int]]:
        await create_user(COORDINATOR, Role.COORDINATOR, county="21")
        made: dict[str, list[int]] = {"21": [], "25": []}
        for day in range(1, 14):
            code, municipality = ("21", "2161") if day <= 10 else ("25", "2584")
            event = AuditEvent(
                at=datetime(2026, 9, day, 10, tzinfo=UTC),
                actor_id=999,
                action="consultation.read",
                object_type="consultation",
                object_id=str(day),
                municipality_code=municipality,
                county_code=code,
            )
            await event.save()
            made[code].append(int(event.id))
        return made

    return asyncio.run(create())


@pytest.fixture
def coordinator(accesses: dict[str, list[int]], shared_app: SharedApp) -> TestClient[Litestar]:
    client = shared_app.client()
    assert client.post("/auth/dev-login", json={"email": COORDINATOR}).status_code == 200
    return client


def test_sample_review_round_trip(
    coordinator: TestClient[Litestar], accesses: dict[str, list[int]]
) -> None:
    started = coordinator.post(
        "/api/v1/audit/reviews", json={"month": MONTH, "size": 4, "county": "21"}
    )
    assert started.status_code == 201, started.text
    review = started.json()
    sampled = [entry["id"] for entry in review["sample"]]
    assert len(sampled) == 4
    assert set(sampled) <= set(accesses["21"])
    assert review["population"] >= 10
    assert review["status"] == "open"

    wrong = coordinator.post(
        f"/api/v1/audit/reviews/{review['id']}/complete",
        json={"findings": [{"event_id": sampled[0], "ok": True}]},
    )
    assert wrong.status_code == 400
    assert wrong.json()["errors"][0]["field"] == "findings"

    findings = [{"event_id": i, "ok": i != sampled[0], "note": ""} for i in sampled]
    done = coordinator.post(
        f"/api/v1/audit/reviews/{review['id']}/complete", json={"findings": findings}
    )
    assert done.status_code == 200, done.text
    assert done.json()["status"] == "completed"
    assert [f["ok"] for f in done.json()["findings"]].count(False) == 1
    again = coordinator.post(
        f"/api/v1/audit/reviews/{review['id']}/complete", json={"findings": findings}
    )
    assert again.status_code == 409
    # The check itself is recorded in the log.
    log = coordinator.get("/api/v1/audit", params={"limit": 500}).json()["items"]
    assert {"audit.review_started", "audit.review_completed"} <= {e["action"] for e in log}


def test_review_outside_scope_is_refused(coordinator: TestClient[Litestar]) -> None:
    response = coordinator.post(
        "/api/v1/audit/reviews", json={"month": MONTH, "size": 4, "county": "25"}
    )
    assert response.status_code == 403


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"month": "2026-13", "county": "21"}, "month"),
        ({"month": "Sept", "county": "21"}, "month"),
        ({"month": MONTH, "size": 0, "county": "21"}, "size"),
        ({"month": MONTH}, "municipality"),
        ({"month": "2999-01", "county": "21"}, "month"),
    ],
)
def test_bad_review_requests_name_the_field(
    coordinator: TestClient[Litestar], body: dict[str, object], field: str
) -> None:
    response = coordinator.post("/api/v1/audit/reviews", json=body)
    assert response.status_code == 400, response.text
    assert response.json()["errors"][0]["field"] == field


def test_anonymous_cannot_review(coordinator: TestClient[Litestar]) -> None:
    coordinator.post("/auth/logout")
    assert coordinator.post("/api/v1/audit/reviews", json={"month": MONTH}).status_code == 401
