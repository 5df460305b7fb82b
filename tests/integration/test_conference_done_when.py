"""Issue 23's "done when" for group case conferences: a hub specialist runs a monthly
conference with social workers of three municipalities, end to end through the pages
(the series set up with its form, a refused submit kept as sent, sessions planned by
cadence, sign-ups, a de-identified case, a personal identity number refused by the
guard, the recommendation reaching the presenter as a written answer, attendance),
and again through the API; both settled by attendance."""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from network.lib import clock
from network.lib.vocab import Role
from network.scheduling import STOCKHOLM
from tests.support import SharedApp, sign_in
from tests.support.cases import add_competence, add_weekly_hours, create_county_agreement
from tests.support.people import create_specialist_profile, create_user

AREA = "honour_based_violence"
PERSONNUMMER = "Flickan har personnummer 19121212-1212."
WORKERS = {"0512": "done.ydre", "0583": "done.motala", "0561": "done.atvidaberg"}


@pytest.fixture(scope="module")
def ids(migrated: None) -> dict[str, int]:
    async def create() -> dict[str, int]:
        await create_county_agreement("05", AREA)
        found: dict[str, int] = {}
        for name in ("page", "api"):
            user = await create_user(
                f"done.hub.{name}@demo.invalid", Role.SPECIALIST, municipality="0580"
            )
            profile = await create_specialist_profile(user, "0580")
            await add_competence(profile, AREA, 3)
            await add_weekly_hours(profile, range(5), time(8), time(17))
            found[f"hub_{name}"] = profile
        found["coordinator"] = await create_user(
            "done.coordinator@demo.invalid", Role.COORDINATOR, county="05"
        )
        for code, name in WORKERS.items():
            found[code] = await create_user(
                f"{name}@demo.invalid", Role.SOCIAL_WORKER, municipality=code
            )
        return found

    return asyncio.run(create())


