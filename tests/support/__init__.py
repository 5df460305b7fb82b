"""Test helpers."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from litestar.testing import TestClient

T = TypeVar("T")


def in_app(client: TestClient[Any], query: Callable[[], Awaitable[T]]) -> T:
    """Run ``query`` on the app's event loop (where its database pool lives)."""
    return client.blocking_portal.call(query)
