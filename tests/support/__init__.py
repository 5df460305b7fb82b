"""Test helpers."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
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


def in_app(client: TestClient[Any], query: Callable[[], Awaitable[T]]) -> T:
    """Run ``query`` on the app's event loop (where its database pool lives)."""
    return client.blocking_portal.call(query)
