"""A real server process on a free loopback port, and headless Chromium driving it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.database import database_env, fresh_database_url, run_cli
from tests.support.server import running_server

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def demo_database() -> str:
    """A database of its own with a small seeded demo network (the five demo users
    included): `network seed` migrates, loads the reference data and seeds it."""
    url = fresh_database_url("e2e")
    run_cli(url, "seed", "--specialists", "60", "--requests", "40")
    return url


@pytest.fixture(scope="session")
def server_url(demo_database: str) -> Iterator[str]:
    """`network serve` on the demo database, in dev mode."""
    with running_server(**database_env(demo_database)) as url:
        yield url


@pytest.fixture(scope="session")
def browser(server_url: str) -> Iterator[object]:
    """One headless Chromium for all browser tests (each test opens a context of its
    own: cookies and storage are not shared). Launched after the demo server is up:
    making its database runs asyncio, which Playwright's loop would block."""
    if not CHROMIUM.exists():
        pytest.fail(
            "browser tests need Debian's Chromium at /usr/bin/chromium: apt-get install chromium"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield instance
        finally:
            instance.close()
