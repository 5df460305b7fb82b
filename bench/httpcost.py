"""What the HTTP stack adds to one suggestion: `uv run python -m bench httpcost
[--specialists 20000] [--requests 22000] [--count 600] [--profile FILE]`.

Seeds a scratch database (as ``bench load`` does; on PostgreSQL the app serves as
``network_app``, under row-level security), builds the app in this process and runs
its lifespan, signs a social worker in, and then alternates, in batches of 25, one
at a time: ``GET /api/v1/consultations/{id}/suggestions`` through the ASGI app
(session, CSRF, rate limits, guards, the ``ctx`` dependency, the response and its
gzip; no server: uvicorn's own share is not in it), the same use case called
directly (``offers.suggestions`` with a context made once), and ``GET /health``.
The CPU of each (``time.process_time`` around the ASGI call, so the client's own
work is left out) is printed as the median of the batches, with the difference,
and the CPU of the stack's own round trips (the principal's statement, the session's
read and write in the store). ``--profile FILE`` writes a cProfile (CPU time) of the
HTTP path.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import multiprocessing
import os
import random
import statistics
import time
from collections.abc import Awaitable, Callable
from typing import Any

from bench.database import scratch

BATCH = 25


async def _measure(email: str, count: int, profile: str | None) -> None:
    import httpx

    from network.accounts.principals import load_principal, user_id_for_email
    from network.accounts.sessions import SESSION_COOKIE
    from network.app import create_app
    from network.consultations import offers
    from network.kernel.context import Actor, Context
    from network.server.security import CSRF_COOKIE, CSRF_HEADER

    app = create_app()
    startup: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    answers: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    await startup.put({"type": "lifespan.startup"})
    lifespan = asyncio.create_task(
        app({"type": "lifespan", "asgi": {"version": "3.0"}, "state": {}}, startup.get, answers.put)  # type: ignore[arg-type]
    )
    assert (await answers.get())["type"] == "lifespan.startup.complete"
    spent = [0.0]

    async def timed(scope: Any, receive: Any, send: Any) -> None:
        began = time.process_time()
        try:
            await app(scope, receive, send)
        finally:
            spent[0] += time.process_time() - began

    transport = httpx.ASGITransport(app=timed, client=("127.0.0.1", 40000))
    async with httpx.AsyncClient(transport=transport, base_url="https://bench.local") as client:
        await client.get("/api/v1/areas")
        signed_in = await client.post(
            "/auth/dev-login",
            json={"email": email},
            headers={CSRF_HEADER: client.cookies[CSRF_COOKIE]},
        )
        signed_in.raise_for_status()
        listed = (await client.get("/api/v1/consultations")).json()
        open_ids = [r["id"] for r in listed if r["status"] == "open"]
        user_id = await user_id_for_email(email)
        assert user_id is not None
        assert open_ids
        principal = await load_principal(user_id)
        assert principal is not None
        actor = Actor(user_id=user_id, email=email, role="social_worker", client_addr="127.0.0.1")
        ctx = Context(principal, actor, app.state.runtime)

        async def through_http() -> None:
            path = f"/api/v1/consultations/{random.choice(open_ids)}/suggestions"
            response = await client.get(path, headers={"accept-encoding": "gzip"})
            assert response.status_code == 200, response.text

        async def direct() -> None:
            await offers.suggestions(ctx, random.choice(open_ids), k=5)

        async def health() -> None:
            assert (await client.get("/health")).status_code == 200

        async def batch(call: Callable[[], Awaitable[None]], asgi: bool) -> float:
            spent[0], began = 0.0, time.process_time()
            for _ in range(BATCH):
                await call()
            return (spent[0] if asgi else time.process_time() - began) / BATCH

        for _ in range(2):  # warm: the area snapshots, the pools
            await batch(through_http, True)
            await batch(direct, False)
        rows: dict[str, list[float]] = {"http": [], "direct": [], "health": []}
        for _ in range(max(1, count // BATCH)):
            rows["http"].append(await batch(through_http, True))
            rows["direct"].append(await batch(direct, False))
            rows["health"].append(await batch(health, True))
        store = app.stores.get("sessions")
        session_id = client.cookies[SESSION_COOKIE]
        data = await store.get(session_id)
        assert data is not None
        parts: dict[str, Callable[[], Awaitable[Any]]] = {
            "the principal's statement": lambda: load_principal(user_id),
            "the session's read (renewing its expiry)": lambda: store.get(session_id, 1800),
            "the session's write (now skipped when unchanged)": lambda: store.set(
                session_id, data, expires_in=1800
            ),
        }
        costs = {}
        for name, call in parts.items():
            began = time.process_time()
            for _ in range(count):
                await call()
            costs[name] = (time.process_time() - began) / count
        if profile:
            profiler = cProfile.Profile(time.process_time)
            profiler.enable()
            for _ in range(count):
                await through_http()
            profiler.disable()
            profiler.dump_stats(profile)
    await startup.put({"type": "lifespan.shutdown"})
    await lifespan

    ms = 1e3
    median = statistics.median
    print(f"# bench httpcost: {count} of each, one at a time, medians of batches of {BATCH}")
    print(f"suggestion through HTTP (ASGI app): {median(rows['http']) * ms:.2f} ms CPU")
    print(f"the use case called directly:       {median(rows['direct']) * ms:.2f} ms CPU")
    stack = median([h - d for h, d in zip(rows["http"], rows["direct"], strict=True)])
    print(f"the HTTP stack around it:           {stack * ms:.2f} ms CPU")
    print(f"GET /health (ASGI app):             {median(rows['health']) * ms:.2f} ms CPU")
    for name, cost in costs.items():
        print(f"  {name}: {cost * ms:.3f} ms CPU")
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench httpcost")
    parser.add_argument("--specialists", type=int, default=20000)
    parser.add_argument("--requests", type=int, default=22000)
    parser.add_argument("--count", type=int, default=600)
    parser.add_argument("--profile", default=None, help="write a cProfile (CPU) here")
    args = parser.parse_args(argv)

    from bench.load import seed, serving_role

    with scratch() as (_, postgres):
        people = asyncio.run(seed(args.specialists, args.requests))
        os.environ |= {
            "NETWORK_ENV": "dev",
            "NETWORK_LOG_LEVEL": "WARNING",
            "NETWORK_RATE_LIMIT_SIGNIN": "1000000",
            "NETWORK_RATE_LIMIT_WRITES": "1000000",
        }
        if postgres:
            os.environ |= asyncio.run(serving_role(os.environ["NETWORK_DATABASE_URL"]))
        # A fresh process: the settings (and the database role) as the environment now
        # says, as a served app process would read them.
        child = multiprocessing.get_context("spawn").Process(
            target=_measure_in_child, args=(people["social_worker"][0]["email"], args)
        )
        child.start()
        child.join()
    return child.exitcode or 0


def _measure_in_child(email: str, args: argparse.Namespace) -> None:
    random.seed(1729)
    asyncio.run(_measure(email, args.count, args.profile))
