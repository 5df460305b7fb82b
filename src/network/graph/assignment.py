"""Batch rounds: a maximum-weight assignment of requests to specialists with capacities.

The problem instance is exactly what is exported for anyone to re-solve: requests,
specialists with their (remaining) capacity, and the eligible pairs with integer
scores. The objective is the sum of the chosen pairs' scores, each request placed
at most once and each specialist at most ``capacity`` times; both solvers here
find an optimum of that, so any exact solver gets the same total.

- ``ortools`` (production): the min-cost flow source → request → specialist →
  sink, with an "unplaced" arc request → sink, its arcs built as numpy arrays and
  solved by OR-tools' ``SimpleMinCostFlow``: first on each request's best few
  pairs, then proved optimal on all by node potentials
  (:mod:`network.graph.candidates`; four to eight times faster than scipy here
  even on all pairs: ``bench/matching.py``).
- ``scipy``: the bipartite "slot graph" (one column per unit of a specialist's
  capacity, plus one "unplaced" column per request) solved by
  ``scipy.sparse.csgraph.min_weight_full_bipartite_matching`` (LAPJVsp).
- ``networkx`` (reference): the min-cost flow source → request → specialist →
  sink, with an "unplaced" arc request → sink, solved by network simplex.
"""

from __future__ import annotations

import io
from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal, overload

import networkx as nx
import numpy as np
import numpy.typing as npt
import orjson
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import min_weight_full_bipartite_matching

from network.graph.candidates import FIRST_CANDIDATES, solve_assignment
from network.graph.matching import (
    DEFAULT_WEIGHTS,
    ScoreBreakdown,
    Weights,
    eligibility,
    score,
)
from network.graph.model import Network, RequestInfo

__all__ = (
    "CAPACITY_EXHAUSTED",
    "LAYOUTS",
    "NO_ELIGIBLE_SPECIALIST",
    "EdgeRows",
    "Placement",
    "RoundProblem",
    "RoundSolution",
    "build_problem",
    "check_solution",
    "exported",
    "exported_json",
    "pack_pairs",
    "positions",
    "solve",
    "unplaced_reasons",
)

NO_ELIGIBLE_SPECIALIST = "no_eligible_specialist"
CAPACITY_EXHAUSTED = "capacity_exhausted"

Edge = tuple[int, int, int]


class EdgeRows(Sequence[Edge]):
    """The rows of an (n, 3) integer array as ``(request, specialist, score)``
    tuples, made only when read: a national round has millions of pairs, and the
    solver and the export read the array itself."""

    def __init__(self, array: Any) -> None:
        self.array = array

    def __len__(self) -> int:
        return len(self.array)

    @overload
    def __getitem__(self, index: int) -> Edge: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[Edge]: ...

    def __getitem__(self, index: int | slice) -> Edge | Sequence[Edge]:
        if isinstance(index, slice):
            return EdgeRows(self.array[index])
        r, s, w = self.array[index].tolist()
        return (r, s, w)

    def __iter__(self) -> Iterator[Edge]:
        return ((r, s, w) for r, s, w in self.array.tolist())


