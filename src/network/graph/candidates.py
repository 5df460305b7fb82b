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

Requests that ask alike (the same specialists at the same scores: one place, one
area, one way of meeting) are solved as one group whose supply is their number, and
the group's flow is then split among them; a national round's 20,000 requests ask
in about 3,600 ways, so the flow has a seventh of the pairs.

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
    """An optimal flow of an assignment instance: which pairs are used; and how many
    groups of alike requests, solves and candidate pairs (of the groups) it took."""

    used: Bools  # per pair of the instance
    groups: int
    solves: int
    candidates: int


def _flow(
    supply: Ints, capacity: Ints, row: Ints, column: Ints, weight: Ints, limit: Ints
) -> tuple[Ints, Ints]:
    """Solve source → group → specialist → sink (and group → sink, "unplaced") on
    the given pairs, each carrying at most ``limit``; the flow on each pair and on
    each "unplaced" arc."""
    n, m, e = len(supply), len(capacity), len(row)
    sink = n + m + 1
    tails = np.concatenate([np.zeros(n, np.int64), 1 + np.arange(n), 1 + row, 1 + n + np.arange(m)])
    heads = np.concatenate([1 + np.arange(n), np.full(n, sink), 1 + n + column, np.full(m, sink)])
    capacities = np.concatenate([supply, supply, limit, capacity])
    costs = np.concatenate([np.zeros(2 * n, np.int64), -weight, np.zeros(m, np.int64)])
    solver = min_cost_flow.SimpleMinCostFlow()
    solver.add_arcs_with_capacity_and_unit_cost(tails, heads, capacities, costs)
    total = int(supply.sum())
    solver.set_nodes_supplies(np.asarray([0, sink]), np.asarray([total, -total]))
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
    supply: Ints,
    capacity: Ints,
    row: Ints,
    column: Ints,
    weight: Ints,
    limit: Ints,
    used: Ints,
    unplaced: Ints,
) -> Ints:
    """Potentials of the candidates' residual graph at an optimal flow. Nodes:
    groups ``0..n-1``, specialists ``n..n+m-1``, the sink ``n+m``; the source is
    left out (its arcs are all full, so it only adds arcs into itself at no cost,
    which the virtual end node already gives every node)."""
    n, m = len(supply), len(capacity)
    sink = n + m
    load = np.bincount(column, weights=used, minlength=m).astype(np.int64)
    groups, specialists = np.arange(n), n + np.arange(m)
    room, taken = used < limit, used > 0
    open_, busy = load < capacity, load > 0
    some, left = unplaced < supply, unplaced > 0
    tails = np.concatenate(
        [
            row[room],  # a pair with room: forward at -weight
            n + column[taken],  # a pair used: backward at +weight
            groups[some],  # "unplaced" with room: forward
            np.full(int(left.sum()), sink),  # "unplaced" used: backward
            specialists[open_],  # capacity left: forward
            np.full(int(busy.sum()), sink),  # some capacity used: backward
        ]
    )
    heads = np.concatenate(
        [
            n + column[room],
            row[taken],
            np.full(int(some.sum()), sink),
            groups[left],
            np.full(int(open_.sum()), sink),
            specialists[busy],
        ]
    )
    priced = int(room.sum()) + int(taken.sum())
    costs = np.concatenate(
        [-weight[room], weight[taken], np.zeros(len(tails) - priced, dtype=np.int64)]
    )
    return potentials(tails, heads, costs, n + m + 1)


class _Lists:
    """Each request's pairs as a run of the pair arrays (in request order), and the
    requests that ask alike: the same specialists at the same scores, in the same
    order (a round's builder lists the pairs of requests that ask alike so, and may
    say which they are: ``alike``, a label per request)."""

    def __init__(
        self, n: int, row: Ints, column: Ints, weight: Ints, alike: Ints | None = None
    ) -> None:
        grouped = bool(np.all(row[1:] >= row[:-1]))
        self.order = None if grouped else np.argsort(row, kind="stable")
        ranked = row if self.order is None else row[self.order]
        self.column = column if self.order is None else column[self.order]
        self.weight = weight if self.order is None else weight[self.order]
        everyone = np.arange(n)
        self.starts = np.searchsorted(ranked, everyone, side="left")
        self.ends = np.searchsorted(ranked, everyone, side="right")
        lengths = self.ends - self.starts
        if alike is None:
            alike = self._fingerprints(lengths)
        # Each request's leader: the first with its label, if their runs are equal.
        _, firsts, inverse = np.unique(alike, return_index=True, return_inverse=True)
        leader = firsts[inverse.reshape(-1)]
        owner = np.repeat(everyone, lengths)  # of each pair (in run order)
        offset = np.arange(len(ranked)) - np.repeat(self.starts, lengths)
        same = lengths == lengths[leader]
        mirror = np.minimum(self.starts[leader][owner] + offset, max(len(ranked) - 1, 0))
        differs = (self.column[mirror] != self.column) | (self.weight[mirror] != self.weight)
        alone = ~same | (np.bincount(owner[differs], minlength=n) > 0)
        leader[alone] = everyone[alone]
        leaders, self.group = np.unique(leader, return_inverse=True)
        self.group = self.group.reshape(-1)
        self.leaders: list[int] = leaders.tolist()

    def _fingerprints(self, lengths: Ints) -> Ints:
        """A label per request from its run's length and two sums over its pairs (one
        weighted by place): alike requests get the same one."""
        n = len(lengths)
        place = np.arange(len(self.column)) - np.repeat(self.starts, lengths) + 1
        mixed = (self.column.astype(np.uint64) * np.uint64(1_000_003)) ^ self.weight.astype(
            np.uint64
        )
        keys = np.zeros((n, 3), dtype=np.uint64)
        keys[:, 0] = lengths
        some = lengths > 0
        if some.any():
            keys[some, 1] = np.add.reduceat(mixed, self.starts[some])
            keys[some, 2] = np.add.reduceat(mixed * place.astype(np.uint64), self.starts[some])
        _, labels = np.unique(keys, axis=0, return_inverse=True)
        found: Ints = labels.reshape(-1).astype(np.int64)
        return found

    def best(self, request: int, count: int) -> Ints:
        """Offsets into ``request``'s run of its ``count`` best pairs (ties: any)."""
        start, end = int(self.starts[request]), int(self.ends[request])
        if end - start <= count:
            return np.arange(end - start)
        top = np.argpartition(self.weight[start:end], end - start - count)
        return top[end - start - count :]

    def pair(self, request: int, offset: int) -> int:
        """The index (in the arrays given) of ``request``'s pair at ``offset``."""
        at = int(self.starts[request]) + offset
        return at if self.order is None else int(self.order[at])


