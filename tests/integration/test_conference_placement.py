"""Group placement through the API: a coordinator's parallel groups opened by
application, social workers applying (refused with the field named when they may
not), a preview with every person's group and reason, a commit that gives seats
under the sign-up seat rule and tells the placed people, a stale preview refused
whole, and bad settings refused with the field named."""

from __future__ import annotations

import asyncio
from datetime import datetime, time, timedelta

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from network.conferences.tables import ConferenceApplication, ConferenceSignup
from network.lib.vocab import Role
from network.scheduling import STOCKHOLM
from tests.support import SharedApp, in_app, sign_in
from tests.support.cases import add_competence, add_weekly_hours, create_county_agreement
from tests.support.people import create_specialist_profile, create_user

AREA = "honour_based_violence"
HUBS = ("placement.hub1@demo.invalid", "placement.hub2@demo.invalid")
COORDINATOR = "placement.coordinator@demo.invalid"
# Three from Ydre (0512), two from Linköping (0580), one from Kinda (0513).
WORKERS = {
    "placement.w1@demo.invalid": "0512",
    "placement.w2@demo.invalid": "0512",
    "placement.w3@demo.invalid": "0512",
    "placement.w4@demo.invalid": "0580",
    "placement.w5@demo.invalid": "0580",
    "placement.w6@demo.invalid": "0513",
}


@pytest.fixture(scope="module")
def ids(migrated: None) -> dict[str, int]:
    async def create() -> dict[str, int]:
        await create_county_agreement("05", AREA)
        found: dict[str, int] = {}
        for email in HUBS:
            user = await create_user(email, Role.SPECIALIST, municipality="0580")
            hub = await create_specialist_profile(user, "0580")
            await add_competence(hub, AREA, 3)
            await add_weekly_hours(hub, range(5), time(8), time(17))
            found[email] = hub
        found[COORDINATOR] = await create_user(COORDINATOR, Role.COORDINATOR, municipality="0580")
        for email, place in WORKERS.items():
            found[email] = await create_user(email, Role.SOCIAL_WORKER, municipality=place)
        return found

    return asyncio.run(create())


def start_in(weeks: int) -> datetime:
    today = datetime.now(STOCKHOLM).date()
    return datetime.combine(
        today - timedelta(days=today.weekday()) + timedelta(weeks=weeks), time(10), tzinfo=STOCKHOLM
    )