@dataclass(frozen=True)
class RoundProblem:
    """Requests, specialists' capacities and eligible pairs with integer scores."""

    requests: tuple[int, ...]
    capacities: Mapping[int, int]
    edges: Sequence[Edge]  # (request, specialist, score)
    breakdowns: Mapping[tuple[int, int], ScoreBreakdown] = field(default_factory=dict)
    # The edges again as an (n, 3) int64 array, when the builder made one (the
    # solver then skips converting a few million tuples).
    edge_array: Any = field(default=None, compare=False, repr=False)
    # And as positions (two columns, see :meth:`indexed`), when the builder knew them.
    pair_index: Any = field(default=None, compare=False, repr=False)
    # A label per request, the same for requests whose pairs are the same specialists
    # at the same scores in the same order, when the builder knew them (the solver
    # solves those as one group; it checks them).
    alike: Any = field(default=None, compare=False, repr=False)
    # Case points (network.graph.gap): each request's points, and each specialist's
    # remaining budget of points this week; empty: a meetings-only round.
    points: Mapping[int, int] = field(default_factory=dict)
    budgets: Mapping[int, int] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """The instance as exported by ``GET /api/v1/rounds/{id}/problem``."""
        return exported(*self.to_stored())

    def to_stored(self) -> tuple[dict[str, Any], bytes]:
        """The instance in the compact form a round keeps: its requests and
        specialists, and its pairs packed as binary columns (:func:`pack_pairs`; a
        national instance has millions, which as JSON take seconds to write and to
        parse). :func:`exported` turns it into the exported form."""
        header: dict[str, Any] = {
            "requests": list(self.requests),
            "specialists": [
                {"id": specialist, "capacity": capacity}
                for specialist, capacity in sorted(self.capacities.items())
            ],
        }
        if self.points:
            header["request_points"] = [self.points.get(r, 0) for r in self.requests]
            for specialist in header["specialists"]:
                specialist["budget"] = self.budgets.get(specialist["id"], 0)
        return header, pack_pairs(self)

    def without(self, refused: Mapping[int, Collection[int]]) -> RoundProblem:
        """The instance without the pairs ``refused`` (request → specialists who
        turned it down); its breakdowns stay as they are."""
        if not refused:
            return self
        if self.edge_array is None:
            edges = tuple(e for e in self.edges if e[1] not in refused.get(e[0], ()))
            return RoundProblem(
                self.requests,
                self.capacities,
                edges,
                self.breakdowns,
                points=self.points,
                budgets=self.budgets,
            )
        pairs = np.asarray(
            [(r, s) for r, specialists in refused.items() for s in specialists], dtype=np.int64
        ).reshape(-1, 2)
        keys = self.edge_array[:, 0] * (1 << 32) + self.edge_array[:, 1]
        keep = ~np.isin(keys, pairs[:, 0] * (1 << 32) + pairs[:, 1])
        kept = self.edge_array[keep]
        return RoundProblem(
            self.requests,
            self.capacities,
            EdgeRows(kept),
            self.breakdowns,
            edge_array=kept,
            pair_index=None
            if self.pair_index is None
            else (self.pair_index[0][keep], self.pair_index[1][keep]),
            alike=None if self.alike is None else self._alike_but(refused),
            points=self.points,
            budgets=self.budgets,
        )

    def _alike_but(self, refused: Mapping[int, Collection[int]]) -> Any:
        """:attr:`alike` with a label of its own for each request in ``refused``."""
        labels = np.array(self.alike, dtype=np.int64)
        own = [i for i, r in enumerate(self.requests) if refused.get(r)]
        labels[own] = int(labels.max(initial=0)) + 1 + np.arange(len(own))
        return labels

    def edges_as_array(self) -> Any:
        """The pairs as an (n, 3) integer array: ``edge_array``, or made from ``edges``."""
        if self.edge_array is not None:
            return self.edge_array
        return np.asarray(self.edges, dtype=np.int64).reshape(-1, 3)

    def indexed(self) -> tuple[Any, Any, Any]:
        """The pairs as positions: of each pair's request in ``requests`` and of its
        specialist among the specialists sorted by id (-1: not among them); and
        those ids. The builder hands them over; else they are looked up."""
        ids = np.asarray(sorted(self.capacities), dtype=np.int64)
        if self.pair_index is not None:
            return self.pair_index[0], self.pair_index[1], ids
        array = self.edges_as_array()
        requests = np.asarray(self.requests, dtype=np.int64)
        return positions(requests, array[:, 0]), positions(ids, array[:, 1]), ids

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> RoundProblem:
        """An instance from its JSON form (either layout of :func:`exported_json`);
        refuses edges to unknown nodes."""
        requests = tuple(int(r) for r in data["requests"])
        capacities = {int(s["id"]): int(s["capacity"]) for s in data["specialists"]}
        stated = data.get("request_points")
        points = {r: int(p) for r, p in zip(requests, stated, strict=True)} if stated else {}
        budgets = (
            {int(s["id"]): int(s.get("budget", 0)) for s in data["specialists"]} if stated else {}
        )
        known = set(requests)
        given = data["edges"]
        triples: Iterable[tuple[Any, Any, Any]]
        if isinstance(given, Mapping):  # the columns layout
            triples = zip(given["request"], given["specialist"], given["score"], strict=True)
        else:
            triples = ((e["request"], e["specialist"], e["score"]) for e in given)
        edges = []
        for request, specialist, weight in triples:
            r, s, w = int(request), int(specialist), int(weight)
            if r not in known or s not in capacities:
                raise ValueError(f"edge ({r}, {s}) names an unknown request or specialist")
            edges.append((r, s, w))
        return cls(
            requests=requests,
            capacities=capacities,
            edges=tuple(edges),
            points=points,
            budgets=budgets,
        )


