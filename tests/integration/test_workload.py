"""One budget of case points over every kind of work (network.specialists.workload):
accepting an offer up to exactly full is allowed and one point over is refused,
naming the points; two takers of the last points at once: one is refused; rounds
keep each specialist's points (a generalized assignment when the points differ)
and a commit withdraws proposals that no longer fit; suggestions and named offers
leave out specialists without the points; the points table is kept by the
county's coordinators; the pages show load against capacity, with a warning.

Göteborg's county (14), which no other test uses.
"""

from __future__ import annotations

import asyncio
from datetime import time
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from network.accounts.principals import load_principal
from network.consultations import responses
from network.lib.clock import today
from network.lib.errors import Conflict
from network.lib.vocab import AssignmentStatus, ConsultationStatus, Role
from network.specialists.tables import SpecialistProfile
from network.specialists.workload import points_load
from tests.support import SharedApp, in_app, sign_in
from tests.support.cases import add_competence, add_weekly_hours
from tests.support.context import context_of
from tests.support.people import create_specialist_profile, create_user

AREA = "honour_based_violence"
TOWN = "1480"  # Göteborg: the round's municipality
SUBURB = "1401"  # Härryda: the suggestions' municipality
COORDINATOR = "points.coordinator@demo.invalid"  # county 14
WORKER = "points.worker@demo.invalid"  # Göteborg
SUBURB_WORKER = "points.suburb@demo.invalid"  # Härryda
# LVU meetings, planned (create_accepted_request's default): 3 + 2 = 5 points each.
LVU_MEETING = 5


@pytest.fixture(scope="module")
def ids(migrated: None) -> dict[str, int]:
    async def create() -> dict[str, int]:
        found = {
            "coordinator": await create_user(COORDINATOR, Role.COORDINATOR, county="14"),
            "worker": await create_user(WORKER, Role.SOCIAL_WORKER, municipality=TOWN),
            "suburb_worker": await create_user(
                SUBURB_WORKER, Role.SOCIAL_WORKER, municipality=SUBURB
            ),
        }
        for key, home in (
            ("taker", TOWN),
            ("racer", TOWN),
            ("rounder", TOWN),
            ("full", SUBURB),
            ("free", SUBURB),
        ):
            user = await create_user(
                f"points.{key}@demo.invalid", Role.SPECIALIST, municipality=home
            )
            found[f"{key}_user"] = user
            specialist = await create_specialist_profile(user, home)
            found[key] = specialist
            await add_competence(specialist, AREA, 3 if key != "free" else 1)
            await add_weekly_hours(specialist, range(7), time(8), time(16))
        return found

    return asyncio.run(create())


@pytest.fixture
def client(ids: dict[str, int], shared_app: SharedApp) -> TestClient[Litestar]:
    return shared_app.client()


def _budget(client: TestClient[Litestar], specialist: int, points: int) -> None:
    in_app(
        client,
        lambda: SpecialistProfile.update({SpecialistProfile.points_capacity: points}).where(
            SpecialistProfile.id == specialist
        ),
    )


def _used(client: TestClient[Litestar], specialist: int) -> int:
    return in_app(client, lambda: points_load([specialist], today()))[specialist].used


def _consultation(
    client: TestClient[Litestar], ids: dict[str, int], specialist: str, *, offered: bool
) -> int:
    from tests.support.cases import create_accepted_request

    status = ConsultationStatus.OFFERED if offered else ConsultationStatus.ACCEPTED
    assignment = AssignmentStatus.OFFERED if offered else AssignmentStatus.ACCEPTED
    return in_app(
        client,
        lambda: create_accepted_request(
            requester=ids["worker"],
            municipality=TOWN,
            specialist=ids[specialist],
            status=status,
            assignment=assignment,
        ),
    )


def test_exactly_full_is_accepted_and_one_point_over_is_refused(
    client: TestClient[Litestar], ids: dict[str, int]
) -> None:
    _consultation(client, ids, "taker", offered=False)  # 5 points in use
    assert _used(client, ids["taker"]) == LVU_MEETING
    offered = _consultation(client, ids, "taker", offered=True)
    _budget(client, ids["taker"], 2 * LVU_MEETING - 1)  # one point short
    sign_in(client, "points.taker@demo.invalid")
    refused = client.post(f"/api/v1/consultations/{offered}/accept")
    assert refused.status_code == 409, refused.text
    problem = refused.json()
    assert "case points" in problem["detail"]
    assert "takes 5" in problem["detail"]
    assert "only 4 of" in problem["detail"]
    assert _used(client, ids["taker"]) == LVU_MEETING  # nothing taken
    _budget(client, ids["taker"], 2 * LVU_MEETING)  # exactly full once taken
    accepted = client.post(f"/api/v1/consultations/{offered}/accept")
    assert accepted.status_code == 200, accepted.text
    assert _used(client, ids["taker"]) == 2 * LVU_MEETING
    load = in_app(client, lambda: points_load([ids["taker"]], today()))[ids["taker"]]
    assert (load.remaining, load.percent, load.over) == (0, 100, False)


