"""No dead ends: a browser gets an HTML page in its language with a way on for every
refusal, and API clients keep getting JSON (content negotiation on Accept and path)."""

from __future__ import annotations

from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from tests.support import SharedApp, sign_in
from tests.support.people import create_role_users

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


@pytest.fixture(scope="module")
def users(migrated: None) -> dict[str, str]:
    return create_role_users("errpages", {"municipality": "0180", "county": "01"})


@pytest.fixture
def client(users: dict[str, str], shared_app: SharedApp) -> TestClient[Litestar]:
    """A new visitor (its CSRF header sent for it), not signed in."""
    return shared_app.client()


def _page(client: TestClient[Litestar], path: str, lang: str = "sv", **kw: Any) -> Any:
    return client.get(
        path,
        headers={"accept": BROWSER, "accept-language": lang},
        follow_redirects=False,
        **kw,
    )


def test_a_page_that_needs_sign_in_leads_to_sign_in_and_back(
    client: TestClient[Litestar],
) -> None:
    answer = _page(client, "/consultations?status=open")
    assert answer.status_code == 303
    assert answer.headers["location"] == "/auth/dev-login?next=%2Fconsultations%3Fstatus%3Dopen"
    form = client.get(answer.headers["location"]).text
    assert 'name="next" value="/consultations?status=open"' in form


@pytest.mark.parametrize("target", ["https://evil.example/x", "//evil.example", "/\\evil"])
def test_sign_in_goes_back_only_to_a_path_of_this_site(
    client: TestClient[Litestar], users: dict[str, str], target: str
) -> None:
    client.get("/auth/dev-login")
    answer = client.post(
        "/auth/dev-login/form",
        data={"email": users["social_worker"], "next": target},
        follow_redirects=False,
    )
    assert answer.status_code == 303
    assert answer.headers["location"] == "/"


def test_an_api_client_keeps_getting_json(client: TestClient[Litestar]) -> None:
    page = client.get("/consultations", headers={"accept": "application/json"})
    assert page.status_code == 401
    assert page.json()["detail"] == "Sign in first"
    api = _page(client, "/api/v1/consultations")  # an API path, even from a browser
    assert api.status_code == 401
    assert api.headers["content-type"].startswith("application/json")


@pytest.mark.parametrize(("lang", "title"), [("sv", "Hittades inte"), ("en", "Not found")])
def test_a_missing_page_is_a_page_with_a_way_on(
    client: TestClient[Litestar], lang: str, title: str
) -> None:
    answer = _page(client, "/no/such/page", lang=lang)
    assert answer.status_code == 404
    assert answer.headers["content-type"].startswith("text/html")
    assert f"<h1>{title}</h1>" in answer.text
    assert 'data-testid="error-home"' in answer.text
    assert "{" + '"detail"' not in answer.text


def test_a_refusal_never_shows_the_policy_s_words(
    client: TestClient[Litestar], users: dict[str, str]
) -> None:
    sign_in(client, users["analyst"])
    answer = _page(client, "/consultations/new")
    assert answer.status_code == 403
    assert answer.headers["content-type"].startswith("text/html")
    assert "Du har inte åtkomst" in answer.text
    assert "no role of yours" not in answer.text
    assert "consultation." not in answer.text
