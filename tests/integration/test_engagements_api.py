"""Co-handling engagements (issue 22) through the API: a social worker in a small
municipality asks for co-handling that an agreement allows, sees it matched (only
under agreements that allow co-handling), the specialist accepts and the engagement
opens; its meetings are booked from free slots (never twice), its phases move one at
a time (others refused with 409 naming ``phase``), its thread and time log pass the
guard, another municipality cannot see it, a stand-in takes it over while the
specialist is away, and the close-out survey closes it; its time is settled between
the municipalities. Refused, naming why, where no agreement allows co-handling."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from network.audit.tables import AuditEvent
from network.consultations.followup import follow_up
from network.consultations.tables import ConsultationRequest
from network.directory.tables import (
    AgreementArea,
    AgreementMunicipality,
    Municipality,
    SharingAgreement,
)
from network.engagements.handover import hand_over_absent
from network.engagements.tables import Engagement, EngagementTime
from network.engagements.workload import open_engagements
from network.lib.vocab import AgreementScope, LegalForm, Role
from network.scheduling import STOCKHOLM
from network.specialists.tables import Absence
from network.specialists.workload import points_load
from tests.support import SharedApp, in_app, in_app_seeing_all, sign_in
from tests.support.cases import add_competence, add_weekly_hours, area_id
from tests.support.context import bare_runtime
from tests.support.people import create_specialist_profile, create_user

AREA = "lvu_investigation"
ORSA, MORA, RATTVIK, ALVDALEN, VANSBRO = "2034", "2062", "2031", "2039", "2021"
WORKER = "eng.worker@demo.invalid"  # Orsa: no LVU specialist of its own
FAR_WORKER = "eng.alvdalen@demo.invalid"  # Älvdalen: no agreement allowing co-handling
OTHER_WORKER = "eng.vansbro@demo.invalid"  # Vansbro: another municipality
SPECIALIST = "eng.specialist@demo.invalid"  # Mora, under the co-handling agreement
STAND_IN = "eng.standin@demo.invalid"  # Mora
SECOND = "eng.second@demo.invalid"  # Mora
CONSULTANT = "eng.consultant@demo.invalid"  # Rättvik, under a consultation-only agreement
COORDINATOR = "eng.coordinator@demo.invalid"  # Orsa
ANALYST = "eng.analyst@demo.invalid"  # Dalarna
SUMMARY = "LVU-utredning inledd om tonåring; vi behöver en medhandläggare med erfarenhet."
PERSONNUMMER = "Pojken har personnummer 19121212-1212."


async def _pair(a: str, b: str, scope: AgreementScope) -> None:
    deal = SharingAgreement(
        name=f"{a}+{b}: {AREA}",
        legal_form=LegalForm.AGREEMENT,
        scope=scope,
        valid_from=date(2026, 1, 1),
        created_at=datetime.now(UTC),
    )
    await deal.save()
    await AgreementArea(agreement=deal.id, area=await area_id(AREA)).save()
    for code in (a, b):
        town = await Municipality.select(Municipality.id).where(Municipality.code == code).first()
        assert town is not None
        await AgreementMunicipality(agreement=deal.id, municipality=town["id"]).save()


@pytest.fixture(scope="module")
def ids(migrated: None) -> dict[str, int]:
    async def create() -> dict[str, int]:
        await _pair(ORSA, MORA, AgreementScope.CO_HANDLING)
        await _pair(ORSA, RATTVIK, AgreementScope.CONSULTATION)
        await create_user(WORKER, Role.SOCIAL_WORKER, municipality=ORSA)
        await create_user(FAR_WORKER, Role.SOCIAL_WORKER, municipality=ALVDALEN)
        await create_user(OTHER_WORKER, Role.SOCIAL_WORKER, municipality=VANSBRO)
        await create_user(COORDINATOR, Role.COORDINATOR, municipality=ORSA)
        await create_user(ANALYST, Role.ANALYST, county="20")
        found = {}
        for key, email, home in (
            ("specialist", SPECIALIST, MORA),
            ("stand_in", STAND_IN, MORA),
            ("second", SECOND, MORA),
            ("consultant", CONSULTANT, RATTVIK),
        ):
            user = await create_user(email, Role.SPECIALIST, municipality=home)
            found[key] = await create_specialist_profile(user, home)
            await add_competence(found[key], AREA, 3)
            await add_weekly_hours(found[key], range(7), time(8), time(17))
        return found

    return asyncio.run(create())


@pytest.fixture
def client(ids: dict[str, int], shared_app: SharedApp) -> TestClient[Litestar]:
    return shared_app.client()


def _ask(client: TestClient[Litestar], **extra: Any) -> Any:
    return client.post(
        "/api/v1/consultations",
        json={"area": AREA, "summary": SUMMARY, "kind": "co_handling", "submit": True, **extra},
    )


def test_refused_where_no_agreement_allows_co_handling(client: TestClient[Litestar]) -> None:
    sign_in(client, FAR_WORKER)
    refused = _ask(client)
    assert refused.status_code == 400, refused.text
    problem = refused.json()["errors"][0]
    assert problem["field"] == "kind"
    assert "co-handling" in problem["message"]
    # A consultation of the same kind of question is not refused there.
    assert _ask(client, kind="meeting").status_code == 201


def test_the_done_when_path_through_the_api(
    client: TestClient[Litestar], ids: dict[str, int]
) -> None:
    sign_in(client, WORKER)
    asked = _ask(client, urgency="soon")
    assert asked.status_code == 201, asked.text
    request_id = asked.json()["id"]
    assert asked.json()["kind"] == "co_handling"
    found = client.get(f"/api/v1/consultations/{request_id}/suggestions").json()
    suggested = {s["specialist"] for s in found}
    # Only under the agreement that allows co-handling, not the consultation-only one.
    assert ids["specialist"] in suggested
    assert ids["consultant"] not in suggested
    assert all(s["agreement"] is not None for s in found)
    refused_offer = client.post(
        f"/api/v1/consultations/{request_id}/offer", json={"specialist": ids["consultant"]}
    )
    assert refused_offer.status_code == 409
    assert refused_offer.json()["errors"][0]["field"] == "specialist"
    offered = client.post(
        f"/api/v1/consultations/{request_id}/offer", json={"specialist": ids["specialist"]}
    )
    assert offered.json()["status"] == "offered", offered.text

    sign_in(client, SPECIALIST)
    plain = client.post(f"/api/v1/consultations/{request_id}/accept")
    assert plain.status_code == 409  # a co-handling offer opens an engagement
    assert plain.json()["errors"][0]["field"] == "kind"
    opened = client.post("/api/v1/engagements", json={"request": request_id})
    assert opened.status_code == 201, opened.text
    engagement = opened.json()
    eid = engagement["id"]
    assert engagement["phase"] == "investigation_opened"
    assert engagement["next_phases"] == ["risk_assessment"]
    assert engagement["specialist_side"] is True
    assert date.fromisoformat(engagement["expected_end"]) > date.today() + timedelta(days=100)

    # The request's time, close-out and end are its engagement's now.
    time_on_request = client.post(f"/api/v1/consultations/{request_id}/time", json={"minutes": 5})
    assert time_on_request.status_code == 409
    assert time_on_request.json()["errors"][0]["field"] == "kind"

    # Meetings from the specialist's free slots, never the same one twice.
    slots = client.get(f"/api/v1/engagements/{eid}/slots").json()
    assert len(slots) >= 4
    first = client.post(f"/api/v1/engagements/{eid}/meetings", json={"start": slots[0]["start"]})
    assert first.status_code == 201, first.text
    again = client.post(f"/api/v1/engagements/{eid}/meetings", json={"start": slots[0]["start"]})
    assert again.status_code == 409
    assert again.json()["errors"][0]["field"] == "start"
    sign_in(client, WORKER)
    second = client.post(f"/api/v1/engagements/{eid}/meetings", json={"start": slots[1]["start"]})
    assert second.status_code == 201, second.text
    assert len(client.get(f"/api/v1/engagements/{eid}").json()["meetings"]) == 2
    # A meeting is moved or cancelled as any booking; the engagement's request stays.
    moved_to = client.post(
        f"/api/v1/bookings/{second.json()['id']}/reschedule",
        json={"start": slots[2]["start"], "reason": "Krock med domstolen"},
    )
    assert moved_to.status_code == 201, moved_to.text
    extra = client.post(f"/api/v1/engagements/{eid}/meetings", json={"start": slots[3]["start"]})
    assert extra.status_code == 201, extra.text
    cancelled = client.post(
        f"/api/v1/bookings/{extra.json()['id']}/cancel", json={"reason": "Behövs inte"}
    )
    assert cancelled.status_code in (200, 201, 204), cancelled.text
    assert client.get(f"/api/v1/consultations/{request_id}").json()["status"] == "accepted"
    assert len(client.get(f"/api/v1/engagements/{eid}").json()["meetings"]) == 2
    # The meetings are bookings in the specialist's week: the slots are taken.
    left = {s["start"] for s in client.get(f"/api/v1/engagements/{eid}/slots").json()}
    assert slots[0]["start"] not in left
    assert slots[2]["start"] not in left

    complete = client.post(
        f"/api/v1/consultations/{request_id}/complete",
        json={"helpful": 4, "changed_risk_assessment": False},
    )
    assert complete.status_code == 409
    withdraw = client.post(f"/api/v1/consultations/{request_id}/cancel", json={"reason": "x"})
    assert withdraw.status_code == 409

    # Phases: one at a time, forwards; closed only with the survey.
    skip = client.put(f"/api/v1/engagements/{eid}/phase", json={"phase": "decision"})
    assert skip.status_code == 409
    assert skip.json()["errors"][0]["field"] == "phase"
    assert skip.json()["errors"][0]["allowed"] == ["risk_assessment"]
    bad = client.put(f"/api/v1/engagements/{eid}/phase", json={"phase": "somewhere"})
    assert bad.status_code == 400
    moved = client.put(f"/api/v1/engagements/{eid}/phase", json={"phase": "risk_assessment"})
    assert moved.status_code == 200, moved.text
    assert [p["phase"] for p in moved.json()["phases"]] == [
        "investigation_opened",
        "risk_assessment",
    ]
    back = client.put(f"/api/v1/engagements/{eid}/phase", json={"phase": "investigation_opened"})
    assert back.status_code == 409

    # The guard on every text.
    leaked = client.post(f"/api/v1/engagements/{eid}/messages", json={"body": PERSONNUMMER})
    assert leaked.status_code == 400
    assert leaked.json()["errors"][0]["field"] == "body"
    said = client.post(
        f"/api/v1/engagements/{eid}/messages", json={"body": "Riskbedömningen är påbörjad."}
    )
    assert said.status_code == 201, said.text
    assert said.json()["from_specialist"] is False
    assert client.post(f"/api/v1/engagements/{eid}/time", json={"minutes": 30}).status_code == 403

    sign_in(client, SPECIALIST)
    phone = client.post(
        f"/api/v1/engagements/{eid}/time", json={"minutes": 90, "note": "Ring 070-123 45 67"}
    )
    assert phone.status_code == 400
    assert phone.json()["errors"][0]["field"] == "note"
    logged = client.post(
        f"/api/v1/engagements/{eid}/time", json={"minutes": 90, "note": "Läste utredningen."}
    )
    assert logged.status_code == 201, logged.text
    too_long = client.post(f"/api/v1/engagements/{eid}/time", json={"minutes": 2000})
    assert too_long.status_code == 400
    answer = client.post(f"/api/v1/engagements/{eid}/messages", json={"body": "Vi ses på mötet."})
    assert answer.json()["from_specialist"] is True
    assert client.get(f"/api/v1/engagements/{eid}").json()["minutes_logged"] == 90

    # Another municipality's social worker sees nothing of it.
    sign_in(client, OTHER_WORKER)
    assert client.get(f"/api/v1/engagements/{eid}").status_code == 404
    assert eid not in [e["id"] for e in client.get("/api/v1/engagements").json()]
    assert (
        client.post(f"/api/v1/engagements/{eid}/messages", json={"body": "Hej"}).status_code == 404
    )

    # Handover: refused while the specialist is present; then to the stand-in.
    sign_in(client, WORKER)
    present = client.post(f"/api/v1/engagements/{eid}/handover")
    assert present.status_code == 409
    assert present.json()["errors"][0]["field"] == "specialist"

    async def away() -> None:
        now = datetime.now(UTC)
        await Absence(
            specialist=ids["specialist"],
            stand_in=ids["stand_in"],
            reason="sick_leave",
            starts_at=now - timedelta(hours=1),
            ends_at=now + timedelta(days=30),
            created_at=now,
        ).save()

    in_app(client, away)
    handed = client.post(f"/api/v1/engagements/{eid}/handover")
    assert handed.status_code == 201, handed.text
    after = handed.json()
    assert after["specialist"] == ids["stand_in"]
    assert after["handovers"][0]["from_specialist"] == ids["specialist"]
    assert after["meetings"] == []  # the absent specialist's meetings ahead are cancelled
    sign_in(client, STAND_IN)
    assert client.get(f"/api/v1/engagements/{eid}").json()["specialist_side"] is True
    sign_in(client, SPECIALIST)
    assert client.get(f"/api/v1/engagements/{eid}").status_code == 404

    # Workload: the stand-in holds an open engagement now.
    now = datetime.now(UTC)
    held = in_app(
        client,
        lambda: open_engagements(
            [ids["stand_in"], ids["specialist"]], now - timedelta(days=1), now + timedelta(days=1)
        ),
    )
    assert [(e.specialist, e.engagement, e.urgency, e.area) for e in held] == [
        (ids["stand_in"], eid, "soon", AREA)
    ]
    # ... and its case points are in the stand-in's budget, no longer the absent one's.
    loads = in_app(client, lambda: points_load([ids["stand_in"], ids["specialist"]], now.date()))
    assert [w.ref for w, _ in loads[ids["stand_in"]].items] == [f"engagement:{eid}"]
    assert loads[ids["stand_in"]].items[0][1] > 0
    assert all(w.kind != "co_handling" for w, _ in loads[ids["specialist"]].items)

    # On to the decision, then the close-out.
    sign_in(client, WORKER)
    early = client.post(
        f"/api/v1/engagements/{eid}/close", json={"helpful": 5, "changed_risk_assessment": True}
    )
    assert early.status_code == 409
    for phase in ("parent_communication", "decision"):
        step = client.put(f"/api/v1/engagements/{eid}/phase", json={"phase": phase})
        assert step.status_code == 200, step.text
    shut = client.put(f"/api/v1/engagements/{eid}/phase", json={"phase": "closed"})
    assert shut.status_code == 409
    closed = client.post(
        f"/api/v1/engagements/{eid}/close",
        json={"helpful": 5, "changed_risk_assessment": True, "placement_avoided": True},
    )
    assert closed.status_code == 200, closed.text
    assert closed.json()["phase"] == "closed"
    assert closed.json()["survey"]["helpful"] == 5
    assert client.get(f"/api/v1/consultations/{request_id}").json()["status"] == "completed"
    late = client.post(f"/api/v1/engagements/{eid}/messages", json={"body": "En sak till."})
    assert late.status_code == 409
    status = in_app_seeing_all(
        client,
        lambda: (
            ConsultationRequest.select(ConsultationRequest.status)
            .where(ConsultationRequest.id == request_id)
            .first()
        ),
    )
    assert status["status"] == "completed"
    closed_now = in_app(
        client,
        lambda: open_engagements(
            [ids["stand_in"]], datetime.now(UTC) + timedelta(days=1), now + timedelta(days=2)
        ),
    )
    assert closed_now == []

    # The time logged is settled: Mora gives, Orsa receives.
    sign_in(client, COORDINATOR)
    month = datetime.now(STOCKHOLM).strftime("%Y-%m")
    lines = client.get("/api/v1/engagements/settlement", params={"month": month}).json()
    line = next(x for x in lines if (x["giver"], x["receiver"]) == (MORA, ORSA))
    assert (line["engagements"], line["minutes"], line["amount"]) == (1, 90, 1500)


def test_the_done_when_path_through_the_pages(
    client: TestClient[Litestar], ids: dict[str, int]
) -> None:
    sign_in(client, FAR_WORKER)
    form = {"area": AREA, "summary": SUMMARY, "kind": "co_handling", "mode": "video"}
    refused = client.post(
        "/consultations/new?lang=sv", data={**form, "submit": "1"}, follow_redirects=False
    )
    assert refused.status_code == 400
    assert "Inget samverkansavtal tillåter medhandläggning" in refused.text
    assert SUMMARY in refused.text  # the draft is kept as typed
    assert 'value="co_handling" selected' in refused.text

    sign_in(client, WORKER)
    assert 'value="co_handling" selected' in client.get("/consultations/new?kind=co_handling").text
    made = client.post("/consultations/new", data={**form, "submit": "1"}, follow_redirects=False)
    assert made.status_code == 303, made.text
    request_id = int(made.headers["location"].split("/")[2].split("?")[0])
    offered = client.post(
        f"/api/v1/consultations/{request_id}/offer", json={"specialist": ids["stand_in"]}
    )
    assert offered.json()["status"] == "offered", offered.text

    sign_in(client, STAND_IN)
    offer_page = client.get(f"/consultations/{request_id}")
    assert f'action="/engagements/accept/{request_id}"' in offer_page.text
    accepted = client.post(f"/engagements/accept/{request_id}", follow_redirects=False)
    assert accepted.status_code == 303
    page_url = accepted.headers["location"]
    assert page_url.endswith("?notice=opened")
    eid = int(page_url.split("/")[2].split("?")[0])
    page = client.get(f"{page_url}&lang=sv")
    assert page.status_code == 200
    assert "Du har tackat ja till medhandläggningen" in page.text
    assert 'aria-current="step"' in page.text
    assert "Utredning inledd" in page.text
    assert "Gå vidare till: Riskbedömning" in page.text

    # A refused step keeps the page with an error summary; a good one moves on.
    skipped = client.post(f"/engagements/{eid}/phase?lang=sv", data={"phase": "decision"})
    assert skipped.status_code == 409
    assert "en fas i taget" in skipped.text
    moved = client.post(
        f"/engagements/{eid}/phase", data={"phase": "risk_assessment"}, follow_redirects=False
    )
    assert moved.status_code == 303

    # The guard marks the finding in place and keeps the text.
    leaked = client.post(f"/engagements/{eid}/messages", data={"body": PERSONNUMMER})
    assert leaked.status_code == 400
    assert "<mark>19121212-1212</mark>" in leaked.text
    note = client.post(
        f"/engagements/{eid}/time", data={"minutes": "45", "note": "Mejla a.b@kommun.se"}
    )
    assert note.status_code == 400
    assert "Mejla" in note.text
    logged = client.post(
        f"/engagements/{eid}/time", data={"minutes": "45", "note": ""}, follow_redirects=False
    )
    assert logged.status_code == 303

    # Book a meeting from the free slots shown.
    shown = client.get(f"/engagements/{eid}").text
    assert 'data-testid="slot-1"' in shown
    start = shown.split('name="start" value="')[1].split('"')[0]
    booked = client.post(
        f"/engagements/{eid}/meetings", data={"start": start}, follow_redirects=False
    )
    assert booked.status_code == 303
    assert "?notice=booked" in booked.headers["location"]

    # The social worker's list, the link from the request, and the close-out.
    sign_in(client, WORKER)
    listed = client.get("/engagements?lang=sv")
    assert f'href="/engagements/{eid}"' in listed.text
    assert "Riskbedömning" in listed.text
    linked = client.get(f"/engagements/by-request/{request_id}", follow_redirects=False)
    assert linked.headers["location"] == f"/engagements/{eid}"
    for phase in ("decision",):
        client.post(f"/engagements/{eid}/phase", data={"phase": phase})
    ready = client.get(f"/engagements/{eid}?lang=en")
    assert 'data-testid="survey"' in ready.text
    closed = client.post(
        f"/engagements/{eid}/close",
        data={"helpful": "4", "changed_risk_assessment": "yes", "referral_made": "none"},
        follow_redirects=False,
    )
    assert closed.status_code == 303
    done = client.get(closed.headers["location"] + "&lang=en")
    assert "The engagement is closed. Thank you for answering the survey." in done.text
    assert 'data-testid="survey-done"' in done.text

    sign_in(client, OTHER_WORKER)
    assert client.get(f"/engagements/{eid}").status_code == 404


def test_coverage_shows_co_handling_supply_and_demand(client: TestClient[Litestar]) -> None:
    sign_in(client, FAR_WORKER)
    assert _ask(client, kind="meeting").status_code == 201  # demand, but not for co-handling
    sign_in(client, WORKER)
    assert _ask(client).status_code == 201

    sign_in(client, ANALYST)

    def rows(service: str) -> dict[str, Any]:
        found = client.get(
            "/api/v1/coverage", params={"county": "20", "area": AREA, "service": service}
        )
        assert found.status_code == 200, found.text
        return {r["municipality"]: r for r in found.json()}

    co, consultation = rows("co_handling"), rows("consultation")
    assert co[ORSA]["status"] == "shared"
    # Rättvik's agreement is for consultation only.
    assert [p["municipality"] for p in co[ORSA]["providers"]] == [MORA]
    assert sorted(p["municipality"] for p in consultation[ORSA]["providers"]) == [RATTVIK, MORA]
    assert co[ALVDALEN]["status"] == "none"
    # Demand for co-handling counts the requests for co-handling only (1-4: suppressed).
    assert co[ALVDALEN]["requests"] == 0
    assert co[ALVDALEN]["suppressed"] is False
    assert consultation[ALVDALEN]["suppressed"] is True
    assert co[ORSA]["suppressed"] is True
    page = client.get(
        "/coverage/gaps", params={"county": "20", "area": AREA, "service": "co_handling"}
    )
    assert page.status_code == 200
    assert 'data-testid="co-handling-note"' in page.text
    trends = client.get(
        "/api/v1/coverage/trends", params={"county": "20", "area": AREA, "service": "co_handling"}
    )
    assert trends.status_code == 200, trends.text


def test_an_absent_specialists_engagement_passes_to_a_stand_in_who_may_co_handle(
    client: TestClient[Litestar], ids: dict[str, int]
) -> None:
    sign_in(client, WORKER)
    request_id = _ask(client).json()["id"]
    offered = client.post(
        f"/api/v1/consultations/{request_id}/offer", json={"specialist": ids["second"]}
    )
    assert offered.json()["offered_to"] == ids["second"], offered.text
    sign_in(client, SECOND)
    eid = client.post("/api/v1/engagements", json={"request": request_id}).json()["id"]

    def away(stand_in: int) -> None:
        async def write() -> None:
            now = datetime.now(UTC)
            await Absence.delete().where(Absence.specialist == ids["second"])
            await Absence(
                specialist=ids["second"],
                stand_in=stand_in,
                reason="holiday",
                starts_at=now - timedelta(hours=1),
                ends_at=now + timedelta(days=7),
                created_at=now,
            ).save()

        in_app(client, write)

    def holder() -> int:
        row = in_app_seeing_all(
            client,
            lambda: Engagement.select(Engagement.specialist).where(Engagement.id == eid).first(),
        )
        return int(row["specialist"])

    # Rättvik's specialist stands in, but only a consultation agreement reaches Orsa.
    away(ids["consultant"])
    in_app(client, lambda: hand_over_absent(bare_runtime()))
    assert holder() == ids["second"]
    sign_in(client, WORKER)
    refused = client.post(f"/api/v1/engagements/{eid}/handover")
    assert refused.status_code == 409
    assert "may not co-handle" in refused.json()["errors"][0]["message"]

    away(ids["stand_in"])  # Mora's, under the agreement that allows co-handling
    assert in_app(client, lambda: hand_over_absent(bare_runtime())) >= 1
    assert holder() == ids["stand_in"]
    audited = in_app_seeing_all(
        client,
        lambda: AuditEvent.select(AuditEvent.detail).where(
            (AuditEvent.action == "engagement.handover") & (AuditEvent.object_id == str(eid))
        ),
    )
    assert len(audited) == 1
    sign_in(client, STAND_IN)
    assert client.get(f"/api/v1/engagements/{eid}").json()["specialist_side"] is True
    told = client.get("/api/v1/notifications").json()
    assert any(
        n["kind"] == "engagement.handover" and n["link"] == f"/engagements/{eid}" for n in told
    ), told


def test_retention_purges_closed_engagements_with_their_parts(
    client: TestClient[Litestar], ids: dict[str, int]
) -> None:
    """Closed engagements go with their request once the retention period has passed
    (this module's: other modules of the run keep engagements of their own)."""
    ours = sorted(ids.values())

    async def closed_ones() -> list[int]:
        rows = await Engagement.select(Engagement.id).where(
            Engagement.closed_at.is_not_null() & Engagement.specialist.is_in(ours)
        )
        return [row["id"] for row in rows]

    closed = in_app_seeing_all(client, closed_ones)
    assert closed  # the ones the tests above closed
    later = datetime.now(UTC) + timedelta(days=800)
    in_app(client, lambda: follow_up(bare_runtime(), now=later, retention_days=730))

    async def left() -> tuple[int, int, int]:
        return (
            await Engagement.count().where(Engagement.id.is_in(closed)),
            await EngagementTime.count().where(EngagementTime.engagement.is_in(closed)),
            await Engagement.count().where(
                Engagement.closed_at.is_null() & Engagement.specialist.is_in(ours)
            ),
        )

    gone, times, still_open = in_app_seeing_all(client, left)
    assert (gone, times) == (0, 0)
    assert still_open >= 1  # an open engagement is never purged
