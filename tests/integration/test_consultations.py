"""Consultation requests through the API: de-identified writing (the draft survives a
refused save), the lifecycle's transitions, who may read and answer, the written
thread with its first-answer time, completion with the mandatory survey."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from network.audit.tables import AuditEvent
from network.consultations.tables import Booking, ConsultationRequest, Feedback
from network.lib.vocab import AssignmentStatus, ConsultationKind, ConsultationStatus, Role
from tests.support import SharedApp, in_app, in_app_seeing_all, sign_in
from tests.support.cases import create_accepted_request, origin_of
from tests.support.people import create_specialist_profile, create_user

WORKER = "cons.worker@demo.invalid"  # Ydre (0512), Östergötland
COLLEAGUE = "cons.colleague@demo.invalid"  # Ydre too
STRANGER = "cons.stranger@demo.invalid"  # Kiruna (2584)
COORDINATOR = "cons.coordinator@demo.invalid"  # county 05
ANALYST = "cons.analyst@demo.invalid"  # county 05
SPECIALIST = "cons.specialist@demo.invalid"  # Linköping (0580)
OTHER_SPECIALIST = "cons.other@demo.invalid"

DRAFT = {
    "area": "honour_based_violence",
    "summary": "Flicka 15 år berättar om planerad resa; hur bedömer vi risken?",
    "kind": "meeting",
    "urgency": "soon",
    "mode": "video",
}


@pytest.fixture(scope="module")
def people(migrated: None) -> dict[str, int]:
    async def create() -> dict[str, int]:
        ids = {
            "worker": await create_user(WORKER, Role.SOCIAL_WORKER, municipality="0512"),
            "colleague": await create_user(COLLEAGUE, Role.SOCIAL_WORKER, municipality="0512"),
            "stranger": await create_user(STRANGER, Role.SOCIAL_WORKER, municipality="2584"),
            "coordinator": await create_user(COORDINATOR, Role.COORDINATOR, county="05"),
            "analyst": await create_user(ANALYST, Role.ANALYST, county="05"),
        }
        for key, email in (("specialist", SPECIALIST), ("other", OTHER_SPECIALIST)):
            user = await create_user(email, Role.SPECIALIST, municipality="0580")
            ids[key] = await create_specialist_profile(user, "0580")
        return ids

    return asyncio.run(create())


@pytest.fixture
def client(people: dict[str, int], shared_app: SharedApp) -> TestClient[Litestar]:
    test_client = shared_app.client()
    sign_in(test_client, WORKER)
    return test_client


def stored(client: TestClient[Litestar], request_id: int) -> dict[str, Any]:
    row = in_app_seeing_all(
        client,
        lambda: ConsultationRequest.select().where(ConsultationRequest.id == request_id).first(),
    )
    assert row is not None
    return dict(row)


def count_requests(client: TestClient[Litestar]) -> int:
    return int(in_app_seeing_all(client, lambda: ConsultationRequest.count()))


def held(client: TestClient[Litestar], people: dict[str, int], **options: Any) -> int:
    """A request from Ydre in a state the offer flow would have brought it to."""
    return in_app(
        client,
        lambda: create_accepted_request(
            requester=people["worker"],
            municipality="0512",
            specialist=people["specialist"],
            area="honour_based_violence",
            **options,
        ),
    )


def offered(client: TestClient[Litestar], people: dict[str, int], **options: Any) -> int:
    return held(
        client,
        people,
        status=ConsultationStatus.OFFERED,
        assignment=AssignmentStatus.OFFERED,
        **options,
    )


def test_draft_then_open(client: TestClient[Litestar]) -> None:
    created = client.post("/api/v1/consultations", json=DRAFT)
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["status"] == "draft"
    assert body["municipality"] == "0512"  # from the requester, not from the body
    assert body["area_name_sv"] == "Hedersrelaterat våld och förtryck"
    opened = client.post(f"/api/v1/consultations/{body['id']}/submit")
    assert opened.status_code == 200
    assert opened.json()["status"] == "open"
    assert opened.json()["opened_at"] is not None
    again = client.post(f"/api/v1/consultations/{body['id']}/submit")
    assert again.status_code == 409
    assert again.json()["errors"][0]["field"] == "status"
    mine = client.get("/api/v1/consultations", params={"mine": "true"}).json()
    assert body["id"] in [item["id"] for item in mine]
    assert "summary" not in mine[0]  # lists are for finding, not reading


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Pojken 20121212-1212 har", "personal_identity_number"),  # 12 digits, dash
        ("Pojken 121212-1212 har", "personal_identity_number"),  # 10 digits, dash
        ("Mormor 191212121212 har", "personal_identity_number"),  # 12 digits, none
        ("Pappan 1212121212 har", "personal_identity_number"),  # 10 digits, none
        ("Farfar 121212+1212 har", "personal_identity_number"),  # over 100: plus
        ("Mamman 701063-2391 har", "coordination_number"),  # day + 60
        ("Ring mig 070-123 45 67 om", "phone_number"),
        ("Skriv till a.b@exempel.se om", "email"),
        # as people write and paste them
        ("Pojken 121212 1212 har", "personal_identity_number"),  # a space
        ("Pojken 121212\u00a01212 har", "personal_identity_number"),  # no-break space
        ("Pojken 121212\u2013 1212 har", "personal_identity_number"),  # en dash
        ("Pojken 12-12-12-1212 har", "personal_identity_number"),  # dashed date
        ("Pojken 1212\u200b12-1212 har", "personal_identity_number"),  # zero-width space
        ("Pojken \uff11\uff12\uff11\uff12\uff11\uff12-1212", "personal_identity_number"),
        ("pnr121212-1212x", "personal_identity_number"),  # glued to letters
        ("Pojken 20121212 1213 har", "personal_identity_number"),  # wrong check digit
        ("Mamman 7010\u00ad63 2391 har", "coordination_number"),  # soft hyphen, space
        ("Ring 070.123.45.67 om", "phone_number"),
        ("Skriv till anna\uff20exempel.se om", "email"),
    ],
)
def test_personal_data_in_the_summary_is_refused_and_named(
    client: TestClient[Litestar], text: str, kind: str
) -> None:
    before = count_requests(client)
    response = client.post("/api/v1/consultations", json={**DRAFT, "summary": text})
    assert response.status_code == 400, response.text
    error = response.json()["errors"][0]
    assert (error["field"], error["kind"]) == ("summary", kind)
    found = text[error["start"] : error["end"]]
    assert found[0].isalnum(), found  # the span is the number as written, no more
    assert found[-1].isalnum(), found
    assert count_requests(client) == before


@pytest.mark.parametrize(
    "text",
    [
        "Ärende 2024/1234 och Dnr 2024-5678",  # case numbers
        "Möte 2026-11-23 kl 13.30 i kommun 0512",  # a date, a time, a kommunkod
    ],
)
def test_numbers_that_only_look_alike_pass(client: TestClient[Litestar], text: str) -> None:
    response = client.post("/api/v1/consultations", json={**DRAFT, "summary": text})
    assert response.status_code == 201, response.text


def test_every_finding_is_named_at_once(client: TestClient[Litestar]) -> None:
    text = (
        "Pojken 121212 1212, mamma 070-123 45 67, pappa far@exempel.se, syster 20121212\u20131212."
    )
    before = count_requests(client)
    response = client.post("/api/v1/consultations", json={**DRAFT, "summary": text})
    assert response.status_code == 400, response.text
    errors = response.json()["errors"]
    assert [(e["field"], e["kind"], text[e["start"] : e["end"]]) for e in errors] == [
        ("summary", "personal_identity_number", "121212 1212"),
        ("summary", "phone_number", "070-123 45 67"),
        ("summary", "email", "far@exempel.se"),
        ("summary", "personal_identity_number", "20121212\u20131212"),
    ]
    assert count_requests(client) == before


def test_a_likely_name_is_warned_about_not_refused(client: TestClient[Litestar]) -> None:
    created = client.post(
        "/api/v1/consultations", json={**DRAFT, "summary": "Flickan Maja Lindqvist, 12 år"}
    )
    assert created.status_code == 201, created.text
    assert created.json()["summary_warnings"] == ["Maja Lindqvist"]
    plain = client.post("/api/v1/consultations", json=DRAFT)
    assert plain.json()["summary_warnings"] == []


def test_refused_edit_keeps_the_stored_draft(client: TestClient[Litestar]) -> None:
    draft = client.post("/api/v1/consultations", json=DRAFT).json()
    leaky = {**DRAFT, "summary": "Mamman 19121212-1212 är orolig", "version": draft["version"]}
    refused = client.put(f"/api/v1/consultations/{draft['id']}", json=leaky)
    assert refused.status_code == 400
    assert stored(client, draft["id"])["summary"] == DRAFT["summary"]
    assert stored(client, draft["id"])["version"] == draft["version"]
    fixed = {**DRAFT, "summary": "Mamman är orolig", "version": draft["version"]}
    saved = client.put(f"/api/v1/consultations/{draft['id']}", json=fixed)
    assert saved.status_code == 200, saved.text
    assert saved.json()["summary"] == "Mamman är orolig"
    stale = client.put(f"/api/v1/consultations/{draft['id']}", json=fixed)
    assert stale.status_code == 409
    assert stale.json()["errors"][0]["field"] == "version"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"area": "astrology"}, "area"),
        ({"urgency": "yesterday"}, "urgency"),
        ({"kind": "meeting", "mode": "written"}, "mode"),
        ({"latest_date": (date.today() - timedelta(days=1)).isoformat()}, "latest_date"),
        ({"latest_date": "31/12/2026"}, "latest_date"),
        ({"municipality": "2584"}, None),  # not the worker's own: forbidden
        ({"municipality": "9999"}, "municipality"),
        ({"named_specialist": 999999}, "named_specialist"),
        ({"summary": ""}, "summary"),
        ({"summary": "x" * 2001}, "summary"),
        ({"summary": "a\u0000b"}, "summary"),
        ({"language": "Svenska"}, "language"),
    ],
)
def test_bad_input_is_named_and_stores_nothing(
    client: TestClient[Litestar], change: dict[str, Any], field: str | None
) -> None:
    before = count_requests(client)
    response = client.post("/api/v1/consultations", json={**DRAFT, **change})
    assert 400 <= response.status_code < 500, response.text
    if field is not None:
        assert field in {e["field"] for e in response.json()["errors"]}, response.text
    assert count_requests(client) == before


def test_who_sees_a_request(client: TestClient[Litestar], people: dict[str, int]) -> None:
    request_id = client.post("/api/v1/consultations", json={**DRAFT, "submit": True}).json()["id"]
    for email in (COLLEAGUE, COORDINATOR):
        sign_in(client, email)
        assert client.get(f"/api/v1/consultations/{request_id}").status_code == 200, email
        listed = client.get("/api/v1/consultations").json()
        assert request_id in [item["id"] for item in listed], email
    for email in (STRANGER, SPECIALIST):
        sign_in(client, email)
        assert client.get(f"/api/v1/consultations/{request_id}").status_code in (403, 404)
        assert request_id not in [i["id"] for i in client.get("/api/v1/consultations").json()]
    sign_in(client, ANALYST)  # aggregates only, never case text
    assert client.get(f"/api/v1/consultations/{request_id}").status_code == 403
    assert client.get("/api/v1/consultations").status_code == 403
    reads = in_app(
        client,
        lambda: AuditEvent.select(AuditEvent.actor_email).where(
            (AuditEvent.action == "consultation.read") & (AuditEvent.object_id == str(request_id))
        ),
    )
    assert {COLLEAGUE, COORDINATOR} <= {r["actor_email"] for r in reads}


def test_the_offered_specialist_accepts_or_declines(
    client: TestClient[Litestar], people: dict[str, int]
) -> None:
    first, second = offered(client, people), offered(client, people)
    sign_in(client, OTHER_SPECIALIST)
    assert client.post(f"/api/v1/consultations/{first}/accept").status_code in (403, 404)
    sign_in(client, SPECIALIST)
    assert client.get(f"/api/v1/consultations/{first}").json()["offered_to"] == people["specialist"]
    accepted = client.post(f"/api/v1/consultations/{first}/accept")
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["status"] == "accepted"
    assert accepted.json()["accepted_by"] == people["specialist"]
    assert client.post(f"/api/v1/consultations/{first}/accept").status_code in (403, 409)

    no_reason = client.post(f"/api/v1/consultations/{second}/decline", json={"reason": " "})
    assert no_reason.status_code == 400
    assert no_reason.json()["errors"][0]["field"] == "reason"
    declined = client.post(
        f"/api/v1/consultations/{second}/decline", json={"reason": "Fullbokad till jul"}
    )
    assert declined.status_code == 200
    assert stored(client, second)["status"] == "declined"
    # Declined, it is no longer the specialist's to read.
    assert client.get(f"/api/v1/consultations/{second}").status_code in (403, 404)
    sign_in(client, WORKER)
    assert client.get(f"/api/v1/consultations/{second}").json()["status"] == "declined"


def test_written_thread_first_answer_and_completion(
    client: TestClient[Litestar], people: dict[str, int]
) -> None:
    request_id = held(client, people, kind=ConsultationKind.WRITTEN, mode="written")
    survey = {"helpful": 5, "changed_risk_assessment": True, "referral_made": "barnahus"}
    early = client.post(f"/api/v1/consultations/{request_id}/complete", json=survey)
    assert early.status_code == 409  # nobody has answered yet
    asked = client.post(
        f"/api/v1/consultations/{request_id}/messages", json={"body": "Vad bör vi fråga?"}
    )
    assert asked.status_code == 201, asked.text
    assert stored(client, request_id)["first_answer_at"] is None
    leaky = client.post(
        f"/api/v1/consultations/{request_id}/messages", json={"body": "Ring 08-123 456 78"}
    )
    assert leaky.status_code == 400
    assert leaky.json()["errors"][0]["field"] == "body"

    sign_in(client, SPECIALIST)
    answer = client.post(
        f"/api/v1/consultations/{request_id}/messages",
        json={"body": "Fråga om resans syfte och vem som bestämt den."},
    )
    assert answer.status_code == 201
    assert answer.json()["from_specialist"] is True
    assert stored(client, request_id)["first_answer_at"] is not None
    assert (
        client.post(f"/api/v1/consultations/{request_id}/time", json={"minutes": 40}).status_code
        == 200
    )
    sign_in(client, STRANGER)
    assert client.get(f"/api/v1/consultations/{request_id}/messages").status_code in (403, 404)

    sign_in(client, WORKER)
    thread = client.get(f"/api/v1/consultations/{request_id}/messages").json()
    assert [m["from_specialist"] for m in thread] == [False, True]
    incomplete = client.post(f"/api/v1/consultations/{request_id}/complete", json={"helpful": 5})
    assert incomplete.status_code == 400  # the survey is mandatory
    done = client.post(f"/api/v1/consultations/{request_id}/complete", json=survey)
    assert done.status_code == 200, done.text
    assert done.json()["status"] == "completed"
    assert done.json()["minutes_spent"] == 40
    feedback = in_app_seeing_all(
        client, lambda: Feedback.select().where(Feedback.request == request_id).first()
    )
    assert (feedback["helpful"], feedback["referral_made"]) == (5, "barnahus")
    closed = client.post(f"/api/v1/consultations/{request_id}/messages", json={"body": "Tack!"})
    assert closed.status_code == 409
    assert (
        client.post(f"/api/v1/consultations/{request_id}/complete", json=survey).status_code == 409
    )


def test_a_meeting_completes_only_after_it_took_place(
    client: TestClient[Litestar], people: dict[str, int]
) -> None:
    request_id = held(client, people, status=ConsultationStatus.BOOKED)
    survey = {"helpful": 3, "changed_risk_assessment": False}

    async def book(start: datetime) -> None:
        await Booking.delete().where(Booking.request == request_id)
        await Booking(
            specialist=people["specialist"],
            request=request_id,
            origin_municipality=await origin_of(request_id),
            starts_at=start,
            ends_at=start + timedelta(minutes=45),
            created_at=datetime.now(UTC),
        ).save()

    in_app_seeing_all(client, lambda: book(datetime.now(UTC) + timedelta(days=2)))
    assert (
        client.post(f"/api/v1/consultations/{request_id}/complete", json=survey).status_code == 409
    )
    in_app_seeing_all(client, lambda: book(datetime.now(UTC) - timedelta(hours=2)))
    done = client.post(f"/api/v1/consultations/{request_id}/complete", json=survey)
    assert done.status_code == 200, done.text


def test_cancel_ends_offer_and_booking(
    client: TestClient[Litestar], people: dict[str, int]
) -> None:
    request_id = held(client, people, status=ConsultationStatus.BOOKED)

    async def book() -> None:
        start = datetime.now(UTC) + timedelta(days=3)
        await Booking(
            specialist=people["specialist"],
            request=request_id,
            origin_municipality=await origin_of(request_id),
            starts_at=start,
            ends_at=start + timedelta(minutes=45),
            created_at=datetime.now(UTC),
        ).save()

    in_app_seeing_all(client, book)
    refused = client.post(f"/api/v1/consultations/{request_id}/cancel", json={"reason": ""})
    assert refused.status_code == 400
    cancelled = client.post(
        f"/api/v1/consultations/{request_id}/cancel", json={"reason": "Familjen har flyttat"}
    )
    assert cancelled.status_code == 200, cancelled.text
    assert stored(client, request_id)["status"] == "cancelled"
    live = in_app_seeing_all(
        client,
        lambda: Booking.count().where(
            (Booking.request == request_id) & (Booking.status == "booked")
        ),
    )
    assert live == 0
    again = client.post(f"/api/v1/consultations/{request_id}/cancel", json={"reason": "igen"})
    assert again.status_code == 409
