"""Standing support through the API and the pages: a proposal refused with the field
named (the form kept as sent), proposed on the page and agreed through the API, the
occurrences in "my week" and in the specialist's calendar feed, one moved on the page,
the series ended; another municipality gets 404s."""

from __future__ import annotations

import asyncio
from datetime import date, datetime, time, timedelta
from urllib.parse import urlsplit

import pytest
from icalendar import Calendar
from litestar import Litestar
from litestar.testing import TestClient

from network.lib.vocab import Role
from network.scheduling import STOCKHOLM
from tests.support import SharedApp, sign_in
from tests.support.cases import add_competence, add_weekly_hours, create_county_agreement
from tests.support.people import create_specialist_profile, create_user

AREA = "lvu_investigation"
SPECIALIST = "standingapi.specialist@demo.invalid"  # Linköping (0580)
WORKER = "standingapi.ydre@demo.invalid"  # Ydre (0512)
FAR = "standingapi.kiruna@demo.invalid"  # Kiruna (2584)


@pytest.fixture(scope="module")
def ids(migrated: None) -> dict[str, int]:
    async def create() -> dict[str, int]:
        await create_county_agreement("05", AREA)
        user = await create_user(SPECIALIST, Role.SPECIALIST, municipality="0580")
        specialist = await create_specialist_profile(user, "0580")
        await add_competence(specialist, AREA, 2)
        await add_weekly_hours(specialist, range(5), time(8), time(17))
        worker = await create_user(WORKER, Role.SOCIAL_WORKER, municipality="0512")
        await create_user(FAR, Role.SOCIAL_WORKER, municipality="2584")
        return {"specialist": specialist, "worker": worker}

    return asyncio.run(create())


def next_tuesday() -> date:
    today = datetime.now(STOCKHOLM).date()
    return today + timedelta(days=8 - today.weekday())


def test_a_standing_series_through_the_pages_api_week_and_feed(
    ids: dict[str, int], shared_app: SharedApp
) -> None:
    client = shared_app.client()

    def as_user(email: str) -> TestClient[Litestar]:
        sign_in(client, email)
        return client

    first = next_tuesday()
    form = {
        "social_worker": str(ids["worker"]),
        "weekday": "1",
        "start_time": "16:45",  # ends 17:30, after the specialist's hours
        "duration_minutes": "45",
        "cadence": "weekly",
        "mode": "video",
        "first_date": first.isoformat(),
    }
    refused = as_user(SPECIALIST).post("/standing/?lang=sv", data=form, follow_redirects=False)
    assert refused.status_code == 400
    assert 'data-testid="error"' in refused.text
    assert "Tiden ligger utanför specialistens arbetstider" in refused.text
    assert 'value="16:45"' in refused.text  # the form comes back as sent
    assert f'value="{first.isoformat()}"' in refused.text

    made = client.post("/standing/", data={**form, "start_time": "14:00"}, follow_redirects=False)
    assert made.status_code == 303, made.text
    series_url = made.headers["location"].split("?")[0]
    series_id = int(series_url.rsplit("/", 1)[1])
    shown = client.get(f"{series_url}?notice=proposed&lang=sv")
    assert "Den stående tiden är föreslagen" in shown.text
    assert "Föreslagen" in shown.text

    api = as_user(WORKER).get("/api/v1/standing")
    assert api.status_code == 200
    assert [s["id"] for s in api.json()] == [series_id]
    assert api.json()[0]["may_answer"] is True
    agreed = client.post(f"/api/v1/standing/{series_id}/answer", json={"agree": True})
    assert agreed.status_code == 201, agreed.text
    body = agreed.json()
    assert body["status"] == "active"
    occurrences = body["occurrences"]
    assert occurrences[0]["on_date"] == first.isoformat()
    assert datetime.fromisoformat(occurrences[0]["starts_at"]).astimezone(STOCKHOLM) == (
        datetime.combine(first, time(14), tzinfo=STOCKHOLM)
    )
    bad = client.post(f"/api/v1/standing/{series_id}/answer", json={"agree": "ja"})
    assert bad.status_code == 400

    week = as_user(SPECIALIST).get(
        f"/specialists/{ids['specialist']}?week={first.isocalendar()[0]}-W{first.isocalendar()[1]:02d}&lang=sv"
    )
    assert week.status_code == 200
    assert f'data-testid="standing-{occurrences[0]["booking"]}"' in week.text
    assert "Stående stöd" in week.text

    feed = client.post(f"/api/v1/specialists/{ids['specialist']}/calendar-feed")
    assert feed.status_code == 201, feed.text
    client.post("/auth/logout")
    ics = client.get(urlsplit(feed.json()["url"]).path)
    assert ics.status_code == 200
    events = Calendar.from_ical(ics.content).walk("VEVENT")
    standing = [e for e in events if str(e["SUMMARY"]).startswith("Stående stöd")]
    assert len(standing) == len(occurrences)
    assert {str(e["UID"]) for e in standing} == {
        f"booking-{o['booking']}@specialistnatet" for o in occurrences
    }
    assert "Ydre" in str(standing[0]["SUMMARY"])

    # Move the first meeting on the page (Stockholm time, as typed), then end the series.
    moved_to = datetime.combine(first + timedelta(days=1), time(9), tzinfo=STOCKHOLM)
    moved = as_user(WORKER).post(
        f"/standing/{series_id}/occurrences/{occurrences[0]['id']}/move",
        data={"start": moved_to.strftime("%Y-%m-%dT%H:%M")},
        follow_redirects=False,
    )
    assert moved.status_code == 303, moved.text
    past = client.post(
        f"/standing/{series_id}/occurrences/{occurrences[1]['id']}/move?lang=sv",
        data={"start": "2020-01-07T10:00"},
        follow_redirects=False,
    )
    assert past.status_code == 409
    assert 'data-testid="error"' in past.text
    assert "Datumet har redan varit." in past.text
    assert 'value="2020-01-07T10:00"' in past.text  # the time typed, kept in its row
    after = client.get(f"/api/v1/standing/{series_id}").json()["occurrences"]
    assert datetime.fromisoformat(after[0]["starts_at"]) == moved_to
    assert after[0]["moved"] is True
    assert after[1]["starts_at"] == occurrences[1]["starts_at"]

    far = as_user(FAR)
    assert far.get(f"/api/v1/standing/{series_id}").status_code == 404
    assert far.get(f"/standing/{series_id}").status_code == 404
    assert far.post(f"/api/v1/standing/{series_id}/end").status_code == 404
    assert far.get("/api/v1/standing").json() == []

    ended = as_user(WORKER).post(f"/standing/{series_id}/end", follow_redirects=False)
    assert ended.status_code == 303
    page = client.get(f"/standing/{series_id}?notice=ended&lang=en")
    assert "The standing time has ended" in page.text
    final = client.get(f"/api/v1/standing/{series_id}").json()
    assert final["status"] == "ended"
    assert {o["outcome"] for o in final["occurrences"]} == {"cancelled"}
    inbox = as_user(SPECIALIST).get("/inbox?lang=sv")
    assert inbox.status_code == 200
    assert "En stående stödtid har avslutats" in inbox.text
    assert "Ett möte i stående stöd har flyttats till" in inbox.text
