"""Mentoring through the API on Västernorrland (county 22, which no other test
touches), as one story: a programme and a cohort, mentors and requests (each refusal
named), a round previewed both ways and committed, a late joiner matched without
disturbing committed pairs, meetings and the ladder's sign-off rules, the cohort's
progress as JSON and CSV, withdrawing."""

from __future__ import annotations

import asyncio
import csv
import io
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from network.accounts.tables import User
from network.audit.tables import AuditEvent
from network.lib.clock import today as stockholm_day
from network.lib.vocab import Role
from network.mentoring.tables import MentoringRequest
from network.notifications.tables import Notification
from tests.support import app_client, in_app, sign_in
from tests.support.cases import add_competence
from tests.support.people import create_specialist_profile, create_user

COORDINATOR = "men.coordinator@demo.invalid"  # county 22
SUNDSVALL_COORDINATOR = "men.sundsvall@demo.invalid"
SPECIALIST = "men.specialist@demo.invalid"  # Sundsvall
SENIOR = "men.senior@demo.invalid"  # Härnösand, 10 years
JUNIOR = "men.junior@demo.invalid"  # Timrå, 1 year
MENTEES = ("men.m1@demo.invalid", "men.m2@demo.invalid", "men.m3@demo.invalid")
LATE = "men.late@demo.invalid"  # Ånge
OUTSIDER = "men.outsider@demo.invalid"  # Ljusdal, county 21
SUNDSVALL, HARNOSAND, TIMRA, KRAMFORS, ANGE = "2281", "2280", "2262", "2282", "2260"
LVU, HBV = "lvu_investigation", "honour_based_violence"
STATE: dict[str, Any] = {}


@pytest.fixture(scope="module")
def world(migrated: None) -> dict[str, int]:
    async def create() -> dict[str, int]:
        ids = {
            COORDINATOR: await create_user(COORDINATOR, Role.COORDINATOR, county="22"),
            SUNDSVALL_COORDINATOR: await create_user(
                SUNDSVALL_COORDINATOR, Role.COORDINATOR, municipality=SUNDSVALL
            ),
            SPECIALIST: await create_user(SPECIALIST, Role.SPECIALIST, municipality=SUNDSVALL),
            SENIOR: await create_user(SENIOR, Role.SOCIAL_WORKER, municipality=HARNOSAND),
            JUNIOR: await create_user(JUNIOR, Role.SOCIAL_WORKER, municipality=TIMRA),
            LATE: await create_user(LATE, Role.SOCIAL_WORKER, municipality=ANGE),
            OUTSIDER: await create_user(OUTSIDER, Role.SOCIAL_WORKER, municipality="2161"),
        }
        for email, town in zip(MENTEES, (SUNDSVALL, TIMRA, KRAMFORS), strict=True):
            ids[email] = await create_user(email, Role.SOCIAL_WORKER, municipality=town)
        await User.update({User.years_in_profession: 10}).where(User.id == ids[SENIOR])
        await User.update({User.unit: "Barn och unga"}).where(
            User.id.is_in([ids[m] for m in MENTEES])
        )
        profile = await create_specialist_profile(ids[SPECIALIST], SUNDSVALL)
        await add_competence(profile, LVU, 3)
        return ids

    return asyncio.run(create())


@pytest.fixture(scope="module")
def client(world: dict[str, int]) -> Iterator[TestClient[Litestar]]:
    with app_client() as test_client:
        yield test_client


def _ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json()


def _refused(response: Any, status: int, field: str | None = None) -> None:
    assert response.status_code == status, response.text
    if field is not None:
        assert response.json()["errors"][0]["field"] == field


def _programme(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": "Introduktion Västernorrland",
        "county": "22",
        "start_date": "2026-08-01",
        "end_date": "2027-06-30",
    }
    body.update(changes)
    return body


