"""The specialists' network: a competence area's peer group, its network meetings
(conference series of kind ``peer_network``: sessions are bookings in the host's
calendar, the area's specialists sign up) and its de-identified thread.

Visibility (social workers and analysts 403; a specialist of another area 403 for the
thread and the group; coordinators see members and meetings, not the thread), the
guard's refusals (a personal identity number written in several ways, a phone number,
an e-mail address: 400 naming the field; a refused page form kept as typed), audit,
notifications (members on a new post, the author on a reply), paging, and on
PostgreSQL the row-level security of the thread's tables. The module's people live in
Östergötland (05) and Skåne (12); its area is one no other test posts in.
"""

from __future__ import annotations

import asyncio
from datetime import datetime, time, timedelta
from typing import Any

import asyncpg
import pytest
from litestar import Litestar
from litestar.testing import TestClient

from network.audit.tables import AuditEvent
from network.conferences.tables import ConferenceSeries, ConferenceSession, ConferenceSignup
from network.consultations.tables import Booking
from network.directory.tables import Municipality
from network.kernel.case_scope import case_transaction
from network.kernel.policy import Binding, Principal
from network.lib.vocab import Role
from network.peers.tables import PeerPost
from network.scheduling import STOCKHOLM
from tests.support import SharedApp, in_app, in_app_seeing_all, sign_in
from tests.support.cases import add_competence, add_weekly_hours, area_id
from tests.support.database import DATABASE_KIND
from tests.support.people import create_specialist_profile, create_user

AREA = "neglect_parenting_capacity"
OTHER_AREA = "youth_substance_use"
HOST = "peers.host@demo.invalid"  # Linköping (0580), the area
PEER = "peers.peer@demo.invalid"  # Malmö (1280), the area
STRANGER = "peers.stranger@demo.invalid"  # Norrköping (0581), another area only
WORKER = "peers.worker@demo.invalid"  # social worker, Linköping
COORDINATOR = "peers.coordinator@demo.invalid"  # coordinator, Linköping
ANALYST = "peers.analyst@demo.invalid"


@pytest.fixture(scope="module")
def ids(migrated: None) -> dict[str, int]:
    async def create() -> dict[str, int]:
        host_user = await create_user(HOST, Role.SPECIALIST, municipality="0580")
        host = await create_specialist_profile(host_user, "0580")
        await add_competence(host, AREA, 3)
        await add_weekly_hours(host, range(5), time(8), time(17))
        peer_user = await create_user(PEER, Role.SPECIALIST, municipality="1280")
        peer = await create_specialist_profile(peer_user, "1280")
        await add_competence(peer, AREA, 2)
        await add_weekly_hours(peer, range(5), time(8), time(17))
        stranger_user = await create_user(STRANGER, Role.SPECIALIST, municipality="0581")
        stranger = await create_specialist_profile(stranger_user, "0581")
        await add_competence(stranger, OTHER_AREA, 2)
        worker = await create_user(WORKER, Role.SOCIAL_WORKER, municipality="0580")
        coordinator = await create_user(COORDINATOR, Role.COORDINATOR, municipality="0580")
        await create_user(ANALYST, Role.ANALYST, county="05")
        return {
            "host": host,
            "host_user": host_user,
            "peer": peer,
            "peer_user": peer_user,
            "stranger": stranger,
            "stranger_user": stranger_user,
            "worker": worker,
            "coordinator": coordinator,
            "area": await area_id(AREA),
        }

    return asyncio.run(create())


@pytest.fixture(scope="module")
def client(shared_app: SharedApp) -> TestClient[Litestar]:
    return shared_app.client()


def _as(client: TestClient[Litestar], email: str) -> TestClient[Litestar]:
    sign_in(client, email)
    return client


def _monday_in(weeks: int) -> datetime:
    today = datetime.now(STOCKHOLM).date()
    monday = today - timedelta(days=today.weekday()) + timedelta(weeks=weeks)
    return datetime.combine(monday, time(10), tzinfo=STOCKHOLM)


def _kinds(client: TestClient[Litestar], email: str) -> list[tuple[str, str]]:
    inbox = _as(client, email).get("/api/v1/notifications").json()
    return [(n["kind"], n["link"]) for n in inbox]


