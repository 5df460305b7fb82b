"""Benchmarks: `uv run python -m bench [all|seed|matching|coverage|stable|groups]
[--specialists N] [--requests N] [--full]` (default: all of them, one after another).

Each benchmark runs against a baseline in the same run and prints a table with
size, time, baseline time and their ratio. The database is a fresh scratch one of
the kind ``NETWORK_DATABASE_URL`` names (default: a SQLite file in a temp dir).

- ``seed``: generating the national-scale demo network (pure) and writing it with
  batched inserts, against the baseline of inserting the same consultation
  requests one row at a time (measured on a sample, since row-by-row for all of
  them would take minutes), plus peak RSS.

`uv run python -m bench load [...]` is the load test (app processes and Locust;
see ``bench/load.py``) and `uv run python -m bench rounds` a batch round end to end
from the database (``bench/rounds.py``), `uv run python -m bench points` the
suggestion call with and without its case-points check (``bench/points.py``),
`uv run python -m bench httpcost` what the HTTP stack adds to one suggestion
(``bench/httpcost.py``), and
`uv run python -m bench.unplaced` the explanation of a round's unplaced requests
(``bench/unplaced.py``): not part of ``all``.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import os
import platform
import resource
import sys
import time

from bench.database import scratch


async def bench_seed(specialists: int, requests: int, sample: int) -> list[tuple[str, ...]]:
    from datetime import date

    import msgspec

    from network.consultations.tables import ConsultationRequest
    from network.demo import generate_network, load_generator_inputs, seed_demo
    from network.directory.reference import load_reference_data
    from network.migrate import migrate_forwards

    await migrate_forwards()
    await load_reference_data()
    inputs = await load_generator_inputs()

    started = time.perf_counter()
    network = generate_network(
        *inputs, specialists=specialists, requests=requests, seed=1729, today=date(2026, 11, 23)
    )
    generated = time.perf_counter() - started

    started = time.perf_counter()
    counts = await seed_demo(network, progress=False)
    seeded = time.perf_counter() - started

    # Baseline: the same kind of rows, one INSERT per row, on a sample.
    template = await ConsultationRequest.select().limit(sample)
    rows = [{k: v for k, v in row.items() if k != "id"} for row in template]
    started = time.perf_counter()
    for row in rows:
        await ConsultationRequest(**row).save()
    one_by_one = (time.perf_counter() - started) / max(len(rows), 1)
    started = time.perf_counter()
    for start in range(0, len(rows), 1000):  # PostgreSQL allows 32,767 parameters a query
        await ConsultationRequest.insert(
            *(ConsultationRequest(**row) for row in rows[start : start + 1000])
        )
    batched = (time.perf_counter() - started) / max(len(rows), 1)

    total_rows = sum(msgspec.structs.asdict(counts).values())
    return [
        (
            "generate network (pure)",
            f"{specialists} specialists, {requests} requests",
            f"{generated:.2f} s",
            "-",
            "-",
        ),
        ("seed network (batched)", f"{total_rows} rows", f"{seeded:.2f} s", "-", "-"),
        (
            "insert requests",
            f"{len(rows)} rows",
            f"{batched * 1e3:.3f} ms/row",
            f"{one_by_one * 1e3:.3f} ms/row (one by one)",
            f"{one_by_one / batched:.1f}×",
        ),
    ]


def main() -> int:
    # Minutes each (or a figure of the HTTP path, not of pure code): not part of "all".
    if sys.argv[1:2] and sys.argv[1] in ("load", "rounds", "points", "httpcost"):
        return int(importlib.import_module(f"bench.{sys.argv[1]}").main(sys.argv[2:]))
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument(
        "benchmark",
        nargs="?",
        default="all",
        choices=["all", "seed", *PURE],
    )
    parser.add_argument("--specialists", type=int, default=20_000)
    parser.add_argument("--requests", type=int, default=100_000)
    parser.add_argument("--sample", type=int, default=2_000)
    parser.add_argument("--full", action="store_true", help="also the slowest baselines")
    args = parser.parse_args()
    if args.benchmark in ("all", "seed"):
        bench_database(args)
    for name in PURE:
        if args.benchmark in ("all", name):
            print(f"\n# bench {name} (pure code)")
            importlib.import_module(f"bench.{name}").main()
    return 0


PURE = ("matching", "coverage", "stable", "groups")


def bench_database(args: argparse.Namespace) -> None:
    """Seeding a scratch database with the national network."""

    with scratch() as (_, postgres):
        rows = asyncio.run(bench_seed(args.specialists, args.requests, args.sample))
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    kind = "PostgreSQL" if postgres else "SQLite"
    print(
        f"# bench seed on {kind}, Python {platform.python_version()}, "
        f"{os.cpu_count()} cores, {platform.machine()}"
    )
    header = ("benchmark", "size", "time", "baseline", "ratio")
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(5)]
    for row in [header, *rows]:
        print("  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)))
    print(f"peak RSS: {peak_mb:.0f} MB")


if __name__ == "__main__":
    sys.exit(main())
