"""The pages and routes around conference sessions: parallel groups made from a page
(refused with the fields named and the form kept, then on to placing the applicants),
how to meet at a session changed on its page, and a person's own calendar address."""

from __future__ import annotations

import asyncio
import re
from datetime import datetime, time, timedelta

import pytest
from icalendar import Calendar

from network.lib.vocab import Role
from network.scheduling import STOCKHOLM
from tests.support import SharedApp, sign_in
from tests.support.cases import add_competence, add_weekly_hours, create_county_agreement
from tests.support.people import create_specialist_profile, create_user

AREA = "honour_based_violence"
COORDINATOR = "groups.coordinator@demo.invalid"  # Östergötland (05)
HUBS = ("groups.hub1@demo.invalid", "groups.hub2@demo.invalid")  # Norrköping (0581)
WORKER = "groups.ydre@demo.invalid"  # Ydre (0512)


@pytest.fixture(scope="module")
def ids(migrated: None) -> dict[str, int]:
    async def create() -> dict[str, int]:
        await create_county_agreement("05", AREA)
        found = {"coordinator": await create_user(COORDINATOR, Role.COORDINATOR, county="05")}
        for number, email in enumerate(HUBS, start=1):
            user = await create_user(email, Role.SPECIALIST, municipality="0581")
            hub = await create_specialist_profile(user, "0581")
            await add_competence(hub, AREA, 2)
            await add_weekly_hours(hub, range(7), time(7), time(20))
            found[f"hub{number}"] = hub
        found["worker"] = await create_user(WORKER, Role.SOCIAL_WORKER, municipality="0512")
        return found

    return asyncio.run(create())


def wednesday(weeks: int) -> str:
    today = datetime.now(STOCKHOLM).date()
    day = today - timedelta(days=today.weekday()) + timedelta(weeks=weeks, days=2)
    return datetime.combine(day, time(13)).strftime("%Y-%m-%dT%H:%M")


def test_parallel_groups_from_the_page_then_on_to_placement(
    ids: dict[str, int], shared_app: SharedApp
) -> None:
    client = shared_app.client()
    sign_in(client, COORDINATOR)
    index = client.get("/conferences")
    assert 'href="/conferences/groups/new"' in index.text
    page = client.get("/conferences/groups/new")
    assert page.status_code == 200
    for hub in ("hub1", "hub2"):
        assert f'data-testid="hub-{ids[hub]}"' in page.text
    assert 'data-testid="municipality-0512"' in page.text

    form = {
        "title": "Fördjupning heder",
        "area": AREA,
        "start": wednesday(50),
        "topic": "Hedersnormer",
        "cadence": "monthly",
        "duration_minutes": "90",
        "mode": "video",
        "capacity": "8",
        "language": "sv",
    }
    refused = client.post("/conferences/groups", data=form, follow_redirects=False)
    assert refused.status_code == 400
    assert 'data-testid="error"' in refused.text
    for field in ("hubs", "municipalities"):  # every empty field named at once
        assert re.search(rf'id="f-{field}"[^>]*aria-invalid="true"', refused.text)
        assert f'href="#f-{field}"' in refused.text
    assert refused.text.count('data-testid="error-item"') == 2
    assert 'value="Fördjupning heder"' in refused.text  # kept as typed
    assert 'value="Hedersnormer"' in refused.text

    chosen = {**form, "hubs": [str(ids["hub1"]), str(ids["hub2"])], "municipalities": ["0512"]}
    late = client.post(
        "/conferences/groups", data={**chosen, "duration_minutes": "999"}, follow_redirects=False
    )
    assert late.status_code == 400
    assert 'id="f-duration_minutes"' in late.text
    assert re.search(r'id="f-duration_minutes"[^>]*aria-invalid="true"', late.text)
    assert f'value="{ids["hub1"]}" checked' in late.text  # the chosen hubs stay chosen
    # A hub not competent in the area is named as the hubs' problem, in words.
    other = client.post(
        "/conferences/groups", data={**chosen, "area": "lvu_investigation"}, follow_redirects=False
    )
    assert other.status_code == 400
    assert re.search(r'id="f-hubs"[^>]*aria-invalid="true"', other.text)
    assert "inte kompetent inom kompetensområdet" in other.text

    made = client.post("/conferences/groups", data=chosen, follow_redirects=False)
    assert made.status_code == 303, made.text
    target = made.headers["location"]
    assert target.startswith("/conferences/placements/new?series=")
    assert target.endswith("&notice=groups")
    series = [int(s) for s in re.findall(r"series=(\d+)", target)]
    assert len(series) == 2
    placement = client.get(target)
    assert 'data-testid="success"' in placement.text
    for series_id in series:
        assert f'value="{series_id}" checked' in placement.text
    listed = {s["id"]: s for s in client.get("/api/v1/conferences").json()}
    assert {listed[s]["title"] for s in series} == {"Fördjupning heder 1", "Fördjupning heder 2"}
    assert all(listed[s]["by_application"] for s in series)


