"""Helpers for browser tests."""

from __future__ import annotations

from typing import Any

__all__ = ("sign_in_page",)


def sign_in_page(page: Any, server_url: str, who: str) -> None:
    """Sign ``page`` in with the demo sign-in as the demo user of role ``who``."""
    page.goto(f"{server_url}/auth/dev-login")
    page.locator(f"[data-testid=sign-in-{who}]").click()
    page.wait_for_url(f"{server_url}/")
