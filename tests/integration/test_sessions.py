"""Dev sign-in, the session cookie, session-id rotation, sign-out and the guard."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta

import pytest
from litestar import Litestar
from litestar.stores.base import Store
from litestar.testing import TestClient

from network.accounts.sessions import IDLE_TIMEOUT_SECONDS, SESSION_COOKIE
from network.accounts.tables import User
from network.app import create_app
from network.audit.tables import AuditEvent
from network.lib.vocab import Role
from network.settings import get_settings
from tests.support import csrf_ready, in_app
from tests.support.people import create_users

EMAIL = "session.tester@demo.invalid"


@pytest.fixture(scope="module")
def tester(migrated: None) -> int:
    ids = create_users((EMAIL, Role.SOCIAL_WORKER, {"municipality": "2161"}))
    return ids[EMAIL]


@pytest.fixture
def https_client(tester: int) -> Iterator[TestClient[Litestar]]:
    # The session cookie is Secure and __Host- prefixed: it travels over https only.
    with TestClient(create_app(), base_url="https://testserver.local") as client:
        yield csrf_ready(client)


def _session_id(client: TestClient[Litestar]) -> str | None:
    return client.cookies.get(SESSION_COOKIE)


def test_me_needs_sign_in(https_client: TestClient[Litestar]) -> None:
    response = https_client.get("/api/v1/me")
    assert response.status_code == 401


def test_dev_login_signs_in_and_rotates_the_session_id(
    https_client: TestClient[Litestar], tester: int
) -> None:
    # A session exists before sign-in (e.g. planted by an attacker: session fixation).
    https_client.cookies.set(SESSION_COOKIE, "a" * 64, domain="testserver.local")
    response = https_client.post("/auth/dev-login", json={"email": EMAIL})
    assert response.status_code == 200, response.text
    assert response.json()["email"] == EMAIL
    assert response.json()["roles"] == [
        {"role": "social_worker", "county": "21", "municipality": "2161"}
    ]
    set_cookie = response.headers["set-cookie"]
    assert set_cookie.startswith(f"{SESSION_COOKIE}=")
    assert "Secure" in set_cookie
    assert "HttpOnly" in set_cookie
    assert "samesite=lax" in set_cookie.lower()
    assert "Path=/" in set_cookie
    assert "Domain" not in set_cookie
    first_id = response.cookies[SESSION_COOKIE]
    assert first_id != "a" * 64
    assert https_client.get("/api/v1/me").json()["id"] == tester

    # Signing in again gives a new id, and the old one is dead.
    again = https_client.post("/auth/dev-login", json={"email": EMAIL})
    second_id = again.cookies[SESSION_COOKIE]
    assert second_id != first_id
    https_client.cookies.set(SESSION_COOKIE, first_id, domain="testserver.local")
    assert https_client.get("/api/v1/me").status_code == 401
    https_client.cookies.set(SESSION_COOKIE, second_id, domain="testserver.local")
    assert https_client.get("/api/v1/me").status_code == 200


def test_sign_out_ends_the_session(https_client: TestClient[Litestar], tester: int) -> None:
    https_client.post("/auth/dev-login", json={"email": EMAIL})
    session_id = _session_id(https_client)
    assert https_client.get("/api/v1/me").status_code == 200
    assert https_client.post("/auth/logout").status_code == 200
    assert https_client.get("/api/v1/me").status_code == 401
    # Replaying the old cookie does not bring the session back.
    assert session_id is not None
    https_client.cookies.set(SESSION_COOKIE, session_id, domain="testserver.local")
    assert https_client.get("/api/v1/me").status_code == 401


def test_disabling_a_user_ends_their_session(
    https_client: TestClient[Litestar], tester: int
) -> None:
    https_client.post("/auth/dev-login", json={"email": EMAIL})
    assert https_client.get("/api/v1/me").status_code == 200
    in_app(https_client, User.update({User.active: False}).where(User.id == tester).run)
    try:
        assert https_client.get("/api/v1/me").status_code == 401
    finally:
        in_app(https_client, User.update({User.active: True}).where(User.id == tester).run)


def test_unknown_email_is_a_named_400(https_client: TestClient[Litestar]) -> None:
    failed = AuditEvent.count().where(AuditEvent.action == "auth.sign_in_failed")
    before = in_app(https_client, failed.run)
    response = https_client.post("/auth/dev-login", json={"email": "nobody@demo.invalid"})
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "email"
    # A failed sign-in is audited.
    assert in_app(https_client, failed.run) == before + 1
    malformed = https_client.post("/auth/dev-login", json={"email": 42})
    assert malformed.status_code == 400
    assert malformed.json()["errors"][0]["field"] == "email"


def test_denied_access_is_audited(https_client: TestClient[Litestar]) -> None:
    before = in_app(
        https_client, AuditEvent.count().where(AuditEvent.action == "access.denied").run
    )
    assert https_client.get("/api/v1/me").status_code == 401
    after = in_app(https_client, AuditEvent.count().where(AuditEvent.action == "access.denied").run)
    assert after == before + 1


def test_dev_login_does_not_exist_in_prod(migrated: None) -> None:
    settings = replace(get_settings(), env="prod")
    with TestClient(create_app(settings), base_url="https://testserver.local") as client:
        response = client.post("/auth/dev-login", json={"email": EMAIL})
        assert response.status_code in (404, 405)
        paths = client.get("/schema/openapi.json").json()["paths"]
        assert "/auth/dev-login" not in paths


def test_write_without_csrf_token_is_refused(tester: int) -> None:
    with TestClient(create_app(), base_url="https://testserver.local") as client:
        client.get("/api/v1/areas")  # has the cookie, but does not echo it
        response = client.post("/auth/dev-login", json={"email": EMAIL})
        assert response.status_code == 403
        assert "CSRF" in response.json()["detail"]
        assert client.get("/api/v1/me").status_code == 401


def test_security_headers(https_client: TestClient[Litestar]) -> None:
    headers = https_client.get("/api/v1/areas").headers
    csp = headers["content-security-policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert headers["referrer-policy"] == "same-origin"
    assert headers["x-content-type-options"] == "nosniff"
    assert "strict-transport-security" not in headers  # dev mode: no HSTS


def test_hsts_in_prod(migrated: None) -> None:
    settings = replace(get_settings(), env="prod")
    with TestClient(create_app(settings), base_url="https://testserver.local") as client:
        hsts = client.get("/health").headers["strict-transport-security"]
    assert hsts.startswith("max-age=")


def test_sign_in_is_rate_limited(tester: int) -> None:
    settings = replace(get_settings(), rate_limit_signin=3)
    app = create_app(settings)
    with TestClient(app, base_url="https://testserver.local") as client:
        # With Redis the counters are shared by every app of this run: start from zero.
        in_app(client, app.stores.get("rate_limit_signin").delete_all)
        csrf_ready(client)
        codes = [
            client.post("/auth/dev-login", json={"email": "nobody@demo.invalid"}).status_code
            for _ in range(5)
        ]
    assert codes[:3] == [400, 400, 400]
    assert codes[3:] == [429, 429]


def test_anonymous_requests_leave_no_session(migrated: None) -> None:
    with TestClient(create_app(), base_url="https://testserver.local") as client:
        response = client.get("/")
        assert response.status_code == 200
        assert SESSION_COOKIE not in response.headers.get("set-cookie", "")
        assert SESSION_COOKIE not in client.cookies


class _CountingStore(Store):
    """The app's own session store, counting what is written to it."""

    def __init__(self, inner: Store) -> None:
        self.inner = inner
        self.writes: list[str] = []

    async def set(
        self, key: str, value: str | bytes, expires_in: int | timedelta | None = None
    ) -> None:
        self.writes.append(key)
        await self.inner.set(key, value, expires_in)

    async def get(self, key: str, renew_for: int | timedelta | None = None) -> bytes | None:
        return await self.inner.get(key, renew_for)

    async def delete(self, key: str) -> None:
        await self.inner.delete(key)

    async def delete_all(self) -> None:
        await self.inner.delete_all()

    async def exists(self, key: str) -> bool:
        return await self.inner.exists(key)

    async def expires_in(self, key: str) -> int | None:
        return await self.inner.expires_in(key)


