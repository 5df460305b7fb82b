"""The case-points check on the suggestion path: `uv run python -m bench points
[--rounds N] [--k K]`.

Times the suggestion service call (``offers.suggestions``, no HTTP), as the demo's
county coordinator, for every open request of the demo's focus county, ``--rounds``
times, in three ways alternating call by call (so that a busy moment of the shared
machine falls on all three alike):

- ``one statement``: the points check of the top *k* as it is
  (:func:`network.specialists.workload.work_of`, one statement for every kind);
- ``per kind``: the same check read by the per-kind Piccolo queries it replaced
  (``tests/support/points_sources.py``: five statements), the "before";
- ``no check``: the baseline, the same call with no work read (an empty sources
  tuple: every specialist has their whole budget left).

Prints the median and p90 of the process's CPU time and of the wall time per call,
and each way's ratio to the baseline. The database is the one
``NETWORK_DATABASE_URL`` names when it holds the demo (e.g. the one ``network demo``
made), else a scratch one of its kind, prepared as ``network demo`` prepares it.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import statistics
import time
from collections.abc import Callable
from functools import partial
from typing import Any

from bench.database import scratch

COORDINATOR = "coordinator@demo.invalid"


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


async def _prepare() -> None:
    from network.cli import _prepare as prepare_demo

    options = argparse.Namespace(specialists=None, requests=None, seed=None)
    await prepare_demo(options, seed=True, extras=True)


async def _has_demo() -> bool:
    from network.accounts.principals import user_id_for_email

    try:
        return await user_id_for_email(COORDINATOR) is not None
    except Exception:
        return False


async def measure(rounds: int, k: int) -> tuple[list[tuple[str, ...]], int]:
    """The report's rows, and how many requests each round asked about."""
    from tests.support.points_sources import REFERENCE_SOURCES

    from network.accounts.principals import load_principal, user_id_for_email
    from network.bootstrap import build_runtime
    from network.consultations import offers
    from network.consultations.tables import ConsultationRequest
    from network.db import close_pool, open_pool
    from network.demo.generator import FOCUS_COUNTY
    from network.kernel.context import Actor, Context
    from network.settings import get_settings
    from network.specialists import workload

    engine = ConsultationRequest._meta.db
    await open_pool(engine, get_settings())  # as the app does
    try:
        user = await user_id_for_email(COORDINATOR)
        assert user is not None, "no demo coordinator: not the demo's database"
        principal = await load_principal(user)
        assert principal is not None
        actor = Actor(user_id=principal.user_id, email=principal.email, role="coordinator")
        ctx = Context(principal, actor, build_runtime(get_settings()).runtime)
        rows = await ConsultationRequest.select(ConsultationRequest.id).where(
            (ConsultationRequest.status == "open")
            & (ConsultationRequest.origin_municipality._.county._.code == FOCUS_COUNTY)
        )
        requests = sorted(row["id"] for row in rows)
        assert requests, "no open requests in the focus county"
        ways: dict[str, Callable[..., Any]] = {
            "one statement": workload.points_load,
            "per kind (before)": partial(workload.points_load, sources=REFERENCE_SOURCES),
            "no check (baseline)": partial(workload.points_load, sources=()),
        }
        cpu: dict[str, list[float]] = {name: [] for name in ways}
        wall: dict[str, list[float]] = {name: [] for name in ways}
        real = offers.points_load
        try:
            for round_number in range(rounds + 1):  # the first: warming up, not counted
                for request in requests:
                    for name, way in ways.items():
                        offers.points_load = way  # type: ignore[assignment]
                        started_cpu, started = time.process_time(), time.perf_counter()
                        await offers.suggestions(ctx, request, k=k)
                        took_cpu = time.process_time() - started_cpu
                        took = time.perf_counter() - started
                        if round_number:
                            cpu[name].append(took_cpu)
                            wall[name].append(took)
        finally:
            offers.points_load = real  # type: ignore[assignment]
    finally:
        await close_pool(engine)
    base_cpu = statistics.median(cpu["no check (baseline)"])
    base_wall = statistics.median(wall["no check (baseline)"])
    ms = 1e3
    report = []
    for name in ways:
        report.append(
            (
                name,
                str(len(cpu[name])),
                f"{statistics.median(cpu[name]) * ms:.2f}",
                f"{_percentile(cpu[name], 0.9) * ms:.2f}",
                f"{statistics.median(wall[name]) * ms:.2f}",
                f"{_percentile(wall[name], 0.9) * ms:.2f}",
                f"{statistics.median(cpu[name]) / base_cpu:.2f}×",
                f"{statistics.median(wall[name]) / base_wall:.2f}×",
            )
        )
    return report, len(requests)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench points")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--k", type=int, default=5)
    args = parser.parse_args(argv)
    os.environ.setdefault("PICCOLO_CONF", "network.piccolo_conf")
    if os.environ.get("NETWORK_DATABASE_URL") and asyncio.run(_has_demo()):
        rows, asked = asyncio.run(measure(args.rounds, args.k))
        where = "the demo database of NETWORK_DATABASE_URL"
    else:
        with scratch() as (_, postgres):
            asyncio.run(_prepare())
            rows, asked = asyncio.run(measure(args.rounds, args.k))
        where = f"a scratch demo database ({'PostgreSQL' if postgres else 'SQLite'})"
    print(
        f"# bench points: offers.suggestions (no HTTP), k={args.k}, {asked} open requests "
        f"of the focus county × {args.rounds} rounds, on {where}; "
        f"Python {platform.python_version()}, {os.cpu_count()} cores"
    )
    header = (
        "points check",
        "n",
        "CPU p50 ms",
        "CPU p90 ms",
        "wall p50 ms",
        "wall p90 ms",
        "CPU / baseline",
        "wall / baseline",
    )
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    for line in [header, *rows]:
        print("  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)))
    return 0
