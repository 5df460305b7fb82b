"""OpenID Connect sign-in against a real provider (Node's certified ``oidc-provider``).

The browser is played with httpx at the provider (its development login and
consent forms) and with Litestar's TestClient at the app, over https so the
``__Host-`` session cookie travels.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from dataclasses import replace
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from network.accounts.oidc import (
    Flow,
    InvalidCallback,
    InvalidIdToken,
    OidcClient,
)
from network.accounts.oidc_settings import load_oidc_settings
from network.accounts.sessions import SESSION_COOKIE
from network.accounts.tables import User
from network.app import create_app
from network.audit.tables import AuditEvent
from network.lib.vocab import Role
from network.settings import get_settings
from tests.support import csrf_ready, in_app
from tests.support.oidc_provider import Provider, running_provider, sign_in_at_provider
from tests.support.people import create_users
from tests.support.server import free_port

BASE_URL = "https://testserver.local"
CALLBACK = f"{BASE_URL}/auth/callback"
CLIENT_ID = "specialistnatet-test"
CLIENT_SECRET = "test-client-secret-" + "x" * 24
CLIENT = {"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, "redirect_uris": [CALLBACK]}

KNOWN = "oidc.known@demo.invalid"  # already bound to the subject "sub-known"
LINKED = "oidc.linked@demo.invalid"  # pre-registered: bound on first sign-in, by e-mail
UNVERIFIED = "oidc.unverified@demo.invalid"  # the provider says its e-mail is unverified
ACCOUNTS: dict[str, dict[str, Any]] = {
    "sub-known": {"email": KNOWN, "email_verified": True, "name": "Kim Känd"},
    # Upper case at the provider: e-mail matching is case-insensitive.
    "sub-linked": {"email": LINKED.upper(), "email_verified": True, "name": "Lo Länkad"},
    "sub-unverified": {"email": UNVERIFIED, "email_verified": False, "name": "Ulf Overifierad"},
    "sub-stranger": {"email": "stranger@elsewhere.invalid", "email_verified": True},
}


@pytest.fixture(scope="module")
def people(migrated: None) -> dict[str, int]:
    """The suite's users, made before any TestClient opens (outside its loop)."""
    ids = create_users(
        (KNOWN, Role.SOCIAL_WORKER, {"municipality": "2161"}),
        (LINKED, Role.SPECIALIST, {"municipality": "2161"}),
        (UNVERIFIED, Role.SOCIAL_WORKER, {"municipality": "2161"}),
    )

    async def bind() -> None:
        await User.update({User.oidc_subject: None}).where(User.oidc_subject.is_not_null())
        await User.update({User.oidc_subject: "sub-known"}).where(User.id == ids[KNOWN])

    asyncio.run(bind())
    return ids


@pytest.fixture(scope="module")
def provider() -> Iterator[Provider]:
    with running_provider(clients=[CLIENT], accounts=ACCOUNTS) as running:
        yield running


def oidc_app(issuer: str, **env: str) -> Litestar:
    """The app with OpenID Connect configured for ``issuer`` (env set while it is built)."""
    values = {
        "NETWORK_OIDC_ISSUER": issuer,
        "NETWORK_OIDC_CLIENT_ID": CLIENT_ID,
        "NETWORK_OIDC_CLIENT_SECRET": CLIENT_SECRET,
        # The test origin; unset, the callback is on NETWORK_PUBLIC_URL.
        "NETWORK_OIDC_REDIRECT_URL": CALLBACK,
        **env,
    }
    with pytest.MonkeyPatch.context() as patch:
        for name, value in values.items():
            patch.setenv(name, value)
        return create_app()


@pytest.fixture
def app(provider: Provider, people: dict[str, int]) -> Litestar:
    return oidc_app(provider.issuer)


@pytest.fixture
def client(app: Litestar) -> Iterator[TestClient[Litestar]]:
    with TestClient(app, base_url=BASE_URL) as test_client:
        yield test_client


def start_login(client: TestClient[Litestar], next_path: str | None = None) -> str:
    """GET /auth/login; returns the provider URL it redirects to."""
    query = f"?{urlencode({'next': next_path})}" if next_path is not None else ""
    response = client.get(f"/auth/login{query}", follow_redirects=False)
    assert response.status_code == 302, response.text
    return response.headers["location"]


def sign_in(client: TestClient[Litestar], login: str, next_path: str | None = None) -> Any:
    """The whole browser round trip; returns the app's answer to the callback."""
    callback = sign_in_at_provider(start_login(client, next_path), CALLBACK, login=login)
    return client.get(callback, follow_redirects=False)


def with_query(url: str, **changes: str) -> str:
    parts = urlsplit(url)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    query.update(changes)
    return urlunsplit(parts._replace(query=urlencode(query)))


