"""The route guard: every route declares its :class:`Action` in ``opt``; the policy decides.

A route without an action is refused (fail closed), so a new route cannot be
reachable by accident; the authorization-matrix test lists every route too.
"""

from __future__ import annotations

import time
from typing import Any, TypeAlias

from litestar import Request
from litestar.connection import ASGIConnection
from litestar.di import NamedDependency
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler

from network.accounts.principals import load_principal
from network.accounts.sessions import ABSOLUTE_TIMEOUT_SECONDS
from network.accounts.tokens import principal_for_token
from network.audit.services import record
from network.kernel.context import Actor, Context
from network.kernel.policy import Action, Principal, decide
from network.lib.vocab import AuditOutcome
from network.server.clients import request_id as clean_request_id

__all__ = (
    "ACTION_KEY",
    "actor_of",
    "current_principal",
    "known_principal",
    "policy_guard",
    "signed_in_principal",
)

ACTION_KEY = "action"
_PRINCIPAL = "network.principal"
_REQUEST_ID = "network.request_id"


async def current_principal(connection: ASGIConnection[Any, Any, Any, Any]) -> Principal | None:
    """The signed-in user of this request (loaded once per request), or ``None``."""
    state = connection.scope.setdefault("state", {})
    if _PRINCIPAL in state:
        return state[_PRINCIPAL]  # type: ignore[no-any-return]
    principal: Principal | None = None
    authorization = connection.headers.get("authorization", "")
    if authorization[:7].lower() == "bearer ":
        principal = await principal_for_token(authorization[7:].strip())
        state[_PRINCIPAL] = principal
        return principal
    session = connection.scope.get("session")
    if isinstance(session, dict) and "user_id" in session:
        signed_in_at = float(session.get("signed_in_at", 0))
        if time.time() - signed_in_at <= ABSOLUTE_TIMEOUT_SECONDS:
            principal = await load_principal(int(session["user_id"]))
        if principal is None:
            # Expired, disabled or deleted: the session ends here.
            connection.clear_session()
    state[_PRINCIPAL] = principal
    return principal


def known_principal(connection: ASGIConnection[Any, Any, Any, Any]) -> Principal | None:
    """The principal this request has already loaded (by the guard or a handler), or
    ``None``: for code that cannot wait, such as the error pages' header."""
    state = connection.scope.get("state", {})
    principal = state.get(_PRINCIPAL)
    return principal if isinstance(principal, Principal) else None


async def signed_in_principal(connection: ASGIConnection[Any, Any, Any, Any]) -> Principal:
    """The principal of a route the guard only lets signed-in users reach."""
    principal = await current_principal(connection)
    if principal is None:  # unreachable behind the guard; refuse rather than assume
        raise NotAuthorizedException("Sign in first")
    return principal


# How a handler asks for its context: ``ctx: Ctx`` (made by :func:`provide_context`).
Ctx: TypeAlias = NamedDependency[Context]


async def provide_context(request: Request[Any, Any, Any]) -> Context:
    """The ``ctx`` dependency: who is signed in, as the audit log names them, against
    the app's services (only routes the guard lets signed-in users reach ask for it)."""
    principal = await signed_in_principal(request)
    return Context(principal, actor_of(request, principal), request.app.state.runtime)


def actor_of(connection: ASGIConnection[Any, Any, Any, Any], principal: Principal | None) -> Actor:
    state = connection.scope.setdefault("state", {})
    # A client's X-Request-ID is kept only when it is a short plain token.
    request_id = state.setdefault(
        _REQUEST_ID, clean_request_id(connection.headers.get("x-request-id"))
    )
    roles = sorted({b.role.value for b in principal.bindings}) if principal else []
    return Actor(
        user_id=principal.user_id if principal else None,
        email=principal.email if principal else None,
        role=",".join(roles) or None,
        client_addr=connection.client.host if connection.client else None,
        request_id=request_id,
    )


async def policy_guard(
    connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler
) -> None:
    action = handler.opt.get(ACTION_KEY)
    if action is None:
        if connection.scope["path"].startswith("/schema"):
            return  # the OpenAPI document and its renderers are public
        raise PermissionDeniedException(f"route {handler.handler_name!r} declares no policy")
    action = Action(action)
    if action is Action.PUBLIC:
        return
    principal = await current_principal(connection)
    decision = decide(principal, action)
    if decision:
        return
    await record(
        actor_of(connection, principal),
        "access.denied",
        "route",
        # The path is the client's: bounded, and control characters (%0A …) shown as "?"
        # so that it cannot forge lines in a log or an export of the audit.
        "".join(c if c.isprintable() else "?" for c in connection.scope["path"][:64]),
        outcome=AuditOutcome.DENIED,
        detail={"action": action.value, "reason": decision.reason},
    )
    if principal is None:
        raise NotAuthorizedException("Sign in first")
    raise PermissionDeniedException(decision.reason)
