"""The whole flow through the API, as the issue asks (CI runs it on the embedded
default and on PostgreSQL + Redis): request → suggestions → offer → accept →
booking → completion with feedback, each step visible to the next person."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, time, timedelta

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from network.consultations.tables import Booking, Feedback
from network.lib.vocab import Role
from tests.support import SharedApp, in_app_seeing_all, sign_in
from tests.support.cases import add_competence, add_weekly_hours, create_county_agreement
from tests.support.people import create_specialist_profile, create_user

AREA = "young_offenders"
WORKER = "flow.worker@demo.invalid"  # Lund (1281)
SPECIALIST = "flow.specialist@demo.invalid"  # Malmö (1280)


@pytest.fixture(scope="module")
def specialist(migrated: None) -> int:
    async def create() -> int:
        await create_county_agreement("12", AREA)
        await create_user(WORKER, Role.SOCIAL_WORKER, municipality="1281")
        user = await create_user(SPECIALIST, Role.SPECIALIST, municipality="1280")
        specialist = await create_specialist_profile(user, "1280")
        await add_competence(specialist, AREA, 3)
        await add_weekly_hours(specialist, range(7), time(8), time(17))
        return specialist

    return asyncio.run(create())


@pytest.fixture
def client(specialist: int, shared_app: SharedApp) -> TestClient[Litestar]:
    return shared_app.client()


def test_request_to_feedback(client: TestClient[Litestar], specialist: int) -> None:
    sign_in(client, WORKER)
    created = client.post(
        "/api/v1/consultations",
        json={
            "area": AREA,
            "summary": "Pojke 15 år, upprepade rån; hur bygger vi en plan med familjen?",
            "urgency": "soon",
            "submit": True,
        },
    )
    assert created.status_code == 201, created.text
    request_id = created.json()["id"]
    suggestions = client.get(f"/api/v1/consultations/{request_id}/suggestions").json()
    assert suggestions[0]["specialist"] == specialist
    offered = client.post(
        f"/api/v1/consultations/{request_id}/offer", json={"specialist": specialist}
    )
    assert offered.json()["status"] == "offered"

    sign_in(client, SPECIALIST)
    assert request_id in [c["id"] for c in client.get("/api/v1/consultations").json()]
    assert client.post(f"/api/v1/consultations/{request_id}/accept").json()["status"] == "accepted"
    now = datetime.now(UTC)
    slots = client.get(
        f"/api/v1/specialists/{specialist}/slots",
        params={"from": now.isoformat(), "to": (now + timedelta(days=7)).isoformat()},
    ).json()
    booked = client.post(
        "/api/v1/bookings", json={"request": request_id, "start": slots[0]["start"]}
    )
    assert booked.status_code == 201, booked.text
    assert (
        client.post(f"/api/v1/consultations/{request_id}/time", json={"minutes": 55}).status_code
        == 200
    )

    async def meeting_took_place() -> None:
        start = datetime.now(UTC) - timedelta(hours=3)
        await Booking.update(
            {Booking.starts_at: start, Booking.ends_at: start + timedelta(minutes=45)}
        ).where(Booking.id == booked.json()["id"])

    in_app_seeing_all(client, meeting_took_place)
    sign_in(client, WORKER)
    done = client.post(
        f"/api/v1/consultations/{request_id}/complete",
        json={"helpful": 4, "changed_risk_assessment": True, "referral_avoided": True},
    )
    assert done.status_code == 200, done.text
    assert (done.json()["status"], done.json()["minutes_spent"]) == ("completed", 55)
    feedback = in_app_seeing_all(
        client, lambda: Feedback.select().where(Feedback.request == request_id).first()
    )
    assert (feedback["helpful"], feedback["referral_avoided"]) == (4, True)
