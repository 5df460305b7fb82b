"""Booking the meeting of an accepted consultation: free slots only, capacity kept,
cancel and reschedule with a reason, who may, and every refusal named."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from network.audit.tables import AuditEvent
from network.consultations.tables import Booking, ConsultationRequest
from network.lib.vocab import ConsultationKind, ConsultationStatus, Role
from network.scheduling import STOCKHOLM
from network.specialists.tables import Absence, AvailabilityRule, SpecialistProfile
from tests.support import SharedApp, in_app, in_app_seeing_all, sign_in
from tests.support.cases import create_accepted_request
from tests.support.people import create_specialist_profile, create_user

REQUESTER = "book.requester@demo.invalid"
SPECIALIST = "book.specialist@demo.invalid"
STRANGER = "book.stranger@demo.invalid"
ANALYST = "book.analyst@demo.invalid"

# A Monday three weeks ahead, so every slot used here lies in the future.
_today = date.today()
MONDAY = _today + timedelta(days=21 - _today.weekday())
WEDNESDAY = MONDAY + timedelta(days=2)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=STOCKHOLM)


@pytest.fixture(scope="module")
def people(migrated: None) -> dict[str, int]:
    """A specialist in Ljusdal (2161): Mondays and Wednesdays 08:00–12:00 (slots at
    08, 09, 10 and 11), away Wednesday morning, 3 meetings a week; video and phone."""

    async def create() -> dict[str, int]:
        ids = {
            "requester": await create_user(REQUESTER, Role.SOCIAL_WORKER, municipality="2161"),
            "stranger": await create_user(STRANGER, Role.SOCIAL_WORKER, municipality="2584"),
            "analyst": await create_user(ANALYST, Role.ANALYST, county="21"),
            "user": await create_user(SPECIALIST, Role.SPECIALIST, municipality="2161"),
        }
        specialist = await create_specialist_profile(ids["user"], "2161")
        await SpecialistProfile.update({SpecialistProfile.consultations_per_week: 3}).where(
            SpecialistProfile.id == specialist
        )
        await AvailabilityRule.insert(
            *(
                AvailabilityRule(
                    specialist=specialist, weekday=day, start_time=time(8), end_time=time(12)
                )
                for day in (0, 2)
            )
        )
        await Absence(
            specialist=specialist,
            starts_at=at(WEDNESDAY, 8).astimezone(UTC),
            ends_at=at(WEDNESDAY, 10).astimezone(UTC),
            reason="training",
            created_at=datetime.now(UTC),
        ).save()
        return {**ids, "specialist": specialist}

    return asyncio.run(create())


@pytest.fixture
def client(people: dict[str, int], shared_app: SharedApp) -> TestClient[Litestar]:
    test_client = shared_app.client()
    # Each test starts from a specialist without bookings.
    in_app_seeing_all(test_client, lambda: Booking.delete().where(Booking.id > 0))
    sign_in(test_client, REQUESTER)
    return test_client


def accepted(client: TestClient[Litestar], people: dict[str, int], **options: Any) -> int:
    return in_app(
        client,
        lambda: create_accepted_request(
            requester=people["requester"],
            municipality="2161",
            specialist=people["specialist"],
            **options,
        ),
    )


def book(client: TestClient[Litestar], request_id: int, start: datetime, **extra: Any) -> Any:
    return client.post(
        "/api/v1/bookings", json={"request": request_id, "start": start.isoformat(), **extra}
    )


def status_of(client: TestClient[Litestar], request_id: int) -> str:
    row = in_app_seeing_all(
        client,
        lambda: (
            ConsultationRequest.select(ConsultationRequest.status)
            .where(ConsultationRequest.id == request_id)
            .first()
        ),
    )
    return str(row["status"])


def live_starts(client: TestClient[Litestar], specialist: int) -> list[datetime]:
    rows = in_app_seeing_all(
        client,
        lambda: (
            Booking.select(Booking.starts_at)
            .where((Booking.specialist == specialist) & (Booking.status == "booked"))
            .order_by(Booking.starts_at)
        ),
    )
    return [row["starts_at"] for row in rows]


def test_book_a_free_slot(client: TestClient[Litestar], people: dict[str, int]) -> None:
    request_id = accepted(client, people)
    slots_params = {"from": at(MONDAY, 0).isoformat(), "to": at(MONDAY, 23).isoformat()}
    before = client.get(f"/api/v1/specialists/{people['specialist']}/slots", params=slots_params)
    assert at(MONDAY, 9).isoformat() in [s["start"] for s in before.json()]

    response = book(client, request_id, at(MONDAY, 9), mode="phone")
    assert response.status_code == 201, response.text
    body = response.json()
    assert datetime.fromisoformat(body["starts_at"]) == at(MONDAY, 9)
    assert datetime.fromisoformat(body["ends_at"]) == at(MONDAY, 9, 45)
    assert (body["area"], body["mode"], body["request"]) == (
        "lvu_investigation",
        "phone",
        request_id,
    )
    assert status_of(client, request_id) == ConsultationStatus.BOOKED

    after = client.get(f"/api/v1/specialists/{people['specialist']}/slots", params=slots_params)
    assert at(MONDAY, 9).isoformat() not in [s["start"] for s in after.json()]
    audited = in_app(
        client,
        lambda: AuditEvent.select(AuditEvent.action).where(
            (AuditEvent.object_type == "booking") & (AuditEvent.object_id == str(body["id"]))
        ),
    )
    assert {"action": "booking.create"} in audited


@pytest.mark.parametrize(
    ("label", "start", "message"),
    [
        ("outside hours", lambda: at(MONDAY, 13), "not one of the specialist's free slots"),
        ("off the slot grid", lambda: at(MONDAY, 8, 20), "not one of the specialist's free slots"),
        ("absent", lambda: at(WEDNESDAY, 9), "absence"),
        ("past", lambda: at(_today - timedelta(days=7), 9), "in the past"),
    ],
)
def test_a_start_outside_the_free_slots_is_named(
    client: TestClient[Litestar], people: dict[str, int], label: str, start: Any, message: str
) -> None:
    request_id = accepted(client, people)
    response = book(client, request_id, start())
    assert response.status_code == 409, (label, response.text)
    error = response.json()["errors"][0]
    assert error["field"] == "start"
    assert message in error["message"]
    assert status_of(client, request_id) == ConsultationStatus.ACCEPTED
    assert live_starts(client, people["specialist"]) == []


def test_taken_slot_and_buffer(client: TestClient[Litestar], people: dict[str, int]) -> None:
    first, second = accepted(client, people), accepted(client, people)
    assert book(client, first, at(MONDAY, 10)).status_code == 201
    taken = book(client, second, at(MONDAY, 10))
    assert taken.status_code == 409
    assert "taken" in taken.json()["errors"][0]["message"]
    assert status_of(client, second) == ConsultationStatus.ACCEPTED


def test_weekly_capacity_is_never_exceeded(
    client: TestClient[Litestar], people: dict[str, int]
) -> None:
    requests = [accepted(client, people) for _ in range(4)]
    for request_id, hour in zip(requests[:3], (8, 9, 10), strict=True):
        assert book(client, request_id, at(MONDAY, hour)).status_code == 201
    full = book(client, requests[3], at(MONDAY, 11))
    assert full.status_code == 409
    assert "capacity is used up" in full.json()["errors"][0]["message"]
    # The next week has room again.
    assert book(client, requests[3], at(MONDAY + timedelta(days=7), 11)).status_code == 201


def test_only_an_accepted_meeting_consultation_can_be_booked(
    client: TestClient[Litestar], people: dict[str, int]
) -> None:
    still_open = accepted(client, people, status=ConsultationStatus.OPEN)
    response = book(client, still_open, at(MONDAY, 8))
    assert response.status_code == 409
    assert response.json()["errors"][0]["field"] == "request"
    written = accepted(client, people, kind=ConsultationKind.WRITTEN)
    response = book(client, written, at(MONDAY, 8))
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "request"
    booked = accepted(client, people)
    assert book(client, booked, at(MONDAY, 8)).status_code == 201
    twice = book(client, booked, at(MONDAY, 9))
    assert twice.status_code == 409
    assert "reschedule" in twice.json()["errors"][0]["message"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"start": "2030-01-07T09:00:00"}, "start"),  # no offset
        ({"start": "next monday"}, "start"),
        ({"mode": "written"}, "mode"),
        ({"mode": "on_site"}, "mode"),  # not offered by this specialist
        ({"request": 0}, "request"),
        ({"request": 2**31}, "request"),
        ({"request": 999999}, "request"),
    ],
)
def test_bad_input_is_named(
    client: TestClient[Litestar], people: dict[str, int], body: dict[str, Any], field: str
) -> None:
    request_id = accepted(client, people)
    payload = {"request": request_id, "start": at(MONDAY, 8).isoformat(), **body}
    response = client.post("/api/v1/bookings", json=payload)
    assert 400 <= response.status_code < 500, response.text
    assert field in {e["field"] for e in response.json()["errors"]}, response.text
    assert live_starts(client, people["specialist"]) == []


def test_cancel_and_reschedule_with_a_reason(
    client: TestClient[Litestar], people: dict[str, int]
) -> None:
    request_id = accepted(client, people)
    booking = book(client, request_id, at(MONDAY, 8)).json()

    moved = client.post(
        f"/api/v1/bookings/{booking['id']}/reschedule",
        json={"start": at(MONDAY, 11).isoformat(), "reason": "Krockar med ett möte"},
    )
    assert moved.status_code == 201, moved.text
    assert datetime.fromisoformat(moved.json()["starts_at"]) == at(MONDAY, 11)
    assert live_starts(client, people["specialist"]) == [at(MONDAY, 11)]
    assert status_of(client, request_id) == ConsultationStatus.BOOKED

    # Personal data in the reason is refused, naming the field and the kind; nothing changes.
    leaky = client.post(
        f"/api/v1/bookings/{moved.json()['id']}/cancel",
        json={"reason": "Mamman 19121212-1212 är sjuk"},
    )
    assert leaky.status_code == 400
    error = leaky.json()["errors"][0]
    assert (error["field"], error["kind"], error["start"]) == (
        "reason",
        "personal_identity_number",
        7,
    )
    assert live_starts(client, people["specialist"]) == [at(MONDAY, 11)]

    cancelled = client.post(
        f"/api/v1/bookings/{moved.json()['id']}/cancel", json={"reason": "Ärendet avslutat"}
    )
    assert cancelled.status_code == 200, cancelled.text
    assert live_starts(client, people["specialist"]) == []
    assert status_of(client, request_id) == ConsultationStatus.ACCEPTED
    again = client.post(f"/api/v1/bookings/{moved.json()['id']}/cancel", json={"reason": "x"})
    assert again.status_code == 409
    empty = client.post(f"/api/v1/bookings/{booking['id']}/cancel", json={"reason": ""})
    assert empty.status_code == 400
    assert empty.json()["errors"][0]["field"] == "reason"


def test_reschedule_to_a_taken_slot_keeps_the_old_booking(
    client: TestClient[Litestar], people: dict[str, int]
) -> None:
    first, second = accepted(client, people), accepted(client, people)
    booking = book(client, first, at(MONDAY, 8)).json()
    assert book(client, second, at(MONDAY, 9)).status_code == 201
    moved = client.post(
        f"/api/v1/bookings/{booking['id']}/reschedule",
        json={"start": at(MONDAY, 9).isoformat(), "reason": "Annan tid"},
    )
    assert moved.status_code == 409
    assert live_starts(client, people["specialist"]) == [at(MONDAY, 8), at(MONDAY, 9)]
    assert status_of(client, first) == ConsultationStatus.BOOKED


def test_who_may_book_and_see(client: TestClient[Litestar], people: dict[str, int]) -> None:
    request_id = accepted(client, people)
    sign_in(client, STRANGER)
    refused = book(client, request_id, at(MONDAY, 8))
    assert refused.status_code in (403, 404), refused.text
    sign_in(client, ANALYST)
    assert book(client, request_id, at(MONDAY, 8)).status_code == 403
    # The specialist who accepted may book it.
    sign_in(client, SPECIALIST)
    booked = book(client, request_id, at(MONDAY, 8))
    assert booked.status_code == 201, booked.text

    window = {"from": at(MONDAY, 0).isoformat(), "to": at(MONDAY, 23).isoformat()}
    mine = client.get("/api/v1/bookings", params=window).json()
    assert [b["id"] for b in mine] == [booked.json()["id"]]
    sign_in(client, REQUESTER)
    assert [b["id"] for b in client.get("/api/v1/bookings", params=window).json()] == [
        booked.json()["id"]
    ]
    sign_in(client, STRANGER)
    assert client.get("/api/v1/bookings", params=window).json() == []
    stranger_cancel = client.post(
        f"/api/v1/bookings/{booked.json()['id']}/cancel", json={"reason": "Inte min"}
    )
    assert stranger_cancel.status_code in (403, 404)
    assert live_starts(client, people["specialist"]) == [at(MONDAY, 8)]


def test_a_written_consultation_uses_the_weeks_capacity(
    client: TestClient[Litestar], people: dict[str, int]
) -> None:
    written = accepted(client, people, kind=ConsultationKind.WRITTEN, mode="written")
    in_app_seeing_all(
        client,
        lambda: ConsultationRequest.update(
            {ConsultationRequest.accepted_at: at(MONDAY, 7).astimezone(UTC)}
        ).where(ConsultationRequest.id == written),
    )
    meetings = [accepted(client, people) for _ in range(3)]
    assert book(client, meetings[0], at(MONDAY, 8)).status_code == 201
    assert book(client, meetings[1], at(MONDAY, 9)).status_code == 201
    # Capacity 3: the written consultation and two meetings fill the week.
    full = book(client, meetings[2], at(MONDAY, 10))
    assert full.status_code == 409
    assert "capacity" in full.json()["errors"][0]["message"]
    in_app_seeing_all(
        client,
        lambda: ConsultationRequest.update(
            {ConsultationRequest.status: ConsultationStatus.CANCELLED}
        ).where(ConsultationRequest.id == written),
    )
    # A cancelled written consultation gives its week back.
    assert book(client, meetings[2], at(MONDAY, 10)).status_code == 201
