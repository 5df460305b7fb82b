"""The coordinator's round pages: each row names its area, municipality and urgency
(not "#3" only), an unplaced request says what would help, the rounds run before are
listed a page at a time, and each save shows a banner. Uses Hylte (1315) and Halmstad
(1380) in Halland, and areas no other integration test uses."""

from __future__ import annotations

import asyncio
import re
from datetime import time

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from network.lib.vocab import Role
from network.specialists.tables import SpecialistProfile
from tests.support import SharedApp, sign_in
from tests.support.cases import add_competence, add_weekly_hours, create_county_agreement
from tests.support.people import create_specialist_profile, create_user

PLACED_AREA = "criminal_networks"  # one specialist with room for one, by a county agreement
NO_DEAL_AREA = "placement_foster_care"  # a specialist in Halmstad, no agreement
BUSY_AREA = "mental_health_self_harm"  # a specialist in Hylte who takes no new requests
COORDINATOR = "hylte.coordinator@demo.invalid"
OTHER_COORDINATOR = "laholm.coordinator@demo.invalid"
WORKER = "hylte.worker@demo.invalid"
HYLTE, HALMSTAD = "1315", "1380"


@pytest.fixture(scope="module")
def ids(migrated: None) -> dict[str, int]:
    async def create() -> dict[str, int]:
        await create_user(COORDINATOR, Role.COORDINATOR, municipality=HYLTE)
        await create_user(OTHER_COORDINATOR, Role.COORDINATOR, municipality="1381")
        found = {"worker": await create_user(WORKER, Role.SOCIAL_WORKER, municipality=HYLTE)}
        await create_county_agreement("13", PLACED_AREA)
        for key, home, area in (
            ("placer", HALMSTAD, PLACED_AREA),
            ("elsewhere", HALMSTAD, NO_DEAL_AREA),
            ("busy", HYLTE, BUSY_AREA),
        ):
            user = await create_user(
                f"hylte.{key}@demo.invalid", Role.SPECIALIST, municipality=home
            )
            specialist = await create_specialist_profile(user, home)
            found[key] = specialist
            await SpecialistProfile.update(
                {
                    SpecialistProfile.consultations_per_week: 1,
                    SpecialistProfile.accepts_new: key != "busy",
                }
            ).where(SpecialistProfile.id == specialist)
            await add_competence(specialist, area, 3)
            await add_weekly_hours(specialist, range(7), time(8), time(16))
        return found

    return asyncio.run(create())


@pytest.fixture
def client(ids: dict[str, int], shared_app: SharedApp) -> TestClient[Litestar]:
    return shared_app.client()


def _ask(client: TestClient[Litestar], area: str, urgency: str = "planned") -> int:
    body = {"area": area, "summary": "En fråga om metod", "urgency": urgency, "submit": True}
    made = client.post("/api/v1/consultations", json=body)
    assert made.status_code == 201, made.text
    return int(made.json()["id"])


def _row(html: str, request_id: int) -> str:
    found = re.search(rf'<tr data-request="{request_id}".*?</tr>', html, re.S)
    assert found is not None, request_id
    return found[0]


def test_a_round_page_names_each_row_and_says_what_would_help(
    client: TestClient[Litestar], ids: dict[str, int]
) -> None:
    sign_in(client, WORKER)
    first = _ask(client, PLACED_AREA, "acute")
    second = _ask(client, PLACED_AREA)
    no_deal = _ask(client, NO_DEAL_AREA)
    busy = _ask(client, BUSY_AREA)

    sign_in(client, COORDINATOR)
    made = client.post("/rounds/preview", follow_redirects=False)
    assert made.status_code == 303
    where = made.headers["location"]
    assert where.endswith("?notice=previewed")
    page = client.get(where)
    assert page.status_code == 200
    html = page.text
    assert 'data-testid="success"' in html
    placed_id = next(r for r in (first, second) if f'data-request="{r}" data-cause' not in html)
    placed = _row(html, placed_id)
    assert "#" + str(placed_id) not in placed.replace(f"/consultations/{placed_id}", "")
    assert "Barn och unga i kriminella nätverk" in placed  # the area by name
    assert "Hylte" in placed
    assert "hylte.placer" in placed  # the specialist by name
    if placed_id == first:
        assert "Akut" in placed  # the urgency as a tag
    left_id = second if placed_id == first else first
    assert "fick andra förfrågningar i den här rundan" in _row(html, left_id)
    deal = _row(html, no_deal)
    assert 'data-cause="no_agreement"' in deal
    assert "Inget avtal ger Hylte tillgång till" in deal
    assert "Halmstad" in deal  # the nearest municipality with such a specialist
    assert f'href="/coverage/act?county=13&amp;area={NO_DEAL_AREA}&amp;kind=agreements"' in deal
    assert "frånvarande, fullbokade eller tar inte emot nya" in _row(html, busy)

    # The API gives the same causes.
    round_id = int(where.split("/")[2].split("?")[0])
    api = client.get(f"/api/v1/rounds/{round_id}").json()
    causes = {u["request"]: u for u in api["unplaced"]}
    assert causes[no_deal]["cause"] == "no_agreement"
    assert causes[no_deal]["partner"] == HALMSTAD
    assert causes[busy]["cause"] == "no_free_time"
    assert causes[left_id]["cause"] == "all_candidates_full"

    committed = client.post(f"/rounds/{round_id}/commit", follow_redirects=False)
    assert committed.headers["location"] == f"/rounds/{round_id}?notice=committed"
    after = client.get(committed.headers["location"]).text
    assert "Rundan är bekräftad" in after
    assert 'data-testid="commit"' not in after


def test_the_round_history_pages_and_names_who_ran_each(client: TestClient[Litestar]) -> None:
    sign_in(client, COORDINATOR)
    for _ in range(21):
        assert client.post("/rounds/preview", follow_redirects=False).status_code == 303
    first = client.get("/rounds")
    assert first.status_code == 200
    rows = re.findall(r'<tr data-round="(\d+)">', first.text)
    assert len(rows) == 20
    assert rows == sorted(rows, key=int, reverse=True)  # newest first
    assert "hylte.coordinator" in first.text  # who ran it
    assert "Förhandsgranskning" in first.text  # the status in words
    second = client.get("/rounds", params={"page": 2})
    more = re.findall(r'<tr data-round="(\d+)">', second.text)
    assert more
    assert not set(more) & set(rows)
    api = client.get("/api/v1/rounds", params={"limit": 5}).json()
    assert [r["id"] for r in api] == [int(r) for r in rows[:5]]
    assert {r["municipality"] for r in api} == {HYLTE}
    bad = client.get("/rounds", params={"page": "0"}, headers={"accept": "text/html"})
    assert bad.status_code == 400


def test_another_places_coordinator_sees_none_of_these_rounds(
    client: TestClient[Litestar],
) -> None:
    sign_in(client, OTHER_COORDINATOR)
    page = client.get("/rounds")
    assert page.status_code == 200
    assert "hylte.coordinator" not in page.text
    assert client.get("/api/v1/rounds").json() == []
