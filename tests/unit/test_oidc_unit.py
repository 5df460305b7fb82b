"""The pure parts of OpenID Connect sign-in: redirect targets, the callback check,
ID-token claims, provider metadata, identities and the settings."""

from __future__ import annotations

from typing import Any

import pytest

from network.accounts.oidc import (
    FLOW_MAX_AGE_SECONDS,
    Flow,
    Identity,
    InvalidCallback,
    InvalidIdToken,
    ProviderMetadata,
    ProviderUnavailable,
    SignInRefused,
    check_callback,
    safe_next,
    validate_id_token_claims,
)
from network.accounts.oidc_settings import DEFAULT_SCOPES, load_oidc_settings
from network.settings import SettingsError

ISSUER = "https://login.example.se/realms/kommun"
CLIENT = "specialistnatet"
NOW = 1_800_000_000.0


# --- redirect targets ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "/",
        "/admin/users",
        "/api/v1/me?x=1&y=%2F",
        "/specialists#top",
        "/%2F%2Fevil.example",  # an encoded slash stays a path on this site
    ],
)
def test_same_site_paths_are_kept(value: str) -> None:
    assert safe_next(value) == value


@pytest.mark.parametrize(
    "value",
    [
        None,
        "",
        "https://evil.example/",
        "http:/evil.example",
        "//evil.example",
        "///evil.example",
        "/\\evil.example",
        "\\\\evil.example",
        "/\t/evil.example",
        "/ /evil.example",
        "/\r\nSet-Cookie: x=1",
        "javascript:alert(1)",
        "evil.example/path",
        "/start/å",
        "/auth/login",
        "/auth/callback?code=x",
        "/auth",
        "/" + "a" * 2000,
    ],
)
def test_anything_else_goes_to_the_start_page(value: str | None) -> None:
    assert safe_next(value) == "/"


# --- the callback --------------------------------------------------------------------------


def _flow(**changes: Any) -> Flow:
    flow = Flow.new(next_path="/x", redirect_uri="https://app/auth/callback", now=NOW)
    return Flow(**{**flow.as_dict(), **changes})


def test_a_new_flow_has_fresh_secrets_and_a_safe_target() -> None:
    one = Flow.new(next_path="//evil.example", redirect_uri="https://app/cb", now=NOW)
    two = Flow.new(next_path="/ok", redirect_uri="https://app/cb", now=NOW)
    assert one.next == "/"
    assert two.next == "/ok"
    assert len({one.state, one.nonce, one.code_verifier, two.state, two.nonce}) == 5
    assert 43 <= len(one.code_verifier) <= 128
    assert Flow.from_session(one.as_dict()) == one


def test_a_garbled_session_value_is_no_flow() -> None:
    assert Flow.from_session(None) is None
    assert Flow.from_session("state") is None
    assert Flow.from_session({"state": "x"}) is None
    assert Flow.from_session({**_flow().as_dict(), "started_at": "soon"}) is None
    # A target planted in the session is checked again.
    flow = _flow()
    planted = Flow.from_session({**flow.as_dict(), "next": "//evil"})
    assert planted is not None
    assert planted.next == "/"
    assert planted.state == flow.state


def test_check_callback() -> None:
    flow = _flow()
    assert check_callback(flow, flow.state, now=NOW + 5) is flow
    with pytest.raises(InvalidCallback, match="no sign-in"):
        check_callback(None, flow.state, now=NOW)
    with pytest.raises(InvalidCallback, match="state"):
        check_callback(flow, "other", now=NOW)
    with pytest.raises(InvalidCallback, match="state"):
        check_callback(flow, None, now=NOW)
    with pytest.raises(InvalidCallback, match="too long"):
        check_callback(flow, flow.state, now=NOW + FLOW_MAX_AGE_SECONDS + 1)


def test_provider_errors_are_named_without_echoing_input() -> None:
    assert SignInRefused("access_denied").status_code == 403
    assert SignInRefused("login_required").status_code == 400
    refused = SignInRefused("<script>alert(1)</script>")
    assert refused.error == "invalid"
    assert "<" not in refused.reason


# --- ID-token claims -----------------------------------------------------------------------


