"""Two app processes on one database and one Redis: a session made on one works on
the other, and signing out on one ends it on both; a notification made on one reaches
a stream on the other; a batch round committed on both at once runs once.

Uses Redis even in the embedded-default run of the suite (``NETWORK_REDIS_URL`` or,
when that is unset, ``NETWORK_TEST_REDIS_URL``, default database 14 on the local
server), because sharing state across processes is what Redis is for.
"""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from datetime import time

import pytest
from redis.asyncio import Redis

from network.accounts.sessions import SESSION_COOKIE
from network.lib.vocab import Role
from tests.support.cases import add_competence, add_weekly_hours
from tests.support.http import Browser, NotificationStream
from tests.support.people import create_specialist_profile, create_users
from tests.support.server import running_server

REDIS_URL = os.environ.get("NETWORK_REDIS_URL") or os.environ.get(
    "NETWORK_TEST_REDIS_URL", "redis://127.0.0.1:6379/14"
)
EMAIL = "two.processes@demo.invalid"
# Gotland (county 09, one municipality), which no other test touches.
ROUND_COORDINATOR, ROUND_WORKER = "two.coordinator@demo.invalid", "two.worker@demo.invalid"
ROUND_AREA = "youth_substance_use"


@pytest.fixture(scope="module")
def user(migrated: None) -> int:
    found = create_users(
        (EMAIL, Role.SOCIAL_WORKER, {"municipality": "2161"}),
        (ROUND_COORDINATOR, Role.COORDINATOR, {"county": "09"}),
        (ROUND_WORKER, Role.SOCIAL_WORKER, {"municipality": "0980"}),
        ("two.specialist@demo.invalid", Role.SPECIALIST, {"municipality": "0980"}),
    )

    async def specialist() -> None:
        profile = await create_specialist_profile(found["two.specialist@demo.invalid"], "0980")
        await add_competence(profile, ROUND_AREA, 2)
        await add_weekly_hours(profile, range(7), time(8), time(16))

    asyncio.run(specialist())
    return found[EMAIL]


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
    with NotificationStream(first, browser, seconds=20) as stream:
        assert stream.ready.wait(15), "the stream did not open"
        sent = browser.request("POST", f"{second}/api/v1/notifications/test")
        assert sent.status_code == 201, sent.text
        assert json.loads(stream.heard.get(timeout=15)) == {"kind": "test", "link": "/inbox"}


def test_a_round_committed_on_both_processes_at_once_runs_once(
    servers: tuple[str, str],
) -> None:
    first, second = servers
    worker = Browser()
    worker.sign_in(first, ROUND_WORKER)
    for index in range(3):
        body = {"area": ROUND_AREA, "summary": f"Tvåprocessfråga {index}", "submit": True}
        made = worker.request("POST", f"{second}/api/v1/consultations", json=body)
        assert made.status_code == 201, made.text
    coordinator = Browser()
    coordinator.sign_in(first, ROUND_COORDINATOR)
    preview = coordinator.request("POST", f"{first}/api/v1/rounds", json={"county": "09"})
    assert preview.status_code == 201, preview.text
    round_id, placed = preview.json()["id"], len(preview.json()["assignments"])
    assert placed >= 1

    def commit(url: str) -> int:
        return coordinator.request("POST", f"{url}/api/v1/rounds/{round_id}/commit").status_code

    with ThreadPoolExecutor(max_workers=2) as pool:
        statuses = sorted(pool.map(commit, (first, second, first, second)))
    assert statuses.count(200) == 1, statuses
    assert set(statuses) <= {200, 409}  # the other tries: busy, or committed already
    final = coordinator.request("GET", f"{second}/api/v1/rounds/{round_id}").json()
    assert final["status"] == "committed"
    assert [a["status"] for a in final["assignments"]].count("offered") == placed
