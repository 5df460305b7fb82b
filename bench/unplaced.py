"""Explaining a round's unplaced requests (``network.graph.unplaced``), pure:
`uv run python -m bench.unplaced [--specialists 20000] [--requests 5000]`.

A synthetic country (290 places, 19 areas, 30 county-wide agreements, a fifth of the
specialists away, half of them full) and ``--requests`` unplaced requests, half of
them with a latest date, every one explained (the round's limit is
``MAX_EXPLAINED``). The baseline is the plain reading of the rule: every specialist of
the area through ``eligibility``, the furthest rule reached deciding, no pruning and
no request explained once for its alike ones.
Fixed seed; prints a table of size, time, baseline time and their ratio.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections import Counter
from datetime import UTC, date, datetime, timedelta

from network.graph.matching import Ineligible, eligibility
from network.graph.model import Agreement, Network, Place, RequestInfo, SpecialistInfo
from network.graph.unplaced import Cause, explain_unplaced

NOW = datetime(2026, 11, 23, 9, tzinfo=UTC)


def synthetic(
    specialists: int, requests: int
) -> tuple[Network, list[RequestInfo], dict[str, set[str]]]:
    rng = random.Random(1729)
    places = [
        Place(f"{i:04d}", f"{i % 21:02d}", 55 + rng.random() * 13, 12 + rng.random() * 10, 10_000)
        for i in range(290)
    ]
    areas = [f"area{i}" for i in range(19)]
    deals = [
        Agreement(
            i,
            frozenset(rng.sample(areas, 5)),
            date(2026, 1, 1),
            counties=frozenset({f"{i % 21:02d}"}),
        )
        for i in range(30)
    ]
    people = [
        SpecialistInfo(
            id=i,
            home=rng.choice(places).code,
            competences={rng.choice(areas): 2},
            capacity=4,
            used=rng.choice([1, 4]),
            absent=rng.random() < 0.2,
            next_free=NOW + timedelta(days=rng.randint(0, 40)),
        )
        for i in range(specialists)
    ]
    asks = [
        RequestInfo(
            id=i,
            area=rng.choice(areas),
            origin=rng.choice(places).code,
            latest_date=(NOW + timedelta(days=rng.randint(1, 30))).date()
            if rng.random() < 0.5
            else None,
        )
        for i in range(requests)
    ]
    homes: dict[str, set[str]] = {a: set() for a in areas}
    for s in people:
        for area in s.competences:
            homes[area].add(s.home)
    return Network.of(places, deals, people), asks, homes


def plain(asks: list[RequestInfo], network: Network) -> Counter[str]:
    """The baseline: every specialist of the area through every rule."""
    stage = {Ineligible.MAY_NOT_SERVE: 1, Ineligible.ABSENT: 2, Ineligible.NO_CAPACITY: 2}
    by_area: dict[str, list[SpecialistInfo]] = {}
    for s in network.specialists.values():
        for area in s.competences:
            by_area.setdefault(area, []).append(s)
    found: Counter[str] = Counter()
    for ask in asks:
        best = 0
        for s in by_area.get(ask.area, []):
            rule = eligibility(ask, s, network, now=NOW)
            best = max(best, 4 if rule is None else stage.get(rule, 3))
        found[str(best)] += 1
    return found


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.unplaced")
    parser.add_argument("--specialists", type=int, default=20_000)
    parser.add_argument("--requests", type=int, default=5_000)
    args = parser.parse_args(argv)
    network, asks, homes = synthetic(args.specialists, args.requests)
    started = time.perf_counter()
    found = explain_unplaced(asks, network, now=NOW, area_homes=homes)
    took = time.perf_counter() - started
    started = time.perf_counter()
    plain(asks, network)
    baseline = time.perf_counter() - started
    causes = Counter(w.cause for w in found.values())
    print(f"{'what':40} {'size':32} {'time':>8} {'baseline':>9} {'ratio':>6}")
    size = f"{args.requests} unplaced, {args.specialists} specialists"
    ratio = baseline / took
    print(f"{'explain unplaced requests':40} {size:32} {took:7.2f}s {baseline:8.2f}s {ratio:5.1f}x")
    print("causes:", ", ".join(f"{c.value} {causes[c]}" for c in Cause if causes[c]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
