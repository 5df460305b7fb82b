"""Faults: Redis going away, PostgreSQL restarting, an app process killed mid-round.

The app processes reach Redis and PostgreSQL through a :class:`FaultProxy`, which
a test cuts (every connection dropped, new ones refused: what a client sees of a
stopped or restarting server) and restores on the same port. The real servers keep
running for the rest of the suite.

- Redis away: ``/ready`` says so; requests that need it (cookie sessions, writes,
  which pass the rate limit) answer 503 naming Redis and write nothing; bearer-token
  reads still answer; when Redis returns,
  the same session works again and a notification stream opened before the outage
  hears a notification made on the other process.
- PostgreSQL away (PostgreSQL runs only): requests answer 503 naming the database,
  never 500; no request is half-written (every stored request has its audit row, and
  every 201 was stored); when it returns the app goes on without a restart.
- An app process killed with SIGKILL while it commits a batch round: the round is
  committed completely or not at all, the round lock frees within
  ``NETWORK_LOCK_SECONDS``, and the other process then commits it once.
"""

from __future__ import annotations

import asyncio
import json
import os
import queue
import signal
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from datetime import UTC, datetime, timedelta
from datetime import time as clock
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx
import pytest
from redis import Redis

from network.kernel.locks import key_of
from network.lib.vocab import Role
from tests.support import database
from tests.support.cases import add_competence, add_weekly_hours, area_id
from tests.support.faultproxy import FaultProxy
from tests.support.http import Browser, NotificationStream
from tests.support.people import create_specialist_profile, create_users
from tests.support.server import running_server, server_process

REDIS_URL = os.environ.get("NETWORK_REDIS_URL") or os.environ.get(
    "NETWORK_TEST_REDIS_URL", "redis://127.0.0.1:6379/14"
)
AREA = "youth_substance_use"
# Västmanland (county 19) and Dalarna (county 20), which no other test touches.
WORKER, TOKEN_WORKER = "fault.worker@demo.invalid", "fault.tokens@demo.invalid"
ROUND_COORDINATOR, ROUND_WORKER = "fault.coordinator@demo.invalid", "fault.rounds@demo.invalid"
ROUND_SPECIALISTS, ROUND_REQUESTS = 40, 150
LOCK_SECONDS = 3


def _redis() -> Redis:
    return Redis.from_url(REDIS_URL)


def _through(proxy: FaultProxy, url: str) -> str:
    """``url`` with its port replaced by the proxy's."""
    parts = urlsplit(url)
    host = f"{parts.username}@" if parts.username else ""
    return urlunsplit(parts._replace(netloc=f"{host}127.0.0.1:{proxy.port}"))