def test_two_takers_of_the_last_points_at_once_one_is_refused(
    client: TestClient[Litestar], ids: dict[str, int]
) -> None:
    first = _consultation(client, ids, "racer", offered=True)
    second = _consultation(client, ids, "racer", offered=True)
    _budget(client, ids["racer"], LVU_MEETING)  # room for one of them

    async def race() -> list[Any]:
        principal = await load_principal(ids["racer_user"])
        assert principal is not None
        return await asyncio.gather(
            *(responses.accept(context_of(principal), r) for r in (first, second)),
            return_exceptions=True,
        )

    outcomes = in_app(client, race)
    refused = [o for o in outcomes if isinstance(o, Exception)]
    assert len(refused) == 1, outcomes
    assert isinstance(refused[0], Conflict)
    assert "case points" in refused[0].message
    assert _used(client, ids["racer"]) == LVU_MEETING


def _open(client: TestClient[Litestar], urgency: str, summary: str) -> int:
    body = {"area": AREA, "summary": summary, "urgency": urgency, "submit": True}
    response = client.post("/api/v1/consultations", json=body)
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def test_a_round_keeps_each_budget_of_points_and_reports_its_gap(
    client: TestClient[Litestar], ids: dict[str, int]
) -> None:
    # One acute (3 + 3 + 2 = 8 points) and two planned (3 + 2 = 5) meetings in
    # honour-based violence; only the "rounder" serves Göteborg with points left (10):
    # the acute one alone, or both planned ones, never all three.
    for key in ("taker", "racer"):
        _budget(client, ids[key], 0)
    _budget(client, ids["rounder"], 2 * LVU_MEETING)
    sign_in(client, WORKER)
    acute = _open(client, "acute", "Akut fråga om hot från släkten")
    planned = [_open(client, "planned", f"Planerad fråga {i}") for i in range(2)]
    sign_in(client, COORDINATOR)
    preview = client.post("/api/v1/rounds", json={"municipality": TOWN})
    assert preview.status_code == 201, preview.text
    body = preview.json()
    placed = {a["request"] for a in body["assignments"]}
    points = {acute: 8, planned[0]: 5, planned[1]: 5}
    assert placed
    assert sum(points[r] for r in placed) <= 2 * LVU_MEETING
    assert {a["specialist"] for a in body["assignments"]} == {ids["rounder"]}
    # Points of different weights: a generalized assignment, proved optimal here.
    assert body["solver"] == "optimal"
    assert body["bound"] == body["total_score"]
    assert body["gap"] == 0.0
    problem = client.get(f"/api/v1/rounds/{body['id']}/problem").json()
    stated = dict(zip(problem["requests"], problem["request_points"], strict=True))
    assert {r: stated[r] for r in points} == points
    budgets = {s["id"]: s["budget"] for s in problem["specialists"]}
    assert budgets[ids["rounder"]] == 2 * LVU_MEETING
    # Before the commit the rounder takes 5 points of other work: what no longer
    # fits is withdrawn, the rest offered.
    _consultation(client, ids, "rounder", offered=False)
    committed = client.post(f"/api/v1/rounds/{body['id']}/commit")
    assert committed.status_code == 200, committed.text
    statuses = {a["request"]: a["status"] for a in committed.json()["assignments"]}
    offered = [r for r, s in statuses.items() if s == "offered"]
    assert "withdrawn" in statuses.values()
    assert sum(points[r] for r in offered) <= LVU_MEETING


def test_suggestions_and_named_offers_leave_out_those_without_points(
    client: TestClient[Litestar], ids: dict[str, int]
) -> None:
    _budget(client, ids["full"], 4)  # a planned meeting here takes 5
    _budget(client, ids["free"], 50)
    sign_in(client, SUBURB_WORKER)
    request = _open(client, "planned", "Hur planerar vi ett skyddat boende?")
    suggested = client.get(f"/api/v1/consultations/{request}/suggestions")
    assert suggested.status_code == 200, suggested.text
    shown = [s["specialist"] for s in suggested.json()]
    # The expert ("full", level 3) would rank first, but lacks the points.
    assert ids["full"] not in shown
    assert ids["free"] in shown
    named = client.post(f"/api/v1/consultations/{request}/offer", json={"specialist": ids["full"]})
    assert named.status_code == 409, named.text
    assert "has 4 case points left this week; the request takes 5" in named.json()["detail"]
    _budget(client, ids["full"], 5)  # exactly enough
    shown = [
        s["specialist"] for s in client.get(f"/api/v1/consultations/{request}/suggestions").json()
    ]
    assert shown[0] == ids["full"]