def test_group_placement_preview_commit(ids: dict[str, int], shared_app: SharedApp) -> None:
    client = shared_app.client()

    def as_(email: str) -> TestClient[Litestar]:
        sign_in(client, email)
        return client

    hub = COORDINATOR
    lone = as_(HUBS[0]).post(
        "/api/v1/conferences/groups",
        json={
            "title": "Heder grupp",
            "area": AREA,
            "municipalities": ["0512"],
            "hubs": [ids[HUBS[0]], ids[HUBS[1]]],
            "start": start_in(14).isoformat(),
            "topic": "Riskbedömning",
        },
    )
    assert lone.status_code == 403  # a hub makes no series for another hub
    assert lone.json()["errors"][0]["field"] == "hubs"
    assert "hub 2" in lone.json()["detail"]
    made = as_(hub).post(
        "/api/v1/conferences/groups",
        json={
            "title": "Heder grupp",
            "area": AREA,
            "municipalities": ["0512", "0513", "0580"],
            "hubs": [ids[HUBS[0]], ids[HUBS[1]]],
            "start": start_in(14).isoformat(),
            "topic": "Riskbedömning",
            "capacity": 2,
        },
    )
    assert made.status_code == 201, made.text
    groups = made.json()
    assert [g["title"] for g in groups] == ["Heder grupp 1", "Heder grupp 2"]
    assert all(g["by_application"] and len(g["sessions"]) == 1 for g in groups)
    first, second = groups[0]["id"], groups[1]["id"]

    # A series opened by application takes no direct sign-up.
    session = groups[0]["sessions"][0]["id"]
    direct = as_("placement.w1@demo.invalid").post(f"/api/v1/conferences/sessions/{session}/signup")
    assert direct.status_code == 409
    assert "apply" in direct.json()["detail"]

    for n, email in enumerate(WORKERS, start=1):
        applied = as_(email).post(
            f"/api/v1/conferences/{first if n % 2 else second}/applications",
            json={"languages": ["sv"], "rank": 1},
        )
        assert applied.status_code == 201, applied.text
    twice = as_("placement.w1@demo.invalid").post(
        f"/api/v1/conferences/{first}/applications", json={}
    )
    assert twice.status_code == 409
    bad = as_("placement.w1@demo.invalid").post(
        f"/api/v1/conferences/{second}/applications", json={"languages": ["sv", "sv"]}
    )
    assert bad.status_code == 400
    assert bad.json()["errors"][0]["field"] == "languages"
    # A coordinator cannot apply; a social worker cannot run a placement.
    assert as_(hub).post(f"/api/v1/conferences/{first}/applications", json={}).status_code == 403
    assert (
        as_("placement.w1@demo.invalid")
        .post("/api/v1/conferences/placements", json={"series": [first]})
        .status_code
        == 403
    )

    refused = as_(hub).post(
        "/api/v1/conferences/placements", json={"series": [first], "max_per_municipality": 0}
    )
    assert refused.status_code == 400
    assert refused.json()["errors"][0]["field"] == "max_per_municipality"
    refused = as_(hub).post("/api/v1/conferences/placements", json={"series": [first, first]})
    assert refused.status_code == 400
    assert refused.json()["errors"][0]["field"] == "series"

    preview = as_(hub).post("/api/v1/conferences/placements", json={"series": [first, second]})
    assert preview.status_code == 201, preview.text
    body = preview.json()
    assert body["status"] == "preview"
    assert body["method"] == "flow"
    assert body["solver_status"] == "optimal"
    assert body["applicants"] == 6
    assert body["placed"] == 4  # two groups of two seats
    lines = {line["user"]: line for line in body["lines"]}
    # The mixing rule: at most one of a municipality in a group of two seats.
    in_groups: dict[tuple[int, str], int] = {}
    for line in lines.values():
        if line["series"] is not None:
            key = (line["series"], line["municipality"]["code"])
            in_groups[key] = in_groups.get(key, 0) + 1
            assert line["reason"] == "placed"
            assert line["parts"]["base"] == 100
        else:
            assert line["reason"] in ("groups_full", "municipality_limit")
    assert max(in_groups.values()) == 1
    assert body["total_score"] == sum(line["score"] or 0 for line in lines.values())

    read = as_(hub).get(f"/api/v1/conferences/placements/{body['id']}")
    assert read.status_code == 200
    assert read.json()["lines"] == body["lines"]
    # Another person's round is one that does not exist.
    hidden = as_("placement.w1@demo.invalid").get(f"/api/v1/conferences/placements/{body['id']}")
    assert hidden.status_code in (403, 404)

    stale = as_(hub).post("/api/v1/conferences/placements", json={"series": [first, second]})
    assert stale.status_code == 201

    committed = as_(hub).post(f"/api/v1/conferences/placements/{body['id']}/commit")
    assert committed.status_code == 201, committed.text
    assert committed.json()["status"] == "committed"
    again = as_(hub).post(f"/api/v1/conferences/placements/{body['id']}/commit")
    assert again.status_code == 409
    rounds = as_(hub).get(f"/api/v1/conferences/{second}/placements").json()
    assert [r["id"] for r in rounds] == [stale.json()["id"], body["id"]]
    assert rounds[1]["status"] == "committed"
    assert rounds[1]["placed"] == 4
    assert rounds[1]["lines"] == []

    async def seats() -> list[tuple[int, int]]:
        rows = await ConferenceSignup.select(ConferenceSignup.user, ConferenceSignup.session)
        return sorted((r["user"], r["session"]) for r in rows)

    async def statuses() -> dict[int, str]:
        rows = await ConferenceApplication.select(
            ConferenceApplication.user, ConferenceApplication.status
        ).where(ConferenceApplication.series.is_in([first, second]))
        return {r["user"]: r["status"] for r in rows}

    taken = in_app(client, seats)
    placed = {u for u, line in lines.items() if line["series"] is not None}
    assert {u for u, _ in taken} >= placed
    assert {u for u, s in in_app(client, statuses).items() if s == "placed"} == placed

    # The second preview was made before the commit: its seats are gone, nothing is written.
    late = as_(hub).post(f"/api/v1/conferences/placements/{stale.json()['id']}/commit")
    assert late.status_code == 409
    assert "preview the placement again" in late.json()["detail"]
    assert in_app(client, seats) == taken
    assert (
        as_(hub).get(f"/api/v1/conferences/placements/{stale.json()['id']}").json()["status"]
        == "preview"
    )
    assert (
        as_(hub)
        .post(f"/api/v1/conferences/placements/{stale.json()['id']}/discard")
        .json()["status"]
        == "discarded"
    )

    someone = next(iter(placed))
    email = next(e for e in WORKERS if ids[e] == someone)
    inbox = as_(email).get("/api/v1/notifications").json()
    assert any(n["kind"] == "conference.placed" for n in inbox), inbox
    nobody = next(e for e in WORKERS if ids[e] not in placed)
    assert not any(
        n["kind"] == "conference.placed" for n in as_(nobody).get("/api/v1/notifications").json()
    )