def positions(ids: Any, values: Any) -> Any:
    """The position of each of ``values`` in ``ids`` (distinct integers), -1 where
    absent: one gather through a table indexed by id when the ids are small and not
    negative (database ids are), else a binary search."""
    if len(ids) == 0 or len(values) == 0:
        return np.full(len(values), -1, dtype=np.int64)
    low, high = min(ids.min(), values.min()), max(ids.max(), values.max())
    if low >= 0 and high < 1_000_000 + 4 * (len(ids) + len(values)):
        table = np.full(int(high) + 1, -1, dtype=np.int64)
        table[ids] = np.arange(len(ids))
        return table[values]
    order = np.argsort(ids, kind="stable")
    at = np.minimum(np.searchsorted(ids[order], values), len(ids) - 1)
    return np.where(ids[order][at] == values, order[at], -1)


def _smallest(values: Any, *candidates: type[np.integer[Any]]) -> Any:
    """``values`` in the first of ``candidates`` that holds them all."""
    low, high = (int(values.min()), int(values.max())) if len(values) else (0, 0)
    for kind in candidates:
        if np.iinfo(kind).min <= low and high <= np.iinfo(kind).max:
            return values.astype(kind)
    return values.astype(np.int64)


def pack_pairs(problem: RoundProblem) -> bytes:
    """The pairs of ``problem`` as an uncompressed ``.npz`` archive (numpy's documented
    format) of three columns: ``request`` (position in ``requests``), ``specialist``
    (position in the specialists sorted by id) and ``score``, each in the smallest
    integer type that holds it."""
    array = problem.edges_as_array()
    row, column, _ = problem.indexed()
    if len(row) and (row.min() < 0 or column.min() < 0):
        raise ValueError("a pair names an unknown request or specialist")
    buffer = io.BytesIO()
    np.savez(
        buffer,
        request=_smallest(row, np.uint16, np.int32),
        specialist=_smallest(column, np.uint16, np.int32),
        score=_smallest(array[:, 2], np.int16, np.int32),
    )
    return buffer.getvalue()


def exported(stored: Mapping[str, Any], pairs: bytes | None = None) -> dict[str, Any]:
    """A kept instance (:meth:`RoundProblem.to_stored`: the header and the packed
    pairs) in the exported form (:meth:`RoundProblem.to_json`). Rounds kept before
    the pairs were packed hold them in the header, as columns or in the exported
    form already."""
    if pairs is not None:
        requests = np.asarray(stored["requests"], dtype=np.int64)
        specialists = np.asarray([s["id"] for s in stored["specialists"]], dtype=np.int64)
        with np.load(io.BytesIO(pairs)) as columns:
            edges = zip(
                requests[columns["request"]].tolist(),
                specialists[columns["specialist"]].tolist(),
                columns["score"].tolist(),
                strict=True,
            )
    elif "pairs" in stored:
        kept = stored["pairs"]
        edges = zip(kept["request"], kept["specialist"], kept["score"], strict=True)
    else:
        return dict(stored)
    return {
        "requests": stored["requests"],
        **({"request_points": stored["request_points"]} if "request_points" in stored else {}),
        "specialists": stored["specialists"],
        "edges": [{"request": r, "specialist": s, "score": w} for r, s, w in edges],
    }


# The layouts of the exported JSON (:func:`exported_json`).
LAYOUTS = ("edges", "columns")
# Pairs per piece of the exported JSON: a few hundred kilobytes of text each.
EXPORT_CHUNK = 1 << 16