def test_how_to_meet_on_the_session_page_and_in_my_calendar(
    ids: dict[str, int], shared_app: SharedApp
) -> None:
    client = shared_app.client()
    sign_in(client, HUBS[0])
    made = client.post(
        "/api/v1/conferences",
        json={"title": "Heder Norrköping", "area": AREA, "municipalities": ["0512"]},
    )
    assert made.status_code == 201, made.text
    start = datetime.fromisoformat(wednesday(51)).replace(tzinfo=STOCKHOLM) + timedelta(hours=3)
    session = client.post(
        f"/api/v1/conferences/{made.json()['id']}/sessions",
        json={"start": start.isoformat(), "topic": "Skyddsplanering"},
    ).json()
    page = f"/conferences/sessions/{session['id']}"

    refused = client.post(
        f"{page}/meeting-details",
        data={"meeting_details": "http://meet.example.se/rum"},
        follow_redirects=False,
    )
    assert refused.status_code == 400
    assert re.search(r'id="f-meeting_details"[^>]*aria-invalid="true"', refused.text)
    assert 'value="http://meet.example.se/rum"' in refused.text
    saved = client.post(
        f"{page}/meeting-details",
        data={"meeting_details": "https://meet.example.se/rum"},
        follow_redirects=False,
    )
    assert saved.status_code == 303
    api = client.put(
        f"/api/v1/conferences/sessions/{session['id']}/meeting-details",
        json={"details": "ftp://nope"},
    )
    assert api.status_code == 400
    assert api.json()["errors"][0]["field"] == "details"

    sign_in(client, WORKER)
    assert client.post(f"/api/v1/conferences/sessions/{session['id']}/signup").status_code == 201
    seen = client.get(page)
    assert 'data-testid="meeting-link"' in seen.text
    assert "https://meet.example.se/rum" in seen.text
    assert 'data-testid="meeting-details-form"' not in seen.text  # only who manages

    assert client.get("/api/v1/me/calendar-feed").json()["active"] is False
    created = client.post("/api/v1/me/calendar-feed")
    assert created.status_code == 201, created.text
    path = "/" + created.json()["url"].split("/", 3)[3]
    feed = client.get(path)
    assert feed.status_code == 200
    assert feed.headers["content-type"].startswith("text/calendar")
    events = {str(e["uid"]): e for e in Calendar.from_ical(feed.content).walk("VEVENT")}
    event = events[f"conference-session-{session['id']}@specialistnatet"]
    assert "Heder Norrköping – Skyddsplanering" in str(event["summary"])
    assert "https://meet.example.se/rum" in str(event["location"])

    own = client.get("/my-calendar")
    assert 'data-testid="feed-active"' in own.text
    renewed = client.post("/my-calendar")
    assert 'data-testid="feed-address"' in renewed.text
    assert client.get(path).status_code == 404  # the old address died
    assert client.delete("/api/v1/me/calendar-feed").status_code == 204
    assert client.get("/api/v1/me/calendar-feed").json()["active"] is False