def test_group_placement_through_the_pages(ids: dict[str, int], shared_app: SharedApp) -> None:
    client = shared_app.client()

    def as_(email: str) -> TestClient[Litestar]:
        sign_in(client, email)
        return client

    made = as_(COORDINATOR).post(
        "/api/v1/conferences",
        json={
            "title": "Heder sidor",
            "area": AREA,
            "municipalities": ["0512", "0580"],
            "hub": ids[HUBS[1]],
            "capacity": 2,
            "by_application": True,
            "language": "sv",
        },
    )
    assert made.status_code == 201, made.text
    series_id = made.json()["id"]
    session = as_(COORDINATOR).post(
        f"/api/v1/conferences/{series_id}/sessions",
        json={"start": start_in(20).isoformat(), "topic": "Samtal med barn"},
    )
    assert session.status_code == 201, session.text

    worker = "placement.w4@demo.invalid"
    page = as_(worker).get(f"/conferences/{series_id}?lang=sv")
    assert "Ansök om plats" in page.text
    assert 'data-testid="apply-form"' in page.text
    refused = as_(worker).post(
        f"/conferences/{series_id}/applications?lang=sv",
        data={"language": "en", "also": "en", "rank": "3"},
        follow_redirects=False,
    )
    assert refused.status_code == 400
    assert "Ett språk är valt två gånger." in refused.text
    assert 'value="3"' in refused.text  # the form as it was sent
    assert '<option value="en" selected>' in refused.text
    applied = as_(worker).post(
        f"/conferences/{series_id}/applications",
        data={"language": "sv", "also": "", "rank": "1"},
        follow_redirects=False,
    )
    assert applied.status_code == 303
    shown = as_(worker).get(applied.headers["location"] + "&lang=sv")
    assert "Din ansökan är skickad." in shown.text
    assert "Väntar på placering" in shown.text

    form = as_(COORDINATOR).get(f"/conferences/placements/new?series={series_id}&lang=sv")
    assert form.status_code == 200
    assert "<h1>Ny gruppplacering</h1>" in form.text
    assert f'value="{series_id}" checked' in form.text
    bad = as_(COORDINATOR).post(
        "/conferences/placements?lang=sv",
        data={"series": [str(series_id)], "max_per_municipality": "0", "min_municipalities": "2"},
        follow_redirects=False,
    )
    assert bad.status_code == 400
    assert 'href="#f-max_per_municipality"' in bad.text
    assert "Högst från en kommun i en grupp" in bad.text
    assert 'value="0"' in bad.text
    assert 'value="2"' in bad.text
    assert f'value="{series_id}" checked' in bad.text
    none = as_(COORDINATOR).post(
        "/conferences/placements?lang=sv", data={"max_per_municipality": ""}, follow_redirects=False
    )
    assert none.status_code == 400
    assert 'href="#f-series"' in none.text

    previewed = as_(COORDINATOR).post(
        "/conferences/placements",
        data={"series": [str(series_id)], "max_per_municipality": "", "min_municipalities": "1"},
        follow_redirects=False,
    )
    assert previewed.status_code == 303, previewed.text
    where = previewed.headers["location"]
    preview = as_(COORDINATOR).get(where + "?lang=sv")
    assert "Gruppplacering #" in preview.text
    assert "Minkostnadsflöde (exakt)" in preview.text
    assert "Bevisat bäst" in preview.text
    assert "placement.w4" in preview.text
    committed = as_(COORDINATOR).post(where + "/commit", follow_redirects=False)
    assert committed.status_code == 303
    done = as_(COORDINATOR).get(committed.headers["location"] + "&lang=sv")
    assert "Placeringen är bekräftad" in done.text
    again = as_(COORDINATOR).post(where + "/commit?lang=sv", follow_redirects=False)
    assert again.status_code == 409
    assert "Placeringen är redan bekräftad." in again.text
    assert as_(worker).get(f"/conferences/{series_id}?lang=sv").text.count("Har fått en plats") == 1