def audit_count(client: TestClient[Litestar], action: str) -> int:
    return int(in_app(client, AuditEvent.count().where(AuditEvent.action == action).run))


# --- the flow ------------------------------------------------------------------------------


def test_sign_in_session_and_sign_out(
    client: TestClient[Litestar], provider: Provider, people: dict[str, int]
) -> None:
    assert client.get("/api/v1/me").status_code == 401
    location = start_login(client, "/api/v1/me")

    # The authorization request: code flow, PKCE S256, state, nonce, our callback.
    assert location.startswith(f"{provider.issuer}/auth?")
    query = parse_qs(urlsplit(location).query)
    assert query["response_type"] == ["code"]
    assert query["client_id"] == [CLIENT_ID]
    assert query["redirect_uri"] == [CALLBACK]
    assert query["scope"] == ["openid email profile"]
    assert query["code_challenge_method"] == ["S256"]
    assert len(query["code_challenge"][0]) == 43
    assert len(query["state"][0]) >= 32
    assert len(query["nonce"][0]) >= 32
    assert "code_verifier" not in query
    pre_login_session = client.cookies.get(SESSION_COOKIE)
    assert pre_login_session  # the flow waits in the server-side session

    before = audit_count(client, "auth.sign_in")
    callback = sign_in_at_provider(location, CALLBACK, login="sub-known")
    response = client.get(callback, follow_redirects=False)
    assert response.status_code == 303, response.text
    assert response.headers["location"] == "/api/v1/me"
    # The session id is rotated at sign-in (session fixation).
    assert client.cookies.get(SESSION_COOKIE) not in (None, pre_login_session)

    me = client.get("/api/v1/me")
    assert me.status_code == 200
    assert me.json()["id"] == people[KNOWN]
    assert me.json()["email"] == KNOWN
    assert audit_count(client, "auth.sign_in") == before + 1
    method = in_app(
        client,
        AuditEvent.select(AuditEvent.detail)
        .where(AuditEvent.action == "auth.sign_in")
        .order_by(AuditEvent.id, ascending=False)
        .first()
        .run,
    )
    assert method is not None
    assert "oidc" in str(method["detail"])

    csrf_ready(client)
    assert client.post("/auth/logout").status_code == 200
    assert client.get("/api/v1/me").status_code == 401


def test_the_callback_is_on_the_public_url_not_the_host_header(
    provider: Provider, people: dict[str, int]
) -> None:
    app = oidc_app(provider.issuer, NETWORK_OIDC_REDIRECT_URL="")  # blank: unset
    with TestClient(app, base_url=BASE_URL) as client:
        response = client.get(
            "/auth/login", headers={"host": "evil.example"}, follow_redirects=False
        )
    assert response.status_code == 302, response.text
    query = parse_qs(urlsplit(response.headers["location"]).query)
    assert query["redirect_uri"] == [f"{get_settings().public_url}/auth/callback"]


def test_the_header_links_to_oidc_sign_in(client: TestClient[Litestar]) -> None:
    page = client.get("/")
    assert page.status_code == 200
    assert 'href="/auth/login"' in page.text


def test_first_sign_in_binds_a_pre_registered_user_by_email(
    client: TestClient[Litestar], people: dict[str, int]
) -> None:
    response = sign_in(client, "sub-linked")
    assert response.status_code == 303, response.text
    assert response.headers["location"] == "/"
    assert client.get("/api/v1/me").json()["id"] == people[LINKED]
    subject = in_app(
        client, User.select(User.oidc_subject).where(User.id == people[LINKED]).first().run
    )
    assert subject == {"oidc_subject": "sub-linked"}
    assert audit_count(client, "auth.oidc_linked") >= 1

    # Next time the subject alone finds the account.
    client.cookies.clear()
    again = sign_in(client, "sub-linked")
    assert again.status_code == 303
    assert client.get("/api/v1/me").json()["id"] == people[LINKED]


def test_an_unverified_email_is_not_bound(
    client: TestClient[Litestar], people: dict[str, int]
) -> None:
    response = sign_in(client, "sub-unverified")
    assert response.status_code == 403
    assert "Ingen åtkomst än" in response.text
    subject = in_app(
        client, User.select(User.oidc_subject).where(User.id == people[UNVERIFIED]).first().run
    )
    assert subject == {"oidc_subject": None}
    assert client.get("/api/v1/me").status_code == 401


