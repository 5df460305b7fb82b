"""A real server process on a free loopback port, and headless Chromium driving it."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

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


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


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
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "network.cli", "serve", "--port", str(port)],
        env={**os.environ, "NETWORK_ENV": "dev"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            if process.poll() is not None:
                raise RuntimeError(
                    f"server exited: {process.stderr.read() if process.stderr else ''}"
                )
            try:
                if httpx.get(f"{url}/ready", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("server did not become ready in 30 s")
            time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


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
