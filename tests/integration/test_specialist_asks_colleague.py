"""Specialists consult specialists (issue 23, item 2): a specialist asks on behalf of
their home municipality through the same use cases as a social worker; matching never
offers the request to the asker themself; a colleague in another municipality under a
county agreement is offered it and accepts; a third specialist sees nothing. CI runs
it on the embedded default and on PostgreSQL (row-level security) + Redis."""

from __future__ import annotations

import asyncio
from datetime import time

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from network.lib.vocab import Role
from tests.support import SharedApp, sign_in
from tests.support.cases import add_competence, add_weekly_hours, create_county_agreement
from tests.support.people import create_specialist_profile, create_user

AREA = "trafficking_exploitation"
ASKER = "colleague.asker@demo.invalid"  # Sundsvall (2281)
COLLEAGUE = "colleague.helper@demo.invalid"  # Härnösand (2280)
THIRD = "colleague.third@demo.invalid"  # Kramfors (2282)
COORDINATOR = "colleague.coordinator@demo.invalid"  # Sundsvall (2281)
SUMMARY = "Ungdom 16 år som kan utnyttjas i människohandel; hur bedömer vi risken?"


@pytest.fixture(scope="module")
def specialists(migrated: None) -> dict[str, int]:
    async def create() -> dict[str, int]:
        await create_county_agreement("22", AREA)
        ids = {}
        for email, home in ((ASKER, "2281"), (COLLEAGUE, "2280"), (THIRD, "2282")):
            user = await create_user(email, Role.SPECIALIST, municipality=home)
            specialist = await create_specialist_profile(user, home)
            await add_competence(specialist, AREA, 3)
            await add_weekly_hours(specialist, range(7), time(8), time(17))
            ids[email] = specialist
        await create_user(COORDINATOR, Role.COORDINATOR, municipality="2281")
        return ids

    return asyncio.run(create())


@pytest.fixture
def client(specialists: dict[str, int], shared_app: SharedApp) -> TestClient[Litestar]:
    return shared_app.client()


def _ask(client: TestClient[Litestar], **extra: object) -> int:
    created = client.post(
        "/api/v1/consultations",
        json={"area": AREA, "summary": SUMMARY, "urgency": "soon", "submit": True, **extra},
    )
    assert created.status_code == 201, created.text
    assert created.json()["municipality"] == "2281"  # their home municipality
    return int(created.json()["id"])


def test_a_specialist_asks_a_colleague_who_accepts(
    client: TestClient[Litestar], specialists: dict[str, int]
) -> None:
    asker, colleague = specialists[ASKER], specialists[COLLEAGUE]
    sign_in(client, ASKER)
    request_id = _ask(client)
    # The asker is as competent and closer than anyone, yet never suggested.
    suggested = [
        s["specialist"]
        for s in client.get(f"/api/v1/consultations/{request_id}/suggestions").json()
    ]
    assert asker not in suggested
    assert colleague in suggested
    # Self-offer refused, naming the field; nothing written.
    refused = client.post(f"/api/v1/consultations/{request_id}/offer", json={"specialist": asker})
    assert refused.status_code == 400, refused.text
    assert refused.json()["errors"][0]["field"] == "specialist"
    assert client.get(f"/api/v1/consultations/{request_id}").json()["offered_to"] is None
    # "The best one" is never the asker either.
    best = client.post(f"/api/v1/consultations/{request_id}/offer", json={})
    assert best.status_code == 200, best.text
    assert best.json()["offered_to"] not in (None, asker)
    if best.json()["offered_to"] != colleague:  # another specialist of the county ranked first
        assert (
            client.post(
                f"/api/v1/consultations/{request_id}/cancel", json={"reason": "ny"}
            ).status_code
            == 200
        )
        request_id = _ask(client)
        offered = client.post(
            f"/api/v1/consultations/{request_id}/offer", json={"specialist": colleague}
        )
        assert offered.status_code == 200, offered.text
    # The asker sees their own request, offered to the colleague (row-level security
    # on PostgreSQL lets them see its offer too).
    mine = client.get(f"/api/v1/consultations/{request_id}")
    assert mine.status_code == 200, mine.text
    assert (mine.json()["status"], mine.json()["offered_to"]) == ("offered", colleague)
    assert request_id in [c["id"] for c in client.get("/api/v1/consultations").json()]

    sign_in(client, THIRD)
    assert request_id not in [c["id"] for c in client.get("/api/v1/consultations").json()]
    assert client.get(f"/api/v1/consultations/{request_id}").status_code == 404

    sign_in(client, COLLEAGUE)
    assert request_id in [c["id"] for c in client.get("/api/v1/consultations").json()]
    accepted = client.post(f"/api/v1/consultations/{request_id}/accept")
    assert accepted.json()["status"] == "accepted", accepted.text

    sign_in(client, ASKER)
    seen = client.get(f"/api/v1/consultations/{request_id}").json()
    assert (seen["status"], seen["accepted_by"]) == ("accepted", colleague)


