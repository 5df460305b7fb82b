"""The monthly settlement through the API: lines of the coordinator's county, the
CSV parsed back, the hourly rate from the settings or the query, who may read it."""

from __future__ import annotations

import asyncio
import csv
import io
from datetime import UTC, datetime

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from network.consultations.tables import ConsultationRequest
from network.lib.vocab import ConsultationStatus, Role
from tests.support import SharedApp, sign_in
from tests.support.cases import create_accepted_request, seeing_all
from tests.support.people import create_specialist_profile, create_user

COORDINATOR = "settle.coordinator@demo.invalid"  # county 05
FAR_COORDINATOR = "settle.far@demo.invalid"  # county 25
ANALYST = "settle.analyst@demo.invalid"  # county 05
WORKER = "settle.worker@demo.invalid"
MONTH = "2026-09"


@pytest.fixture(scope="module")
def world(migrated: None) -> None:
    """Three completed consultations in September 2026: two by a Linköping (0580)
    specialist for Ydre (0512), one inside Linköping; one in August."""

    async def create() -> None:
        await create_user(COORDINATOR, Role.COORDINATOR, county="05")
        await create_user(FAR_COORDINATOR, Role.COORDINATOR, county="25")
        await create_user(ANALYST, Role.ANALYST, county="05")
        worker = await create_user(WORKER, Role.SOCIAL_WORKER, municipality="0512")
        user = await create_user("settle.specialist@demo.invalid", Role.SPECIALIST, county="05")
        specialist = await create_specialist_profile(user, "0580")
        for origin, minutes, closed in (
            ("0512", 45, datetime(2026, 9, 3, 10, tzinfo=UTC)),
            ("0512", 75, datetime(2026, 9, 30, 22, 30, tzinfo=UTC)),  # 00:30 on 1 Oct in Stockholm
            ("0512", 60, datetime(2026, 9, 14, 9, tzinfo=UTC)),
            ("0580", 90, datetime(2026, 9, 10, 9, tzinfo=UTC)),  # inside Linköping
            ("0512", 30, datetime(2026, 8, 20, 9, tzinfo=UTC)),  # August
        ):
            request = await create_accepted_request(
                requester=worker,
                municipality=origin,
                specialist=specialist,
                status=ConsultationStatus.COMPLETED,
            )
            await ConsultationRequest.update(
                {ConsultationRequest.minutes_spent: minutes, ConsultationRequest.closed_at: closed}
            ).where(ConsultationRequest.id == request)

    asyncio.run(seeing_all(create))


@pytest.fixture
def client(world: None, shared_app: SharedApp) -> TestClient[Litestar]:
    return shared_app.client()


def test_coordinator_reads_the_months_settlement(client: TestClient[Litestar]) -> None:
    sign_in(client, COORDINATOR)
    response = client.get("/api/v1/settlements", params={"month": MONTH})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["hourly_rate"] == 1000
    assert body["lines"] == [
        {
            "giver": "0580",
            "receiver": "0512",
            "area": "lvu_investigation",
            "consultations": 2,
            "minutes": 105,
            "hours": 1.75,
            "amount": 1750,
            "suppressed": False,
        }
    ]
    cheaper = client.get("/api/v1/settlements", params={"month": MONTH, "rate": 600}).json()
    assert cheaper["lines"][0]["amount"] == 1050

    exported = client.get("/api/v1/settlements/export.csv", params={"month": MONTH})
    assert exported.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(exported.text)))
    assert [(r["giver"], r["receiver"], r["minutes"], r["amount"]) for r in rows] == [
        ("0580", "0512", "105", "1750")
    ]


def test_others_see_nothing_or_are_refused(client: TestClient[Litestar]) -> None:
    sign_in(client, FAR_COORDINATOR)
    assert client.get("/api/v1/settlements", params={"month": MONTH}).json()["lines"] == []
    sign_in(client, WORKER)
    assert client.get("/api/v1/settlements", params={"month": MONTH}).status_code == 403
    sign_in(client, COORDINATOR)
    bad = client.get("/api/v1/settlements", params={"month": "2026-9"})
    assert bad.status_code == 400
    assert bad.json()["errors"][0]["field"] == "month"


def test_an_analyst_sees_small_lines_suppressed_everywhere(client: TestClient[Litestar]) -> None:
    """The coordinator invoices the line of 2 consultations exactly; an FoU analyst of
    the same county sees no count, minutes, hours or amount of it, in JSON or CSV."""
    sign_in(client, ANALYST)
    body = client.get("/api/v1/settlements", params={"month": MONTH}).json()
    assert body["lines"] == [
        {
            "giver": "0580",
            "receiver": "0512",
            "area": "lvu_investigation",
            "consultations": None,
            "minutes": None,
            "hours": None,
            "amount": None,
            "suppressed": True,
        }
    ]
    exported = client.get("/api/v1/settlements/export.csv", params={"month": MONTH})
    rows = list(csv.DictReader(io.StringIO(exported.text)))
    assert [(r["consultations"], r["minutes"], r["hours"], r["amount"]) for r in rows] == [
        ("", "", "", "")
    ]