def _pair_columns(
    stored: Mapping[str, Any], pairs: bytes | None
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], Mapping[str, Any]] | None:
    """The pairs of a kept instance as (request ids by position, specialist ids by
    position, the ``request``/``specialist`` position and ``score`` columns); ``None``
    for an instance kept in the exported form already."""
    if pairs is not None:
        requests = np.asarray(stored["requests"], dtype=np.int64)
        specialists = np.asarray([s["id"] for s in stored["specialists"]], dtype=np.int64)
        with np.load(io.BytesIO(pairs)) as archive:
            columns = {name: archive[name] for name in ("request", "specialist", "score")}
        return requests, specialists, columns
    if "pairs" in stored:
        kept = stored["pairs"]
        columns = {name: np.asarray(kept[name], dtype=np.int64) for name in kept}
        requests, request_at = np.unique(columns["request"], return_inverse=True)
        specialists, specialist_at = np.unique(columns["specialist"], return_inverse=True)
        columns |= {"request": request_at, "specialist": specialist_at}
        return requests, specialists, columns
    return None


def _ints(values: Any) -> bytes:
    """A JSON array of integers, without its brackets."""
    return orjson.dumps(
        np.ascontiguousarray(values, dtype=np.int64), option=orjson.OPT_SERIALIZE_NUMPY
    )[1:-1]


def exported_json(
    stored: Mapping[str, Any],
    pairs: bytes | None = None,
    *,
    layout: str = "edges",
    chunk: int = EXPORT_CHUNK,
) -> Iterator[bytes]:
    """:func:`exported` as JSON text, in pieces of at most ``chunk`` pairs each, so
    that a national instance (millions of pairs) is never whole in memory.

    ``edges`` is the documented form, ``{"requests", "specialists", "edges": [{"request",
    "specialist", "score"}, ...]}``; ``columns`` the same instance with ``edges`` as
    three equally long arrays, ``{"request": [...], "specialist": [...], "score":
    [...]}`` (a third of the text), and ``"layout": "columns"`` first. Both are plain
    JSON that ``json.load`` reads whole."""
    if layout not in LAYOUTS:
        raise ValueError(f"unknown layout {layout!r}")
    found = _pair_columns(stored, pairs)
    if found is None:
        whole = dict(stored)
        if layout == "columns":
            edges = whole.pop("edges")
            whole = {"layout": "columns", **whole}
            whole["edges"] = {
                name: [edge[name] for edge in edges] for name in ("request", "specialist", "score")
            }
        yield orjson.dumps(whole)
        return
    requests, specialists, columns = found
    head = {
        "requests": stored["requests"],
        **({"request_points": stored["request_points"]} if "request_points" in stored else {}),
        "specialists": stored["specialists"],
    }
    if layout == "columns":
        head = {"layout": "columns", **head}
    yield orjson.dumps(head)[:-1]
    total = len(columns["score"])
    if layout == "columns":
        yield b',"edges":{'
        for number, name in enumerate(("request", "specialist", "score")):
            yield b'"%s":[' % name.encode() if number == 0 else b'],"%s":[' % name.encode()
            for start in range(0, total, chunk):
                piece = columns[name][start : start + chunk]
                if name != "score":
                    piece = (requests if name == "request" else specialists)[piece]
                yield (b"," if start else b"") + _ints(piece)
        yield b"]}}"
        return
    yield b',"edges":['
    for start in range(0, total, chunk):
        end = start + chunk
        rows = [
            {"request": r, "specialist": s, "score": w}
            for r, s, w in zip(
                requests[columns["request"][start:end]].tolist(),
                specialists[columns["specialist"][start:end]].tolist(),
                columns["score"][start:end].tolist(),
                strict=True,
            )
        ]
        yield (b"," if start else b"") + orjson.dumps(rows)[1:-1]
    yield b"]}"


@dataclass(frozen=True, slots=True)
class Placement:
    request: int
    specialist: int
    score: int


@dataclass(frozen=True)
class RoundSolution:
    placements: tuple[Placement, ...]
    unplaced: Mapping[int, str]  # request → NO_ELIGIBLE_SPECIALIST or CAPACITY_EXHAUSTED

    @property
    def total_score(self) -> int:
        return sum(p.score for p in self.placements)