def test_1_programme_and_cohort(client: TestClient[Litestar]) -> None:
    sign_in(client, SUNDSVALL_COORDINATOR)  # Sundsvall's own coordinator: not the whole county
    _refused(client.post("/api/v1/mentoring/programmes", json=_programme()), 403)
    sign_in(client, COORDINATOR)
    _refused(
        client.post("/api/v1/mentoring/programmes", json=_programme(end_date="2026-07-01")),
        400,
        "end_date",
    )
    _refused(
        client.post(
            "/api/v1/mentoring/programmes",
            json=_programme(county=None, municipalities=[SUNDSVALL, "2161"]),
        ),
        403,
    )
    _refused(client.post("/api/v1/mentoring/programmes", json=_programme(steps=[])), 400, "steps")
    programme = _ok(client.post("/api/v1/mentoring/programmes", json=_programme()), 201)
    assert programme["steps"][0] == "Medhandläggare"
    assert len(programme["steps"]) == 4
    assert programme["may_manage"] is True
    STATE["programme"] = programme["id"]
    path = f"/api/v1/mentoring/programmes/{programme['id']}/cohorts"
    _refused(
        client.post(
            path, json={"name": "Kull", "start_date": "2026-07-01", "end_date": "2026-12-31"}
        ),
        400,
        "start_date",
    )
    cohort = _ok(
        client.post(
            path, json={"name": "Höst 2026", "start_date": "2026-08-15", "end_date": "2027-06-30"}
        ),
        201,
    )
    STATE["cohort"] = cohort["id"]
    listed = _ok(client.get("/api/v1/mentoring/programmes", params={"municipality": KRAMFORS}))
    assert programme["id"] in [p["id"] for p in listed]
    assert programme["id"] not in [
        p["id"]
        for p in _ok(client.get("/api/v1/mentoring/programmes", params={"municipality": "2161"}))
    ]


def test_2_mentors_offer(client: TestClient[Litestar]) -> None:
    path = f"/api/v1/mentoring/programmes/{STATE['programme']}/mentor"
    sign_in(client, SPECIALIST)
    specialist = _ok(
        client.put(path, json={"areas": [LVU], "capacity": 1, "modes": ["video", "on_site"]})
    )
    assert specialist["specialist"] is True
    assert specialist["seats_left"] == 1
    sign_in(client, SENIOR)
    senior = _ok(client.put(path, json={"areas": [LVU, HBV], "capacity": 1, "modes": ["video"]}))
    assert senior["years"] == 10
    sign_in(client, JUNIOR)  # a social worker of one year may not mentor
    _refused(client.put(path, json={"areas": [LVU], "years": 1}), 400, "years")
    _refused(client.put(path, json={"areas": ["astrology"], "years": 8}), 400, "areas[0]")
    sign_in(client, OUTSIDER)
    _refused(client.put(path, json={"areas": [LVU], "years": 9}), 403)
    sign_in(client, COORDINATOR)  # coordinators do not take part themselves
    _refused(client.put(path, json={"areas": [LVU], "years": 9}), 403)
    STATE["specialist_offer"], STATE["senior_offer"] = specialist["id"], senior["id"]
    mentors = _ok(client.get(f"/api/v1/mentoring/programmes/{STATE['programme']}/mentors"))
    assert {m["id"] for m in mentors} == {specialist["id"], senior["id"]}


def _request(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "programme": STATE["programme"],
        "cohort": STATE["cohort"],
        "areas": [LVU],
        "mode": "video",
    }
    body.update(changes)
    return body


def test_3_mentees_ask(client: TestClient[Litestar]) -> None:
    specialist, senior = STATE["specialist_offer"], STATE["senior_offer"]
    wishes = ([specialist, senior], [specialist, senior], [senior, specialist])
    STATE["requests"] = []
    for email, wish in zip(MENTEES, wishes, strict=True):
        sign_in(client, email)
        made = _ok(client.post("/api/v1/mentoring/requests", json=_request(wishes=wish)), 201)
        assert made["status"] == "open"
        STATE["requests"].append(made["id"])
    _refused(client.post("/api/v1/mentoring/requests", json=_request()), 409, "programme")
    sign_in(client, LATE)
    _refused(client.post("/api/v1/mentoring/requests", json=_request(cohort=None)), 400, "cohort")
    _refused(
        client.post("/api/v1/mentoring/requests", json=_request(wishes=[999999])), 400, "wishes[0]"
    )
    _refused(
        client.post("/api/v1/mentoring/requests", json=_request(mode="carrier_pigeon")), 400, "mode"
    )
    sign_in(client, OUTSIDER)
    _refused(client.post("/api/v1/mentoring/requests", json=_request()), 403)


