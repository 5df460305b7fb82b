"""A round's min-cost flow solved on a few candidate arcs, and proved optimal on all.

A national round has millions of eligible pairs, yet each request ends up with one
of its best few. So the flow is first solved on *candidate* arcs (each request's
``first`` best pairs), and then proved optimal on every pair by linear-programming
duality: node potentials under which every arc of the candidates' residual graph
has a reduced cost of at least zero also price each left-out pair. A left-out pair
whose reduced cost is negative could improve the total; the requests with one get
more candidates (at least that pair, at least twice as many as before) and the flow
is solved again. When no pair is left with a negative reduced cost, the flow is an
optimum of the whole instance: its residual graph has no negative cycle. The
result is exact, not a heuristic; ``tests/unit/test_assignment.py`` checks it
against NetworkX, brute force and ``scipy.optimize.milp``.

The potentials are shortest distances in the residual graph (Bellman–Ford, one
vectorised relaxation of all arcs per pass). Of the many valid ones, it takes
those that make the left-out pairs easiest to price (the least a node can have):
distances *to* a virtual end node rather than from a virtual start.

Pure numpy, plus OR-tools' min-cost flow for the solves.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from ortools.graph.python import min_cost_flow  # type: ignore[import-untyped]

__all__ = ("FIRST_CANDIDATES", "Flow", "potentials", "solve_assignment")

Ints = npt.NDArray[np.int64]
Bools = npt.NDArray[np.bool_]

# Each request's best pairs tried first. At the national scale (5,204 requests with
# about 530 pairs each) 32 proves optimal at once; fewer needs more solves.
FIRST_CANDIDATES = 32


@dataclass(frozen=True)
class Flow:
    """An optimal flow of an assignment instance: which pairs are used, and how
    many solves over how many candidate pairs it took."""

    used: Bools  # per pair of the instance
    solves: int
    candidates: int


def _flow(n: int, capacity: Ints, row: Ints, column: Ints, weight: Ints) -> tuple[Ints, Ints]:
    """Solve source → request → specialist → sink (and request → sink, "unplaced")
    on the given pairs; the flow on each pair and on each "unplaced" arc."""
    m, e = len(capacity), len(row)
    sink = n + m + 1
    ones = np.ones(n, dtype=np.int64)
    tails = np.concatenate([np.zeros(n, np.int64), 1 + np.arange(n), 1 + row, 1 + n + np.arange(m)])
    heads = np.concatenate([1 + np.arange(n), np.full(n, sink), 1 + n + column, np.full(m, sink)])
    capacities = np.concatenate([ones, ones, np.ones(e, dtype=np.int64), capacity])
    costs = np.concatenate([np.zeros(2 * n, np.int64), -weight, np.zeros(m, np.int64)])
    solver = min_cost_flow.SimpleMinCostFlow()
    solver.add_arcs_with_capacity_and_unit_cost(tails, heads, capacities, costs)
    solver.set_nodes_supplies(np.asarray([0, sink]), np.asarray([n, -n]))
    status = solver.solve()
    if status != solver.OPTIMAL:
        raise RuntimeError(f"OR-tools min-cost flow ended with status {status}")
    flows = solver.flows(np.arange(n, 2 * n + e))
    return flows[n:], flows[:n]


def potentials(tails: Ints, heads: Ints, costs: Ints, nodes: int) -> Ints:
    """Potentials ``p`` with ``cost + p[tail] - p[head] >= 0`` on every arc, each as
    small as it can be while at least zero: minus the shortest distance from the node
    to a virtual end node that every node reaches at no cost. The arcs must hold no
    negative cycle (a residual graph at an optimum holds none)."""
    distance = np.zeros(nodes, dtype=np.int64)
    if len(tails) == 0:
        return distance
    order = np.argsort(tails, kind="stable")
    tails, heads, costs = tails[order], heads[order], costs[order]
    starts = np.flatnonzero(np.r_[True, tails[1:] != tails[:-1]])
    owners = tails[starts]
    for _ in range(nodes + 1):
        best = np.minimum(distance[owners], np.minimum.reduceat(costs + distance[heads], starts))
        if np.array_equal(best, distance[owners]):
            return -distance
        distance[owners] = best
    raise RuntimeError("the residual graph holds a negative cycle")


def _residual_potentials(
    n: int, capacity: Ints, row: Ints, column: Ints, weight: Ints, used: Ints, unplaced: Ints
) -> Ints:
    """Potentials of the candidates' residual graph at an optimal flow. Nodes:
    requests ``0..n-1``, specialists ``n..n+m-1``, the sink ``n+m``; the source is
    left out (its arcs are all full, so it only adds arcs into itself at no cost,
    which the virtual end node already gives every node)."""
    m = len(capacity)
    sink = n + m
    load = np.bincount(column[used > 0], minlength=m)
    requests, specialists = np.arange(n), n + np.arange(m)
    free, taken = used == 0, used > 0
    open_, busy = load < capacity, load > 0
    placed = unplaced == 0
    tails = np.concatenate(
        [
            row[free],  # a pair not used: forward at -weight
            n + column[taken],  # a pair used: backward at +weight
            requests[placed],  # "unplaced" not used: forward
            np.full(n - placed.sum(), sink),  # "unplaced" used: backward
            specialists[open_],  # capacity left: forward
            np.full(busy.sum(), sink),  # some capacity used: backward
        ]
    )
    heads = np.concatenate(
        [
            n + column[free],
            row[taken],
            np.full(placed.sum(), sink),
            requests[~placed],
            np.full(open_.sum(), sink),
            specialists[busy],
        ]
    )
    costs = np.concatenate(
        [-weight[free], weight[taken], np.zeros(len(tails) - len(used), dtype=np.int64)]
    )
    return potentials(tails, heads, costs, n + m + 1)


class _Lists:
    """Each request's pairs as a run of a weight array, to pick its best from."""

    def __init__(self, n: int, row: Ints, weight: Ints) -> None:
        # The builder lists each request's pairs together: no sort needed then.
        grouped = bool(np.all(row[1:] >= row[:-1]))
        self.order = None if grouped else np.argsort(row, kind="stable")
        ranked = row if self.order is None else row[self.order]
        self.weight = weight if self.order is None else weight[self.order]
        everyone = np.arange(n)
        self.starts = np.searchsorted(ranked, everyone, side="left")
        self.ends = np.searchsorted(ranked, everyone, side="right")

    def best(self, request: int, count: int) -> Ints:
        """The pairs (indices) of ``request``'s ``count`` best (ties: any of them)."""
        start, end = int(self.starts[request]), int(self.ends[request])
        if end - start <= count:
            found = np.arange(start, end)
        else:
            top = np.argpartition(self.weight[start:end], end - start - count)
            found = start + top[end - start - count :]
        return found if self.order is None else self.order[found]