def second_tuesday(months_ahead: int) -> datetime:
    today = datetime.now(STOCKHOLM).date()
    months = today.month - 1 + months_ahead
    first = date(today.year + months // 12, months % 12 + 1, 1)
    day = first + timedelta(days=(1 - first.weekday()) % 7 + 7)
    return datetime.combine(day, time(13), tzinfo=STOCKHOLM)


def later(monkeypatch: pytest.MonkeyPatch, moment: datetime) -> None:
    """Time passes: the one clock reads ``moment`` from now on."""
    monkeypatch.setattr(clock, "now", lambda: moment.astimezone(UTC))


def settled(client: TestClient[Litestar], start: datetime) -> dict[str, int]:
    sign_in(client, "done.coordinator@demo.invalid")
    lines = client.get(
        "/api/v1/conferences/settlement", params={"month": start.strftime("%Y-%m"), "rate": 1000}
    )
    assert lines.status_code == 200, lines.text
    return {
        line["receiver"]: line["minutes"]
        for line in lines.json()
        if line["giver"] == "0580" and line["area"] == AREA and line["receiver"] in WORKERS
    }


def test_a_monthly_conference_through_the_pages(
    ids: dict[str, int], shared_app: SharedApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = shared_app.client()

    def as_user(email: str) -> TestClient[Litestar]:
        sign_in(client, email)
        return client

    hub = "done.hub.page@demo.invalid"
    index = as_user(hub).get("/conferences?lang=en")
    assert 'data-testid="new-series"' in index.text
    form = client.get("/conferences/new?lang=en")
    assert form.status_code == 200
    for code in ("0580", *WORKERS):
        assert f'name="municipalities" value="{code}" checked' in form.text  # by default
    assert "2584" not in form.text  # Kiruna: no agreement with Linköping

    fields: dict[str, Any] = {
        "hub": str(ids["hub_page"]),
        "title": "Heder i Östergötland",
        "area": AREA,
        "cadence": "monthly",
        "duration_minutes": "90",
        "mode": "video",
        "capacity": "1",  # too few seats: refused, the form kept
        "language": "sv",
        "municipalities": ["0580", *WORKERS],
    }
    refused = client.post("/conferences/new?lang=en", data=fields)
    assert refused.status_code == 400
    assert 'data-testid="error"' in refused.text
    assert 'href="#f-capacity">Seats per session</a>' in refused.text
    assert 'value="Heder i Östergötland"' in refused.text
    assert 'name="capacity" min="2" max="100" value="1"' in refused.text
    made = client.post("/conferences/new", data={**fields, "capacity": "8"}, follow_redirects=False)
    assert made.status_code == 303, made.text
    found = re.fullmatch(r"/conferences/(\d+)\?notice=created", made.headers["location"])
    assert found is not None
    series_id = int(found[1])
    listed = client.get("/conferences?lang=en").text
    assert re.search(
        rf'href="/conferences/{series_id}">Heder i Östergötland</a></th>\s*'
        r'<td data-testid="series-kind">Case conference</td>',
        listed,
    ), listed

    first = second_tuesday(2)
    planned = client.post(
        f"/conferences/{series_id}/plan?lang=en",
        data={
            "first": first.strftime("%Y-%m-%dT%H:%M"),
            "count": "3",
            "topics": "Riskbedömning\nSkyddsplanering\n",
        },
        follow_redirects=False,
    )
    assert planned.status_code == 303, planned.text  # a reload plans nothing twice
    assert planned.headers["location"] == f"/conferences/{series_id}?booked=3#plan-heading"
    assert "3 sessions booked." in client.get(f"/conferences/{series_id}?booked=3&lang=en").text
    shown = client.get(f"/api/v1/conferences/{series_id}").json()
    sessions = shown["sessions"]
    assert [s["topic"] for s in sessions] == ["Riskbedömning", "Skyddsplanering", ""]
    session_id = sessions[0]["id"]

    for name in WORKERS.values():
        signed = as_user(f"{name}@demo.invalid").post(
            f"/conferences/sessions/{session_id}/signup", follow_redirects=False
        )
        assert signed.status_code == 303, signed.text
    presenter = as_user("done.ydre@demo.invalid")
    guarded = presenter.post(
        f"/conferences/sessions/{session_id}/cases",
        data={"question": "Hur gör vi?", "presentation": PERSONNUMMER},
    )
    assert guarded.status_code == 400
    assert "<mark>19121212-1212</mark>" in guarded.text
    case = presenter.post(
        f"/conferences/sessions/{session_id}/cases",
        data={"question": "Hur gör vi?", "presentation": "Flicka, 15 år, oro för giftermål."},
        follow_redirects=False,
    )
    assert case.status_code == 303
    case_id = presenter.get(f"/api/v1/conferences/sessions/{session_id}").json()["cases"][0]["id"]

    answer = "Gör en skyddsbedömning i dag och kontakta kompetensteamet."
    recommended = as_user(hub).post(
        f"/conferences/sessions/{session_id}/cases/{case_id}/recommendation",
        data={"recommendation": answer},
        follow_redirects=False,
    )
    assert recommended.status_code == 303
    as_user("done.ydre@demo.invalid")
    inbox = client.get("/api/v1/notifications").json()
    assert any(n["kind"] == "conference.answer" for n in inbox)
    assert answer in client.get(f"/conferences/sessions/{session_id}").text

    later(monkeypatch, first + timedelta(hours=2))
    present = [ids[code] for code in WORKERS]
    attended = as_user(hub).post(
        f"/conferences/sessions/{session_id}/attendance",
        data={"present": [str(p) for p in present]},
        follow_redirects=False,
    )
    assert attended.status_code == 303, attended.text
    assert settled(client, first) == dict.fromkeys(WORKERS, 30)  # 90 minutes shared by three


def test_a_monthly_conference_through_the_api(
    ids: dict[str, int], shared_app: SharedApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = shared_app.client()

    def as_user(email: str) -> TestClient[Litestar]:
        sign_in(client, email)
        return client

    hub = "done.hub.api@demo.invalid"
    made = as_user(hub).post(
        "/api/v1/conferences",
        json={
            "title": "Heder i länet",
            "area": AREA,
            "municipalities": ["0580", *WORKERS],
            "capacity": 8,
        },
    )
    assert made.status_code == 201, made.text
    series_id = made.json()["id"]
    beyond = client.post(
        "/api/v1/conferences",
        json={"title": "För långt", "area": AREA, "municipalities": ["2584"]},
    )
    assert beyond.status_code == 400
    assert beyond.json()["errors"][0]["field"] == "municipalities"

    first = second_tuesday(3)
    plan = client.post(
        f"/api/v1/conferences/{series_id}/sessions/plan",
        json={"first": first.isoformat(), "count": 3, "topics": ["Riskbedömning"]},
    )
    assert plan.status_code == 201, plan.text
    assert plan.json()["skipped"] == []
    booked = plan.json()["booked"]
    assert len(booked) == 3
    session_id = booked[0]["id"]
    too_many = client.post(
        f"/api/v1/conferences/{series_id}/sessions/plan",
        json={"first": first.isoformat(), "count": 13},
    )
    assert too_many.status_code == 400
    assert too_many.json()["errors"][0]["field"] == "count"

    for name in WORKERS.values():
        taken = as_user(f"{name}@demo.invalid").post(
            f"/api/v1/conferences/sessions/{session_id}/signup"
        )
        assert taken.status_code == 201, taken.text
    presenter = as_user("done.motala@demo.invalid")
    guarded = presenter.post(
        f"/api/v1/conferences/sessions/{session_id}/cases",
        json={"question": "Hur gör vi?", "presentation": PERSONNUMMER},
    )
    assert guarded.status_code == 400
    assert guarded.json()["errors"][0]["field"] == "presentation"
    case = presenter.post(
        f"/api/v1/conferences/sessions/{session_id}/cases",
        json={"question": "Hur gör vi?", "presentation": "Pojke, 16 år, kontrolleras hemma."},
    )
    assert case.status_code == 201, case.text
    answer = "Ta upp kontrollen i samtal med pojken ensam."
    recommended = as_user(hub).put(
        f"/api/v1/conferences/cases/{case.json()['id']}/recommendation",
        json={"recommendation": answer},
    )
    assert recommended.status_code == 200
    as_user("done.motala@demo.invalid")
    assert any(n["kind"] == "conference.answer" for n in client.get("/api/v1/notifications").json())
    read = client.get(f"/api/v1/conferences/sessions/{session_id}").json()
    assert [c["recommendation"] for c in read["cases"]] == [answer]

    # The last planned session is cancelled: sign-ups to it are refused, naming it.
    last = booked[2]["id"]
    cancelled = as_user(hub).post(f"/api/v1/conferences/sessions/{last}/cancel")
    assert cancelled.status_code == 201, cancelled.text
    assert cancelled.json()["cancelled"] is True
    refused = as_user("done.ydre@demo.invalid").post(f"/api/v1/conferences/sessions/{last}/signup")
    assert refused.status_code == 409
    assert refused.json()["errors"][0]["field"] == "session_id"

    later(monkeypatch, first + timedelta(hours=2))
    present = [ids[code] for code in WORKERS]
    recorded = as_user(hub).put(
        f"/api/v1/conferences/sessions/{session_id}/attendance", json={"present": present}
    )
    assert recorded.status_code == 200, recorded.text
    assert settled(client, first) == dict.fromkeys(WORKERS, 30)  # 90 minutes shared by three