def build_problem(
    requests: Iterable[RequestInfo],
    network: Network,
    *,
    now: datetime,
    weights: Weights = DEFAULT_WEIGHTS,
) -> RoundProblem:
    """Every eligible (request, specialist) pair with its score; capacities are the
    specialists' remaining capacity."""
    wanted = list(requests)
    by_area: dict[str, list[int]] = defaultdict(list)
    for specialist in network.specialists.values():
        for area in specialist.competences:
            by_area[area].append(specialist.id)
    edges: list[tuple[int, int, int]] = []
    breakdowns: dict[tuple[int, int], ScoreBreakdown] = {}
    involved: set[int] = set()
    for request in wanted:
        for specialist_id in by_area.get(request.area, ()):
            specialist = network.specialists[specialist_id]
            if eligibility(request, specialist, network, now=now) is not None:
                continue
            parts = score(request, specialist, network, now=now, weights=weights)
            edges.append((request.id, specialist_id, parts.total))
            breakdowns[(request.id, specialist_id)] = parts
            involved.add(specialist_id)
    return RoundProblem(
        requests=tuple(r.id for r in wanted),
        capacities={s: network.specialists[s].remaining for s in sorted(involved)},
        edges=tuple(edges),
        breakdowns=breakdowns,
    )


def unplaced_reasons(problem: RoundProblem, placed: set[int]) -> dict[int, str]:
    """Why each request not in ``placed`` was left unplaced."""
    return _unplaced(problem, placed)


def _unplaced(problem: RoundProblem, placed: set[int]) -> dict[int, str]:
    if problem.edge_array is not None:
        row, column, ids = problem.indexed()
        capacity = np.asarray([problem.capacities[i] for i in ids.tolist()] + [0], dtype=np.int64)
        has = np.zeros(len(problem.requests), dtype=np.bool_)
        has[row[(capacity[column] > 0) & (row >= 0)]] = True  # (column -1: the 0 last)
        with_edges = set(np.asarray(problem.requests, dtype=np.int64)[has].tolist())
    else:
        with_edges = {r for r, s, _ in problem.edges if problem.capacities.get(s, 0) > 0}
    return {
        r: CAPACITY_EXHAUSTED if r in with_edges else NO_ELIGIBLE_SPECIALIST
        for r in problem.requests
        if r not in placed
    }


def _solve_scipy(problem: RoundProblem) -> list[Placement]:
    """The slot graph (one column per unit of a specialist's capacity that requests
    could use, plus one "unplaced" column per request), built with numpy and solved
    by scipy's LAPJVsp."""
    if not problem.requests or not problem.edges:
        return []
    edges = problem.edges_as_array()
    row, column, ids = problem.indexed()
    known = (row >= 0) & (column >= 0)
    row, column, score = row[known], column[known], edges[known, 2]
    capacity = np.asarray([problem.capacities[i] for i in ids.tolist()], dtype=np.int64)
    # A specialist never needs more slot columns than requests that could use them.
    slots = np.minimum(np.maximum(capacity, 0), np.bincount(column, minlength=len(ids)))
    usable = slots[column] > 0
    row, column, score = row[usable], column[usable], score[usable]
    if not len(row):
        return []
    first = np.cumsum(slots) - slots  # each specialist's first slot column
    dummy = int(slots.sum())  # request i's "unplaced" column is dummy + i
    per = slots[column]  # each pair once per slot of its specialist
    within = np.arange(int(per.sum())) - np.repeat(np.cumsum(per) - per, per)
    n = len(problem.requests)
    # Weights are score + 1 and 1 for "unplaced": every full matching places each
    # request somewhere, so this maximum equals the maximum of the scores alone.
    matrix = csr_matrix(
        (
            np.concatenate([np.repeat(score + 1, per), np.ones(n, dtype=np.int64)]).astype(
                np.float64
            ),
            (
                np.concatenate([np.repeat(row, per), np.arange(n)]),
                np.concatenate([np.repeat(first[column], per) + within, dummy + np.arange(n)]),
            ),
        ),
        shape=(n, dummy + n),
    )
    matched_rows, matched_cols = min_weight_full_bipartite_matching(matrix, maximize=True)
    placed = matched_cols < dummy
    rows, specialists = (
        matched_rows[placed],
        np.repeat(np.arange(len(ids)), slots)[matched_cols[placed]],
    )
    # Each placed pair's score: found among the pairs by a key (the last, as a dict would).
    keys = row * len(ids) + column
    order = np.argsort(keys, kind="stable")
    at = order[np.searchsorted(keys[order], rows * len(ids) + specialists, side="right") - 1]
    return [
        Placement(problem.requests[r], int(ids[c]), int(w))
        for r, c, w in zip(rows.tolist(), specialists.tolist(), score[at].tolist(), strict=True)
    ]


