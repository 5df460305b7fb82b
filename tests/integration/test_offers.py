"""Suggestions with their reasons and offers through the API: eligibility from the
database (competence, agreements, absence), the best one offered, stand-ins taking
an absent specialist's offers, a named specialist offered at once, declines."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, time, timedelta
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from network.consultations.tables import Assignment
from network.lib.vocab import Role
from network.specialists.tables import Absence, SpecialistProfile
from tests.support import SharedApp, in_app_seeing_all, sign_in
from tests.support.cases import add_competence, add_weekly_hours, create_county_agreement
from tests.support.people import create_specialist_profile, create_user

AREA = "fgm"
WORKER = "offer.worker@demo.invalid"  # Ydre (0512): no local specialist
STRANGER = "offer.stranger@demo.invalid"  # Kiruna (2584)
PEOPLE = {
    "expert": ("offer.expert@demo.invalid", "0580", 3),  # Linköping
    "novice": ("offer.novice@demo.invalid", "0580", 1),
    "away": ("offer.away@demo.invalid", "0580", 2),  # away now; stand-in: novice
    "far": ("offer.far@demo.invalid", "2584", 3),  # Kiruna: no agreement reaches Ydre
}


@pytest.fixture(scope="module")
def ids(migrated: None) -> dict[str, int]:
    async def create() -> dict[str, int]:
        found = {
            "worker": await create_user(WORKER, Role.SOCIAL_WORKER, municipality="0512"),
            "stranger": await create_user(STRANGER, Role.SOCIAL_WORKER, municipality="2584"),
        }
        await create_county_agreement("05", AREA)
        now = datetime.now(UTC)
        for key, (email, home, level) in PEOPLE.items():
            user = await create_user(email, Role.SPECIALIST, municipality=home)
            specialist = await create_specialist_profile(user, home)
            found[key] = specialist
            await add_competence(specialist, AREA, level)
            await add_weekly_hours(specialist, range(5), time(8), time(16))
        await SpecialistProfile.update({SpecialistProfile.languages: ["sv", "so"]}).where(
            SpecialistProfile.id == found["novice"]
        )
        await Absence(
            specialist=found["away"],
            starts_at=now - timedelta(days=1),
            ends_at=now + timedelta(days=10),
            reason="parental_leave",
            stand_in=found["novice"],
            created_at=now,
        ).save()
        return found

    return asyncio.run(create())


@pytest.fixture
def client(ids: dict[str, int], shared_app: SharedApp) -> TestClient[Litestar]:
    test_client = shared_app.client()
    sign_in(test_client, WORKER)
    return test_client


def open_request(client: TestClient[Litestar], **extra: Any) -> dict[str, Any]:
    body = {
        "area": AREA,
        "summary": "Familjen planerar en resa; hur talar vi med flickan om risken?",
        "urgency": "soon",
        "submit": True,
        **extra,
    }
    response = client.post("/api/v1/consultations", json=body)
    assert response.status_code == 201, response.text
    return dict(response.json())


def test_suggestions_explain_who_and_why(client: TestClient[Litestar], ids: dict[str, int]) -> None:
    request = open_request(client, language="so")
    response = client.get(f"/api/v1/consultations/{request['id']}/suggestions", params={"k": 10})
    assert response.status_code == 200, response.text
    found = response.json()
    assert [s["specialist"] for s in found] == [ids["expert"], ids["novice"]]
    expert, novice = found
    assert expert["parts"]["level"] == 300
    assert novice["parts"]["level"] == 100
    assert novice["parts"]["language"] == 100  # speaks Somali
    assert expert["parts"]["language"] == 0
    assert expert["parts"]["no_local"] == 150  # Ydre has no local specialist in the area
    assert expert["agreement"] is not None  # served through the county's agreement
    assert expert["home_municipality_name"] == "Linköping"
    assert expert["next_free"] is not None
    assert (
        expert["score"]
        == expert["parts"]["total"]
        == sum(v for k, v in expert["parts"].items() if k != "total")
    )
    sign_in(client, STRANGER)
    refused = client.get(f"/api/v1/consultations/{request['id']}/suggestions")
    assert refused.status_code in (403, 404)


def test_offer_to_the_best_then_accept(client: TestClient[Litestar], ids: dict[str, int]) -> None:
    request = open_request(client)
    offered = client.post(f"/api/v1/consultations/{request['id']}/offer", json={})
    assert offered.status_code == 200, offered.text
    assert offered.json()["status"] == "offered"
    assert offered.json()["offered_to"] == ids["expert"]
    row = in_app_seeing_all(
        client,
        lambda: (
            Assignment.select(Assignment.breakdown, Assignment.expires_at)
            .where(Assignment.request == request["id"])
            .output(load_json=True)
            .first()
        ),
    )
    assert row["breakdown"]["level"] == 300
    assert row["expires_at"] > datetime.now(UTC)
    again = client.post(f"/api/v1/consultations/{request['id']}/offer", json={})
    assert again.status_code == 409  # already offered

    sign_in(client, PEOPLE["expert"][0])
    assert client.post(f"/api/v1/consultations/{request['id']}/accept").status_code == 200


def test_an_absent_specialists_offer_goes_to_the_stand_in(
    client: TestClient[Litestar], ids: dict[str, int]
) -> None:
    request = open_request(client)
    offered = client.post(
        f"/api/v1/consultations/{request['id']}/offer", json={"specialist": ids["away"]}
    )
    assert offered.status_code == 200, offered.text
    assert offered.json()["offered_to"] == ids["novice"]


def test_a_named_specialist_is_offered_at_once(
    client: TestClient[Litestar], ids: dict[str, int]
) -> None:
    named = open_request(client, named_specialist=ids["novice"])
    assert named["status"] == "offered"
    assert named["offered_to"] == ids["novice"]
    # Named but unable to serve Ydre: the request stays open for the requester to choose.
    far = open_request(client, named_specialist=ids["far"])
    assert far["status"] == "open"


def test_refusals_name_the_reason(client: TestClient[Litestar], ids: dict[str, int]) -> None:
    request = open_request(client)
    far = client.post(
        f"/api/v1/consultations/{request['id']}/offer", json={"specialist": ids["far"]}
    )
    assert far.status_code == 409
    assert far.json()["errors"][0]["field"] == "specialist"
    assert "may_not_serve_municipality" in far.json()["errors"][0]["message"]
    unknown = client.post(
        f"/api/v1/consultations/{request['id']}/offer", json={"specialist": 999999}
    )
    assert unknown.status_code == 400

    # A decline takes the specialist out of the suggestions for this request.
    assert (
        client.post(
            f"/api/v1/consultations/{request['id']}/offer", json={"specialist": ids["novice"]}
        ).status_code
        == 200
    )
    sign_in(client, PEOPLE["novice"][0])
    declined = client.post(
        f"/api/v1/consultations/{request['id']}/decline", json={"reason": "Fel kompetens"}
    )
    assert declined.status_code == 200
    sign_in(client, WORKER)
    left = client.get(f"/api/v1/consultations/{request['id']}/suggestions").json()
    assert ids["novice"] not in [s["specialist"] for s in left]
    again = client.post(
        f"/api/v1/consultations/{request['id']}/offer", json={"specialist": ids["novice"]}
    )
    assert again.status_code == 409
    best = client.post(f"/api/v1/consultations/{request['id']}/offer", json={})
    assert best.json()["offered_to"] == ids["expert"]
