"""API tokens: scoped, hashed at rest, revocable, expiring; never minted by a token."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from litestar import Litestar
from litestar.testing import TestClient

from network.accounts.tables import ApiToken
from network.lib.vocab import Role
from tests.support import SharedApp, in_app
from tests.support.people import create_users

EMAIL = "token.owner@demo.invalid"


@pytest.fixture(scope="module")
def analyst(migrated: None) -> int:
    return create_users((EMAIL, Role.ANALYST, {"county": "21"}))[EMAIL]


@pytest.fixture
def session(analyst: int, shared_app: SharedApp) -> TestClient[Litestar]:
    client = shared_app.client()
    assert client.post("/auth/dev-login", json={"email": EMAIL}).status_code == 200
    return client


def _later(days: int = 30) -> str:
    return (datetime.now(UTC) + timedelta(days=days)).isoformat()


def _bearer(token: str) -> dict[str, str]:
    return {"authorization": f"Bearer {token}"}


@contextmanager
def machine_client(client: TestClient[Litestar]) -> Iterator[TestClient[Litestar]]:
    """The same app, without the browser's cookies: a machine client with a token.

    (One app per test: a second app would share Piccolo's global pool across loops.)
    """
    saved = httpx.Cookies(client.cookies)
    client.cookies.clear()
    try:
        yield client
    finally:
        client.cookies = saved


def test_token_lifecycle(session: TestClient[Litestar], analyst: int) -> None:
    created = session.post(
        "/api/v1/tokens",
        json={"name": "county BI job", "scopes": ["coverage.read"], "expires_at": _later()},
    )
    assert created.status_code == 201, created.text
    secret = created.json()["token"]
    assert secret.startswith("snt_")

    # Hashed at rest: the secret itself is stored nowhere.
    rows = in_app(session, ApiToken.select().where(ApiToken.user == analyst).run)
    assert all(secret not in str(row.values()) for row in rows)

    listed = session.get("/api/v1/tokens").json()
    assert [t["name"] for t in listed] == ["county BI job"]
    assert "token" not in listed[0]

    with machine_client(session) as machine:
        me = machine.get("/api/v1/me", headers=_bearer(secret))
        # The token is scoped to coverage.read only: /me needs "signed_in".
        assert me.status_code == 403
        assert "not scoped" in me.json()["detail"]
        # A token cannot mint tokens.
        minted = machine.post(
            "/api/v1/tokens",
            json={"name": "x", "scopes": ["coverage.read"], "expires_at": _later()},
            headers=_bearer(secret),
        )
        assert minted.status_code == 403
        assert machine.get("/api/v1/me", headers=_bearer("snt_wrong")).status_code == 401

    token_id = listed[0]["id"]
    assert session.delete(f"/api/v1/tokens/{token_id}").status_code == 204
    assert session.delete(f"/api/v1/tokens/{token_id}").status_code == 404
    with machine_client(session) as machine:
        assert machine.get("/api/v1/me", headers=_bearer(secret)).status_code == 401


def test_signed_in_scope_works_and_expiry_ends_it(session: TestClient[Litestar]) -> None:
    created = session.post(
        "/api/v1/tokens",
        json={"name": "me", "scopes": ["signed_in"], "expires_at": _later(1)},
    ).json()
    with machine_client(session) as machine:
        assert machine.get("/api/v1/me", headers=_bearer(created["token"])).json()["email"] == EMAIL
        in_app(
            machine,
            ApiToken.update({ApiToken.expires_at: datetime.now(UTC) - timedelta(seconds=1)})
            .where(ApiToken.id == created["id"])
            .run,
        )
        assert machine.get("/api/v1/me", headers=_bearer(created["token"])).status_code == 401


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "x", "scopes": ["round.run"], "expires_at": _later()}, "scopes[0]"),
        ({"name": "x", "scopes": ["no.such"], "expires_at": _later()}, "scopes[0]"),
        ({"name": "x", "scopes": [], "expires_at": _later()}, "scopes"),
        ({"name": "x", "scopes": ["coverage.read"], "expires_at": _later(-1)}, "expires_at"),
        ({"name": "x", "scopes": ["coverage.read"], "expires_at": _later(400)}, "expires_at"),
        ({"name": "", "scopes": ["coverage.read"], "expires_at": _later()}, "name"),
        ({"name": "x", "scopes": ["user.manage"], "expires_at": _later()}, "scopes[0]"),
    ],
)
def test_bad_token_requests_name_the_field(
    session: TestClient[Litestar], body: dict[str, object], field: str
) -> None:
    response = session.post("/api/v1/tokens", json=body)
    assert response.status_code == 400, response.text
    assert response.json()["errors"][0]["field"] == field