def _claims(**changes: Any) -> dict[str, Any]:
    claims: dict[str, Any] = {
        "iss": ISSUER,
        "sub": "abc-123",
        "aud": CLIENT,
        "exp": int(NOW) + 300,
        "iat": int(NOW) - 10,
        "nonce": "n-1",
    }
    claims.update(changes)
    return {k: v for k, v in claims.items() if v is not None}


def _check(claims: dict[str, Any], now: float = NOW) -> None:
    validate_id_token_claims(claims, issuer=ISSUER, client_id=CLIENT, nonce="n-1", now=now)


def test_valid_claims_pass() -> None:
    _check(_claims())
    _check(_claims(aud=[CLIENT, "other"], azp=CLIENT))
    _check(_claims(exp=int(NOW) - 30))  # within the leeway
    _check(_claims(iat=int(NOW) + 30))


@pytest.mark.parametrize(
    ("changes", "claim"),
    [
        ({"iss": "https://evil.example"}, "iss"),
        ({"iss": None}, "iss"),
        ({"aud": "another-client"}, "aud"),
        ({"aud": ["another-client"]}, "aud"),
        ({"aud": [CLIENT, "other"]}, "azp"),  # several audiences need azp
        ({"azp": "another-client"}, "azp"),
        ({"nonce": "n-2"}, "nonce"),
        ({"nonce": None}, "nonce"),
        ({"sub": None}, "sub"),
        ({"sub": "x" * 256}, "sub"),
        ({"exp": None}, "exp"),
        ({"exp": int(NOW) - 120}, "expired"),
        ({"iat": int(NOW) + 3600}, "iat"),
    ],
)
def test_bad_claims_are_refused(changes: dict[str, Any], claim: str) -> None:
    with pytest.raises(InvalidIdToken, match=claim):
        _check(_claims(**changes))


# --- identities ----------------------------------------------------------------------------


def test_identity_from_the_token_completed_by_userinfo() -> None:
    identity = Identity.from_claims(
        {"sub": "s", "name": "From Token"},
        {
            "sub": "s",
            "name": "From Userinfo",
            "email": " Kim@Example.se ",
            "email_verified": "true",
        },
    )
    assert identity == Identity("s", "Kim@Example.se", True, "From Token")
    assert Identity.from_claims({"sub": "s", "email": "not-an-address"}).email is None
    assert Identity.from_claims({"sub": "s", "email_verified": "maybe"}).email_verified is None
    assert Identity.from_claims({"sub": "s", "email_verified": False}).email_verified is False


# --- provider metadata ---------------------------------------------------------------------


def _document(**changes: Any) -> dict[str, Any]:
    document: dict[str, Any] = {
        "issuer": ISSUER,
        "authorization_endpoint": f"{ISSUER}/protocol/openid-connect/auth",
        "token_endpoint": f"{ISSUER}/protocol/openid-connect/token",
        "jwks_uri": f"{ISSUER}/protocol/openid-connect/certs",
        "userinfo_endpoint": f"{ISSUER}/protocol/openid-connect/userinfo",
        "id_token_signing_alg_values_supported": ["RS256", "HS256", "none"],
        "token_endpoint_auth_methods_supported": ["client_secret_post", "client_secret_basic"],
    }
    document.update(changes)
    return {k: v for k, v in document.items() if v is not None}


def test_metadata_from_a_discovery_document() -> None:
    metadata = ProviderMetadata.from_document(_document(), issuer=ISSUER)
    assert metadata.signing_algorithms == frozenset({"RS256"})  # never HS256 or none
    assert metadata.token_auth_method == "client_secret_basic"
    assert metadata.end_session_endpoint is None
    post_only = _document(token_endpoint_auth_methods_supported=["client_secret_post"])
    assert ProviderMetadata.from_document(post_only, issuer=ISSUER).token_auth_method == (
        "client_secret_post"
    )


@pytest.mark.parametrize(
    "changes",
    [
        {"issuer": ISSUER + "/"},
        {"issuer": "https://evil.example"},
        {"token_endpoint": None},
        {"jwks_uri": "http://login.example.se/certs"},  # a downgrade from https
        {"id_token_signing_alg_values_supported": ["HS256", "none"]},
    ],
)
def test_unusable_discovery_documents(changes: dict[str, Any]) -> None:
    with pytest.raises(ProviderUnavailable):
        ProviderMetadata.from_document(_document(**changes), issuer=ISSUER)