def solve_assignment(
    n: int,
    capacity: Ints,
    row: Ints,
    column: Ints,
    weight: Ints,
    *,
    first: int | None = FIRST_CANDIDATES,
    alike: Ints | None = None,
) -> Flow:
    """A maximum-weight assignment: ``n`` requests, specialists with ``capacity``,
    and pairs (request ``row``, specialist ``column``, ``weight``), each request
    placed at most once (or left out) and each specialist at most ``capacity``
    times. ``first``: each group's best pairs to start from, besides one more for
    each request in it (``None``: all); ``alike``: a label per request, the same
    for requests that ask alike (else found from the pairs; checked either way).

    Requests that ask alike are solved as one group whose supply is their number:
    any split of a group's flow among its requests is as good (a national round's
    20,000 requests ask in about 3,600 ways, and keep a seventh of the pairs).
    """
    lists = _Lists(n, row, column, weight, alike)
    leaders = lists.leaders
    supply = np.bincount(lists.group, minlength=len(leaders)).astype(np.int64)
    # The groups' pairs: their leaders' runs.
    runs = [np.arange(lists.starts[r], lists.ends[r]) for r in leaders]
    lengths = np.fromiter((len(r) for r in runs), np.int64, len(runs))
    at = np.concatenate(runs) if runs else np.zeros(0, dtype=np.int64)
    g_row = np.repeat(np.arange(len(leaders)), lengths)
    g_column, g_weight = lists.column[at], lists.weight[at]
    g_limit = np.minimum(supply[g_row], capacity[g_column])
    offsets = np.concatenate([[0], np.cumsum(lengths)])
    kept = np.zeros(len(g_row), dtype=np.bool_)
    wanted = supply + (len(g_row) if first is None else first)  # each group's best kept
    for group, leader in enumerate(leaders):
        kept[offsets[group] + lists.best(leader, int(wanted[group]))] = True
    solves = 0
    while True:
        solves += 1
        chosen = np.flatnonzero(kept)
        args = (g_row[chosen], g_column[chosen], g_weight[chosen], g_limit[chosen])
        pair_flow, unplaced = _flow(supply, capacity, *args)
        p = _residual_potentials(supply, capacity, *args, pair_flow, unplaced)
        priced = p[g_row] - p[len(leaders) + g_column] >= g_weight  # reduced cost ≥ 0
        better = ~(priced | kept)
        if not better.any():
            break
        # The groups with a pair that could improve the total keep twice as many of
        # their best, and at least their best such pair.
        top = np.full(len(leaders), np.iinfo(np.int64).min, dtype=np.int64)
        np.maximum.at(top, g_row[better], g_weight[better])
        kept |= better & (g_weight == top[g_row])
        for group in np.flatnonzero(top > np.iinfo(np.int64).min).tolist():
            wanted[group] *= 2
            kept[offsets[group] + lists.best(leaders[group], int(wanted[group]))] = True
    # Each group's flow, split among its requests in their order.
    members: list[list[int]] = [[] for _ in leaders]
    for request, group in enumerate(lists.group.tolist()):
        members[group].append(request)
    taken = [0] * len(leaders)
    used = np.zeros(len(row), dtype=np.bool_)
    for index, units in zip(chosen.tolist(), pair_flow.tolist(), strict=True):
        if units:
            group = int(g_row[index])
            offset = index - int(offsets[group])
            for request in members[group][taken[group] : taken[group] + units]:
                used[lists.pair(request, offset)] = True
            taken[group] += units
    return Flow(used=used, groups=len(leaders), solves=solves, candidates=len(chosen))