def test_unknown_user_gets_no_access_page_and_an_audit_row(
    client: TestClient[Litestar], people: dict[str, int]
) -> None:
    users_before = in_app(client, User.count().run)
    failures_before = in_app(
        client,
        AuditEvent.count()
        .where((AuditEvent.action == "auth.sign_in_failed") & (AuditEvent.outcome == "denied"))
        .run,
    )
    response = sign_in(client, "sub-stranger")
    assert response.status_code == 403
    assert response.headers["content-type"].startswith("text/html")
    assert "Ingen åtkomst än" in response.text
    assert "No access yet" in response.text
    assert "stranger@elsewhere.invalid" in response.text
    assert in_app(client, User.count().run) == users_before  # no account was created
    rows = in_app(
        client,
        AuditEvent.select(AuditEvent.outcome, AuditEvent.detail, AuditEvent.actor_id)
        .where(AuditEvent.action == "auth.sign_in_failed")
        .order_by(AuditEvent.id, ascending=False)
        .run,
    )
    assert len(rows) == failures_before + 1
    assert rows[0]["outcome"] == "denied"
    assert rows[0]["actor_id"] is None
    assert "sub-stranger" in str(rows[0]["detail"])
    assert client.get("/api/v1/me").status_code == 401


# --- refusals ------------------------------------------------------------------------------


def test_a_wrong_state_is_refused(client: TestClient[Litestar]) -> None:
    callback = sign_in_at_provider(start_login(client), CALLBACK, login="sub-known")
    response = client.get(with_query(callback, state="forged-state"), follow_redirects=False)
    assert response.status_code == 400
    assert "Inloggningen misslyckades" in response.text
    assert "Sign-in failed" in response.text
    assert client.get("/api/v1/me").status_code == 401
    # The flow was used up by the refused attempt: the genuine answer fails too.
    assert client.get(callback, follow_redirects=False).status_code == 400
    assert client.get("/api/v1/me").status_code == 401


def test_a_callback_without_a_sign_in_is_refused(client: TestClient[Litestar]) -> None:
    response = client.get("/auth/callback?code=abc&state=xyz", follow_redirects=False)
    assert response.status_code == 400
    assert client.get("/api/v1/me").status_code == 401
    assert client.get("/auth/callback", follow_redirects=False).status_code == 400


def test_a_replayed_callback_and_a_replayed_code_are_refused(
    client: TestClient[Litestar], people: dict[str, int]
) -> None:
    callback = sign_in_at_provider(start_login(client), CALLBACK, login="sub-known")
    assert client.get(callback, follow_redirects=False).status_code == 303
    session_id = client.cookies.get(SESSION_COOKIE)

    # The same callback again: its flow is gone from the session.
    replay = client.get(callback, follow_redirects=False)
    assert replay.status_code == 400
    assert client.cookies.get(SESSION_COOKIE) == session_id
    assert client.get("/api/v1/me").json()["id"] == people[KNOWN]  # still the same session

    # The used code with the state of a fresh sign-in: the provider refuses it.
    client.cookies.clear()
    fresh_state = parse_qs(urlsplit(start_login(client)).query)["state"][0]
    replayed_code = client.get(with_query(callback, state=fresh_state), follow_redirects=False)
    assert replayed_code.status_code == 400
    assert client.get("/api/v1/me").status_code == 401


def test_the_provider_refusing_is_a_403_page(client: TestClient[Litestar]) -> None:
    callback = sign_in_at_provider(start_login(client), CALLBACK, login="", cancel=True)
    assert parse_qs(urlsplit(callback).query)["error"] == ["access_denied"]
    response = client.get(callback, follow_redirects=False)
    assert response.status_code == 403
    assert "Inloggningen avbröts" in response.text
    assert client.get("/api/v1/me").status_code == 401


def test_only_same_site_paths_are_followed_after_sign_in(client: TestClient[Litestar]) -> None:
    for target in ("https://evil.example/", "//evil.example/x", "/\\evil.example", "/auth/login"):
        client.cookies.clear()
        response = sign_in(client, "sub-known", next_path=target)
        assert response.status_code == 303
        assert response.headers["location"] == "/", target
    client.cookies.clear()
    response = sign_in(client, "sub-known", next_path="/admin/users?q=a")
    assert response.headers["location"] == "/admin/users?q=a"


def test_an_expired_id_token_is_refused(app: Litestar, people: dict[str, int]) -> None:
    # The token is the provider's own (valid for an hour); the app's clock runs two
    # hours ahead, so that token has expired by the time it is checked.
    oidc = app.state.oidc
    assert isinstance(oidc, OidcClient)
    oidc.clock = lambda: time.time() + 2 * 3600
    with TestClient(app, base_url=BASE_URL) as client:
        response = sign_in(client, "sub-known")
        assert response.status_code == 400
        assert "Inloggningen misslyckades" in response.text
        assert client.get("/api/v1/me").status_code == 401
        reason = in_app(
            client,
            AuditEvent.select(AuditEvent.detail)
            .where(AuditEvent.action == "auth.sign_in_failed")
            .order_by(AuditEvent.id, ascending=False)
            .first()
            .run,
        )
        assert reason is not None
        assert "expired" in str(reason["detail"])