def test_naming_oneself_is_refused_naming_the_field(
    client: TestClient[Litestar], specialists: dict[str, int]
) -> None:
    sign_in(client, ASKER)
    response = client.post(
        "/api/v1/consultations",
        json={"area": AREA, "summary": SUMMARY, "named_specialist": specialists[ASKER]},
    )
    assert response.status_code == 400, response.text
    assert response.json()["errors"][0]["field"] == "named_specialist"


def test_the_guard_applies_to_a_specialist_too(client: TestClient[Litestar]) -> None:
    sign_in(client, ASKER)
    response = client.post(
        "/api/v1/consultations",
        json={"area": AREA, "summary": "Ring mamma på 070-123 45 67 om pojken"},
    )
    assert response.status_code == 400, response.text
    assert response.json()["errors"][0]["field"] == "summary"


def test_the_page_offers_ask_a_colleague_and_lists_their_requests(
    client: TestClient[Litestar], specialists: dict[str, int]
) -> None:
    sign_in(client, ASKER)
    index = client.get("/consultations", params={"lang": "sv"})
    assert index.status_code == 200
    assert "Fråga en kollega" in index.text
    assert client.get("/consultations/new").status_code == 200
    saved = client.post(
        "/consultations/new",
        data={"area": AREA, "kind": "meeting", "summary": SUMMARY},
        follow_redirects=False,
    )
    assert saved.status_code == 303, saved.text[:300]
    request_id = int(saved.headers["location"].split("/")[2].split("?")[0])
    listed = client.get("/consultations")
    assert f"/consultations/{request_id}" in listed.text
    # Naming oneself on the form: refused with the field named, the text kept.
    again = client.post(
        "/consultations/new",
        data={
            "area": AREA,
            "kind": "meeting",
            "summary": SUMMARY,
            "named_specialist": str(specialists[ASKER]),
        },
        follow_redirects=False,
    )
    assert again.status_code == 400
    assert SUMMARY in again.text

    sign_in(client, THIRD)
    assert f"/consultations/{request_id}" not in client.get("/consultations").text


def test_a_round_never_places_a_request_with_its_asker(
    client: TestClient[Litestar], specialists: dict[str, int]
) -> None:
    sign_in(client, ASKER)
    request_id = _ask(client)
    sign_in(client, COORDINATOR)
    preview = client.post("/api/v1/rounds", json={"municipality": "2281"})
    assert preview.status_code == 201, preview.text
    placed = {a["request"]: a["specialist"] for a in preview.json()["assignments"]}
    assert placed[request_id] in {specialists[COLLEAGUE], specialists[THIRD]}
    problem = client.get(f"/api/v1/rounds/{preview.json()['id']}/problem").json()
    paired = {e["specialist"] for e in problem["edges"] if e["request"] == request_id}
    assert specialists[COLLEAGUE] in paired
    assert specialists[ASKER] not in paired
