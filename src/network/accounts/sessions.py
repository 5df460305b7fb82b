"""Server-side sessions in the Litestar store (Redis when configured).

- The cookie is ``__Host-`` prefixed, ``Secure``, ``HttpOnly``, ``SameSite=Lax``.
- The session id is rotated at every sign-in (session fixation, OWASP ASVS 7.2.4):
  Litestar's backend keeps the id it was given, so :func:`rotate_session` deletes
  the old entry from the store and makes the backend write under a fresh id.
- Idle timeout: the store entry expires ``idle_seconds`` after the last request.
  Absolute timeout: ``signed_in_at`` in the session is checked on every request.
"""

from __future__ import annotations

from typing import Any

from litestar.connection import ASGIConnection
from litestar.middleware.session.server_side import (
    ServerSideSessionBackend,
    ServerSideSessionConfig,
)
from litestar.types import Empty, Message

__all__ = (
    "ABSOLUTE_TIMEOUT_SECONDS",
    "IDLE_TIMEOUT_SECONDS",
    "SESSION_COOKIE",
    "make_session_config",
    "rotate_session",
)

SESSION_COOKIE = "__Host-network-session"
IDLE_TIMEOUT_SECONDS = 30 * 60
ABSOLUTE_TIMEOUT_SECONDS = 10 * 60 * 60
_ROTATED_ID = "network.rotated_session_id"


class RotatingSessionBackend(ServerSideSessionBackend):
    """The server-side backend, plus a fresh id after :func:`rotate_session`, and no
    stored session (nor cookie) for anonymous requests that put nothing in it."""

    async def store_in_message(
        self,
        scope_session: Any,
        message: Message,
        connection: ASGIConnection[Any, Any, Any, Any],
    ) -> None:
        if isinstance(scope_session, dict) and not scope_session:
            if self.config.key not in connection.cookies:
                return  # anonymous and nothing to keep: no store entry, no cookie
            scope_session = Empty  # an emptied session: delete it and expire the cookie
        await super().store_in_message(scope_session, message, connection)

    def get_session_id(self, connection: ASGIConnection[Any, Any, Any, Any]) -> str:
        rotated = connection.scope.get("state", {}).get(_ROTATED_ID)
        if rotated:
            return str(rotated)
        return super().get_session_id(connection)


class RotatingSessionConfig(ServerSideSessionConfig):
    _backend_class = RotatingSessionBackend


def make_session_config() -> RotatingSessionConfig:
    return RotatingSessionConfig(
        key=SESSION_COOKIE,
        secure=True,
        httponly=True,
        samesite="lax",
        path="/",
        max_age=IDLE_TIMEOUT_SECONDS,
        renew_on_access=True,
        store="sessions",
        exclude=["^/health$", "^/ready$", "^/static/", "^/schema"],
    )


async def rotate_session(connection: ASGIConnection[Any, Any, Any, Any]) -> None:
    """Forget the current session id and have the response set a new one."""
    config = _session_config(connection)
    backend = RotatingSessionBackend(config)
    old_id = connection.cookies.get(config.key)
    if old_id:
        await backend.delete(old_id, store=config.get_store_from_app(connection.app))
    connection.scope.setdefault("state", {})[_ROTATED_ID] = backend.generate_session_id()


def _session_config(connection: ASGIConnection[Any, Any, Any, Any]) -> RotatingSessionConfig:
    config = connection.app.state.session_config
    assert isinstance(config, RotatingSessionConfig)
    return config
