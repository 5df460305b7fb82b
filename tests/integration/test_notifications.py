"""Notifications: offers, answers, bookings and messages reach the people concerned
(inbox API and page), only their own, never with case text; e-mail through a real
local SMTP sink when configured."""

from __future__ import annotations

import asyncio
import os
import time as clock
from datetime import UTC, datetime, time, timedelta
from email import message_from_bytes, policy
from typing import Any

import pytest
from aiosmtpd.controller import Controller as SmtpController
from litestar import Litestar
from litestar.testing import TestClient

from network.app import create_app
from network.lib.vocab import NotificationKind, Role
from network.notifications.services import notify
from network.settings import Settings
from tests.support import SharedApp, csrf_ready, sign_in
from tests.support.cases import add_competence, add_weekly_hours, create_county_agreement
from tests.support.people import create_specialist_profile, create_user
from tests.support.server import free_port

AREA = "violent_extremism"
WORKER = "note.worker@demo.invalid"  # Laholm (1381)
SPECIALIST = "note.specialist@demo.invalid"  # Halmstad (1380)
STRANGER = "note.stranger@demo.invalid"
SUMMARY = "Sextonåring sprider propaganda i skolan; hur pratar vi med familjen?"


@pytest.fixture(scope="module")
def people(migrated: None) -> dict[str, int]:
    async def create() -> dict[str, int]:
        await create_county_agreement("13", AREA)
        ids = {
            "worker": await create_user(WORKER, Role.SOCIAL_WORKER, municipality="1381"),
            "stranger": await create_user(STRANGER, Role.SOCIAL_WORKER, municipality="1381"),
            "user": await create_user(SPECIALIST, Role.SPECIALIST, municipality="1380"),
        }
        ids["specialist"] = await create_specialist_profile(ids["user"], "1380")
        await add_competence(ids["specialist"], AREA, 3)
        await add_weekly_hours(ids["specialist"], range(7), time(8), time(17))
        return ids

    return asyncio.run(create())


@pytest.fixture
def client(people: dict[str, int], shared_app: SharedApp) -> TestClient[Litestar]:
    return shared_app.client()


def offered_request(client: TestClient[Litestar], people: dict[str, int]) -> int:
    sign_in(client, WORKER)
    body = {"area": AREA, "summary": SUMMARY, "urgency": "soon", "submit": True}
    request_id = int(client.post("/api/v1/consultations", json=body).json()["id"])
    offered = client.post(
        f"/api/v1/consultations/{request_id}/offer", json={"specialist": people["specialist"]}
    )
    assert offered.status_code == 200, offered.text
    return request_id


def inbox(client: TestClient[Litestar], email: str) -> list[dict[str, Any]]:
    sign_in(client, email)
    return list(client.get("/api/v1/notifications").json())


def test_offers_and_answers_reach_the_people_concerned(
    client: TestClient[Litestar], people: dict[str, int]
) -> None:
    request_id = offered_request(client, people)
    notices = inbox(client, SPECIALIST)
    offer = next(n for n in notices if n["object_id"] == request_id)
    assert offer["kind"] == "offer.new"
    assert offer["link"] == f"/consultations/{request_id}"
    # What and when: the area, the urgency and by when to answer (a day when soon).
    assert set(offer["params"]) == {"area", "urgency", "deadline"}
    assert offer["params"]["area"] == AREA
    assert offer["params"]["urgency"] == "soon"
    left = datetime.fromisoformat(offer["params"]["deadline"]) - datetime.now(UTC)
    assert timedelta(hours=23) < left <= timedelta(hours=24)
    assert SUMMARY not in str(notices)
    page = client.get("/inbox")
    assert "Ny förfrågan om konsultation: " in page.text
    assert SUMMARY not in page.text
    assert client.post(f"/api/v1/consultations/{request_id}/accept").status_code == 200

    accepted = [n for n in inbox(client, WORKER) if n["object_id"] == request_id]
    assert [n["kind"] for n in accepted] == ["offer.accepted"]
    assert [n for n in inbox(client, STRANGER) if n["object_id"] == request_id] == []


def test_read_marks_are_per_user(client: TestClient[Litestar], people: dict[str, int]) -> None:
    offered_request(client, people)
    sign_in(client, SPECIALIST)
    unread = client.get("/api/v1/notifications", params={"unread": "true"}).json()
    assert unread
    count = client.get("/api/v1/notifications/unread-count").json()["count"]
    assert count == len(unread)
    after = client.post(f"/api/v1/notifications/{unread[0]['id']}/read").json()["count"]
    assert after == count - 1
    sign_in(client, STRANGER)
    assert client.post(f"/api/v1/notifications/{unread[1]['id']}/read").status_code == 404
    sign_in(client, SPECIALIST)
    assert client.post("/api/v1/notifications/read-all").json() == {"count": 0}
    assert client.get("/api/v1/notifications/unread-count").json() == {"count": 0}


def test_only_allowed_parameters_travel() -> None:
    async def scenario() -> None:
        with pytest.raises(ValueError, match="summary"):
            await notify(
                [1],
                NotificationKind.OFFER_NEW,
                object_type="consultation",
                object_id=1,
                link="/consultations/1",
                params={"area": AREA, "summary": SUMMARY},
            )
        with pytest.raises(ValueError, match="inside the app"):
            await notify([1], NotificationKind.TEST, object_type="user", object_id=1, link="//evil")

    asyncio.run(scenario())


class Sink:
    """A local SMTP server collecting what it receives."""

    def __init__(self) -> None:
        self.messages: list[bytes] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(envelope.content)
        return "250 OK"


def test_email_through_a_local_smtp_sink(people: dict[str, int]) -> None:
    sink = Sink()
    port = free_port()
    smtp = SmtpController(sink, hostname="127.0.0.1", port=port)
    smtp.start()
    try:
        settings = Settings.from_env(
            {
                **os.environ,
                "NETWORK_SMTP_URL": f"smtp://127.0.0.1:{port}",
                "NETWORK_PUBLIC_URL": "https://natet.example.se",
            }
        )
        with TestClient(create_app(settings), base_url="https://testserver.local") as client:
            csrf_ready(client)
            request_id = offered_request(client, people)
            deadline = clock.monotonic() + 10
            while not sink.messages and clock.monotonic() < deadline:
                clock.sleep(0.1)
    finally:
        smtp.stop()
    assert sink.messages, "no e-mail arrived"
    mail = message_from_bytes(sink.messages[0], policy=policy.default)
    assert mail["To"] == SPECIALIST
    assert mail["Subject"].startswith("Specialistnätet: Ny förfrågan om konsultation")
    body = mail.get_content()  # type: ignore[attr-defined]
    assert f"https://natet.example.se/consultations/{request_id}" in body
    assert "New consultation offer" in body
    assert SUMMARY not in body