def solve_assignment(
    n: int,
    capacity: Ints,
    row: Ints,
    column: Ints,
    weight: Ints,
    *,
    first: int | None = FIRST_CANDIDATES,
) -> Flow:
    """A maximum-weight assignment: ``n`` requests, specialists with ``capacity``,
    and pairs (request ``row``, specialist ``column``, ``weight``), each request
    placed at most once (or left out) and each specialist at most ``capacity``
    times. ``first``: each request's best pairs to start from (``None``: all)."""
    if first is None or len(row) <= n * first:
        pair_flow, _ = _flow(n, capacity, row, column, weight)
        return Flow(used=pair_flow > 0, solves=1, candidates=len(row))
    lists = _Lists(n, row, weight)
    wanted = np.full(n, first, dtype=np.int64)  # each request's best pairs kept
    kept = np.zeros(len(row), dtype=np.bool_)
    for request in range(n):
        kept[lists.best(request, first)] = True
    solves = 0
    while True:
        solves += 1
        at = np.flatnonzero(kept)
        pair_flow, unplaced = _flow(n, capacity, row[at], column[at], weight[at])
        p = _residual_potentials(n, capacity, row[at], column[at], weight[at], pair_flow, unplaced)
        priced = p[row] - p[n + column] >= weight  # reduced cost at least zero
        better = ~(priced | kept)
        if not better.any():
            used = np.zeros(len(row), dtype=np.bool_)
            used[at[pair_flow > 0]] = True
            return Flow(used=used, solves=solves, candidates=len(at))
        # The requests with a pair that could improve the total keep twice as many
        # of their best, and at least their best such pair.
        top = np.full(n, np.iinfo(np.int64).min, dtype=np.int64)
        np.maximum.at(top, row[better], weight[better])
        kept |= better & (weight == top[row])
        for request in np.flatnonzero(top > np.iinfo(np.int64).min).tolist():
            wanted[request] *= 2
            kept[lists.best(request, int(wanted[request]))] = True
