"""Case objects of another municipality answer exactly as missing ones, and refusals
are audited, on Kalmar (0880, county 08) and Växjö (0780, county 07), which no other
test touches.

- Uniform answers: a request, its booking, its thread and a batch round that the
  reader may not see answer 404 with the same body (and, on the pages, the same
  message) as an id that does not exist, in the API and on the pages; so ids cannot
  be probed across municipalities. An object the reader may see but not act on this
  way stays a 403.
- Refused reads audited: every such refusal writes one ``access.denied`` row naming
  the object (type and id, outcome denied), kept although the request fails; an
  unseen object's row says no more than a missing one's.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from network.audit.tables import AuditEvent
from network.consultations.tables import (
    AssignmentRound,
    Booking,
    ConsultationMessage,
    ConsultationRequest,
)
from network.directory.tables import County, Municipality
from network.kernel.case_scope import system_transaction
from network.lib.vocab import (
    AssignmentStatus,
    BookingStatus,
    ConsultationKind,
    ConsultationStatus,
    Role,
)
from tests.support import app_client, in_app, sign_in
from tests.support.cases import create_accepted_request
from tests.support.people import create_specialist_profile, create_user

WORKER = "uni.worker@demo.invalid"  # Kalmar: the requester
COORDINATOR = "uni.coordinator@demo.invalid"  # county 08
SPECIALIST = "uni.specialist@demo.invalid"  # Kalmar: accepted the meeting and the thread
OFFERED = "uni.offered@demo.invalid"  # Kalmar: holds an offer
FAR_WORKER = "uni.far.worker@demo.invalid"  # Växjö
FAR_COORDINATOR = "uni.far.coordinator@demo.invalid"  # county 07
FAR_SPECIALIST = "uni.far.specialist@demo.invalid"  # Växjö
KALMAR, VAXJO = "0880", "0780"
MISSING = 2_000_000_000  # no object has this id
ID = "<id>"  # where a case's object id goes in a path, body or form
LATER = (datetime.now(UTC) + timedelta(days=30)).replace(microsecond=0).isoformat()


@pytest.fixture(scope="module")
def world(migrated: None) -> dict[str, int]:
    """A booked meeting (with its booking), an accepted written consultation with a
    message, a request offered to OFFERED, and a preview round of county 08."""

    async def create() -> dict[str, int]:
        ids = {
            "worker": await create_user(WORKER, Role.SOCIAL_WORKER, municipality=KALMAR),
            "coordinator": await create_user(COORDINATOR, Role.COORDINATOR, county="08"),
            "far_worker": await create_user(FAR_WORKER, Role.SOCIAL_WORKER, municipality=VAXJO),
            "far_coordinator": await create_user(FAR_COORDINATOR, Role.COORDINATOR, county="07"),
        }
        for key, email, town in (
            ("specialist", SPECIALIST, KALMAR),
            ("offered_to", OFFERED, KALMAR),
            ("far_specialist", FAR_SPECIALIST, VAXJO),
        ):
            ids[f"{key}_user"] = await create_user(email, Role.SPECIALIST, municipality=town)
            ids[key] = await create_specialist_profile(ids[f"{key}_user"], town)
        town = await Municipality.select(Municipality.id).where(Municipality.code == KALMAR).first()
        county = await County.select(County.id).where(County.code == "08").first()
        assert town is not None
        assert county is not None
        now = datetime.now(UTC)
        async with system_transaction(ConsultationRequest._meta.db):
            ids["meeting"] = await create_accepted_request(
                requester=ids["worker"],
                municipality=KALMAR,
                specialist=ids["specialist"],
                status=ConsultationStatus.BOOKED,
            )
            booking = Booking(
                specialist=ids["specialist"],
                request=ids["meeting"],
                origin_municipality=town["id"],
                starts_at=now + timedelta(days=20),
                ends_at=now + timedelta(days=20, minutes=45),
                status=BookingStatus.BOOKED,
                created_at=now,
            )
            await booking.save()
            ids["booking"] = int(booking.id)
            ids["written"] = await create_accepted_request(
                requester=ids["worker"],
                municipality=KALMAR,
                specialist=ids["specialist"],
                kind=ConsultationKind.WRITTEN,
                mode="written",
            )
            await ConsultationMessage(
                request=ids["written"],
                origin_municipality=town["id"],
                author=ids["worker"],
                body="Hur går vi vidare?",
                created_at=now,
            ).save()
            for key in ("offered", "declined"):
                ids[key] = await create_accepted_request(
                    requester=ids["worker"],
                    municipality=KALMAR,
                    specialist=ids["offered_to"],
                    status=ConsultationStatus.OFFERED,
                    assignment=AssignmentStatus.OFFERED,
                )
        round_ = AssignmentRound(
            county=county["id"], created_by=ids["coordinator"], created_at=now, unplaced=[]
        )
        await round_.save()
        ids["round"] = int(round_.id)
        return ids

    return asyncio.run(create())


@pytest.fixture(scope="module")
def client(world: dict[str, int]) -> Iterator[TestClient[Litestar]]:
    with app_client() as test_client:
        yield test_client


@dataclass(frozen=True)
class Probe:
    """One refused request: who asks, and where the object's id goes."""

    who: str
    method: str
    path: str
    target: str  # which object of the world: meeting, written, offered, booking, round
    body: dict[str, Any] | None = None
    form: dict[str, str] | None = None
    page: bool = False
    label: str = field(default="")


