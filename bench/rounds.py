"""A batch round end to end, from the rows in the database to committed offers:
`uv run python -m bench rounds [--specialists 20000] [--requests 22000]`.

Seeds the national-scale network in a scratch database (of the kind
``NETWORK_DATABASE_URL`` names; in a child process, so that the peak memory shown
is the round's), then, as the coordinator of the county with the most waiting
requests (at most :data:`~network.consultations.rounds.MAX_REQUESTS`), times the
two service calls the API makes: the preview (load the requests and the network,
build the problem, solve it, store it with its proposals) and the commit (turn
every proposal into an offer, with its notification and audit row).

The preview runs twice: first in a process that has made no round yet (cold:
code paths, prepared statements and the place-distance table are new), then again
as a running service makes it. Each reads everything from the database again.
The second preview is committed. ``--requests 85000`` gives Stockholm's county
the 20,000 waiting requests of the issue's largest target.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import platform
import resource
import time
from collections import Counter
from datetime import date

from bench.database import scratch


async def _seed(specialists: int, requests: int) -> None:
    from network.demo import generate_network, load_generator_inputs, seed_demo
    from network.directory.reference import load_reference_data
    from network.migrate import migrate_forwards

    await migrate_forwards()
    await load_reference_data()
    inputs = await load_generator_inputs()
    network = generate_network(
        *inputs, specialists=specialists, requests=requests, seed=1729, today=date.today()
    )
    await seed_demo(network, progress=False)


def _seed_in_child(specialists: int, requests: int) -> None:
    asyncio.run(_seed(specialists, requests))


async def run(specialists: int) -> list[tuple[str, str]]:
    from network.accounts.principals import load_principal, user_id_for_email
    from network.bootstrap import build_runtime
    from network.consultations import rounds
    from network.consultations.tables import ConsultationRequest
    from network.db import close_pool, open_pool
    from network.kernel.context import Actor, Context
    from network.settings import get_settings

    engine = ConsultationRequest._meta.db
    await open_pool(engine, get_settings())  # as the app does
    try:
        waiting = Counter(
            row["county"]
            for row in await ConsultationRequest.select(
                ConsultationRequest.origin_municipality._.county._.code.as_alias("county")
            ).where(ConsultationRequest.status == "open")
        )
        county, size = waiting.most_common(1)[0]
        user = await user_id_for_email(f"samordnare.lan{county}@demo.invalid")
        if user is None:  # the focus county's coordinator is the demo one
            user = await user_id_for_email("coordinator@demo.invalid")
        assert user is not None
        principal = await load_principal(user)
        assert principal is not None
        actor = Actor(user_id=principal.user_id, email=principal.email, role="coordinator")
        ctx = Context(principal, actor, build_runtime(get_settings()).runtime)

        times = []
        for _ in range(2):
            started = time.perf_counter()
            preview = await rounds.preview(ctx, county=county)
            times.append(time.perf_counter() - started)
        cold, warm = times
        started = time.perf_counter()
        committed = await rounds.commit(ctx, preview.id)
        commit_time = time.perf_counter() - started
    finally:
        await close_pool(engine)
    offered = sum(1 for a in committed.assignments if a.status == "offered")
    placed = min(size, rounds.MAX_REQUESTS)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return [
        ("county", f"{county}: {size} waiting requests, {specialists} specialists"),
        ("round", f"{placed} requests, {len(preview.assignments)} proposals, {offered} offers"),
        ("preview, first in the process", f"{cold:.2f} s"),
        ("preview (load, build, solve, store)", f"{warm:.2f} s"),
        ("commit (offers, notifications, audit)", f"{commit_time:.2f} s"),
        ("end to end", f"{warm + commit_time:.2f} s"),
        ("end to end, first in the process", f"{cold + commit_time:.2f} s"),
        ("peak RSS of the round's process", f"{peak:.0f} MiB"),
    ]


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench rounds")
    parser.add_argument("--specialists", type=int, default=20_000)
    parser.add_argument("--requests", type=int, default=22_000)
    args = parser.parse_args(argv)
    with scratch() as (_, postgres):
        child = multiprocessing.get_context("spawn").Process(
            target=_seed_in_child, args=(args.specialists, args.requests)
        )
        child.start()
        child.join()
        if child.exitcode != 0:
            raise SystemExit(f"seeding failed (exit code {child.exitcode})")
        rows = asyncio.run(run(args.specialists))
    kind = "PostgreSQL" if postgres else "SQLite"
    print(
        f"# bench rounds on {kind}, Python {platform.python_version()}, "
        f"{os.cpu_count()} cores, {platform.machine()}"
    )
    width = max(len(name) for name, _ in rows)
    for name, value in rows:
        print(f"{name.ljust(width)}  {value}")
    return 0
