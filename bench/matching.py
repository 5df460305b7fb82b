"""Matching benchmarks: `uv run python -m bench.matching`.

Pure code on a seeded synthetic network over the 290 real municipalities (each
county's municipalities share a county-wide agreement for every area):

- instant suggestions for one request over 5,000 and 20,000 specialists: the
  vectorised ``suggest_fast`` against the Python loop ``suggest`` (the same answers,
  asserted), median and p95 of repeated requests;
- a round's problem built vectorised against the Python loop;
- batch rounds: building the problem and the production solver (OR-tools'
  min-cost flow on candidate pairs, proved optimal on all) against its peers on the
  same problem in the same process: OR-tools on every pair at once (the plain
  solve), and a reference (NetworkX's network simplex where it finishes, else
  scipy's slot graph, built with numpy); all totals equal. ``--full`` also runs
  scipy on 20,000 requests.
"""

from __future__ import annotations

import csv
import random
import resource
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from network.graph.assignment import build_problem, solve
from network.graph.fastmatch import build_problem_fast, prepare, suggest_fast
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


def _timed(run: Callable[[], object]) -> float:
    started = time.perf_counter()
    run()
    return (time.perf_counter() - started) * 1000


def _p95(times: list[float]) -> float:
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, round(0.95 * len(ordered)))]


def bench_suggestions(specialists: int, repeats: int = 200) -> tuple[str, ...]:
    """Vectorised suggestions against the Python loop (the reference), same requests."""
    net = network(specialists)
    arrays = prepare(net, NOW.date())
    asks = requests(net, repeats)
    fast = [_timed(lambda a=a: suggest_fast(a, arrays, now=NOW, k=5)) for a in asks]  # type: ignore[misc]
    slow = [_timed(lambda a=a: suggest(a, net, now=NOW, k=5)) for a in asks[:50]]  # type: ignore[misc]
    for ask in asks[:50]:
        assert suggest_fast(ask, arrays, now=NOW, k=5) == suggest(ask, net, now=NOW, k=5)
    return (
        "suggestions, one request (vectorised)",
        f"{specialists:,} specialists",
        f"median {statistics.median(fast):.2f} ms, p95 {_p95(fast):.2f} ms",
        f"Python loop median {statistics.median(slow):.1f} ms, p95 {_p95(slow):.1f} ms",
        f"{statistics.median(slow) / statistics.median(fast):.0f}×",
    )


def bench_round(specialists: int, count: int, *, reference: str | None) -> tuple[str, ...]:
    """A batch round: building the problem (vectorised) and solving it (OR-tools)
    against a reference solver on the same problem; both totals must be equal."""
    net = network(specialists)
    asks = requests(net, count)
    started = time.perf_counter()
    arrays = prepare(net, NOW.date())
    problem = build_problem_fast(asks, arrays, now=NOW)
    built = time.perf_counter() - started
    started = time.perf_counter()
    fast = solve(problem)
    solved = time.perf_counter() - started
    started = time.perf_counter()
    plain = solve(problem, candidates=None)
    plain_time = time.perf_counter() - started
    assert plain.total_score == fast.total_score, (plain.total_score, fast.total_score)
    size = f"{count:,} requests, {specialists:,} specialists, {len(problem.edges):,} pairs"
    timing = f"build {built:.2f} s + solve {solved:.2f} s (total {fast.total_score:,})"
    timing += f"; OR-tools on every pair {plain_time:.2f} s ({plain_time / solved:.1f}×)"
    if reference is None:
        return ("batch round", size, timing, "reference skipped (minutes)", "")
    started = time.perf_counter()
    slow = solve(problem, method=reference)  # type: ignore[arg-type]
    slow_time = time.perf_counter() - started
    assert fast.total_score == slow.total_score, (fast.total_score, slow.total_score)
    name = {
        "networkx": "NetworkX network simplex",
        "scipy": "scipy slot graph (numpy-built)",
    }[reference]
    return (
        "batch round",
        size,
        timing,
        f"{name} {slow_time:.2f} s (total {slow.total_score:,})",
        f"{slow_time / solved:.1f}× (solver)",
    )


def bench_build(specialists: int, count: int) -> tuple[str, ...]:
    """Building a round's problem: vectorised against the Python loop."""
    net = network(specialists)
    asks = requests(net, count)
    fast = _timed(lambda: build_problem_fast(asks, prepare(net, NOW.date()), now=NOW))
    slow = _timed(lambda: build_problem(asks, net, now=NOW))
    return (
        "round problem (eligible pairs and scores)",
        f"{count:,} requests, {specialists:,} specialists",
        f"{fast / 1000:.2f} s",
        f"Python loop {slow / 1000:.2f} s",
        f"{slow / fast:.1f}×",
    )


def main() -> int:
    full = "--full" in sys.argv
    rows = [
        bench_suggestions(5_000),
        bench_suggestions(20_000),
        bench_build(20_000, 1_000),
        bench_round(5_000, 500, reference="networkx"),
        bench_round(20_000, 1_000, reference="networkx"),
        bench_round(20_000, 5_000, reference="scipy"),
        bench_round(20_000, 20_000, reference="scipy" if full else None),
    ]
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    rows.append(
        ("peak RSS of the run (the 20,000-request round last)", "", f"{peak:.0f} MB", "", "")
    )
    header = ("benchmark", "size", "time", "baseline", "ratio")
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        print("  ".join(str(cell).ljust(width) for cell, width in zip(row, widths, strict=True)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
