"""A real server process on a free loopback port, and headless Chromium driving it."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

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
def demo_network(migrated: None) -> None:
    """A small seeded demo network (the five demo users included)."""
    from network.demo import seed_if_empty

    with ThreadPoolExecutor(max_workers=1) as worker:
        worker.submit(
            asyncio.run,
            seed_if_empty(specialists=60, requests=40, mentoring_requests=10, progress=False),
        ).result()


@pytest.fixture(scope="session")
def server_url(demo_network: None) -> Iterator[str]:
    """`network serve` on the suite's database with the demo network, in dev mode."""
    with running_server() as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
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
