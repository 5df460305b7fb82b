"""Matching benchmarks: `uv run python -m bench.matching`.

Pure code on a seeded synthetic network over the 290 real municipalities (each
county's municipalities share a county-wide agreement for every area):

- instant suggestions for one request over 5,000 and 20,000 specialists
  (``network.graph.matching.suggest``): median and p95 of repeated requests;
- batch rounds: the production solver (scipy's sparse matcher on the slot graph)
  against NetworkX's network simplex, the reference, with both totals (equal).
"""

from __future__ import annotations

import csv
import random
import statistics
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from network.graph.assignment import build_problem, solve
from network.graph.matching import suggest
from network.graph.model import Agreement, Network, Place, RequestInfo, SpecialistInfo

DATA = Path(__file__).resolve().parents[1] / "src" / "network" / "data"
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
AREAS = [f"area{i:02d}" for i in range(19)]


def places() -> list[Place]:
    with (DATA / "municipalities.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    return [
        Place(
            r["code"],
            r["county_code"],
            float(r["latitude"]),
            float(r["longitude"]),
            int(r["population"]),
        )
        for r in rows
    ]


def network(specialists: int, seed: int = 1729) -> Network:
    rng = random.Random(seed)
    towns = places()
    counties = sorted({p.county for p in towns})
    deals = [
        Agreement(i, frozenset(AREAS), date(2026, 1, 1), counties=frozenset({c}))
        for i, c in enumerate(counties, start=1)
    ]
    people = [
        SpecialistInfo(
            id=i,
            home=rng.choice(towns).code,
            competences={a: rng.randint(1, 3) for a in rng.sample(AREAS, rng.randint(1, 4))},
            languages=frozenset(rng.sample(["sv", "en", "ar", "so", "fi", "ti"], 2)),
            capacity=rng.randint(1, 6),
            used=rng.randint(0, 2),
            next_free=NOW + timedelta(hours=rng.randint(1, 24 * 20)),
        )
        for i in range(1, specialists + 1)
    ]
    return Network.of(towns, deals, people)


def requests(net: Network, count: int, seed: int = 7) -> list[RequestInfo]:
    rng = random.Random(seed)
    codes = sorted(net.places)
    return [
        RequestInfo(
            id=i,
            area=rng.choice(AREAS),
            origin=rng.choice(codes),
            urgency=rng.choice(["acute", "soon", "planned"]),
            language=rng.choice(["sv", "ar", "so"]),
        )
        for i in range(1, count + 1)
    ]


def bench_suggestions(specialists: int, repeats: int = 50) -> tuple[str, ...]:
    net = network(specialists)
    asks = requests(net, repeats)
    times = []
    for ask in asks:
        started = time.perf_counter()
        suggest(ask, net, now=NOW, k=5)
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * len(times)))]
    return (
        "suggestions, one request",
        f"{specialists:,} specialists",
        f"median {statistics.median(times):.1f} ms, p95 {p95:.1f} ms",
        "",
        "",
    )


def bench_round(specialists: int, count: int, *, reference: bool) -> tuple[str, ...]:
    net = network(specialists)
    problem = build_problem(requests(net, count), net, now=NOW)
    started = time.perf_counter()
    fast = solve(problem)
    fast_time = time.perf_counter() - started
    if not reference:
        return (
            "batch round",
            f"{count:,} requests, {specialists:,} specialists, {len(problem.edges):,} pairs",
            f"{fast_time:.2f} s (total {fast.total_score:,})",
            "NetworkX skipped (over a minute)",
            "",
        )
    started = time.perf_counter()
    slow = solve(problem, method="networkx")
    slow_time = time.perf_counter() - started
    assert fast.total_score == slow.total_score, (fast.total_score, slow.total_score)
    return (
        "batch round",
        f"{count:,} requests, {specialists:,} specialists, {len(problem.edges):,} pairs",
        f"{fast_time:.2f} s (total {fast.total_score:,})",
        f"NetworkX {slow_time:.2f} s (total {slow.total_score:,})",
        f"{slow_time / fast_time:.1f}×",
    )


def main() -> int:
    rows = [
        bench_suggestions(5_000),
        bench_suggestions(20_000),
        bench_round(5_000, 500, reference=True),
        bench_round(20_000, 1_000, reference=True),
        bench_round(20_000, 2_000, reference="--full" in sys.argv),
    ]
    header = ("benchmark", "size", "time", "baseline", "ratio")
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        print("  ".join(str(cell).ljust(width) for cell, width in zip(row, widths, strict=True)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
