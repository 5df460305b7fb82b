"""Server-side sessions in the Litestar store (Redis when configured).

- The cookie is ``__Host-`` prefixed, ``Secure``, ``HttpOnly``, ``SameSite=Lax``.
- The session id is rotated at every sign-in (session fixation, OWASP ASVS 7.2.4):
  Litestar's backend keeps the id it was given, so :func:`rotate_session` deletes
  the old entry from the store and makes the backend write under a fresh id.
- Idle timeout: the store entry expires ``idle_seconds`` after the last request
  (its expiry is renewed as it is read, ``renew_on_access``); the cookie's
  ``Max-Age`` is sent again with every response. Absolute timeout: ``signed_in_at``
  in the session is checked on every request.
- A session that a request did not change is not written back to the store: its
  read already renewed the expiry, so the write would only repeat what is there.
"""

from __future__ import annotations

from typing import Any

from litestar.connection import ASGIConnection
from litestar.datastructures import Cookie, MutableScopeHeaders
from litestar.middleware.session.server_side import (
    ServerSideSessionBackend,
    ServerSideSessionConfig,
)
from litestar.types import Empty, Message
from litestar.utils.dataclass import extract_dataclass_items

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
_LOADED = "network.session_as_loaded"
_COOKIE_MARK = "0" * 64


class RotatingSessionBackend(ServerSideSessionBackend):
    """The server-side backend, plus a fresh id after :func:`rotate_session`, no
    stored session (nor cookie) for anonymous requests that put nothing in it, and
    no write to the store of a session the request left as it was loaded."""

    _cookie_template: str | None = None

    async def load_from_connection(
        self, connection: ASGIConnection[Any, Any, Any, Any]
    ) -> dict[str, Any]:
        if session_id := connection.cookies.get(self.config.key):
            store = self.config.get_store_from_app(connection.scope["app"])
            data = await self.get(session_id, store=store)  # renews the expiry
            if data is not None:
                connection.scope.setdefault("state", {})[_LOADED] = data
                return self.deserialize_data(data)
        return {}

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
        elif isinstance(scope_session, dict) and self._unchanged(scope_session, connection):
            # Kept as it is (its read renewed its expiry): only the cookie's Max-Age
            # slides, as it does with every response.
            headers = MutableScopeHeaders.from_message(message)
            headers.add("Set-Cookie", self._cookie(connection.cookies[self.config.key]))
            return
        await super().store_in_message(scope_session, message, connection)

    def _unchanged(
        self, scope_session: dict[str, Any], connection: ASGIConnection[Any, Any, Any, Any]
    ) -> bool:
        state = connection.scope.get("state", {})
        loaded = state.get(_LOADED)
        return (
            loaded is not None
            and not state.get(_ROTATED_ID)
            and self.serialize_data(scope_session, connection.scope) == loaded
        )

    def _cookie(self, session_id: str) -> str:
        """The ``Set-Cookie`` value for ``session_id`` (a hex token: nothing to quote),
        from the config's attributes rendered once."""
        if self._cookie_template is None:
            params = dict(
                extract_dataclass_items(
                    self.config, exclude_none=True, include=Cookie.__dict__.keys()
                )
            )
            cookie = Cookie(value=_COOKIE_MARK, key=self.config.key, **params)
            self._cookie_template = cookie.to_header(header="")
        return self._cookie_template.replace(_COOKIE_MARK, session_id, 1)

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
