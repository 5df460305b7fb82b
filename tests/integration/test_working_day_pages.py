"""The pages people use every day read as people speak: places and languages by name
(never a code), suggestions explained in words, a booked meeting with who and how,
a specialist's week with pending offers. Uses county 22 (Västernorrland), which no
other test touches."""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, datetime, time, timedelta
from html.parser import HTMLParser

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from network.consultations.tables import ConsultationRequest
from network.lib.vocab import Role
from network.specialists.tables import SpecialistProfile
from tests.support import SharedApp, in_app, in_app_seeing_all, sign_in
from tests.support.cases import (
    add_competence,
    add_weekly_hours,
    create_accepted_request,
    create_county_agreement,
)
from tests.support.people import create_specialist_profile, create_user

WORKER = "day.worker@demo.invalid"  # Ånge (2260)
SPECIALIST = "day.specialist@demo.invalid"  # Sundsvall (2281)
ADMIN = "day.admin@demo.invalid"  # county 22
EXPERT = "day.expert@demo.invalid"  # Sundsvall (2281): fgm level 3, speaks Somali
AREA = "fgm"
ANGE, SUNDSVALL = "2260", "2281"


class _Options(HTMLParser):
    """Each named control's choices as ``(value, text)``: select options and boxes."""

    def __init__(self) -> None:
        super().__init__()
        self.found: dict[str, list[tuple[str, str]]] = {}
        self._select: str | None = None
        self._option: str | None = None
        self._box: tuple[str, str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "select":
            self._select = a.get("name")
        elif tag == "option" and self._select:
            self._option = a.get("value", "")
            self.found.setdefault(self._select, []).append((self._option, ""))
        elif tag == "input" and a.get("type") == "checkbox" and "name" in a:
            self._box = (a["name"], a.get("value", ""))
            self.found.setdefault(a["name"], []).append((a.get("value", ""), ""))

    def handle_data(self, data: str) -> None:
        target = self._select if self._option is not None else (self._box or (None,))[0]
        if target and data.strip():
            value, text = self.found[target][-1]
            self.found[target][-1] = (value, (text + " " + data.strip()).strip())
            if self._box:
                self._box = None

    def handle_endtag(self, tag: str) -> None:
        if tag == "option":
            self._option = None
        elif tag == "select":
            self._select = None


def choices(html: str, name: str) -> dict[str, str]:
    parser = _Options()
    parser.feed(html)
    return dict(parser.found.get(name, []))


@pytest.fixture(scope="module")
def people(migrated: None) -> dict[str, int]:
    async def create() -> dict[str, int]:
        worker = await create_user(WORKER, Role.SOCIAL_WORKER, municipality=ANGE)
        owner = await create_user(SPECIALIST, Role.SPECIALIST, municipality=SUNDSVALL)
        admin = await create_user(ADMIN, Role.ADMIN, county="22")
        specialist = await create_specialist_profile(owner, SUNDSVALL)
        await add_weekly_hours(specialist, range(7), time(0), time(23, 59))
        request = await create_accepted_request(
            requester=worker, municipality=ANGE, specialist=specialist
        )
        await create_county_agreement("22", AREA)
        expert_user = await create_user(EXPERT, Role.SPECIALIST, municipality=SUNDSVALL)
        expert = await create_specialist_profile(expert_user, SUNDSVALL)
        await add_competence(expert, AREA, 3)
        await add_weekly_hours(expert, range(7), time(0), time(23, 59))
        await SpecialistProfile.update({SpecialistProfile.languages: ["sv", "so"]}).where(
            SpecialistProfile.id == expert
        )
        return {
            "worker": worker,
            "specialist": specialist,
            "admin": admin,
            "request": request,
            "expert": expert,
        }

    return asyncio.run(create())


def client_of(shared_app: SharedApp, email: str) -> TestClient[Litestar]:
    client = shared_app.client()
    sign_in(client, email)
    return client


def test_consultation_lists_and_forms_name_places_and_languages(
    people: dict[str, int], shared_app: SharedApp
) -> None:
    client = client_of(shared_app, WORKER)
    listed = client.get("/consultations")
    row = re.search(rf'<tr data-consultation="{people["request"]}">(.*?)</tr>', listed.text, re.S)
    assert row is not None
    assert "Ånge" in row[1]
    assert ANGE not in row[1]

    form = client.get("/consultations/new")
    languages = choices(form.text, "language")
    assert languages["ar"] == "Arabiska"
    assert languages["sv"] == "Svenska"
    assert next(iter(languages)) == "sv"  # Swedish first, then by name
    english = choices(client.get("/consultations/new", params={"lang": "en"}).text, "language")
    assert english["so"] == "Somali"
    assert english["ckb"] == "Central Kurdish"  # only the first letter raised


def test_profile_languages_are_ticked_by_name(
    people: dict[str, int], shared_app: SharedApp
) -> None:
    client = client_of(shared_app, SPECIALIST)
    page = client.get(f"/specialists/{people['specialist']}")
    boxes = choices(page.text, "languages")
    assert boxes["fi"] == "Finska"
    version = re.search(r'name="version" value="(\d+)"', page.text)
    assert version is not None
    saved = client.post(
        f"/specialists/{people['specialist']}/profile",
        data={
            "version": version[1],
            "competence_rows": "0",
            "languages": ["sv", "ti"],
            "consultations_per_week": "5",
            "slot_minutes": "45",
            "video": "1",
            "accepts_new": "1",
        },
        follow_redirects=False,
    )
    assert saved.status_code == 303, saved.text[:500]
    stored = in_app(
        client,
        lambda: (
            SpecialistProfile.select(SpecialistProfile.languages)
            .where(SpecialistProfile.id == people["specialist"])
            .first()
        ),
    )
    assert stored == {"languages": ["sv", "ti"]}
    again = client.get(f"/specialists/{people['specialist']}").text
    assert re.search(r'value="ti" checked', again)
    assert not re.search(r'value="fi" checked', again)


def test_admin_picks_places_by_name(people: dict[str, int], shared_app: SharedApp) -> None:
    client = client_of(shared_app, ADMIN)
    page = client.get("/admin/users")
    places = choices(page.text, "place")
    assert places[ANGE] == "Ånge"
    assert places["22"] == "Hela Västernorrlands län"
    row = re.search(r'<tr data-user="day.worker@demo.invalid">(.*?)</tr>', page.text, re.S)
    assert row is not None
    assert f">{ANGE}<" not in row[1]
    assert "Ånge</span>" in row[1]


def test_suggestions_give_reasons_in_words_and_points_on_demand(
    people: dict[str, int], shared_app: SharedApp
) -> None:
    client = client_of(shared_app, WORKER)
    opened = client.post(
        "/api/v1/consultations",
        json={
            "area": AREA,
            "summary": "Hur talar vi med flickan om resan i sommar?",
            "urgency": "soon",
            "language": "so",
            "submit": True,
        },
    )
    assert opened.status_code == 201, opened.text
    page = client.get(f"/consultations/{opened.json()['id']}")
    row = re.search(rf'<tr data-specialist="{people["expert"]}">(.*?)</tr>', page.text, re.S)
    assert row is not None, page.text[-3000:]
    reasons = re.search(r'<ul class="reasons"[^>]*>(.*?)</ul>', row[1], re.S)
    assert reasons is not None
    said = [re.sub(r"\s+", " ", r).strip() for r in re.findall(r"<li>(.*?)</li>", reasons[1], re.S)]
    assert said[0] == "expert i området"
    assert re.fullmatch(r"\d+ km bort", said[1]), said
    assert said[2].startswith("ledig tid ")
    assert "talar somaliska" in said
    assert "delar avtal med din kommun" in said
    assert "din kommun har ingen egen specialist i området" in said
    # The points are there on demand.
    points = re.search(r"<details[^>]*>(.*?)</details>", row[1], re.S)
    assert points is not None
    assert "Visa poängen" in points[1]
    assert "Kompetensnivå: 300" in points[1]

    english = client.get(f"/consultations/{opened.json()['id']}", params={"lang": "en"}).text
    assert "expert in the area" in english
    assert re.search(r"\d+ km away", english)
    assert "speaks Somali" in english


def test_after_booking_the_worker_sees_who_a_banner_and_the_survey_only_afterwards(
    people: dict[str, int], shared_app: SharedApp
) -> None:
    client = client_of(shared_app, WORKER)
    request = people["request"]
    page = client.get(f"/consultations/{request}")
    accepted_by = re.search(r'data-testid="accepted-by">([^<]*)<', page.text)
    assert accepted_by is not None
    assert accepted_by[1] == "day.specialist (Sundsvall)"
    start = re.search(r'name="start" value="([^"]+)"', page.text)
    assert start is not None, "no free times shown"
    booked = client.post(
        f"/consultations/{request}/book", data={"start": start[1]}, follow_redirects=False
    )
    assert booked.status_code == 303, booked.text[:300]
    assert booked.headers["location"] == f"/consultations/{request}?notice=booked"
    shown = client.get(booked.headers["location"]).text
    assert 'data-testid="success">Mötet är bokat.<' in shown
    assert 'data-testid="meeting-with">Med day.specialist (Sundsvall)<' in shown
    assert 'data-testid="survey"' not in shown  # not before the meeting
    assert 'data-testid="survey-later"' in shown
    assert 'data-testid="success"' not in client.get(f"/consultations/{request}").text

    async def meeting_in_the_past() -> None:
        await ConsultationRequest.update(
            {ConsultationRequest.meeting_at: datetime.now(UTC) - timedelta(hours=2)}
        ).where(ConsultationRequest.id == request)

    in_app_seeing_all(client, meeting_in_the_past)
    after = client.get(f"/consultations/{request}").text
    assert 'data-testid="survey"' in after