def _solve_ortools(problem: RoundProblem, candidates: int | None) -> list[Placement]:
    """Min-cost flow source → request → specialist → sink (and request → sink for
    "unplaced"), on each request's best ``candidates`` pairs first and proved optimal
    on all (:mod:`network.graph.candidates`), solved by OR-tools' network simplex."""
    if not problem.requests or not problem.edges:
        return []
    edges = problem.edges_as_array()
    row, column, ids = problem.indexed()
    capacity = np.asarray([problem.capacities[i] for i in ids.tolist()], dtype=np.int64)
    # Only the specialists with capacity left, numbered anew.
    open_ = capacity > 0
    renumbered = np.append(np.cumsum(open_) - 1, -1)  # (column -1: -1)
    renumbered[:-1][~open_] = -1
    column = renumbered[column]
    usable = (column >= 0) & (row >= 0)
    if not usable.any():
        return []
    if not usable.all():
        edges, row, column = edges[usable], row[usable], column[usable]
    flow = solve_assignment(
        len(problem.requests),
        capacity[open_],
        row,
        column,
        edges[:, 2],
        first=candidates,
        alike=problem.alike,
    )
    return [Placement(int(r), int(s), int(w)) for r, s, w in edges[flow.used].tolist()]


def _solve_networkx(problem: RoundProblem) -> list[Placement]:
    n = len(problem.requests)
    if n == 0:
        return []
    graph = nx.DiGraph()
    graph.add_node("source", demand=-n)
    graph.add_node("sink", demand=n)
    for r in problem.requests:
        graph.add_edge("source", ("r", r), capacity=1, weight=0)
        graph.add_edge(("r", r), "sink", capacity=1, weight=0)  # left unplaced
    for s, capacity in problem.capacities.items():
        if capacity > 0:
            graph.add_edge(("s", s), "sink", capacity=capacity, weight=0)
    for r, s, w in problem.edges:
        if problem.capacities.get(s, 0) > 0:
            graph.add_edge(("r", r), ("s", s), capacity=1, weight=-w)
    _, flow = nx.network_simplex(graph)
    scores = {(r, s): w for r, s, w in problem.edges}
    return [
        Placement(r, target[1], scores[(r, target[1])])
        for r in problem.requests
        for target, units in flow[("r", r)].items()
        if units and isinstance(target, tuple) and target[0] == "s"
    ]


def solve(
    problem: RoundProblem,
    *,
    method: Literal["ortools", "scipy", "networkx"] = "ortools",
    candidates: int | None = FIRST_CANDIDATES,
) -> RoundSolution:
    """An optimal assignment of ``problem`` and the requests left unplaced, with why.
    ``candidates`` (``ortools`` only): each request's best pairs to solve on first
    (``None``: every pair at once); the answer is optimal either way."""
    if method == "ortools":
        placements = _solve_ortools(problem, candidates)
    else:
        placements = {"scipy": _solve_scipy, "networkx": _solve_networkx}[method](problem)
    placements.sort(key=lambda p: (p.request, p.specialist))
    return RoundSolution(
        placements=tuple(placements),
        unplaced=_unplaced(problem, {p.request for p in placements}),
    )


def check_solution(problem: RoundProblem, solution: RoundSolution) -> None:
    """Raise ``AssertionError`` unless ``solution`` is feasible for ``problem``."""
    allowed = {(r, s): w for r, s, w in problem.edges}
    used: dict[int, int] = defaultdict(int)
    seen: set[int] = set()
    for p in solution.placements:
        assert allowed.get((p.request, p.specialist)) == p.score, p
        assert p.request not in seen, p
        seen.add(p.request)
        used[p.specialist] += 1
        assert used[p.specialist] <= problem.capacities.get(p.specialist, 0), p