def test_4_a_mentor_ranks_applicants(client: TestClient[Litestar]) -> None:
    first, second, third = STATE["requests"]
    sign_in(client, SPECIALIST)
    applicants = _ok(client.get(f"/api/v1/mentoring/programmes/{STATE['programme']}/applicants"))
    assert {a["id"] for a in applicants} >= {first, second, third}
    ranked = _ok(
        client.put(
            f"/api/v1/mentoring/mentors/{STATE['specialist_offer']}/ranking",
            json={"ranking": [second, first]},
        )
    )
    assert ranked["ranking"] == [second, first]
    _refused(
        client.put(
            f"/api/v1/mentoring/mentors/{STATE['specialist_offer']}/ranking",
            json={"ranking": [999999]},
        ),
        400,
        "ranking[0]",
    )
    too_large = client.put(
        f"/api/v1/mentoring/mentors/{STATE['specialist_offer']}/ranking",
        json={"ranking": [2**70]},
    )
    assert too_large.status_code == 400  # not a server error
    sign_in(client, SENIOR)
    _refused(
        client.put(
            f"/api/v1/mentoring/mentors/{STATE['specialist_offer']}/ranking",
            json={"ranking": [first]},
        ),
        403,
    )
    sign_in(client, OUTSIDER)
    _refused(client.get(f"/api/v1/mentoring/programmes/{STATE['programme']}/applicants"), 403)


def test_5_a_round_previewed_both_ways_and_committed(
    client: TestClient[Litestar], world: dict[str, int]
) -> None:
    first, second, third = STATE["requests"]
    sign_in(client, SUNDSVALL_COORDINATOR)
    _refused(client.post(f"/api/v1/mentoring/cohorts/{STATE['cohort']}/rounds"), 403)
    sign_in(client, COORDINATOR)
    found = _ok(client.post(f"/api/v1/mentoring/cohorts/{STATE['cohort']}/rounds"), 201)
    for mode in ("welfare", "stable"):
        answer = found[mode]
        assert len(answer["pairs"]) == 2  # two mentors with one seat each
        assert len({p["offer"] for p in answer["pairs"]}) == 2
        assert [u["reason"] for u in answer["unmatched"]] == ["capacity_exhausted"]
    assert found["stable"]["blocking_pairs"] == []
    assert found["welfare"]["total_score"] >= found["stable"]["total_score"]
    # The specialist ranked the second mentee first, and both mentees wished for them:
    # in the stable answer the specialist gets the second mentee.
    stable = {p["request"]: p["offer"] for p in found["stable"]["pairs"]}
    assert stable[second] == STATE["specialist_offer"]

    committed = _ok(
        client.post(f"/api/v1/mentoring/rounds/{found['id']}/commit", json={"mode": "stable"})
    )
    assert committed["status"] == "committed"
    assert committed["chosen"] == "stable"
    _refused(
        client.post(f"/api/v1/mentoring/rounds/{found['id']}/commit", json={"mode": "welfare"}),
        409,
        "status",
    )
    _refused(
        client.post(f"/api/v1/mentoring/rounds/{found['id']}/commit", json={"mode": "best"}),
        400,
        "mode",
    )
    stored = in_app(
        client,
        lambda: (
            MentoringRequest.select(
                MentoringRequest.id, MentoringRequest.offer, MentoringRequest.status
            )
            .where(MentoringRequest.id.is_in([first, second, third]))
            .run()
        ),
    )
    assert {r["id"]: r["offer"] for r in stored if r["status"] == "matched"} == stable
    STATE["pairs"] = stable
    told = in_app(
        client,
        lambda: (
            Notification.select(Notification.recipient)
            .where(
                (Notification.kind == "mentoring.matched")
                & Notification.object_id.is_in(list(stable))
            )
            .run()
        ),
    )
    recipients = {row["recipient"] for row in told}
    assert world[SPECIALIST] in recipients
    assert world[SENIOR] in recipients
    assert {world[MENTEES[STATE["requests"].index(r)]] for r in stable} <= recipients


