"""Opening a request offers it to the specialist it names: one rule for the API,
the use case and the page (the page's "send" of a draft once left it unoffered)."""

from __future__ import annotations

import asyncio
import re
from datetime import time

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from network.accounts.principals import load_principal
from network.consultations import opening
from network.consultations.tables import Assignment
from network.lib.vocab import AssignmentStatus, Role
from tests.support import SharedApp, in_app, in_app_seeing_all, sign_in
from tests.support.cases import add_competence, add_weekly_hours, create_county_agreement
from tests.support.context import context_of
from tests.support.people import create_specialist_profile, create_user

AREA = "child_forced_marriage"
WORKER = "opening.worker@demo.invalid"  # Ydre (0512)
SPECIALIST = "opening.specialist@demo.invalid"  # Linköping (0580)
DRAFT = {
    "area": AREA,
    "summary": "Hur bemöter vi en flicka som berättar om planer på giftermål?",
    "urgency": "soon",
}


@pytest.fixture(scope="module")
def ids(migrated: None) -> dict[str, int]:
    async def create() -> dict[str, int]:
        worker = await create_user(WORKER, Role.SOCIAL_WORKER, municipality="0512")
        await create_county_agreement("05", AREA)
        user = await create_user(SPECIALIST, Role.SPECIALIST, municipality="0580")
        specialist = await create_specialist_profile(user, "0580")
        await add_competence(specialist, AREA, 3)
        await add_weekly_hours(specialist, range(5), time(8), time(16))
        return {"worker": worker, "specialist": specialist}

    return asyncio.run(create())


@pytest.fixture
def client(ids: dict[str, int], shared_app: SharedApp) -> TestClient[Litestar]:
    test_client = shared_app.client()
    sign_in(test_client, WORKER)
    return test_client


def _offered_to(client: TestClient[Litestar], request_id: int) -> list[int]:
    async def query() -> list[int]:
        rows = await Assignment.select(Assignment.specialist).where(
            (Assignment.request == request_id) & (Assignment.status == AssignmentStatus.OFFERED)
        )
        return [row["specialist"] for row in rows]

    return in_app_seeing_all(client, query)


def _draft(client: TestClient[Litestar], specialist: int) -> int:
    created = client.post("/api/v1/consultations", json={**DRAFT, "named_specialist": specialist})
    assert created.status_code == 201, created.text
    assert created.json()["status"] == "draft"
    return int(created.json()["id"])


def test_the_use_case_offers_the_opened_draft_to_the_named_specialist(
    client: TestClient[Litestar], ids: dict[str, int]
) -> None:
    request_id = _draft(client, ids["specialist"])
    assert _offered_to(client, request_id) == []

    async def open_it() -> None:
        principal = await load_principal(ids["worker"])
        assert principal is not None
        await opening.open_request(context_of(principal), request_id)

    in_app(client, open_it)
    assert _offered_to(client, request_id) == [ids["specialist"]]


def test_the_api_and_the_page_offer_an_opened_draft_alike(
    client: TestClient[Litestar], ids: dict[str, int]
) -> None:
    through_api = _draft(client, ids["specialist"])
    opened = client.post(f"/api/v1/consultations/{through_api}/submit")
    assert opened.status_code == 200, opened.text
    assert opened.json()["status"] == "offered"

    through_page = _draft(client, ids["specialist"])
    page = client.post(
        f"/consultations/{through_page}/submit",
        data={},
        follow_redirects=False,
    )
    assert page.status_code == 303, page.text[:300]
    assert (
        _offered_to(client, through_page) == [ids["specialist"]] == _offered_to(client, through_api)
    )
    shown = client.get(f"/api/v1/consultations/{through_page}").json()
    assert shown["status"] == "offered"
    assert shown["offered_to"] == ids["specialist"]


def test_declining_on_the_page_ends_on_the_list_with_a_confirmation(
    client: TestClient[Litestar], ids: dict[str, int]
) -> None:
    """Declined, the request is no longer the specialist's to see: the page goes back to
    their list and says what happened (it once ended on "no access" with the policy's
    internal text)."""
    request_id = _draft(client, ids["specialist"])
    assert client.post(f"/api/v1/consultations/{request_id}/submit").status_code == 200
    sign_in(client, SPECIALIST)
    declined = client.post(
        f"/consultations/{request_id}/decline",
        data={"reason": "Fullt schema de närmaste veckorna"},
        follow_redirects=False,
    )
    assert declined.status_code == 303, declined.text[:300]
    assert declined.headers["location"] == "/consultations?declined=1"
    page = client.get(declined.headers["location"] + "&lang=sv")
    assert page.status_code == 200
    assert "Du har tackat nej" in page.text
    assert "consultation.read" not in page.text
    assert _offered_to(client, request_id) == []


def test_a_refused_action_is_an_html_page_whose_language_switch_works(
    client: TestClient[Litestar], ids: dict[str, int]
) -> None:
    """A refusal on the request's page comes back as HTML (it was once served as text,
    so the browser showed its source), and its language switch leads to a page that
    exists (it once pointed at the form's POST-only address)."""
    request_id = _draft(client, ids["specialist"])
    page_url = f"https://testserver.local/consultations/{request_id}"
    refused = client.post(
        f"/consultations/{request_id}/cancel",
        data={"reason": "Mamma ringer 070-123 45 67 i stället"},
        headers={"referer": page_url},
        follow_redirects=False,
    )
    assert refused.status_code == 400
    assert refused.headers["content-type"].startswith("text/html")
    assert "<mark>070-123 45 67</mark>" in refused.text
    href = re.search(r'class="lang-switch" href="([^"]+)"', refused.text)
    assert href is not None
    target = href.group(1).replace("&amp;", "&")
    assert target.startswith(f"/consultations/{request_id}?lang=")
    assert client.get(target).status_code == 200