def test_an_unchanged_session_is_not_written_back(tester: int) -> None:
    app = create_app()
    store = _CountingStore(app.stores.get("sessions"))
    app.stores.register("sessions", store, allow_override=True)
    with TestClient(app, base_url="https://testserver.local") as client:
        csrf_ready(client)
        assert client.post("/auth/dev-login", json={"email": EMAIL}).status_code == 200
        session_id = _session_id(client)
        assert session_id is not None
        assert store.writes == [session_id]  # signing in writes the session
        # The entry is about to expire: reading it renews the idle timeout in full.
        data = in_app(client, lambda: store.inner.get(session_id))
        assert data is not None
        in_app(client, lambda: store.inner.set(session_id, data, expires_in=5))
        for _ in range(3):
            response = client.get("/api/v1/me")
            assert response.status_code == 200
            # The cookie's Max-Age slides with every response, as before.
            assert [
                c for c in response.headers.get_list("set-cookie") if c.startswith(SESSION_COOKIE)
            ] == [
                f"{SESSION_COOKIE}={session_id}; HttpOnly; Max-Age={IDLE_TIMEOUT_SECONDS}; "
                "Path=/; SameSite=lax; Secure"
            ]
        assert store.writes == [session_id]  # nothing written back
        remaining = in_app(client, lambda: store.inner.expires_in(session_id))
        assert remaining is not None
        assert IDLE_TIMEOUT_SECONDS - 60 < remaining <= IDLE_TIMEOUT_SECONDS
        assert in_app(client, lambda: store.inner.get(session_id)) == data
        # A change is written: signing out deletes the entry and expires the cookie.
        assert client.post("/auth/logout").status_code == 200
        assert in_app(client, lambda: store.inner.get(session_id)) is None
        assert client.get("/api/v1/me").status_code == 401


def test_writes_are_rate_limited(tester: int) -> None:
    settings = replace(get_settings(), rate_limit_writes=3)
    app = create_app(settings)
    with TestClient(app, base_url="https://testserver.local") as client:
        in_app(client, app.stores.get("rate_limit_writes").delete_all)
        csrf_ready(client)
        codes = [client.post("/api/v1/consultations", json={}).status_code for _ in range(4)]
        # Reads are not counted.
        assert client.get("/api/v1/areas").status_code == 200
    assert codes[:3] == [401, 401, 401]
    assert codes[3] == 429