def test_5b_a_specialists_mentees_use_their_case_points(
    client: TestClient[Litestar], world: dict[str, int]
) -> None:
    """The mentees matched with the specialist's offer weigh 3 case points each
    (the national row) in their weekly load (network.specialists.workload)."""
    from network.lib.clock import today
    from network.specialists.tables import SpecialistProfile
    from network.specialists.workload import points_load

    theirs = [r for r, offer in STATE["pairs"].items() if offer == STATE["specialist_offer"]]
    assert theirs

    async def load() -> tuple[int, list[str]]:
        profile = (
            await SpecialistProfile.select(SpecialistProfile.id)
            .where(SpecialistProfile.user == world[SPECIALIST])
            .first()
        )
        assert profile is not None
        found = (await points_load([profile["id"]], today()))[profile["id"]]
        return found.used, sorted(work.ref for work, _ in found.items)

    used, refs = in_app(client, load)
    assert used == 3 * len(theirs)
    assert refs == sorted(f"mentee:{r}" for r in theirs)


def test_6_a_late_joiner_leaves_committed_pairs_alone(client: TestClient[Litestar]) -> None:
    sign_in(client, LATE)
    late = _ok(client.post("/api/v1/mentoring/requests", json=_request(areas=[HBV])), 201)
    sign_in(client, COORDINATOR)
    _refused(
        client.post(f"/api/v1/mentoring/requests/{late['id']}/match"), 409, "request"
    )  # no seat
    sign_in(client, SENIOR)
    _ok(
        client.put(
            f"/api/v1/mentoring/programmes/{STATE['programme']}/mentor",
            json={"areas": [LVU, HBV], "capacity": 2},
        )
    )
    before = in_app(
        client,
        lambda: (
            MentoringRequest.select(
                MentoringRequest.id, MentoringRequest.offer, MentoringRequest.matched_at
            )
            .where(MentoringRequest.id.is_in(list(STATE["pairs"])))
            .run()
        ),
    )
    sign_in(client, COORDINATOR)
    matched = _ok(client.post(f"/api/v1/mentoring/requests/{late['id']}/match"))
    assert matched["status"] == "matched"
    assert matched["offer"] == STATE["senior_offer"]
    after = in_app(
        client,
        lambda: (
            MentoringRequest.select(
                MentoringRequest.id, MentoringRequest.offer, MentoringRequest.matched_at
            )
            .where(MentoringRequest.id.is_in(list(STATE["pairs"])))
            .run()
        ),
    )
    assert after == before
    _refused(client.post(f"/api/v1/mentoring/requests/{late['id']}/match"), 409, "status")


def test_7_meetings_and_the_ladder(client: TestClient[Litestar]) -> None:
    request = next(r for r, o in STATE["pairs"].items() if o == STATE["specialist_offer"])
    mentee = MENTEES[STATE["requests"].index(request)]
    path = f"/api/v1/mentoring/pairs/{request}"
    today = stockholm_day()
    meeting = {
        "held_on": today.isoformat(),
        "minutes": 60,
        "themes": ["documentation", "court_and_lvu"],
    }
    sign_in(client, mentee)
    _refused(client.post(f"{path}/meetings", json=meeting), 403)
    _refused(client.post(f"{path}/signoffs", json={"step": 1}), 403)
    sign_in(client, SPECIALIST)
    _refused(
        client.post(
            f"{path}/meetings", json={**meeting, "held_on": (today + timedelta(days=2)).isoformat()}
        ),
        400,
        "held_on",
    )
    _refused(
        client.post(f"{path}/meetings", json={**meeting, "themes": ["the family's address"]}),
        400,
        "themes[0]",
    )
    _refused(client.post(f"{path}/meetings", json={**meeting, "minutes": 5}), 400, "minutes")
    pair = _ok(client.post(f"{path}/meetings", json=meeting), 201)
    assert pair["minutes"] == 60
    assert pair["last_met"] == today.isoformat()
    assert pair["may_sign"] == 1
    _refused(client.post(f"{path}/signoffs", json={"step": 2}), 400, "step")  # in order
    _refused(client.post(f"{path}/signoffs", json={"step": 5}), 400, "step")  # four steps
    pair = _ok(client.post(f"{path}/signoffs", json={"step": 1}), 201)
    assert pair["steps_signed"] == 1
    assert pair["steps"][0]["signed_by"] == SPECIALIST.split("@")[0]
    assert pair["may_sign"] == 2
    _refused(client.post(f"{path}/signoffs", json={"step": 1}), 409, "step")
    sign_in(client, COORDINATOR)  # coordinators follow the ladder but never sign it
    _refused(client.post(f"{path}/signoffs", json={"step": 2}), 403)
    sign_in(client, mentee)
    seen = _ok(client.get(path))
    assert seen["steps_signed"] == 1
    assert seen["may_sign"] is None
    assert seen["mentor_name"] == SPECIALIST.split("@")[0]
    sign_in(client, OUTSIDER)
    _refused(client.get(path), 403)