def test_who_sees_the_group_and_its_thread(
    ids: dict[str, int], client: TestClient[Litestar]
) -> None:
    for email in (WORKER, ANALYST):
        for path in ("/api/v1/peers", f"/api/v1/peers/{AREA}", f"/api/v1/peers/{AREA}/posts"):
            assert _as(client, email).get(path).status_code == 403, (email, path)
        assert _as(client, email).get(f"/peers/{AREA}").status_code == 403
    posted = _as(client, WORKER).post(
        f"/api/v1/peers/{AREA}/posts", json={"subject": "S", "body": "B"}
    )
    assert posted.status_code == 403

    # A specialist of another area: neither the group nor its thread.
    stranger = _as(client, STRANGER)
    assert stranger.get(f"/api/v1/peers/{AREA}").status_code == 403
    assert stranger.get(f"/api/v1/peers/{AREA}/posts").status_code == 403
    refused = stranger.post(f"/api/v1/peers/{AREA}/posts", json={"subject": "S", "body": "B"})
    assert refused.status_code == 403
    assert refused.json()["errors"][0]["field"] == "area_code"
    mine = {g["area"]: g for g in stranger.get("/api/v1/peers").json()}
    assert set(mine) == {OTHER_AREA}
    assert mine[OTHER_AREA]["member"]

    # A member: the group with its specialists in both counties, and the thread.
    host = _as(client, HOST)
    group = host.get(f"/api/v1/peers/{AREA}")
    assert group.status_code == 200, group.text
    members = {m["specialist"]: m for m in group.json()["members"]}
    assert members[ids["peer"]]["municipality"]["code"] == "1280"
    assert members[ids["peer"]]["county"]["code"] == "12"
    assert ids["stranger"] not in members
    assert group.json()["member"] is True
    assert host.get(f"/api/v1/peers/{AREA}/posts").status_code == 200
    assert AREA in [g["area"] for g in host.get("/api/v1/peers").json()]

    # A coordinator: every area's group and its members, but not the thread.
    coordinator = _as(client, COORDINATOR)
    listed = coordinator.get("/api/v1/peers").json()
    assert {AREA, OTHER_AREA} <= {g["area"] for g in listed}
    seen = coordinator.get(f"/api/v1/peers/{AREA}")
    assert seen.status_code == 200
    assert seen.json()["member"] is False
    assert ids["host"] in {m["specialist"] for m in seen.json()["members"]}
    assert coordinator.get(f"/api/v1/peers/{AREA}/posts").status_code == 403
    page = coordinator.get(f"/peers/{AREA}?lang=sv")
    assert page.status_code == 200
    assert "Bara områdets specialister läser och skriver i tråden." in page.text
    assert _as(client, HOST).get("/api/v1/peers/no_such_area").status_code == 404


@pytest.mark.parametrize(
    "text",
    [
        "Pojken, 19121212-1212, har flyttat.",
        "Pojken, 191212121212, har flyttat.",
        "Pojken, 121212-1212, har flyttat.",
        "Pojken, 1212121212, har flyttat.",
        "Pojken, 121212+1212, har flyttat.",
        "Pojken, 19121272-1219, har flyttat.",  # a coordination number (day + 60)
        "Ring mamman på 070-123 45 67.",
        "Skriv till mamma.andersson@example.se.",
    ],
)
def test_the_guard_refuses_personal_data_naming_the_field(
    ids: dict[str, int], client: TestClient[Litestar], text: str
) -> None:
    host = _as(client, HOST)
    refused = host.post(f"/api/v1/peers/{AREA}/posts", json={"subject": "Fråga", "body": text})
    assert refused.status_code == 400, refused.text
    assert refused.json()["errors"][0]["field"] == "body"
    in_subject = host.post(f"/api/v1/peers/{AREA}/posts", json={"subject": text, "body": "B"})
    assert in_subject.status_code == 400
    assert in_subject.json()["errors"][0]["field"] == "subject"


