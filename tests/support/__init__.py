"""Test helpers."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from contextlib import ExitStack, contextmanager
from typing import Any, ClassVar, TypeVar

import httpx
from litestar.testing import TestClient

T = TypeVar("T")


def csrf_ready(client: TestClient[Any]) -> TestClient[Any]:
    """Make ``client`` behave like our pages' script: fetch the CSRF cookie once and
    echo it in the ``x-csrftoken`` header of every request."""
    from network.server.security import CSRF_COOKIE, CSRF_HEADER

    client.get("/api/v1/areas")

    def add_token(request: httpx.Request) -> None:
        token = client.cookies.get(CSRF_COOKIE)
        if token:
            request.headers[CSRF_HEADER] = token

    client.event_hooks["request"].append(add_token)
    return client


def sign_in(client: TestClient[Any], email: str) -> None:
    """Sign ``client`` out, then in as ``email`` with the demo sign-in."""
    client.post("/auth/logout")
    response = client.post("/auth/dev-login", json={"email": email})
    assert response.status_code == 200, response.text


def mint_session(client: TestClient[Any], user_id: int) -> None:
    """Sign ``client`` in as ``user_id`` by writing a session straight into the app's
    session store: what the demo sign-in leaves (a fresh session id bound to the user,
    its ``__Host-`` cookie in the jar) without its round trip, audit row and last-login
    update. For tests whose subject is not signing in; ``user_id`` must be active."""
    import time
    from http.cookiejar import Cookie

    from network.accounts.sessions import SESSION_COOKIE, RotatingSessionBackend

    config = client.app.state.session_config
    backend = RotatingSessionBackend(config)
    session_id = backend.generate_session_id()
    session = {"user_id": user_id, "signed_in_at": time.time(), "method": "dev"}
    store = config.get_store_from_app(client.app)
    client.blocking_portal.call(backend.set, session_id, backend.serialize_data(session), store)
    forget_session(client)
    client.cookies.jar.set_cookie(
        Cookie(
            version=0,
            name=SESSION_COOKIE,
            value=session_id,
            port=None,
            port_specified=False,
            domain=client.base_url.host,
            domain_specified=False,
            domain_initial_dot=False,
            path="/",
            path_specified=True,
            secure=True,
            expires=None,
            discard=True,
            comment=None,
            comment_url=None,
            rest={"HttpOnly": "", "SameSite": "lax"},
        )
    )


def forget_session(client: TestClient[Any]) -> None:
    """Drop ``client``'s session cookie (it is anonymous from its next request on)."""
    from network.accounts.sessions import SESSION_COOKIE

    for cookie in [c for c in client.cookies.jar if c.name == SESSION_COOKIE]:
        client.cookies.jar.clear(cookie.domain, cookie.path, cookie.name)


def new_visitor(client: TestClient[Any]) -> TestClient[Any]:
    """Make ``client`` (one made by :func:`app_client`) a new visitor of its app, as a
    fresh client of a fresh app would be: its cookie jar emptied, then a CSRF cookie of
    its own fetched. For a test client shared by a module's tests."""
    client.cookies.clear()
    client.get("/api/v1/areas")
    return client


@contextmanager
def app_client(settings: Any = None) -> Iterator[TestClient[Any]]:
    """A test client of a fresh app (lifespan run) on an https origin, CSRF-ready."""
    from network.app import create_app

    with TestClient(create_app(settings), base_url="https://testserver.local") as client:
        yield csrf_ready(client)


class SharedApp:
    """One app (lifespan run once) for the tests of a module that ask for it, each
    test a new visitor (:func:`new_visitor`): what a fresh app per test gave them,
    without building and starting an app per test.

    The app is started by the first test that asks for it and stopped before any test
    that does not, or that needs a module fixture not yet made (the integration
    conftest sees to it): such a test may make an app of its own or reach the
    database from its own event loop, and on PostgreSQL the engine has one pool,
    which belongs to the running app's loop."""

    running: ClassVar[set[SharedApp]] = set()

    def __init__(self) -> None:
        self._stack: ExitStack | None = None
        self._client: TestClient[Any] | None = None

    def client(self) -> TestClient[Any]:
        """The app's test client as a new visitor (no session, a CSRF cookie of its own)."""
        if self._client is None:
            self._stack = ExitStack()
            self._client = self._stack.enter_context(app_client())
            SharedApp.running.add(self)
        return new_visitor(self._client)

    def stop(self) -> None:
        """Run the app's shutdown (the next :meth:`client` starts it again)."""
        SharedApp.running.discard(self)
        stack, self._stack, self._client = self._stack, None, None
        if stack is not None:
            stack.close()

    @classmethod
    def stop_all(cls) -> None:
        for shared in list(cls.running):
            shared.stop()


def in_app(client: TestClient[Any], query: Callable[[], Awaitable[T]]) -> T:
    """Run ``query`` on the app's event loop (where its database pool lives)."""
    return client.blocking_portal.call(query)


def in_app_seeing_all(client: TestClient[Any], query: Callable[[], Awaitable[T]]) -> T:
    """:func:`in_app`, seeing and writing every case row: for a test's own set-up and
    inspection of case data (``tests.support.cases.seeing_all``), never around the
    code under test."""
    from tests.support.cases import seeing_all

    return client.blocking_portal.call(seeing_all, query)