def _fill(value: Any, object_id: int) -> Any:
    if value == ID:
        return object_id
    if isinstance(value, str):
        return value.replace(ID, str(object_id))
    if isinstance(value, dict):
        return {k: _fill(v, object_id) for k, v in value.items()}
    return value


def _send(client: TestClient[Litestar], probe: Probe, object_id: int) -> Any:
    return client.request(
        probe.method,
        _fill(probe.path, object_id),
        json=_fill(probe.body, object_id),
        data=_fill(probe.form, object_id),
        follow_redirects=False,
    )


_SURVEY = {"helpful": 4, "changed_risk_assessment": False}
_DRAFT = {"area": "lvu_investigation", "summary": "Ändrad fråga", "version": 1}
API = "/api/v1/consultations/<id>"
PROBES = [
    Probe(FAR_WORKER, "GET", API, "meeting"),
    Probe(FAR_WORKER, "PUT", API, "meeting", body=_DRAFT),
    Probe(FAR_WORKER, "POST", f"{API}/submit", "meeting"),
    Probe(FAR_WORKER, "POST", f"{API}/cancel", "meeting", body={"reason": "Fel kommun"}),
    Probe(FAR_WORKER, "POST", f"{API}/complete", "meeting", body=_SURVEY),
    Probe(FAR_WORKER, "GET", f"{API}/suggestions", "offered"),
    Probe(FAR_WORKER, "POST", f"{API}/offer", "offered", body={}),
    Probe(FAR_WORKER, "GET", f"{API}/messages", "written"),
    Probe(FAR_WORKER, "POST", f"{API}/messages", "written", body={"body": "Hej"}),
    Probe(FAR_COORDINATOR, "GET", API, "meeting"),
    Probe(FAR_SPECIALIST, "GET", API, "offered"),
    Probe(FAR_SPECIALIST, "POST", f"{API}/accept", "offered"),
    Probe(FAR_SPECIALIST, "POST", f"{API}/decline", "offered", body={"reason": "Nej"}),
    Probe(FAR_SPECIALIST, "POST", f"{API}/time", "meeting", body={"minutes": 30}),
    Probe(FAR_WORKER, "POST", "/api/v1/bookings", "meeting", body={"request": ID, "start": LATER}),
    Probe(FAR_WORKER, "POST", "/api/v1/bookings/<id>/cancel", "booking", body={"reason": "x"}),
    Probe(
        FAR_WORKER,
        "POST",
        "/api/v1/bookings/<id>/reschedule",
        "booking",
        body={"start": LATER, "reason": "x"},
    ),
    Probe(FAR_SPECIALIST, "POST", "/api/v1/bookings/<id>/cancel", "booking", body={"reason": "x"}),
    Probe(FAR_COORDINATOR, "GET", "/api/v1/rounds/<id>", "round"),
    Probe(FAR_COORDINATOR, "GET", "/api/v1/rounds/<id>/problem", "round"),
    Probe(FAR_COORDINATOR, "POST", "/api/v1/rounds/<id>/commit", "round"),
    Probe(FAR_WORKER, "GET", "/consultations/<id>", "meeting", page=True),
    Probe(FAR_COORDINATOR, "GET", "/consultations/<id>", "written", page=True),
    Probe(
        FAR_WORKER, "POST", "/consultations/<id>/cancel", "meeting", form={"reason": "x"}, page=True
    ),
    Probe(
        FAR_WORKER, "POST", "/consultations/<id>/message", "written", form={"body": "x"}, page=True
    ),
    Probe(FAR_SPECIALIST, "POST", "/consultations/<id>/accept", "offered", page=True),
    Probe(
        FAR_WORKER,
        "POST",
        "/consultations/<id>/unbook",
        "booking",
        form={"booking": ID, "reason": "x"},
        page=True,
    ),
    Probe(FAR_COORDINATOR, "GET", "/rounds/<id>", "round", page=True),
]