# --- settings ------------------------------------------------------------------------------

FULL = {
    "NETWORK_OIDC_ISSUER": ISSUER,
    "NETWORK_OIDC_CLIENT_ID": CLIENT,
    "NETWORK_OIDC_CLIENT_SECRET": "s3cret",
}


def test_oidc_is_off_without_an_issuer() -> None:
    assert load_oidc_settings({}) is None
    assert load_oidc_settings({"NETWORK_OIDC_ISSUER": "  "}) is None


def test_full_settings() -> None:
    settings = load_oidc_settings(FULL, env="prod")
    assert settings is not None
    assert settings.scopes == DEFAULT_SCOPES
    assert settings.scope == "openid email profile"
    assert settings.redirect_url is None
    assert settings.discovery_url == f"{ISSUER}/.well-known/openid-configuration"
    assert "s3cret" not in repr(settings)
    custom = load_oidc_settings(
        {
            **FULL,
            "NETWORK_OIDC_SCOPES": "openid,email  profile offline_access openid",
            "NETWORK_OIDC_REDIRECT_URL": "https://specialist.example.se/auth/callback",
        },
        env="prod",
    )
    assert custom is not None
    assert custom.scopes == ("openid", "email", "profile", "offline_access")
    assert custom.redirect_url == "https://specialist.example.se/auth/callback"
    trailing = load_oidc_settings({**FULL, "NETWORK_OIDC_ISSUER": "https://tenant.example/"})
    assert trailing is not None
    assert trailing.discovery_url == "https://tenant.example/.well-known/openid-configuration"


def test_http_issuer_only_in_dev() -> None:
    local = {**FULL, "NETWORK_OIDC_ISSUER": "http://127.0.0.1:4000"}
    assert load_oidc_settings(local, env="dev") is not None
    with pytest.raises(SettingsError) as error:
        load_oidc_settings(local, env="prod")
    assert error.value.variable == "NETWORK_OIDC_ISSUER"


@pytest.mark.parametrize(
    ("environ", "variable"),
    [
        ({"NETWORK_OIDC_CLIENT_ID": CLIENT}, "NETWORK_OIDC_ISSUER"),
        ({"NETWORK_OIDC_CLIENT_SECRET": "s"}, "NETWORK_OIDC_ISSUER"),
        ({**FULL, "NETWORK_OIDC_CLIENT_ID": ""}, "NETWORK_OIDC_CLIENT_ID"),
        ({**FULL, "NETWORK_OIDC_CLIENT_SECRET": ""}, "NETWORK_OIDC_CLIENT_SECRET"),
        ({**FULL, "NETWORK_OIDC_ISSUER": "login.example.se"}, "NETWORK_OIDC_ISSUER"),
        ({**FULL, "NETWORK_OIDC_ISSUER": "ftp://login.example.se"}, "NETWORK_OIDC_ISSUER"),
        ({**FULL, "NETWORK_OIDC_ISSUER": f"{ISSUER}?tenant=1"}, "NETWORK_OIDC_ISSUER"),
        ({**FULL, "NETWORK_OIDC_ISSUER": f"{ISSUER}#x"}, "NETWORK_OIDC_ISSUER"),
        (
            {**FULL, "NETWORK_OIDC_REDIRECT_URL": "https://app.example.se/elsewhere"},
            "NETWORK_OIDC_REDIRECT_URL",
        ),
        (
            {**FULL, "NETWORK_OIDC_REDIRECT_URL": "http://app.example.se/auth/callback"},
            "NETWORK_OIDC_REDIRECT_URL",
        ),
        ({**FULL, "NETWORK_OIDC_SCOPES": "email profile"}, "NETWORK_OIDC_SCOPES"),
    ],
)
def test_bad_settings_name_the_variable(environ: dict[str, str], variable: str) -> None:
    with pytest.raises(SettingsError) as error:
        load_oidc_settings(environ, env="prod")
    assert error.value.variable == variable
    assert str(error.value).startswith(f"{variable}: ")
