"""A group case conference through the API and the pages: the hub's series and
session, a social worker's sign-up and de-identified case (refused with the field
named, then kept on the page as typed), the hub's recommendation read by the presenter,
attendance and the settlement by attendance."""

from __future__ import annotations

import asyncio
from datetime import datetime, time, timedelta

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from network.lib.vocab import Role
from network.scheduling import STOCKHOLM
from tests.support import SharedApp, sign_in
from tests.support.cases import add_competence, add_weekly_hours, create_county_agreement
from tests.support.people import create_specialist_profile, create_user

AREA = "honour_based_violence"
HUB = "confapi.hub@demo.invalid"
WORKER = "confapi.ydre@demo.invalid"
PERSONNUMMER = "Flickan har personnummer 19121212-1212."


@pytest.fixture(scope="module")
def ids(migrated: None) -> dict[str, int]:
    async def create() -> dict[str, int]:
        await create_county_agreement("05", AREA)
        hub_user = await create_user(HUB, Role.SPECIALIST, municipality="0580")
        hub = await create_specialist_profile(hub_user, "0580")
        await add_competence(hub, AREA, 3)
        await add_weekly_hours(hub, range(5), time(8), time(17))
        worker = await create_user(WORKER, Role.SOCIAL_WORKER, municipality="0512")
        return {"hub": hub, "worker": worker}

    return asyncio.run(create())


def test_a_conference_through_the_api_and_the_pages(
    ids: dict[str, int], shared_app: SharedApp
) -> None:
    client = shared_app.client()  # one client of the module's app, signed in by turns

    def hub() -> TestClient[Litestar]:
        sign_in(client, HUB)
        return client

    def worker() -> TestClient[Litestar]:
        sign_in(client, WORKER)
        return client

    made = hub().post(
        "/api/v1/conferences",
        json={"title": "Heder Östergötland", "area": AREA, "municipalities": ["0512", "0580"]},
    )
    assert made.status_code == 201, made.text
    series = made.json()
    today = datetime.now(STOCKHOLM).date()
    start = datetime.combine(
        today - timedelta(days=today.weekday()) + timedelta(weeks=13), time(13), tzinfo=STOCKHOLM
    )
    session = hub().post(
        f"/api/v1/conferences/{series['id']}/sessions",
        json={"start": start.isoformat(), "topic": "Riskbedömning"},
    )
    assert session.status_code == 201, session.text
    session_id = session.json()["id"]

    listed = worker().get("/api/v1/conferences").json()
    assert series["id"] in [s["id"] for s in listed]
    assert worker().post(f"/api/v1/conferences/sessions/{session_id}/signup").status_code == 201

    refused = worker().post(
        f"/api/v1/conferences/sessions/{session_id}/cases",
        json={"question": "Hur gör vi?", "presentation": PERSONNUMMER},
    )
    assert refused.status_code == 400
    assert refused.json()["errors"][0]["field"] == "presentation"

    page = worker().post(
        f"/conferences/sessions/{session_id}/cases",
        data={"question": "Hur gör vi?", "presentation": PERSONNUMMER},
        follow_redirects=False,
    )
    assert page.status_code == 400
    assert "<mark>19121212-1212</mark>" in page.text  # marked in place, the text kept
    assert "Hur gör vi?" in page.text

    case = worker().post(
        f"/api/v1/conferences/sessions/{session_id}/cases",
        json={"question": "Hur gör vi?", "presentation": "Flicka, 15 år, oro för giftermål."},
    )
    assert case.status_code == 201, case.text
    answer = "Gör en skyddsbedömning och kontakta kompetensteamet."
    recommended = hub().put(
        f"/api/v1/conferences/cases/{case.json()['id']}/recommendation",
        json={"recommendation": answer},
    )
    assert recommended.status_code == 200, recommended.text

    inbox = worker().get("/api/v1/notifications").json()
    assert any(n["kind"] == "conference.answer" for n in inbox), inbox
    shown = worker().get(f"/conferences/sessions/{session_id}?lang=sv")
    assert shown.status_code == 200
    assert answer in shown.text
    assert "Navets rekommendation" in shown.text
    series_page = worker().get(f"/conferences/{series['id']}?lang=sv")
    assert "Varje månad, 90 min" in series_page.text
    hub_page = hub().get(f"/conferences/sessions/{session_id}?lang=en")
    assert "Record attendance" in hub_page.text

    early = hub().put(
        f"/api/v1/conferences/sessions/{session_id}/attendance", json={"present": [ids["worker"]]}
    )
    assert early.status_code == 409  # not started yet
