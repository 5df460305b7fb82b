"""Specialists edit their own profile, hours and absences; coordinators of their county
may too; nobody else. Bad input is named and changes nothing."""

from __future__ import annotations

import asyncio

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from network.lib.vocab import Role
from tests.support import SharedApp
from tests.support.people import create_specialist_profile, create_user

OWNER = "edit.owner@demo.invalid"
COORDINATOR = "edit.coordinator@demo.invalid"
STRANGER = "edit.stranger@demo.invalid"
OTHER_COORDINATOR = "edit.coordinator25@demo.invalid"


@pytest.fixture(scope="module")
def specialist(migrated: None) -> int:
    async def create() -> int:
        owner = await create_user(OWNER, Role.SPECIALIST, municipality="2161")
        await create_user(COORDINATOR, Role.COORDINATOR, county="21")
        await create_user(OTHER_COORDINATOR, Role.COORDINATOR, county="25")
        await create_user(STRANGER, Role.SOCIAL_WORKER, municipality="2161")
        return await create_specialist_profile(owner, "2161")

    return asyncio.run(create())


@pytest.fixture
def client(specialist: int, shared_app: SharedApp) -> TestClient[Litestar]:
    return shared_app.client()


def _as(client: TestClient[Litestar], email: str) -> None:
    client.post("/auth/logout")
    assert client.post("/auth/dev-login", json={"email": email}).status_code == 200


def _profile(version: int, **changes: object) -> dict[str, object]:
    body: dict[str, object] = {
        "version": version,
        "title": "Specialistsocionom LVU",
        "languages": ["sv", "fi"],
        "modes": ["video", "phone"],
        "consultations_per_week": 5,
        "competences": [
            {"area": "lvu_investigation", "level": 3, "note": "10 år"},
            {"area": "honour_based_violence", "level": 1},
        ],
    }
    body.update(changes)
    return body


def test_owner_edits_profile_with_version_check(
    client: TestClient[Litestar], specialist: int
) -> None:
    _as(client, OWNER)
    current = client.get(f"/api/v1/specialists/{specialist}/profile").json()
    updated = client.put(
        f"/api/v1/specialists/{specialist}/profile", json=_profile(current["version"])
    )
    assert updated.status_code == 200, updated.text
    body = updated.json()
    assert body["version"] == current["version"] + 1
    assert body["specialist"]["competences"] == [
        {"area": "honour_based_violence", "level": 1},
        {"area": "lvu_investigation", "level": 3},
    ]
    assert sorted(body["specialist"]["modes"]) == ["phone", "video"]
    # A stale version is a conflict, and nothing changes.
    stale = client.put(
        f"/api/v1/specialists/{specialist}/profile",
        json=_profile(current["version"], title="Overwritten"),
    )
    assert stale.status_code == 409
    assert stale.json()["errors"][0]["field"] == "version"
    again = client.get(f"/api/v1/specialists/{specialist}/profile").json()
    assert again["specialist"]["title"] == "Specialistsocionom LVU"


def test_hours_and_absences(client: TestClient[Litestar], specialist: int) -> None:
    _as(client, COORDINATOR)  # a coordinator of the specialist's county may edit
    hours = [
        {"weekday": 0, "start": "08:30:00", "end": "12:00:00"},
        {"weekday": 0, "start": "13:00:00", "end": "16:00:00"},
        {"weekday": 2, "start": "09:00:00", "end": "11:00:00"},
    ]
    put = client.put(f"/api/v1/specialists/{specialist}/hours", json={"hours": hours})
    assert put.status_code == 200, put.text
    assert len(put.json()["hours"]) == 3
    absence = client.post(
        f"/api/v1/specialists/{specialist}/absences",
        json={
            "starts_at": "2027-07-01T00:00:00+02:00",
            "ends_at": "2027-08-01T00:00:00+02:00",
            "reason": "holiday",
        },
    )
    assert absence.status_code == 201, absence.text
    absence_id = absence.json()["absences"][0]["id"]
    assert (
        client.delete(f"/api/v1/specialists/{specialist}/absences/{absence_id}").status_code == 204
    )
    log = [e["action"] for e in client.get("/api/v1/audit", params={"limit": 500}).json()["items"]]
    assert "specialist.hours_update" in log


@pytest.mark.parametrize("email", [STRANGER, OTHER_COORDINATOR])
def test_others_may_not_edit(client: TestClient[Litestar], specialist: int, email: str) -> None:
    _as(client, email)
    response = client.put(
        f"/api/v1/specialists/{specialist}/hours",
        json={"hours": [{"weekday": 1, "start": "08:00:00", "end": "09:00:00"}]},
    )
    assert response.status_code == 403


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        (
            "hours",
            {"hours": [{"weekday": 0, "start": "12:00:00", "end": "08:00:00"}]},
            "hours[0].end",
        ),
        (
            "hours",
            {
                "hours": [
                    {"weekday": 0, "start": "08:00:00", "end": "12:00:00"},
                    {"weekday": 0, "start": "11:00:00", "end": "13:00:00"},
                ]
            },
            "hours[1]",
        ),
        (
            "hours",
            {"hours": [{"weekday": 7, "start": "08:00:00", "end": "09:00:00"}]},
            "hours[0].weekday",
        ),
        (
            "profile",
            _profile(1, competences=[{"area": "lvu_investigation", "level": 4}]),
            "competences[0].level",
        ),
        (
            "profile",
            _profile(1, competences=[{"area": "astrology", "level": 2}]),
            "competences[0].area",
        ),
        ("profile", _profile(1, consultations_per_week=2**40), "consultations_per_week"),
        ("profile", _profile(1, title="x" * 1_000_000), "title"),
    ],
)
def test_bad_input_is_named_and_changes_nothing(
    client: TestClient[Litestar], specialist: int, path: str, body: dict[str, object], field: str
) -> None:
    _as(client, OWNER)
    before = client.get(f"/api/v1/specialists/{specialist}/profile").json()
    response = client.put(f"/api/v1/specialists/{specialist}/{path}", json=body)
    assert response.status_code == 400, response.text
    assert response.json()["errors"][0]["field"] == field
    assert client.get(f"/api/v1/specialists/{specialist}/profile").json() == before


def test_absence_period_in_wrong_order(client: TestClient[Litestar], specialist: int) -> None:
    _as(client, OWNER)
    response = client.post(
        f"/api/v1/specialists/{specialist}/absences",
        json={"starts_at": "2027-08-01T00:00:00+02:00", "ends_at": "2027-07-01T00:00:00+02:00"},
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "ends_at"
