"""A batch round end to end, from the rows in the database to committed offers:
`uv run python -m bench rounds [--specialists 20000] [--requests 22000]`.

Seeds the national-scale network in a scratch database (of the kind
``NETWORK_DATABASE_URL`` names), then, as the coordinator of the county with the
most waiting requests, times the two service calls the API makes: the preview
(load the requests and the network, build the problem, solve it, store it with
its proposals) and the commit (turn every proposal into an offer, with its
notification and audit row). Prints the size, each step's time and the total.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import time
from collections import Counter
from datetime import date

from bench.database import scratch


async def run(specialists: int, requests: int) -> list[tuple[str, str]]:
    from network.accounts.principals import load_principal, user_id_for_email
    from network.audit.service import Actor
    from network.consultations import rounds
    from network.consultations.tables import ConsultationRequest
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

    started = time.perf_counter()
    preview = await rounds.preview(principal, actor, None, county=county)
    previewed = time.perf_counter() - started
    started = time.perf_counter()
    committed = await rounds.commit(principal, actor, None, preview.id)
    commit_time = time.perf_counter() - started
    offered = sum(1 for a in committed.assignments if a.status == "offered")
    return [
        ("county", f"{county}: {size} waiting requests, {specialists} specialists"),
        ("placed", f"{len(preview.assignments)} proposals, {offered} offers"),
        ("preview (load, build, solve, store)", f"{previewed:.2f} s"),
        ("commit (offers, notifications, audit)", f"{commit_time:.2f} s"),
        ("end to end", f"{previewed + commit_time:.2f} s"),
    ]


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench rounds")
    parser.add_argument("--specialists", type=int, default=20_000)
    parser.add_argument("--requests", type=int, default=22_000)
    args = parser.parse_args(argv)
    with scratch() as (_, postgres):
        rows = asyncio.run(run(args.specialists, args.requests))
    kind = "PostgreSQL" if postgres else "SQLite"
    print(
        f"# bench rounds on {kind}, Python {platform.python_version()}, "
        f"{os.cpu_count()} cores, {platform.machine()}"
    )
    width = max(len(name) for name, _ in rows)
    for name, value in rows:
        print(f"{name.ljust(width)}  {value}")
    return 0