async def test_id_tokens_are_checked_for_audience_nonce_and_expiry(provider: Provider) -> None:
    """A real ID token from the provider, checked the ways an attacker could bend it."""
    settings = load_oidc_settings(
        {
            "NETWORK_OIDC_ISSUER": provider.issuer,
            "NETWORK_OIDC_CLIENT_ID": CLIENT_ID,
            "NETWORK_OIDC_CLIENT_SECRET": CLIENT_SECRET,
        }
    )
    assert settings is not None
    oidc = OidcClient(settings)
    url, flow = await oidc.start(redirect_uri=CALLBACK, next_path="/")
    callback = await asyncio.to_thread(sign_in_at_provider, url, CALLBACK, login="sub-known")
    code = parse_qs(urlsplit(callback).query)["code"][0]
    token = await oidc.exchange_code(flow, code=code)
    id_token = token["id_token"]

    claims = await oidc.verify_id_token(id_token, nonce=flow.nonce)
    assert claims["sub"] == "sub-known"
    assert claims["aud"] == CLIENT_ID
    assert "email" not in claims  # the provider keeps it for the userinfo endpoint
    identity = await oidc.identify(token, flow)
    assert (identity.subject, identity.email, identity.name) == ("sub-known", KNOWN, "Kim Känd")

    other_audience = OidcClient(replace(settings, client_id="another-client"))
    with pytest.raises(InvalidIdToken, match="aud"):
        await other_audience.verify_id_token(id_token, nonce=flow.nonce)
    with pytest.raises(InvalidIdToken, match="nonce"):
        await oidc.verify_id_token(id_token, nonce="another-nonce")
    later = OidcClient(settings, clock=lambda: time.time() + 2 * 3600)
    with pytest.raises(InvalidIdToken, match="expired"):
        await later.verify_id_token(id_token, nonce=flow.nonce)
    header, payload, signature = id_token.split(".")
    flipped = "AAAA" if signature[-4:] != "AAAA" else "BBBB"
    tampered = ".".join((header, payload, signature[:-4] + flipped))
    with pytest.raises(InvalidIdToken, match="signature"):
        await oidc.verify_id_token(tampered, nonce=flow.nonce)
    # A code is good once.
    with pytest.raises(InvalidCallback, match="invalid_grant"):
        await oidc.exchange_code(flow, code=code)
    assert isinstance(flow, Flow)


# --- the provider down, key rotation ------------------------------------------------------


def test_provider_unreachable_is_a_503_page(people: dict[str, int]) -> None:
    closed = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    with TestClient(oidc_app(closed), base_url=BASE_URL) as client:
        response = client.get("/auth/login", follow_redirects=False)
        assert response.status_code == 503
        assert response.headers["retry-after"] == "60"
        assert response.headers["content-type"].startswith("text/html")
        assert "Inloggningstjänsten är inte tillgänglig" in response.text
        assert "Sign-in service unavailable" in response.text
        assert closed.split("//")[1] not in response.text
        assert CLIENT_SECRET not in response.text
        assert SESSION_COOKIE not in client.cookies


def test_provider_down_mid_sign_in_then_rotated_keys(people: dict[str, int]) -> None:
    with running_provider(clients=[CLIENT], accounts=ACCOUNTS) as own:
        app = oidc_app(own.issuer)
        with TestClient(app, base_url=BASE_URL) as client:
            assert sign_in(client, "sub-known").status_code == 303
            first_keys = own.key_ids()

            # Stopped between the redirect back and the code exchange: a 503 page.
            client.cookies.clear()
            callback = sign_in_at_provider(start_login(client), CALLBACK, login="sub-known")
            own.stop()
            response = client.get(callback, follow_redirects=False)
            assert response.status_code == 503
            assert "Sign-in service unavailable" in response.text
            assert CLIENT_SECRET not in response.text
            assert client.get("/api/v1/me").status_code == 401

            # Back with a new signing key: the app fetches the JWKS again and signs in.
            own.start()
            assert own.key_ids() != first_keys
            response = sign_in(client, "sub-known")
            assert response.status_code == 303, response.text
            assert client.get("/api/v1/me").status_code == 200


def test_without_an_issuer_there_are_no_oidc_routes(migrated: None) -> None:
    with TestClient(create_app(), base_url=BASE_URL) as client:
        assert client.get("/auth/login", follow_redirects=False).status_code == 404
        assert client.get("/auth/callback", follow_redirects=False).status_code == 404