def test_posts_replies_audit_notifications_and_paging(
    ids: dict[str, int], client: TestClient[Litestar]
) -> None:
    host = _as(client, HOST)
    made = host.post(
        f"/api/v1/peers/{AREA}/posts",
        json={"subject": "Hur gör ni?", "body": "Vi undrar hur ni planerar uppföljningen."},
    )
    assert made.status_code == 201, made.text
    post = made.json()
    assert post["municipality"]["code"] == "0580"
    assert post["replies"] == []
    link = f"/peers/{AREA}#post-{post['id']}"
    assert ("peer.question", link) in _kinds(client, PEER)
    assert ("peer.question", link) not in _kinds(client, HOST)  # not to the author
    assert ("peer.question", link) not in _kinds(client, STRANGER)

    # A reply (refused first: a phone number), then told to the post's author only.
    peer = _as(client, PEER)
    bad = peer.post(
        f"/api/v1/peers/posts/{post['id']}/replies", json={"body": "Ring 08-123 456 78"}
    )
    assert bad.status_code == 400
    assert bad.json()["errors"][0]["field"] == "body"
    answer = peer.post(
        f"/api/v1/peers/posts/{post['id']}/replies",
        json={"body": "Vi bokar ett möte efter tre veckor."},
    )
    assert answer.status_code == 201, answer.text
    assert answer.json()["municipality"]["code"] == "1280"
    assert ("peer.reply", link) in _kinds(client, HOST)
    assert ("peer.reply", link) not in _kinds(client, PEER)
    stranger = _as(client, STRANGER)
    assert stranger.get(f"/api/v1/peers/posts/{post['id']}").status_code == 403
    replied = stranger.post(f"/api/v1/peers/posts/{post['id']}/replies", json={"body": "Hej"})
    assert replied.status_code == 403
    assert _as(client, PEER).get("/api/v1/peers/posts/999999").status_code == 404

    shown = _as(client, PEER).get(f"/api/v1/peers/posts/{post['id']}").json()
    assert [r["body"] for r in shown["replies"]] == ["Vi bokar ett möte efter tre veckor."]

    async def audited() -> list[dict[str, Any]]:
        return list(
            await AuditEvent.select(AuditEvent.action, AuditEvent.object_id, AuditEvent.actor_id)
            .where(
                AuditEvent.action.is_in(
                    ["peer_post.create", "peer_reply.create", "peer_thread.read"]
                )
            )
            .where(AuditEvent.actor_id.is_in([ids["host_user"], ids["peer_user"]]))
        )

    rows = in_app(client, audited)
    assert {
        "action": "peer_post.create",
        "object_id": str(post["id"]),
        "actor_id": ids["host_user"],
    } in rows
    assert any(
        r["action"] == "peer_reply.create" and r["actor_id"] == ids["peer_user"] for r in rows
    )
    assert any(
        r["action"] == "peer_thread.read" and r["actor_id"] == ids["peer_user"] for r in rows
    )

    # Paging: ten a page, newest first.
    for n in range(11):
        assert (
            host.post(
                f"/api/v1/peers/{AREA}/posts",
                json={"subject": f"Inlägg {n}", "body": "Erfarenhet."},
            ).status_code
            == 201
        )
    first = _as(client, PEER).get(f"/api/v1/peers/{AREA}/posts").json()
    assert first["per_page"] == 10
    assert len(first["items"]) == 10
    assert first["total"] >= 12
    assert first["items"][0]["subject"] == "Inlägg 10"
    second = _as(client, PEER).get(f"/api/v1/peers/{AREA}/posts?page=2").json()
    assert second["items"]
    assert second["items"][0]["id"] < first["items"][-1]["id"]
    assert _as(client, PEER).get(f"/api/v1/peers/{AREA}/posts?page=0").status_code == 400


def test_a_refused_post_comes_back_as_typed_on_the_page(
    ids: dict[str, int], client: TestClient[Litestar]
) -> None:
    host = _as(client, HOST)
    page = host.post(
        f"/peers/{AREA}/posts",
        data={"subject": "Min fråga om hembesök", "body": "Barnet 19121212-1212 bor hos mormor."},
        follow_redirects=False,
    )
    assert page.status_code == 400
    assert "<mark>19121212-1212</mark>" in page.text
    assert "Min fråga om hembesök" in page.text
    done = host.post(
        f"/peers/{AREA}/posts",
        data={"subject": "Hembesök", "body": "Hur förbereder ni ett första hembesök?"},
        follow_redirects=False,
    )
    assert done.status_code == 303
    assert done.headers["location"].startswith(f"/peers/{AREA}?notice=")
    shown = host.get(f"/peers/{AREA}?lang=en")
    assert "Hur förbereder ni ett första hembesök?" in shown.text
    assert "Network meetings" in shown.text