def _eventually(check: Callable[[], bool], seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, f"{what}: not within {seconds} s"
        time.sleep(0.2)


def _ready(url: str) -> httpx.Response:
    return httpx.get(f"{url}/ready", timeout=10)


def _unavailable(response: httpx.Response, service: str) -> None:
    assert response.status_code == 503, (response.status_code, response.text)
    assert response.json()["detail"].startswith(service), response.text
    assert response.headers["retry-after"].isdigit()


async def _count_requests(prefix: str) -> dict[int, int]:
    """Stored requests whose summary starts with ``prefix``, each with its number of
    ``consultation.create`` audit rows."""
    from network.audit.tables import AuditEvent
    from network.consultations.tables import ConsultationRequest
    from network.kernel.case_scope import system_transaction

    async with system_transaction(ConsultationRequest._meta.db):
        rows = await ConsultationRequest.select(ConsultationRequest.id).where(
            ConsultationRequest.summary.like(f"{prefix}%")
        )
    ids = [r["id"] for r in rows]
    audits = await AuditEvent.select(AuditEvent.object_id).where(
        (AuditEvent.action == "consultation.create")
        & AuditEvent.object_id.is_in([str(i) for i in ids] or ["-"])
    )
    found = {i: 0 for i in ids}
    for row in audits:
        found[int(row["object_id"])] += 1
    return found


@pytest.fixture(scope="module")
def people(migrated: None) -> dict[str, int]:
    specialists = [f"fault.specialist{n}@demo.invalid" for n in range(ROUND_SPECIALISTS)]
    found = create_users(
        (WORKER, Role.SOCIAL_WORKER, {"municipality": "1980"}),
        (TOKEN_WORKER, Role.SOCIAL_WORKER, {"municipality": "1980"}),
        (ROUND_COORDINATOR, Role.COORDINATOR, {"county": "20"}),
        (ROUND_WORKER, Role.SOCIAL_WORKER, {"municipality": "2080"}),
        *((email, Role.SPECIALIST, {"municipality": "2080"}) for email in specialists),
    )

    async def prepare() -> None:
        for email in specialists:
            profile = await create_specialist_profile(found[email], "2080")
            await add_competence(profile, AREA, 2)
            await add_weekly_hours(profile, range(7), clock(8), clock(16))

    asyncio.run(prepare())
    return found


@pytest.fixture(scope="module")
def token(people: dict[str, int]) -> str:
    """A bearer token of the second social worker, for reads and writes without a session."""
    from network.accounts.principals import load_principal
    from network.accounts.tokens import GRANTABLE, create_token
    from network.kernel.policy import decide

    async def mint() -> str:
        principal = await load_principal(people[TOKEN_WORKER])
        assert principal is not None
        made = await create_token(
            principal,
            name="faults",
            scopes=[a.value for a in GRANTABLE if decide(principal, a)],
            expires_at=datetime.now(UTC) + timedelta(days=1),
        )
        return made.secret

    return asyncio.run(mint())


def _flush_own_redis() -> None:
    if not os.environ.get("NETWORK_REDIS_URL"):
        with _redis() as client:
            client.flushdb()  # our own scratch database


def test_redis_away_refuses_clearly_writes_nothing_and_recovers(
    people: dict[str, int], token: str
) -> None:
    _flush_own_redis()
    bearer = {"authorization": f"Bearer {token}"}
    body = {"area": AREA, "summary": "Felprov redis: en fråga", "submit": True}
    with ExitStack() as stack:
        proxy = stack.enter_context(FaultProxy("127.0.0.1", urlsplit(REDIS_URL).port or 6379))
        redis_url = _through(proxy, REDIS_URL)
        first = stack.enter_context(running_server(NETWORK_REDIS_URL=redis_url))
        second = stack.enter_context(running_server(NETWORK_REDIS_URL=redis_url))
        browser = Browser()
        browser.sign_in(first, WORKER)
        made = browser.request("POST", f"{second}/api/v1/consultations", json=body)
        assert made.status_code == 201, made.text

        stream = stack.enter_context(NotificationStream(first, browser))  # closed first
        assert stream.ready.wait(15), "the stream did not open"

        before = asyncio.run(_count_requests("Felprov redis"))
        proxy.cut()
        for url in (first, second):
            checks = {c["name"]: c["ok"] for c in _ready(url).json()["checks"]}
            assert checks == {"database": True, "redis": False}
            assert _ready(url).status_code == 503
            _unavailable(browser.request("GET", f"{url}/api/v1/me"), "Redis")
            _unavailable(browser.request("POST", f"{url}/api/v1/consultations", json=body), "Redis")
            _unavailable(
                httpx.post(f"{url}/api/v1/consultations", json=body, headers=bearer), "Redis"
            )
            # Reads without a session need no Redis (the cache steps aside: test_cache.py).
            mine = httpx.get(f"{url}/api/v1/consultations", headers=bearer, timeout=10)
            assert mine.status_code == 200, mine.text
        assert asyncio.run(_count_requests("Felprov redis")) == before

        proxy.restore()
        for url in (first, second):
            _eventually(lambda u=url: _ready(u).status_code == 200, 10, f"{url} ready again")
        me = browser.request("GET", f"{first}/api/v1/me")
        assert me.status_code == 200, me.text
        assert me.json()["email"] == WORKER  # the same session
        again = httpx.post(f"{second}/api/v1/consultations", json=body, headers=bearer)
        assert again.status_code == 201, again.text

        def pushed() -> bool:
            sent = browser.request("POST", f"{second}/api/v1/notifications/test")
            assert sent.status_code == 201, sent.text
            try:
                told = json.loads(stream.heard.get(timeout=1))
                return bool(told == {"kind": "test", "link": "/inbox"})
            except queue.Empty:
                return False

        _eventually(pushed, 15, "a notification through the stream opened before the outage")


@pytest.mark.skipif(database.DATABASE_KIND != "postgres", reason="a PostgreSQL fault")
def test_postgres_restart_half_writes_nothing_and_the_app_reconnects(
    people: dict[str, int], token: str
) -> None:
    _flush_own_redis()
    bearer = {"authorization": f"Bearer {token}"}
    stop = threading.Event()

    def write(index: int) -> list[tuple[int, int | None]]:
        seen: list[tuple[int, int | None]] = []
        number = 0
        while not stop.is_set():
            number += 1
            body = {"area": AREA, "summary": f"Felprov pg {index}-{number}", "submit": True}
            try:
                response = httpx.post(
                    f"{url}/api/v1/consultations", json=body, headers=bearer, timeout=30
                )
            except httpx.TransportError:
                continue
            made = response.json().get("id") if response.status_code == 201 else None
            seen.append((response.status_code, made))
        return seen

    with ExitStack() as stack:
        port = urlsplit(database.TEST_URL).port or 5432
        proxy = stack.enter_context(FaultProxy("127.0.0.1", port))
        url = stack.enter_context(
            running_server(
                NETWORK_REDIS_URL=REDIS_URL, NETWORK_DATABASE_URL=_through(proxy, database.TEST_URL)
            )
        )
        with ThreadPoolExecutor(max_workers=6) as pool:
            writers = [pool.submit(write, n) for n in range(6)]
            time.sleep(1.0)
            proxy.cut()  # in the middle of the writers' transactions
            time.sleep(1.0)
            checks = {c["name"]: c["ok"] for c in _ready(url).json()["checks"]}
            assert checks == {"database": False, "redis": True}
            proxy.restore()
            time.sleep(1.0)
            stop.set()
            seen = [item for writer in writers for item in writer.result()]

        statuses = {status for status, _ in seen}
        assert statuses <= {201, 503}, statuses  # never a 500
        assert 503 in statuses, statuses
        assert 201 in statuses, statuses
        stored = asyncio.run(_count_requests("Felprov pg"))
        assert set(stored.values()) == {1}, "a request stored without its audit row"
        assert {made for status, made in seen if status == 201} <= set(stored)
        _eventually(lambda: _ready(url).status_code == 200, 10, "ready again")
        after = httpx.post(
            f"{url}/api/v1/consultations",
            json={"area": AREA, "summary": "Felprov pg efter", "submit": True},
            headers=bearer,
        )
        assert after.status_code == 201, after.text  # reconnected without a restart


@contextmanager
def _round_commit_held_up(round_id: int) -> Iterator[Callable[[], bool]]:
    """Hold up the commit of round ``round_id`` after it has written, before it can
    finish; yields a check whether a commit is waiting there, its writes made.

    The commit writes its offers, the requests' statuses and the notifications
    first and the round's own row last: on PostgreSQL this holds that row locked,
    so the commit waits at its last update; on SQLite it holds a read transaction
    open, so the commit (holding the write lock) waits to make its changes final.
    """
    if database.DATABASE_KIND == "sqlite":
        path = database.TEST_URL.split(":///", 1)[1]
        reader = sqlite3.connect(path, isolation_level=None)
        reader.execute("BEGIN")
        reader.execute("SELECT status FROM assignment_round WHERE id = ?", (round_id,)).fetchall()

        def writer_waiting() -> bool:
            probe = sqlite3.connect(path, timeout=0, isolation_level=None)
            try:
                probe.execute("BEGIN IMMEDIATE")
                probe.execute("ROLLBACK")
                return False
            except sqlite3.OperationalError:  # another connection holds the write lock
                return True
            finally:
                probe.close()

        try:
            yield writer_waiting
        finally:
            reader.execute("ROLLBACK")
            reader.close()
        return

    import asyncpg

    name = urlsplit(database.TEST_URL).path.lstrip("/")
    loop = asyncio.new_event_loop()
    holder = loop.run_until_complete(asyncpg.connect(database.TEST_URL))
    loop.run_until_complete(holder.execute("BEGIN"))
    loop.run_until_complete(
        holder.execute("SELECT 1 FROM assignment_round WHERE id = $1 FOR UPDATE", round_id)
    )

    async def waiting() -> int:
        connection = await asyncpg.connect(database.TEST_URL)
        try:
            return int(
                await connection.fetchval(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = $1"
                    " AND backend_xid IS NOT NULL AND wait_event_type = 'Lock'"
                    " AND pid NOT IN (pg_backend_pid(), $2)",
                    name,
                    holder.get_server_pid(),
                )
            )
        finally:
            await connection.close()

    try:
        yield lambda: asyncio.run(waiting()) > 0
    finally:
        loop.run_until_complete(holder.execute("ROLLBACK"))
        loop.run_until_complete(holder.close())
        loop.close()


async def _open_requests(requester: int, count: int) -> None:
    from network.consultations.tables import ConsultationRequest
    from network.directory.tables import Municipality
    from network.kernel.case_scope import system_transaction

    home = await Municipality.select(Municipality.id).where(Municipality.code == "2080").first()
    assert home is not None
    area, now = await area_id(AREA), datetime.now(UTC)
    async with system_transaction(ConsultationRequest._meta.db):
        await ConsultationRequest.insert(
            *(
                ConsultationRequest(
                    area=area,
                    origin_municipality=home["id"],
                    requester=requester,
                    status="open",
                    created_at=now,
                    opened_at=now,
                    summary=f"Felprov runda {n}",
                )
                for n in range(count)
            )
        )


async def _round_state(round_id: int) -> tuple[str, dict[str, int], int]:
    """The round's status, its assignments by status, and its requests now offered."""
    from network.consultations.tables import Assignment, AssignmentRound, ConsultationRequest
    from network.kernel.case_scope import system_transaction

    async with system_transaction(AssignmentRound._meta.db):
        row = (
            await AssignmentRound.select(AssignmentRound.status)
            .where(AssignmentRound.id == round_id)
            .first()
        )
        assignments = await Assignment.select(Assignment.status, Assignment.request).where(
            Assignment.batch_round == round_id
        )
        offered = await ConsultationRequest.count().where(
            ConsultationRequest.id.is_in([a["request"] for a in assignments])
            & (ConsultationRequest.status == "offered")
        )
    assert row is not None
    by_status: dict[str, int] = {}
    for a in assignments:
        by_status[a["status"]] = by_status.get(a["status"], 0) + 1
    return row["status"], by_status, offered


def test_a_process_killed_in_a_round_commit_leaves_all_or_nothing(
    people: dict[str, int],
) -> None:
    _flush_own_redis()
    asyncio.run(_open_requests(people[ROUND_WORKER], ROUND_REQUESTS))
    env = {"NETWORK_REDIS_URL": REDIS_URL, "NETWORK_LOCK_SECONDS": str(LOCK_SECONDS)}
    with ExitStack() as stack:
        first, process = stack.enter_context(server_process(**env))
        second = stack.enter_context(running_server(**env))
        coordinator = Browser()
        coordinator.sign_in(second, ROUND_COORDINATOR)
        preview = coordinator.request("POST", f"{second}/api/v1/rounds", json={"county": "20"})
        assert preview.status_code == 201, preview.text
        round_id, placed = preview.json()["id"], len(preview.json()["assignments"])
        assert placed >= 100, placed

        outcome: dict[str, Any] = {}

        def commit() -> None:
            try:
                outcome["response"] = coordinator.request(
                    "POST", f"{first}/api/v1/rounds/{round_id}/commit"
                )
            except httpx.TransportError as error:
                outcome["error"] = error

        with _round_commit_held_up(round_id) as waiting:
            committer = threading.Thread(target=commit, daemon=True)
            committer.start()
            _eventually(waiting, 20, "the commit waiting, its writes made")
            os.kill(process.pid, signal.SIGKILL)
            committer.join(10)
        assert "error" in outcome, outcome  # killed before it could answer

        status, assignments, offered = asyncio.run(_round_state(round_id))
        assert (status, assignments, offered) == ("preview", {"proposed": placed}, 0)
        with _redis() as client:
            left = client.pttl(key_of("round"))
        assert left <= LOCK_SECONDS * 1000  # -2: gone already; else expiring soon
        time.sleep(max(left, 0) / 1000 + 0.2)

        again = coordinator.request("POST", f"{second}/api/v1/rounds/{round_id}/commit")
        assert again.status_code == 200, again.text
        status, assignments, offered = asyncio.run(_round_state(round_id))
        assert (status, assignments, offered) == ("committed", {"offered": placed}, placed)
