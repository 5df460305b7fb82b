"""Test helpers."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

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


@contextmanager
def app_client(settings: Any = None) -> Iterator[TestClient[Any]]:
    """A test client of a fresh app (lifespan run) on an https origin, CSRF-ready."""
    from network.app import create_app

    with TestClient(create_app(settings), base_url="https://testserver.local") as client:
        yield csrf_ready(client)


def in_app(client: TestClient[Any], query: Callable[[], Awaitable[T]]) -> T:
    """Run ``query`` on the app's event loop (where its database pool lives)."""
    return client.blocking_portal.call(query)


def in_app_seeing_all(client: TestClient[Any], query: Callable[[], Awaitable[T]]) -> T:
    """:func:`in_app`, seeing and writing every case row: for a test's own set-up and
    inspection of case data (``tests.support.cases.seeing_all``), never around the
    code under test."""
    from tests.support.cases import seeing_all

    return client.blocking_portal.call(seeing_all, query)