def test_network_meetings_are_bookings_the_area_signs_up_for(
    ids: dict[str, int], client: TestClient[Litestar]
) -> None:
    host = _as(client, HOST)
    made = host.post(f"/api/v1/peers/{AREA}/meetings", json={"title": "Föräldraskap: nätverket"})
    assert made.status_code == 201, made.text
    series = made.json()
    assert series["kind"] == "peer_network"
    assert series["hub"] == ids["host"]
    start = _monday_in(9)
    session = host.post(
        f"/api/v1/conferences/{series['id']}/sessions",
        json={"start": start.isoformat(), "topic": "Erfarenhetsutbyte"},
    )
    assert session.status_code == 201, session.text
    session_id = session.json()["id"]

    async def booking() -> dict[str, Any] | None:
        row = (
            await ConferenceSession.select(ConferenceSession.booking)
            .where(ConferenceSession.id == session_id)
            .first()
        )
        assert row is not None
        return (
            await Booking.select(Booking.specialist, Booking.starts_at, Booking.status)
            .where(Booking.id == row["booking"])
            .first()
        )

    held = in_app_seeing_all(client, booking)
    assert held is not None
    assert held["specialist"] == ids["host"]
    assert held["status"] == "booked"
    assert held["starts_at"] == start
    clash = host.post(
        f"/api/v1/conferences/{series['id']}/sessions",
        json={"start": start.isoformat(), "topic": "Igen"},
    )
    assert clash.status_code == 409
    assert clash.json()["errors"][0]["field"] == "start"

    # The area's specialists sign up (any county); social workers and others may not.
    signed = _as(client, PEER).post(f"/api/v1/conferences/sessions/{session_id}/signup")
    assert signed.status_code == 201, signed.text
    assert signed.json()["signed_up"] is True
    assert (
        _as(client, WORKER).post(f"/api/v1/conferences/sessions/{session_id}/signup").status_code
        == 403
    )
    assert (
        _as(client, STRANGER).post(f"/api/v1/conferences/sessions/{session_id}/signup").status_code
        == 403
    )
    assert _as(client, WORKER).get(f"/api/v1/conferences/{series['id']}").status_code == 403
    assert series["id"] not in [
        s["id"] for s in _as(client, WORKER).get("/api/v1/conferences").json()
    ]
    group = _as(client, PEER).get(f"/api/v1/peers/{AREA}").json()
    listed = {m["id"]: m for m in group["meetings"]}
    assert listed[series["id"]]["sessions"][0]["signed_up"] is True

    # Signing up through the group's page.
    page_signup = _as(client, HOST).post(
        f"/peers/{AREA}/sessions/{session_id}/signup", data={}, follow_redirects=False
    )
    assert page_signup.status_code == 303

    # One county's meetings: only the area's specialists at home there sign up.
    skane = _as(client, PEER).post(
        f"/api/v1/peers/{AREA}/meetings", json={"title": "Skåne", "county": "12"}
    )
    assert skane.status_code == 201, skane.text
    local = _as(client, PEER).post(
        f"/api/v1/conferences/{skane.json()['id']}/sessions",
        json={"start": _monday_in(10).isoformat(), "topic": "Lokalt"},
    )
    assert local.status_code == 201, local.text
    assert (
        _as(client, HOST)
        .post(f"/api/v1/conferences/sessions/{local.json()['id']}/signup")
        .status_code
        == 403
    )

    # A coordinator sets up meetings for a host in their municipality, not elsewhere.
    coordinator = _as(client, COORDINATOR)
    hosted = coordinator.post(
        f"/api/v1/peers/{AREA}/meetings", json={"title": "Länet", "hub": ids["host"]}
    )
    assert hosted.status_code == 201, hosted.text
    elsewhere = coordinator.post(
        f"/api/v1/peers/{AREA}/meetings", json={"title": "Skåne", "hub": ids["peer"]}
    )
    assert elsewhere.status_code == 403
    assert elsewhere.json()["errors"][0]["field"] == "hub"
    outsider = coordinator.post(
        f"/api/v1/peers/{AREA}/meetings", json={"title": "X", "hub": ids["stranger"]}
    )
    assert outsider.status_code == 400
    assert outsider.json()["errors"][0]["field"] == "hub"


def _principal(user: int, specialist: int, municipality: str, county: str) -> Principal:
    return Principal(
        user_id=user,
        email="p@demo.invalid",
        bindings=(Binding(Role.SPECIALIST, county, municipality),),
        specialist_id=specialist,
    )


@pytest.mark.skipif(DATABASE_KIND != "postgres", reason="row-level security is PostgreSQL's")
def test_row_level_security_shows_the_thread_only_to_the_area(
    ids: dict[str, int], client: TestClient[Litestar]
) -> None:
    made = _as(client, HOST).post(
        f"/api/v1/peers/{AREA}/posts", json={"subject": "RLS", "body": "Synlig för området."}
    )
    assert made.status_code == 201
    host = _principal(ids["host_user"], ids["host"], "0580", "05")
    stranger = _principal(ids["stranger_user"], ids["stranger"], "0581", "05")

    async def visible(principal: Principal) -> int:
        async with case_transaction(PeerPost._meta.db, principal):
            return int(await PeerPost.count().where(PeerPost.area == ids["area"]))

    assert in_app(client, lambda: visible(host)) >= 1
    assert in_app(client, lambda: visible(stranger)) == 0

    async def write_as_stranger() -> None:
        async with case_transaction(PeerPost._meta.db, stranger):
            await PeerPost.insert(
                PeerPost(area=ids["area"], author=ids["stranger_user"], subject="S", body="B")
            )

    with pytest.raises(asyncpg.InsufficientPrivilegeError):
        in_app(client, write_as_stranger)


