"""Listing specialists with filters, and their free slots through the API."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, time

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from network.consultations.tables import Booking
from network.directory.tables import CompetenceArea, Municipality
from network.lib.vocab import Role
from network.specialists.tables import (
    Absence,
    AvailabilityRule,
    SpecialistCompetence,
    SpecialistProfile,
)
from tests.support import SharedApp
from tests.support.cases import seeing_all
from tests.support.people import create_user

EMAIL = "slots.specialist@demo.invalid"
VIEWER = "slots.viewer@demo.invalid"
WEEK = {"from": "2027-03-01T00:00:00+01:00", "to": "2027-03-06T00:00:00+01:00"}  # Mon–Fri


@pytest.fixture(scope="module")
def specialist(migrated: None) -> int:
    """A specialist in Ljusdal (2161), LVU level 2, Mondays 08:30–12:00 and Tuesdays
    09:00–10:00; away Tuesday; one booking Monday 09:30; capacity 3 a week."""

    async def create() -> int:
        user_id = await create_user(EMAIL, Role.SPECIALIST, municipality="2161")
        # A social worker of the specialist's home: one who could book them.
        await create_user(VIEWER, Role.SOCIAL_WORKER, municipality="2161")
        town = await Municipality.select(Municipality.id).where(Municipality.code == "2161").first()
        area = (
            await CompetenceArea.select(CompetenceArea.id)
            .where(CompetenceArea.code == "lvu_investigation")
            .first()
        )
        assert town is not None
        assert area is not None
        now = datetime.now(UTC)
        profile = SpecialistProfile(
            user=user_id,
            home_municipality=town["id"],
            title="LVU",
            languages=["sv", "fi"],
            consultations_per_week=3,
            created_at=now,
            updated_at=now,
        )
        await profile.save()
        await SpecialistCompetence(specialist=profile.id, area=area["id"], level=2).save()
        await AvailabilityRule.insert(
            AvailabilityRule(
                specialist=profile.id, weekday=0, start_time=time(8, 30), end_time=time(12, 0)
            ),
            AvailabilityRule(
                specialist=profile.id, weekday=1, start_time=time(9, 0), end_time=time(10, 0)
            ),
        )
        await Absence(
            specialist=profile.id,
            starts_at=datetime(2027, 3, 2, 0, 0, tzinfo=UTC),
            ends_at=datetime(2027, 3, 3, 0, 0, tzinfo=UTC),
            reason="holiday",
            created_at=now,
        ).save()
        await Booking(
            specialist=profile.id,
            starts_at=datetime(2027, 3, 1, 8, 30, tzinfo=UTC),  # 09:30 in Stockholm
            ends_at=datetime(2027, 3, 1, 9, 15, tzinfo=UTC),
            created_at=now,
        ).save()
        return int(profile.id)

    return asyncio.run(seeing_all(create))


@pytest.fixture
def client(specialist: int, shared_app: SharedApp) -> TestClient[Litestar]:
    test_client = shared_app.client()
    test_client.post("/auth/dev-login", json={"email": VIEWER})
    return test_client


def test_filters(client: TestClient[Litestar], specialist: int) -> None:
    by_area = client.get("/api/v1/specialists", params={"area": "lvu_investigation"}).json()
    found = next(s for s in by_area if s["id"] == specialist)
    assert found["competences"] == [{"area": "lvu_investigation", "level": 2}]
    assert found["languages"] == ["sv", "fi"]
    assert all(any(c["area"] == "lvu_investigation" for c in s["competences"]) for s in by_area)
    in_town = client.get("/api/v1/specialists", params={"municipality": "2161"}).json()
    assert specialist in {s["id"] for s in in_town}
    assert {s["home_municipality"] for s in in_town} == {"2161"}
    in_county = client.get("/api/v1/specialists", params={"county": "21"}).json()
    assert specialist in {s["id"] for s in in_county}
    elsewhere = client.get("/api/v1/specialists", params={"county": "25"}).json()
    assert specialist not in {s["id"] for s in elsewhere}


def test_slots_follow_hours_bookings_and_absences(
    client: TestClient[Litestar], specialist: int
) -> None:
    response = client.get(f"/api/v1/specialists/{specialist}/slots", params=WEEK)
    assert response.status_code == 200, response.text
    starts = [slot["start"] for slot in response.json()]
    # Monday 08:30 stays (it ends 09:15, the buffer before the 09:30 booking); 09:30 is
    # booked; Tuesday is an absence; capacity 3 with one booking leaves room.
    assert starts == ["2027-03-01T08:30:00+01:00", "2027-03-01T10:30:00+01:00"]
    assert response.json()[0]["end"] == "2027-03-01T09:15:00+01:00"


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"from": "2027-03-01T00:00:00", "to": WEEK["to"]}, "from"),
        ({"from": WEEK["from"], "to": "2027-03-06T00:00:00"}, "to"),
        ({"from": WEEK["to"], "to": WEEK["from"]}, "to"),
        ({"from": WEEK["from"], "to": "2027-09-01T00:00:00+02:00"}, "to"),
        ({"from": "yesterday", "to": WEEK["to"]}, "from"),
    ],
)
def test_bad_periods_name_the_field(
    client: TestClient[Litestar], specialist: int, params: dict[str, str], field: str
) -> None:
    response = client.get(f"/api/v1/specialists/{specialist}/slots", params=params)
    assert response.status_code == 400, response.text
    assert response.json()["errors"][0]["field"] == field


def test_unknown_codes_and_specialist(client: TestClient[Litestar]) -> None:
    assert client.get("/api/v1/specialists", params={"area": "astrology"}).status_code == 400
    assert client.get("/api/v1/specialists", params={"municipality": "9999"}).status_code == 400
    assert client.get("/api/v1/specialists/999999/slots", params=WEEK).status_code == 404


def test_missing_parameter_is_named(client: TestClient[Litestar], specialist: int) -> None:
    response = client.get(f"/api/v1/specialists/{specialist}/slots", params={"to": WEEK["to"]})
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"field": "from", "message": "is required", "source": "query"}
    ]