def test_8_progress_flags_quiet_pairs_and_exports_csv(client: TestClient[Litestar]) -> None:
    quiet = next(r for r, o in STATE["pairs"].items() if o == STATE["senior_offer"])
    long_ago = datetime.now(UTC) - timedelta(weeks=8)
    in_app(
        client,
        lambda: (
            MentoringRequest.update({MentoringRequest.matched_at: long_ago})
            .where(MentoringRequest.id == quiet)
            .run()
        ),
    )
    sign_in(client, COORDINATOR)
    progress = _ok(client.get(f"/api/v1/mentoring/cohorts/{STATE['cohort']}/progress"))
    by_request = {p["request"]: p for p in progress}
    assert by_request[quiet]["stale"] is True  # six weeks is the default
    active = next(r for r, o in STATE["pairs"].items() if o == STATE["specialist_offer"])
    assert by_request[active]["stale"] is False
    export = client.get(
        f"/api/v1/mentoring/cohorts/{STATE['cohort']}/progress", params={"format": "csv"}
    )
    assert export.status_code == 200
    assert export.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(export.text)))
    assert len(rows) == len(progress)
    row = next(r for r in rows if r["mentor"] == SPECIALIST.split("@")[0])
    assert row["steps_signed"] == "1"
    assert row["steps_total"] == "4"
    assert row["current_step"] == "Medhandläggare"
    assert row["minutes"] == "60"
    assert {r["stale"] for r in rows} == {"yes", "no"}
    sign_in(client, SPECIALIST)
    _refused(client.get(f"/api/v1/mentoring/cohorts/{STATE['cohort']}/progress"), 403)


def test_9_withdrawing_ends_the_pair(client: TestClient[Litestar]) -> None:
    request = next(r for r, o in STATE["pairs"].items() if o == STATE["specialist_offer"])
    mentee = MENTEES[STATE["requests"].index(request)]
    sign_in(client, SENIOR)
    _refused(client.post(f"/api/v1/mentoring/requests/{request}/withdraw"), 403)
    sign_in(client, mentee)
    withdrawn = _ok(client.post(f"/api/v1/mentoring/requests/{request}/withdraw"))
    assert withdrawn["status"] == "withdrawn"
    sign_in(client, SPECIALIST)
    meeting = {"held_on": stockholm_day().isoformat(), "minutes": 30, "themes": ["documentation"]}
    _refused(
        client.post(f"/api/v1/mentoring/pairs/{request}/meetings", json=meeting), 409, "status"
    )
    mentors = _ok(client.get(f"/api/v1/mentoring/programmes/{STATE['programme']}/mentors"))
    assert next(m for m in mentors if m["id"] == STATE["specialist_offer"])["seats_left"] == 1
    actions = in_app(
        client,
        lambda: (
            AuditEvent.select(AuditEvent.action).where(AuditEvent.action.like("mentoring.%")).run()
        ),
    )
    assert {a["action"] for a in actions} >= {
        "mentoring.programme_create",
        "mentoring.cohort_create",
        "mentoring.offer_save",
        "mentoring.request_create",
        "mentoring.ranking_save",
        "mentoring.round_preview",
        "mentoring.round_commit",
        "mentoring.match",
        "mentoring.meeting_record",
        "mentoring.step_signoff",
        "mentoring.progress_read",
        "mentoring.request_withdraw",
    }
