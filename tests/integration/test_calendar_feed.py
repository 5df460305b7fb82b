"""The specialist's private calendar feed: parsed back with ``icalendar``, it lists
their live bookings (area, mode, link) and absences, never case text or absence
reasons; a new address or a revocation kills the old one; only they manage it."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, time, timedelta
from urllib.parse import urlsplit

import pytest
from icalendar import Calendar
from litestar import Litestar
from litestar.testing import TestClient

from network.audit.tables import AuditEvent
from network.consultations.tables import Booking
from network.lib.vocab import Role
from network.scheduling import STOCKHOLM
from network.settings import get_settings
from network.specialists.tables import Absence
from tests.support import SharedApp, in_app, sign_in
from tests.support.cases import create_accepted_request, seeing_all
from tests.support.people import create_specialist_profile, create_user

OWNER = "feed.owner@demo.invalid"
COLLEAGUE = "feed.colleague@demo.invalid"
COORDINATOR = "feed.coordinator@demo.invalid"
SUMMARY_TEXT = "Hur bedömer vi risken"  # the request summary create_accepted_request writes
_today = date.today()
MONDAY = _today + timedelta(days=14 - _today.weekday())


@pytest.fixture(scope="module")
def world(migrated: None) -> dict[str, int]:
    """A specialist with one live and one cancelled booking and a sick leave."""

    async def create() -> dict[str, int]:
        owner = await create_user(OWNER, Role.SPECIALIST, municipality="0580")
        requester = await create_user(
            "feed.requester@demo.invalid", Role.SOCIAL_WORKER, municipality="0512"
        )
        colleague = await create_user(COLLEAGUE, Role.SPECIALIST, municipality="0580")
        await create_user(COORDINATOR, Role.COORDINATOR, county="05")
        specialist = await create_specialist_profile(owner, "0580")
        await create_specialist_profile(colleague, "0580")
        ids: dict[str, int] = {"specialist": specialist}
        for label, hour, status in (("live", 9, "booked"), ("cancelled", 11, "cancelled")):
            request = await create_accepted_request(
                requester=requester,
                municipality="0512",
                specialist=specialist,
                area="honour_based_violence",
            )
            start = datetime.combine(MONDAY, time(hour), tzinfo=STOCKHOLM).astimezone(UTC)
            booking = Booking(
                specialist=specialist,
                request=request,
                starts_at=start,
                ends_at=start + timedelta(minutes=45),
                mode="video",
                status=status,
                created_at=datetime.now(UTC),
            )
            await booking.save()
            ids[label] = int(booking.id)
        absence = Absence(
            specialist=specialist,
            starts_at=datetime.combine(MONDAY + timedelta(days=2), time(0), tzinfo=STOCKHOLM),
            ends_at=datetime.combine(MONDAY + timedelta(days=4), time(0), tzinfo=STOCKHOLM),
            reason="sick_leave",
            created_at=datetime.now(UTC),
        )
        await absence.save()
        ids["absence"] = int(absence.id)
        return ids

    return asyncio.run(seeing_all(create))


@pytest.fixture
def client(world: dict[str, int], shared_app: SharedApp) -> TestClient[Litestar]:
    return shared_app.client()


def feed_path(url: str) -> str:
    return urlsplit(url).path


def test_feed_lists_bookings_and_absences_without_case_text(
    client: TestClient[Litestar], world: dict[str, int]
) -> None:
    sign_in(client, OWNER)
    created = client.post(f"/api/v1/specialists/{world['specialist']}/calendar-feed")
    assert created.status_code == 201, created.text
    url = created.json()["url"]
    assert url.startswith(f"{get_settings().public_url}/calendar/snc_")  # not the Host header
    client.post("/auth/logout")  # the feed needs no session: calendar apps have none

    response = client.get(feed_path(url))
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/calendar")
    assert SUMMARY_TEXT not in response.text
    assert "sick" not in response.text.lower()

    calendar = Calendar.from_ical(response.content)
    events = {str(e["uid"]): e for e in calendar.walk("VEVENT")}
    assert set(events) == {
        f"booking-{world['live']}@specialistnatet",
        f"absence-{world['absence']}@specialistnatet",
    }
    booking = events[f"booking-{world['live']}@specialistnatet"]
    assert booking.decoded("dtstart") == datetime.combine(MONDAY, time(9), tzinfo=STOCKHOLM)
    assert booking.decoded("dtend") - booking.decoded("dtstart") == timedelta(minutes=45)
    assert str(booking["summary"]) == "Konsultation: Hedersrelaterat våld och förtryck (video)"
    week = MONDAY.isocalendar()
    assert str(booking["url"]).endswith(
        f"/specialists/{world['specialist']}?week={week.year}-W{week.week:02d}"
    )
    absence = events[f"absence-{world['absence']}@specialistnatet"]
    assert str(absence["summary"]) == "Frånvaro / Absence"

    reads = in_app(
        client,
        lambda: AuditEvent.count().where(
            (AuditEvent.action == "calendar_feed.read")
            & (AuditEvent.object_id == str(world["specialist"]))
        ),
    )
    assert reads >= 1


def test_new_address_and_revocation_kill_the_old_one(
    client: TestClient[Litestar], world: dict[str, int]
) -> None:
    sign_in(client, OWNER)
    base = f"/api/v1/specialists/{world['specialist']}/calendar-feed"
    first = client.post(base).json()["url"]
    second = client.post(base).json()["url"]
    assert first != second
    assert client.get(feed_path(first)).status_code == 404
    assert client.get(feed_path(second)).status_code == 200
    assert client.get(base).json()["active"] is True
    assert client.delete(base).status_code == 204
    assert client.get(feed_path(second)).status_code == 404
    assert client.get(base).json() == {"active": False, "created_at": None, "last_read_at": None}
    assert client.delete(base).status_code == 404
    assert client.get("/calendar/snc_made-up/feed.ics").status_code == 404
    assert client.get("/calendar/not-a-feed/feed.ics").status_code == 404


@pytest.mark.parametrize("email", [COLLEAGUE, COORDINATOR])
def test_only_the_specialist_manages_their_feed(
    client: TestClient[Litestar], world: dict[str, int], email: str
) -> None:
    sign_in(client, email)
    base = f"/api/v1/specialists/{world['specialist']}/calendar-feed"
    assert client.post(base).status_code == 403
    assert client.get(base).status_code == 403
    assert client.delete(base).status_code == 403
