"""Two app processes on one database and one Redis: a session made on one works on
the other, and signing out on one ends it on both.

Uses Redis even in the embedded-default run of the suite (``NETWORK_REDIS_URL`` or,
when that is unset, ``NETWORK_TEST_REDIS_URL``, default database 14 on the local
server), because sharing state across processes is what Redis is for.
"""

from __future__ import annotations

import asyncio
import json
import os
import queue
import threading
from collections.abc import Iterator
from contextlib import ExitStack

import httpx
import pytest
from redis.asyncio import Redis

from network.accounts.sessions import SESSION_COOKIE
from network.lib.vocab import Role
from tests.support.http import Browser
from tests.support.people import create_users
from tests.support.server import running_server

REDIS_URL = os.environ.get("NETWORK_REDIS_URL") or os.environ.get(
    "NETWORK_TEST_REDIS_URL", "redis://127.0.0.1:6379/14"
)
EMAIL = "two.processes@demo.invalid"


@pytest.fixture(scope="module")
def user(migrated: None) -> int:
    return create_users((EMAIL, Role.SOCIAL_WORKER, {"municipality": "2161"}))[EMAIL]


@pytest.fixture(scope="module")
def servers(user: int) -> Iterator[tuple[str, str]]:
    async def flush() -> None:
        client = Redis.from_url(REDIS_URL)
        try:
            await client.flushdb()
        finally:
            await client.aclose()

    if not os.environ.get("NETWORK_REDIS_URL"):
        asyncio.run(flush())  # our own scratch database
    with ExitStack() as stack:
        first = stack.enter_context(running_server(NETWORK_REDIS_URL=REDIS_URL))
        second = stack.enter_context(running_server(NETWORK_REDIS_URL=REDIS_URL))
        yield first, second


def test_session_made_on_one_process_works_on_the_other(servers: tuple[str, str]) -> None:
    first, second = servers
    browser = Browser()
    browser.request("GET", f"{first}/api/v1/areas")  # the CSRF cookie
    signed_in = browser.request("POST", f"{first}/auth/dev-login", json={"email": EMAIL})
    assert signed_in.status_code == 200, signed_in.text
    assert SESSION_COOKIE in browser.cookies

    me = browser.request("GET", f"{second}/api/v1/me")
    assert me.status_code == 200
    assert me.json()["email"] == EMAIL

    assert browser.request("POST", f"{second}/auth/logout").status_code == 200
    assert browser.request("GET", f"{first}/api/v1/me").status_code == 401


def test_a_notification_made_on_one_process_reaches_a_stream_on_the_other(
    servers: tuple[str, str],
) -> None:
    first, second = servers
    browser = Browser()
    browser.sign_in(first, EMAIL)
    ready, heard = threading.Event(), queue.Queue[str]()
    headers = {"cookie": "; ".join(f"{k}={v}" for k, v in browser.cookies.items())}

    def listen() -> None:
        with httpx.stream(
            "GET", f"{first}/api/v1/notifications/stream", headers=headers, timeout=20
        ) as response:
            event = ""
            for line in response.iter_lines():
                if line.startswith("event:"):
                    event = line.split(":", 1)[1].strip()
                elif line.startswith("data:") and event == "ready":
                    ready.set()
                elif line.startswith("data:") and event == "notification":
                    heard.put(line.split(":", 1)[1].strip())
                    return

    listener = threading.Thread(target=listen, daemon=True)
    listener.start()
    assert ready.wait(15), "the stream did not open"
    sent = browser.request("POST", f"{second}/api/v1/notifications/test")
    assert sent.status_code == 201, sent.text
    assert json.loads(heard.get(timeout=15)) == {"kind": "test", "link": "/inbox"}
    listener.join(5)