def test_the_points_table_is_kept_by_the_countys_coordinators(
    client: TestClient[Litestar], ids: dict[str, int]
) -> None:
    sign_in(client, WORKER)
    national = client.get("/api/v1/work-points")
    assert national.status_code == 200
    rows = {(r["kind"], r["urgency"], r["area"]): r for r in national.json()["rows"]}
    assert rows[("meeting", "acute", "lvu_investigation")]["points"] == 8
    assert rows[("meeting", "planned", "")]["points"] == 3
    assert national.json()["editable"] is False
    body = {"rows": [{"kind": "meeting", "urgency": "planned", "points": 4}]}
    assert client.put("/api/v1/work-points/14", json=body).status_code == 403
    sign_in(client, COORDINATOR)
    assert client.put("/api/v1/work-points/national", json=body).status_code == 403
    for bad, field in (
        ({"rows": [{"kind": "meeting", "points": 101}]}, "rows[0].points"),
        ({"rows": [{"kind": "meeting", "points": 2, "area": "no_such_area"}]}, "rows[0].area"),
        ({"rows": [{"kind": "lunch", "points": 2}]}, "rows[0].kind"),
        (
            {"rows": [{"kind": "mentee", "points": 2}, {"kind": "mentee", "points": 3}]},
            "rows[1]",
        ),
    ):
        refused = client.put("/api/v1/work-points/14", json=bad)
        assert refused.status_code == 400, (bad, refused.text)
        assert field in refused.text, (field, refused.text)
    saved = client.put("/api/v1/work-points/14", json=body)
    assert saved.status_code == 200, saved.text
    county = {(r["kind"], r["urgency"], r["area"]): r for r in saved.json()["rows"]}
    assert county[("meeting", "planned", "")]["points"] == 4
    assert county[("meeting", "planned", "")]["own"] is True
    assert county[("meeting", "planned", "")]["national"] == 3
    # Every other row still the national one.
    assert county[("meeting", "acute", "lvu_investigation")]["points"] == 8
    assert client.get("/api/v1/work-points", params={"scope": "14"}).json() == saved.json()
    assert client.get("/api/v1/work-points", params={"scope": "99"}).status_code == 404
    assert client.get("/api/v1/work-points", params={"scope": "x"}).status_code == 400
    # The page: a refused form keeps what was typed and names the field; a saved one
    # says so.
    page = client.get("/specialists/points", params={"scope": "14"})
    assert page.status_code == 200
    assert 'data-testid="points-form"' in page.text
    form = {"scope": "14", "rows": "0", "kind_new": "mentee", "urgency_new": "planned"}
    refused_page = client.post("/specialists/points", data={**form, "points_new": "abc"})
    assert refused_page.status_code == 400
    assert 'data-testid="error"' in refused_page.text
    assert 'value="abc"' in refused_page.text
    done = client.post(
        "/specialists/points", data={**form, "points_new": "2"}, follow_redirects=True
    )
    assert done.status_code == 200
    assert 'data-testid="success"' in done.text
    mentee = {
        (r["kind"], r["urgency"], r["area"]): r
        for r in client.get("/api/v1/work-points", params={"scope": "14"}).json()["rows"]
    }
    assert (
        mentee[("mentee", "planned", "")] | {"points": 2, "own": True}
        == mentee[("mentee", "planned", "")]
    )
    assert mentee[("meeting", "planned", "")]["own"] is False  # replaced: only the mentee row
    assert client.put("/api/v1/work-points/14", json={"rows": []}).status_code == 200


def test_the_pages_show_load_against_capacity_and_warn_above_100(
    client: TestClient[Litestar], ids: dict[str, int]
) -> None:
    _budget(client, ids["taker"], LVU_MEETING)  # 10 points in use: 200 %
    sign_in(client, "points.taker@demo.invalid")
    week = client.get(f"/specialists/{ids['taker']}")
    assert week.status_code == 200
    assert 'data-testid="points-used">10<' in week.text
    assert "(200 %)" in week.text
    assert 'data-testid="points-warning"' in week.text
    _budget(client, ids["taker"], 2 * LVU_MEETING)  # exactly 100 %: no warning
    week = client.get(f"/specialists/{ids['taker']}")
    assert "(100 %)" in week.text
    assert 'data-testid="points-warning"' not in week.text
    _budget(client, ids["taker"], LVU_MEETING)
    sign_in(client, COORDINATOR)
    listed = client.get("/specialists/")
    assert listed.status_code == 200
    assert 'data-testid="points-warning"' in listed.text
    assert "10 / 5 (200 %)" in listed.text