def test_a_refused_meetings_form_says_why_on_the_page(
    ids: dict[str, int], client: TestClient[Litestar]
) -> None:
    coordinator = _as(client, COORDINATOR)
    page = coordinator.post(
        f"/peers/{AREA}/meetings?lang=sv",
        data={"title": "Länets nätverk", "hub": str(ids["stranger"])},
        follow_redirects=False,
    )
    assert page.status_code == 400
    assert "Välj en specialist inom kompetensområdet." in page.text
    assert "Länets nätverk" in page.text  # kept as typed
    made = coordinator.post(
        f"/peers/{AREA}/meetings",
        data={"title": "Länets nätverk", "hub": str(ids["host"]), "county": "05"},
        follow_redirects=False,
    )
    assert made.status_code == 303
    assert made.headers["location"].startswith("/conferences/")


def test_a_case_at_a_network_meeting_and_no_settlement_between_peers(
    ids: dict[str, int], client: TestClient[Litestar]
) -> None:
    host = _as(client, HOST)
    series = host.post(f"/api/v1/peers/{AREA}/meetings", json={"title": "Fall i nätverket"})
    assert series.status_code == 201, series.text
    series_id = series.json()["id"]
    session = host.post(
        f"/api/v1/conferences/{series_id}/sessions",
        json={"start": _monday_in(11).isoformat(), "topic": "Fall"},
    )
    assert session.status_code == 201, session.text
    session_id = session.json()["id"]

    # A specialist with a seat presents a de-identified case; the host answers it.
    peer = _as(client, PEER)
    assert peer.post(f"/api/v1/conferences/sessions/{session_id}/signup").status_code == 201
    refused = peer.post(
        f"/api/v1/conferences/sessions/{session_id}/cases",
        json={"question": "Hur?", "presentation": "Pojken 19121212-1212."},
    )
    assert refused.status_code == 400
    case = peer.post(
        f"/api/v1/conferences/sessions/{session_id}/cases",
        json={"question": "Hur följer vi upp?", "presentation": "Pojke, tolv år, oro i skolan."},
    )
    assert case.status_code == 201, case.text
    answered = _as(client, HOST).put(
        f"/api/v1/conferences/cases/{case.json()['id']}/recommendation",
        json={"recommendation": "Stäm av med elevhälsan."},
    )
    assert answered.status_code == 200, answered.text
    assert any(kind == "conference.answer" for kind, _ in _kinds(client, PEER))

    # A past meeting with attendance recorded: peers are not settled; the same meeting
    # as a case conference would be.
    month_start = datetime.now(STOCKHOLM).replace(day=1, hour=9, minute=0, second=0, microsecond=0)
    past = month_start - timedelta(days=20)
    month = past.strftime("%Y-%m")

    async def hold_past_meeting() -> None:
        held = ConferenceSession(
            series=series_id,
            starts_at=past,
            ends_at=past + timedelta(minutes=90),
            topic="Förra månaden",
            attendance_recorded_at=past + timedelta(minutes=90),
            created_at=past,
        )
        await held.save()
        home = await _municipality_id("1280")
        await ConferenceSignup(
            session=held.id,
            user=ids["peer_user"],
            municipality=home,
            attended=True,
            created_at=past,
        ).save()

    in_app_seeing_all(client, hold_past_meeting)

    def lines() -> list[dict[str, Any]]:
        read = _as(client, COORDINATOR).get(f"/api/v1/conferences/settlement?month={month}")
        assert read.status_code == 200, read.text
        return [
            line
            for line in read.json()
            if line["area"] == AREA and line["giver"] == "0580" and line["receiver"] == "1280"
        ]

    assert lines() == []

    async def make_it_a_case_conference() -> None:
        await ConferenceSeries.update({ConferenceSeries.kind: "case_conference"}).where(
            ConferenceSeries.id == series_id
        )

    in_app(client, make_it_a_case_conference)
    assert len(lines()) == 1


async def _municipality_id(code: str) -> int:
    row = await Municipality.select(Municipality.id).where(Municipality.code == code).first()
    assert row is not None
    return int(row["id"])
