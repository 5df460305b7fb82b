"""Load test: `uv run python -m bench load [--scenario mix|suggestions] [--users N]
[--seconds 120] [--warmup 0] [--lockstep] [--spawn-rate 50] [--think 5-15] [--specialists 2500]
[--requests 6000]`.

Seeds a scratch database (of the kind ``NETWORK_DATABASE_URL`` names) with the demo
network, starts the app (two processes when ``NETWORK_REDIS_URL`` is set, as behind
a load balancer; one on the embedded default), and runs Locust headless on
127.0.0.1 with ``--users`` signed-in people of the network:

- ``mix`` (default, 2,000 users): each uses the app as their role does
  (``bench/locustfile.py``) with ``--think`` seconds of reading between clicks;
- ``suggestions`` (default 50 users): social workers each asking for ranked
  suggestions for one of their open requests about once a second, after a random
  pause of 0.5-1.5 s; with ``--lockstep`` at a constant pace instead, which keeps
  all of them asking in the same moment of each second (a burst of 50 at once).

With ``--warmup S`` the same users first run ``S`` seconds unreported, so the figures
are those of processes that have served a while.

``--client asyncio`` (suggestions only) drives the same users with an independent
asyncio + httpx client instead of Locust (``bench/suggest.py``): one request a second
each from a random start, ``/health`` probed in the same run, the app processes' CPU
per suggestion, and the latency one request at a time.

On PostgreSQL the app processes serve as the serving role ``network_app`` (row-level
security in force, as in production); the database is seeded by its owner.

Prints throughput and p50/p95/p99 latency per endpoint and the error rate, which
must be 0 (the command exits 1 otherwise).

The clients all come from one address, so the benchmark raises the per-address
rate limits for its app processes; everything else is the production code path
(sessions and CSRF, the database's row-level security, Redis when configured).
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import json
import os
import platform
import subprocess
import sys
import tempfile
from contextlib import ExitStack
from datetime import date
from pathlib import Path
from typing import Any

from bench.database import scratch

HERE = Path(__file__).parent
# scenario -> (Locust user classes, default number of users)
SCENARIOS = {
    "mix": (["SocialWorker", "Specialist", "Coordinator"], 2000),
    "suggestions": (["Suggester"], 50),
}


async def seed(specialists: int, requests: int) -> dict[str, list[dict[str, Any]]]:
    """Migrate and seed the scratch database; the people the load test signs in as."""
    from network.accounts.tables import RoleBinding
    from network.coverage.history import snapshot_if_due
    from network.demo import generate_network, load_generator_inputs, seed_demo
    from network.directory.reference import load_reference_data
    from network.migrate import migrate_forwards
    from network.specialists.tables import SpecialistProfile

    await migrate_forwards()
    await load_reference_data()
    inputs = await load_generator_inputs()
    network = generate_network(
        *inputs, specialists=specialists, requests=requests, seed=1729, today=date.today()
    )
    await seed_demo(network, progress=False)
    # Today's coverage snapshot, as a deployment has it from the first periodic pass
    # after midnight (`network demo` takes it too): otherwise the app processes' first
    # pass takes it in the middle of the measured load.
    await snapshot_if_due()
    bindings = await RoleBinding.select(
        RoleBinding.role,
        RoleBinding.user.email.as_alias("email"),
        RoleBinding.county.code.as_alias("county"),
        RoleBinding.municipality.county.code.as_alias("home_county"),
    )
    profiles = {
        row["email"]: row["id"]
        for row in await SpecialistProfile.select(
            SpecialistProfile.id, SpecialistProfile.user.email.as_alias("email")
        )
    }
    people: dict[str, list[dict[str, Any]]] = {
        "social_worker": [],
        "specialist": [],
        "coordinator": [],
    }
    for row in sorted(bindings, key=lambda r: r["email"]):
        if row["role"] == "social_worker":
            people["social_worker"].append({"email": row["email"]})
        elif row["role"] == "specialist" and row["email"] in profiles:
            people["specialist"].append(
                {"email": row["email"], "specialist_id": profiles[row["email"]]}
            )
        elif row["role"] in ("coordinator", "analyst"):
            county = row["county"] or row["home_county"]
            people["coordinator"].append({"email": row["email"], "county": county})
    return people


def choose(people: dict[str, list[dict[str, Any]]], users: int) -> dict[str, list[Any]]:
    """``users`` people: coordinators and analysts (up to a twentieth), social
    workers (up to half), and specialists for the rest."""
    chosen = {"coordinator": people["coordinator"][: users // 20]}
    chosen["social_worker"] = people["social_worker"][: users // 2]
    room = users - len(chosen["coordinator"]) - len(chosen["social_worker"])
    chosen["specialist"] = people["specialist"][:room]
    return chosen


def report(stats_csv: Path, users: int, seconds: int, processes: int, kind: str) -> bool:
    """Print the per-endpoint table; whether no request failed."""
    with stats_csv.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    print(
        f"# bench load on {kind}, {processes} app process(es), {users} users, {seconds} s; "
        f"Python {platform.python_version()}, {os.cpu_count()} cores, {platform.machine()}"
    )
    header = ("endpoint", "requests", "req/s", "p50 ms", "p95 ms", "p99 ms", "errors")
    table = [
        (
            row["Name"],
            row["Request Count"],
            f"{float(row['Requests/s']):.1f}",
            row["50%"],
            row["95%"],
            row["99%"],
            row["Failure Count"],
        )
        for row in rows
    ]
    widths = [max(len(str(r[i])) for r in [header, *table]) for i in range(len(header))]
    for line in [header, *table]:
        print("  ".join(str(c).ljust(w) for c, w in zip(line, widths, strict=True)))
    total = next(row for row in rows if row["Name"] == "Aggregated")
    failures, count = int(total["Failure Count"]), int(total["Request Count"])
    print(f"error rate: {failures}/{count} = {failures / max(count, 1):.4%}")
    return failures == 0 and count > 0


async def serving_role(owner_url: str) -> dict[str, str]:
    """The environment of app processes that serve the scratch database as the serving
    role ``network_app`` (created and granted by the owner, as ``network migrate``
    does), not as its owner, which may bypass row-level security."""
    from urllib.parse import urlsplit, urlunsplit

    from network.lib.pgroles import prepare_serving_role

    parts = urlsplit(owner_url)
    host = parts.netloc.rpartition("@")[2]
    serving = urlunsplit(parts._replace(netloc=f"network_app@{host}"))
    await prepare_serving_role(owner_url, serving)
    return {"NETWORK_DATABASE_URL": serving, "NETWORK_DATABASE_OWNER_URL": owner_url}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench load")
    parser.add_argument("--scenario", choices=sorted(SCENARIOS), default="mix")
    parser.add_argument("--users", type=int, default=None)
    parser.add_argument("--think", default="5-15", help="seconds between clicks, MIN-MAX")
    parser.add_argument("--seconds", type=int, default=120)
    parser.add_argument("--warmup", type=int, default=0, help="seconds of unreported load first")
    parser.add_argument(
        "--lockstep",
        action="store_true",
        help="suggestions: ask at a constant pace, all users in the same moment of each second",
    )
    parser.add_argument("--spawn-rate", type=int, default=50)
    parser.add_argument(
        "--client",
        choices=("locust", "asyncio"),
        default="locust",
        help="suggestions: Locust, or the independent asyncio client (bench/suggest.py)",
    )
    parser.add_argument("--health-rate", type=float, default=5.0, help="asyncio: probes/s")
    parser.add_argument("--serial", type=int, default=200, help="asyncio: one-at-a-time asks")
    parser.add_argument("--specialists", type=int, default=2500)
    parser.add_argument("--requests", type=int, default=6000)
    args = parser.parse_args(argv)

    from tests.support.server import server_process

    if args.client == "asyncio" and args.scenario != "suggestions":
        parser.error("--client asyncio runs the suggestions scenario only")

    redis = os.environ.get("NETWORK_REDIS_URL")
    processes = 2 if redis else 1
    work = Path(tempfile.mkdtemp(prefix="bench-load-"))
    with scratch() as (_, postgres):
        classes, default_users = SCENARIOS[args.scenario]
        wanted = args.users or default_users
        everyone = asyncio.run(seed(args.specialists, args.requests))
        if args.scenario == "suggestions":
            people = {"social_worker": everyone["social_worker"][:wanted]}
            people |= {"specialist": [], "coordinator": []}
        else:
            people = choose(everyone, wanted)
        users = sum(len(group) for group in people.values())
        (work / "people.json").write_text(json.dumps(people), encoding="utf-8")
        env = {
            "NETWORK_RATE_LIMIT_SIGNIN": "1000000",  # all clients share 127.0.0.1
            "NETWORK_RATE_LIMIT_WRITES": "1000000",
            "NETWORK_LOG_LEVEL": "WARNING",
        }
        if postgres:
            env |= asyncio.run(serving_role(os.environ["NETWORK_DATABASE_URL"]))
        with ExitStack() as stack:
            servers = [stack.enter_context(server_process(None, **env)) for _ in range(processes)]
            hosts = [url for url, _ in servers]
            if args.client == "asyncio":
                from bench import suggest

                figures = suggest.run(
                    hosts,
                    [process.pid for _, process in servers],
                    [person["email"] for person in people["social_worker"]],
                    seconds=args.seconds,
                    warmup=args.warmup,
                    health_rate=args.health_rate,
                    serial=args.serial,
                )
                stack.close()
                kind = "PostgreSQL + Redis" if postgres and redis else "PostgreSQL"
                kind = kind if postgres else "SQLite"
                title = (
                    f"{kind}, {processes} app process(es), {args.specialists} specialists; "
                    f"Python {platform.python_version()}, {os.cpu_count()} cores, "
                    f"{platform.machine()}, {date.today()}"
                )
                return 0 if suggest.report(figures, title) else 1
            locust_env = {
                **os.environ,
                "BENCH_LOAD_PEOPLE": str(work / "people.json"),
                "BENCH_LOAD_HOSTS": ",".join(hosts),
                "BENCH_LOAD_THINK": args.think,
                "BENCH_LOAD_LOCKSTEP": "1" if args.lockstep else "0",
            }
            # A warm-up run first (not reported), then the measured one: the steady
            # state of processes that have served a while (each keeps its areas'
            # snapshots, see network.consultations.snapshots).
            for name, seconds in (("warmup", args.warmup), ("load", args.seconds)):
                if seconds <= 0:
                    continue
                command = [
                    sys.executable,
                    "-m",
                    "locust",
                    "-f",
                    str(HERE / "locustfile.py"),
                    "--headless",
                    "--users",
                    str(users),
                    "--spawn-rate",
                    str(args.spawn_rate),
                    "--run-time",
                    f"{seconds}s",
                    "--csv",
                    str(work / name),
                    "--only-summary",
                    "--loglevel",
                    "WARNING",
                    *classes,
                ]
                subprocess.run(command, env=locust_env, check=False, stdout=subprocess.DEVNULL)
        kind = (
            "PostgreSQL + Redis" if postgres and redis else "PostgreSQL" if postgres else "SQLite"
        )
        title = args.scenario + (f", think {args.think} s" if args.scenario == "mix" else "")
        title += ", lockstep" if args.lockstep and args.scenario == "suggestions" else ""
        ok = report(work / "load_stats.csv", users, args.seconds, processes, f"{kind}, {title}")
    return 0 if ok else 1
