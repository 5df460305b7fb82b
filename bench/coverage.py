"""Coverage benchmarks: `uv run python -m bench.coverage`.

Pure code on a seeded synthetic national network: the 290 real municipalities,
19 areas, 20,000 specialists (homes weighted by population, 1–4 areas each, 4–40
hours a week), county-wide agreements for a third of the counties (some allowing
co-handling) and pairwise agreements between neighbouring municipalities.

- cold: the NetworkX graph built from the plain data, coverage for every
  municipality × area, and the county summaries;
- cached: the same answer from the shared cache (the app's store: a hit is a get
  and a decode), against the cold computation as the baseline;
- where to act (greedy maximum coverage, national, k = 10) and weak points;
- coverage with 300 active case-conference series (each serving 3–10 municipalities
  of its hub's county), against coverage without them in the same run.
"""

from __future__ import annotations

import asyncio
import random
import statistics
import time
from collections.abc import Callable
from datetime import date
from typing import Any

import msgspec

from bench.matching import places
from network.graph.build import network_graph
from network.graph.coverage import (
    Cell,
    Conference,
    Service,
    Status,
    county_summaries,
    coverage,
)
from network.graph.model import Agreement, Network, SpecialistInfo
from network.graph.placement import greedy, specialist_candidates
from network.graph.resilience import single_agreements, single_specialists
from network.kernel.cache import Cache

DAY = date(2026, 11, 23)
AREAS = [f"area{i:02d}" for i in range(19)]


def national(specialists: int, seed: int = 1729) -> Network:
    rng = random.Random(seed)
    towns = places()
    weights = [p.population**1.25 for p in towns]
    counties = sorted({p.county for p in towns})
    deals = [
        Agreement(
            i,
            frozenset(rng.sample(AREAS, rng.randint(4, 12))),
            date(2026, 1, 1),
            counties=frozenset({c}),
            co_handling=rng.random() < 0.3,
        )
        for i, c in enumerate(rng.sample(counties, len(counties) // 3), start=1)
    ]
    net = Network.of(towns)
    for town in towns:  # each municipality with one or two neighbours
        nearest = sorted((net.distance(town.code, o.code), o.code) for o in towns if o != town)
        for _, other in nearest[: rng.randint(1, 2)]:
            deals.append(
                Agreement(
                    len(deals) + 1,
                    frozenset(rng.sample(AREAS, rng.randint(1, 5))),
                    date(2026, 1, 1),
                    municipalities=frozenset({town.code, other}),
                )
            )
    homes = rng.choices(towns, weights=weights, k=specialists)
    people = [
        SpecialistInfo(
            id=i,
            home=home.code,
            competences={a: rng.randint(1, 3) for a in rng.sample(AREAS, rng.randint(1, 4))},
            weekly_hours=float(rng.randint(4, 40)),
        )
        for i, home in enumerate(homes, start=1)
    ]
    return Network.of(towns, deals, people)


def conferences(net: Network, count: int, seed: int = 23) -> list[Conference]:
    """``count`` series, each of a random specialist in one of their areas, serving
    3–10 municipalities of the hub's county."""
    rng = random.Random(seed)
    county = {p.code: p.county for p in net.places.values()}
    by_county: dict[str, list[str]] = {}
    for code, c in sorted(county.items()):
        by_county.setdefault(c, []).append(code)
    hubs = rng.sample(sorted(net.specialists.values(), key=lambda s: s.id), count)
    found = []
    for i, hub in enumerate(hubs, start=1):
        towns = by_county[county[hub.home]]
        found.append(
            Conference(
                series=i,
                area=rng.choice(sorted(hub.competences)),
                hub=hub.id,
                hub_municipality=hub.home,
                municipalities=tuple(
                    sorted(rng.sample(towns, min(len(towns), rng.randint(3, 10))))
                ),
                weekly_hours=0.35,
            )
        )
    return found


def timed(work: Callable[[], Any], repeats: int) -> tuple[float, Any]:
    """Median milliseconds over ``repeats`` runs, and the last result."""
    times, result = [], None
    for _ in range(repeats):
        started = time.perf_counter()
        result = work()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), result


def main() -> int:
    net = national(20_000)
    size = f"290 municipalities × {len(AREAS)} areas, 20,000 specialists"
    build_ms, graph = timed(lambda: network_graph(net, AREAS, DAY), 5)
    cover_ms, cells = timed(lambda: coverage(graph, Service.CONSULTATION), 5)
    cold_ms, _ = timed(
        lambda: county_summaries(coverage(network_graph(net, AREAS, DAY), Service.CONSULTATION)),
        5,
    )

    cache = Cache()  # in process memory, as without Redis

    async def hit() -> list[Cell]:
        async def compute() -> bytes:
            return msgspec.json.encode(cells)

        found = await cache.cached("bench-version", "bench", compute, ttl=60)
        return msgspec.json.decode(found, type=list[Cell])

    asyncio.run(hit())  # fill the cache
    cached_ms, again = timed(lambda: asyncio.run(hit()), 20)
    assert again == cells
    scope = None
    weights = {(c.municipality, c.area): c.population for c in cells if c.status is Status.NONE}
    act_ms, picks = timed(
        lambda: greedy(specialist_candidates(cells, graph, scope=scope), weights, 10), 3
    )
    weak_ms, _ = timed(lambda: (single_specialists(cells), single_agreements(cells)), 3)
    series = conferences(net, 300)
    # the baseline again right beside it (the machine's load varies over a run)
    plain_ms, _ = timed(lambda: coverage(graph, Service.CONSULTATION), 5)
    conf_ms, with_series = timed(lambda: coverage(graph, Service.CONSULTATION, series), 5)
    reached = sum(c.reach.value == "conference" for c in with_series)
    statuses = {s: sum(c.status is s for c in cells) for s in Status}
    rows = [
        ("graph build (NetworkX)", size, f"{build_ms:.0f} ms", "", ""),
        ("coverage, every cell", size, f"{cover_ms:.0f} ms", "", ""),
        ("coverage, cold (graph + cells + counties)", size, f"{cold_ms:.0f} ms", "", ""),
        (
            "coverage, from the cache",
            size,
            f"{cached_ms:.1f} ms",
            f"cold {cold_ms:.0f} ms",
            f"{cold_ms / cached_ms:.0f}×",
        ),
        ("where to act: 10 new specialists", "national", f"{act_ms:.0f} ms", "", ""),
        ("weak points", "national", f"{weak_ms:.0f} ms", "", ""),
        (
            "coverage with 300 conference series",
            size,
            f"{conf_ms:.0f} ms",
            f"without {plain_ms:.0f} ms",
            f"{conf_ms / plain_ms:.2f}×",
        ),
    ]
    header = ("benchmark", "size", "time", "baseline", "ratio")
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        print("  ".join(str(cell).ljust(width) for cell, width in zip(row, widths, strict=True)))
    print(
        f"\ncells: {len(cells):,} ({', '.join(f'{s.value} {n:,}' for s, n in statuses.items())});"
        f" greedy covers {sum(p.gain for p in picks):,} more inhabitant-areas with 10 specialists;"
        f" {reached:,} cells reached only through a conference"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