_ALERT = re.compile(r'<div class="error" role="alert" data-testid="error">(.*?)</div>', re.S)


def _alert(text: str) -> str:
    found = _ALERT.search(text)
    assert found is not None, text[:500]
    return " ".join(found[1].split())


def test_each_object_is_there_for_its_own_side(
    client: TestClient[Litestar], world: dict[str, int]
) -> None:
    """The probes below refuse real objects, not broken ones."""
    sign_in(client, WORKER)
    for key in ("meeting", "written", "offered"):
        assert client.get(f"/api/v1/consultations/{world[key]}").status_code == 200, key
    assert client.get(f"/api/v1/consultations/{world['written']}/messages").status_code == 200
    assert client.get(f"/consultations/{world['meeting']}").status_code == 200
    sign_in(client, COORDINATOR)
    assert client.get(f"/api/v1/rounds/{world['round']}").status_code == 200
    sign_in(client, OFFERED)
    assert client.get(f"/api/v1/consultations/{world['offered']}").status_code == 200


@pytest.mark.parametrize(
    "probe", PROBES, ids=[f"{p.who.split('@')[0]}-{p.method}-{p.path}-{p.target}" for p in PROBES]
)
def test_another_municipalitys_object_answers_as_a_missing_one(
    client: TestClient[Litestar], world: dict[str, int], probe: Probe
) -> None:
    sign_in(client, probe.who)
    hidden = _send(client, probe, world[probe.target])
    missing = _send(client, probe, MISSING)
    assert hidden.status_code == 404, hidden.text[:500]
    assert missing.status_code == 404, missing.text[:500]
    if probe.page:
        assert _alert(hidden.text) == _alert(missing.text)
    else:
        assert hidden.json() == missing.json()
        assert hidden.json()["detail"].split(": ", 1)[1].startswith("no such ")


def _denials(client: TestClient[Litestar], actor: int) -> list[dict[str, Any]]:
    return list(
        in_app(
            client,
            lambda: (
                AuditEvent.select()
                .where((AuditEvent.actor_id == actor) & (AuditEvent.action == "access.denied"))
                .order_by(AuditEvent.id)
                .output(load_json=True)
            ),
        )
    )


