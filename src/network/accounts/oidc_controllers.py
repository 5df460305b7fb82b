"""OpenID Connect sign-in routes: ``GET /auth/login`` and ``GET /auth/callback``.

Registered only when ``NETWORK_OIDC_ISSUER`` is set (see :func:`oidc_client_for`);
sign-out is the shared ``POST /auth/logout``. Failures are pages, never a 500:
400 for a callback that does not belong to this session's sign-in, 403 when the
provider refused or the person has no account yet, 503 when the provider cannot
be reached. Every failed attempt is audited as ``auth.sign_in_failed``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from litestar import Controller, Request, Response, get
from litestar.params import QueryParameter
from litestar.response import Redirect

from network.accounts.guards import ACTION_KEY, actor_of
from network.accounts.oidc import (
    SESSION_KEY,
    Flow,
    Identity,
    InvalidCallback,
    OidcClient,
    OidcError,
    ProviderUnavailable,
    SignInRefused,
    check_callback,
    match_user,
)
from network.accounts.oidc_settings import load_oidc_settings
from network.accounts.signin import sign_in
from network.audit.services import record
from network.kernel.policy import Action
from network.lib.vocab import AuditOutcome
from network.server.links import public_link
from network.settings import Settings
from network.web.render import render

__all__ = ("OidcController", "oidc_client_for")

_Short = Annotated[str | None, QueryParameter(max_length=512)]


def oidc_client_for(settings: Settings) -> OidcClient | None:
    """The app's OpenID Connect client, or ``None`` when ``NETWORK_OIDC_ISSUER`` is unset.

    Raises :class:`~network.settings.SettingsError` on a bad ``NETWORK_OIDC_*`` value.
    """
    oidc_settings = load_oidc_settings(env=settings.env)
    return OidcClient(oidc_settings) if oidc_settings is not None else None


@dataclass(frozen=True, slots=True)
class _Message:
    """A failure page's heading and text, Swedish first."""

    title_sv: str
    title_en: str
    text_sv: str
    text_en: str


_UNAVAILABLE = _Message(
    "Inloggningstjänsten är inte tillgänglig",
    "Sign-in service unavailable",
    "Vi når inte inloggningstjänsten just nu. Försök igen om en stund.",
    "We cannot reach the sign-in service right now. Please try again in a while.",
)
_REFUSED = _Message(
    "Inloggningen avbröts",
    "Sign-in was cancelled",
    "Inloggningstjänsten gav inte tillgång. Du kan försöka igen.",
    "The sign-in service did not grant access. You can try again.",
)
_FAILED = _Message(
    "Inloggningen misslyckades",
    "Sign-in failed",
    "Inloggningen kunde inte slutföras, till exempel för att länken redan använts eller "
    "för att det tog för lång tid. Börja om från början.",
    "The sign-in could not be completed, for example because the link was already used "
    "or it took too long. Please start again.",
)


def _client(request: Request[Any, Any, Any]) -> OidcClient:
    client = request.app.state.get("oidc")
    assert isinstance(client, OidcClient), "OidcController registered without an OidcClient"
    return client


class OidcController(Controller):
    """Sign-in through the organisation's OpenID provider (authorization code + PKCE)."""

    path = "/auth"
    tags = ["sign-in"]
    include_in_schema = False  # browser redirects, not an API
    opt = {ACTION_KEY: Action.PUBLIC}

    @get("/login", name="oidc-login")
    async def login(
        self,
        request: Request[Any, Any, Any],
        next_path: Annotated[str | None, QueryParameter(name="next", max_length=2048)] = None,
    ) -> Response[Any]:
        """Start a sign-in: remember where to go afterwards, go to the provider."""
        client = _client(request)
        # Configured, or on NETWORK_PUBLIC_URL: never from the request's Host header.
        redirect_uri = client.settings.redirect_url or public_link(
            request, request.app.route_reverse("oidc-callback")
        )
        try:
            url, flow = await client.start(redirect_uri=redirect_uri, next_path=next_path)
        except OidcError as error:
            return await _failure(request, error)
        # One sign-in at a time per session: a newer one replaces an older one.
        request.session[SESSION_KEY] = flow.as_dict()
        return Redirect(url, status_code=302)

    @get("/callback", name="oidc-callback")
    async def callback(
        self,
        request: Request[Any, Any, Any],
        code: Annotated[str | None, QueryParameter(max_length=2048)] = None,
        # "state" is a reserved handler argument in Litestar (docs/conventions.md, pitfall 15).
        state_param: Annotated[str | None, QueryParameter(name="state", max_length=512)] = None,
        error: _Short = None,
        iss: _Short = None,
    ) -> Response[Any]:
        """The provider's answer: check it, find the account, sign in, go on."""
        client = _client(request)
        # Taken out at once: whatever happens next, this callback cannot be replayed.
        flow_value = request.session.pop(SESSION_KEY, None)
        try:
            flow = check_callback(Flow.from_session(flow_value), state_param, now=client.clock())
            if iss is not None and iss != client.settings.issuer:
                raise InvalidCallback("the answer names another issuer")  # RFC 9207
            if error is not None:
                raise SignInRefused(error)
            if not code:
                raise InvalidCallback("no code in the callback")
            identity = await client.finish(flow, code=code)
        except OidcError as failure:
            return await _failure(request, failure)

        match = await match_user(identity)
        if match.user_id is None:
            await _audit_failure(request, match.reason, identity=identity)
            return await _no_access(request, identity)
        await sign_in(request, match.user_id, method="oidc")
        if match.linked:
            await record(
                actor_of(request, None),
                "auth.oidc_linked",
                "user",
                match.user_id,
                detail={"issuer": client.settings.issuer, "subject": identity.subject},
            )
        return Redirect(flow.next, status_code=303)


async def _audit_failure(
    request: Request[Any, Any, Any],
    reason: str,
    *,
    identity: Identity | None = None,
    outcome: AuditOutcome = AuditOutcome.DENIED,
) -> None:
    detail: dict[str, Any] = {"method": "oidc", "reason": reason}
    if identity is not None:
        detail["subject"] = identity.subject
        if identity.email is not None:
            detail["email"] = identity.email
    await record(
        actor_of(request, None),
        "auth.sign_in_failed",
        "user",
        None,
        outcome=outcome,
        detail=detail,
    )


async def _failure(request: Request[Any, Any, Any], failure: OidcError) -> Response[Any]:
    unavailable = isinstance(failure, ProviderUnavailable)
    outcome = AuditOutcome.FAILED if unavailable else AuditOutcome.DENIED
    await _audit_failure(request, failure.reason, outcome=outcome)
    if unavailable:
        message = _UNAVAILABLE
    elif isinstance(failure, SignInRefused):
        message = _REFUSED
    else:
        message = _FAILED
    page = await render(request, "auth/sign_in_error.html.j2", message=message)
    page.status_code = failure.status_code
    if unavailable:
        page.headers["retry-after"] = "60"
    return page


async def _no_access(request: Request[Any, Any, Any], identity: Identity) -> Response[Any]:
    page = await render(request, "auth/no_access.html.j2", email=identity.email)
    page.status_code = 403
    return page