@pytest.mark.parametrize(
    ("path", "target", "object_type"),
    [
        ("/api/v1/consultations/<id>", "meeting", "consultation"),
        ("/api/v1/consultations/<id>/messages", "written", "consultation_thread"),
        ("/consultations/<id>", "meeting", "consultation"),
    ],
)
def test_a_refused_read_is_audited_naming_the_object(
    client: TestClient[Litestar], world: dict[str, int], path: str, target: str, object_type: str
) -> None:
    sign_in(client, FAR_WORKER)
    before = len(_denials(client, world["far_worker"]))
    assert client.get(path.replace(ID, str(world[target]))).status_code == 404
    assert client.get(path.replace(ID, str(MISSING))).status_code == 404
    rows = _denials(client, world["far_worker"])[before:]
    assert len(rows) == 2, rows  # one each, kept although both requests failed
    hidden, missing = rows
    assert (hidden["object_type"], hidden["object_id"], hidden["outcome"]) == (
        object_type,
        str(world[target]),
        "denied",
    )
    assert hidden["detail"]["action"] == "consultation.read"
    # Nothing in the reader's own audit entries tells the two apart.
    assert (missing["object_type"], missing["object_id"]) == (object_type, str(MISSING))
    for key in ("municipality_code", "county_code", "detail", "outcome"):
        assert hidden[key] == missing[key], key
    assert hidden["municipality_code"] is None


def test_a_refused_booking_change_is_audited_naming_the_booking(
    client: TestClient[Litestar], world: dict[str, int]
) -> None:
    sign_in(client, FAR_WORKER)
    before = len(_denials(client, world["far_worker"]))
    response = client.post(
        f"/api/v1/bookings/{world['booking']}/cancel", json={"reason": "Inte vår"}
    )
    assert response.status_code == 404
    (row,) = _denials(client, world["far_worker"])[before:]
    assert (row["object_type"], row["object_id"]) == ("booking", str(world["booking"]))
    assert row["detail"]["action"] == "booking.write"

    async def status() -> Any:
        async with system_transaction(Booking._meta.db):  # past row-level security
            found = Booking.select(Booking.status).where(Booking.id == world["booking"])
            return await found.first()

    still = in_app(client, status)
    assert still is not None
    assert still["status"] == BookingStatus.BOOKED


def test_an_object_one_may_see_but_not_act_on_stays_a_403(
    client: TestClient[Litestar], world: dict[str, int]
) -> None:
    """The specialist holding the offer sees the request, but may neither log time on
    it (only once they have taken it) nor write in its thread: 403, audited naming the
    object and, since it is theirs to see, its place."""
    sign_in(client, OFFERED)
    before = len(_denials(client, world["offered_to_user"]))
    path = f"/api/v1/consultations/{world['offered']}"
    assert client.get(path).status_code == 200
    time = client.post(f"{path}/time", json={"minutes": 30})
    assert time.status_code == 403, time.text
    write = client.post(f"{path}/messages", json={"body": "Hej"})
    assert write.status_code == 403, write.text
    page = client.post(f"/consultations/{world['offered']}/message", data={"body": "Hej"})
    assert page.status_code == 403
    rows = _denials(client, world["offered_to_user"])[before:]
    assert [(r["object_type"], r["detail"]["action"]) for r in rows] == [
        ("consultation", "consultation.respond"),
        ("consultation_thread", "consultation.read"),
        ("consultation_thread", "consultation.read"),
    ]
    for row in rows:
        assert row["object_id"] == str(world["offered"])
        assert (row["municipality_code"], row["county_code"]) == (KALMAR, "08")
    # A route the role may not use at all is refused before any object is looked up.
    sign_in(client, WORKER)  # the requester may not answer the offer on their own request
    assert client.post(f"{path}/accept").status_code == 403


def test_a_declined_offer_is_no_longer_the_specialists_to_see(
    client: TestClient[Litestar], world: dict[str, int]
) -> None:
    sign_in(client, OFFERED)
    path = f"/api/v1/consultations/{world['declined']}"
    declined = client.post(f"{path}/decline", json={"reason": "Fullbokad"})
    assert declined.status_code == 200, declined.text
    again = client.get(path)
    assert again.status_code == 404
    assert again.json() == client.get(f"/api/v1/consultations/{MISSING}").json()
