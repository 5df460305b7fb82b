"""Group placement: many applicants into several groups with seats, exactly.

A region places social workers into parallel case-conference groups (or a full series
chooses among its applicants). Each applicant has a home municipality (its centroid
is their place), the competence areas they want (first = most wanted), the languages
they work in (first = preferred) and optionally a ranked list of groups. Each group
has an area, a place, a number of seats, optionally a working language, the
municipalities it serves and a distance limit.

**Eligible pair**: the group's area is among the applicant's areas, the applicant
speaks the group's language (when it has one), the group serves the applicant's
municipality (when it names them) and the distance is within the group's limit (when
it has one). **Score** of an eligible pair (integers, every part kept so the choice
can be explained, :class:`PairScore`; weights in :class:`GroupWeights`):

- ``base`` 100: being placed at all;
- ``area`` 30 for the applicant's first area, 15 for another;
- ``language`` 20 when the group works in the applicant's preferred language;
- ``distance`` 40 at 0 km, one point less per 25 km, 0 from 1,000 km;
- ``preference`` 50 for the applicant's first-ranked group, 10 less per rank below.

The objective is the largest sum of the placed pairs' scores; each applicant in at
most one group, each group at most its seats.

**Mixing municipalities** (:class:`Mixing`): at most ``k`` applicants of one
municipality in a group (``k`` given, else half the group's seats rounded up), and
optionally at least ``d`` municipalities in every group that runs at all.

- Without the floor ``d`` (or ``d`` = 1) the problem is a **min-cost flow**: source →
  applicant → (group, municipality) → group → sink, the middle arcs carrying at most
  ``k``, plus an "unplaced" arc applicant → sink. Its optimum is integral and exact;
  OR-tools' ``SimpleMinCostFlow`` solves it (NetworkX's network simplex on the same
  model, :func:`flow_network`, is the reference).
- The floor ``d`` > 1 needs "this group runs" and "this municipality is present"
  choices, which no flow expresses: a **CP-SAT** model (OR-tools) with a time bound,
  started from a hint (the flow's answer with the groups short of municipalities
  closed, re-solved). It reports its status (``optimal`` when proved, else
  ``feasible``), objective, best bound (never above the flow's total without the
  floor, a relaxation) and the relative gap between them.

Each applicant gets an :class:`Explanation`: placed in group X (the score's parts and
the better-scoring groups that were full), or unplaced because no group fitted
(their area, language, municipality or distance), because every group that fitted
was full, because their municipality's share of the free seats was taken, or because
those groups could not run with enough municipalities.

Pure: numpy, NetworkX and OR-tools; no I/O.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import networkx as nx
import numpy as np
import numpy.typing as npt
from ortools.graph.python import min_cost_flow  # type: ignore[import-untyped]
from ortools.sat.python import cp_model

from network.graph.model import EARTH_RADIUS_KM, Place

__all__ = (
    "DIVERSITY",
    "GROUPS_FULL",
    "MUNICIPALITY_LIMIT",
    "NOT_SERVED",
    "NO_BOUND",
    "NO_GROUP_IN_AREA",
    "NO_GROUP_IN_LANGUAGE",
    "PLACED",
    "TIME_LIMIT",
    "TOO_FAR",
    "Applicant",
    "Explanation",
    "Group",
    "GroupPlacement",
    "GroupProblem",
    "GroupSolution",
    "GroupWeights",
    "Mixing",
    "PairScore",
    "bipartite_graph",
    "build_groups_problem",
    "check_groups_solution",
    "flow_network",
    "solve_groups",
)

Ints = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]
Solver = Literal["auto", "flow", "networkx", "cp-sat"]

# A bound that says nothing (CP-SAT stopped before it knew one).
NO_BOUND = 2**62

# Reasons (stable codes; the pages translate them).
PLACED = "placed"
NO_GROUP_IN_AREA = "no_group_in_area"
NO_GROUP_IN_LANGUAGE = "no_group_in_language"
NOT_SERVED = "not_served"
TOO_FAR = "too_far"
GROUPS_FULL = "groups_full"
MUNICIPALITY_LIMIT = "municipality_limit"
DIVERSITY = "diversity"
TIME_LIMIT = "time_limit"


@dataclass(frozen=True, slots=True)
class Applicant:
    id: int
    municipality: str
    place: Place
    areas: tuple[str, ...]  # wanted, the first most
    languages: tuple[str, ...] = ("sv",)  # spoken, the first preferred
    preferences: tuple[int, ...] = ()  # group ids, best first


@dataclass(frozen=True, slots=True)
class Group:
    id: int
    area: str
    place: Place
    capacity: int
    language: str | None = None  # None: any
    municipalities: frozenset[str] | None = None  # who may join; None: anyone
    max_km: float | None = None  # None: no limit (video)


@dataclass(frozen=True, slots=True)
class GroupWeights:
    base: int = 100
    first_area: int = 30
    other_area: int = 15
    preferred_language: int = 20
    distance: int = 40
    km_per_point: float = 25.0
    preference: int = 50
    preference_step: int = 10


DEFAULT_GROUP_WEIGHTS = GroupWeights()


@dataclass(frozen=True, slots=True)
class Mixing:
    """At most ``max_per_municipality`` applicants of one municipality in a group
    (``None``: ``ceil(share × seats)``, half by default), and at least
    ``min_municipalities`` municipalities in each group that runs (1: no floor)."""

    max_per_municipality: int | None = None
    share: float = 0.5
    min_municipalities: int = 1

    def __post_init__(self) -> None:
        if self.max_per_municipality is not None and self.max_per_municipality < 1:
            raise ValueError("max_per_municipality must be at least 1")
        if not 0 < self.share <= 1:
            raise ValueError("share must be in (0, 1]")
        if self.min_municipalities < 1:
            raise ValueError("min_municipalities must be at least 1")

    def limit(self, capacity: int) -> int:
        if self.max_per_municipality is not None:
            return self.max_per_municipality
        return max(1, math.ceil(capacity * self.share - 1e-9))


@dataclass(frozen=True, slots=True)
class PairScore:
    area: int
    language: int
    distance: int
    preference: int
    base: int
    km: float

    @property
    def total(self) -> int:
        return self.base + self.area + self.language + self.distance + self.preference


@dataclass(frozen=True)
class GroupProblem:
    """Applicants, groups with seats and per-municipality limits, and the eligible
    pairs as parallel arrays (positions into ``applicants`` and ``groups``)."""

    applicants: tuple[Applicant, ...]
    groups: tuple[Group, ...]
    pair_applicant: Ints
    pair_group: Ints
    pair_score: Ints
    parts: Ints  # (pairs, 5): area, language, distance, preference, base
    km: Floats
    limits: Ints  # per group: at most this many of one municipality
    min_municipalities: int = 1
    municipality_index: Ints = field(default_factory=lambda: np.zeros(0, np.int64))

    @property
    def capacities(self) -> Ints:
        return np.asarray([g.capacity for g in self.groups], dtype=np.int64)

    def score_of(self, pair: int) -> PairScore:
        area, language, distance, preference, base = (int(v) for v in self.parts[pair])
        return PairScore(area, language, distance, preference, base, float(self.km[pair]))

    def edges(self) -> list[tuple[int, int, int]]:
        """The eligible pairs as ``(applicant id, group id, score)``."""
        return [
            (self.applicants[a].id, self.groups[g].id, int(w))
            for a, g, w in zip(
                self.pair_applicant.tolist(),
                self.pair_group.tolist(),
                self.pair_score.tolist(),
                strict=True,
            )
        ]


@dataclass(frozen=True, slots=True)
class GroupPlacement:
    applicant: int
    group: int
    score: int


@dataclass(frozen=True, slots=True)
class Explanation:
    """Why an applicant ended where they did. ``passed_over``: better-scoring groups
    that were full or had their municipality's share taken (placed applicants);
    ``eligible``: how many groups fitted them."""

    applicant: int
    reason: str
    group: int | None = None
    score: PairScore | None = None
    passed_over: tuple[int, ...] = ()
    eligible: int = 0


@dataclass(frozen=True)
class GroupSolution:
    placements: tuple[GroupPlacement, ...]
    explanations: Mapping[int, Explanation]
    method: str  # "flow", "networkx" or "cp-sat"
    status: str  # "optimal", "feasible" or "infeasible"
    objective: int
    bound: int

    @property
    def total_score(self) -> int:
        return sum(p.score for p in self.placements)

    @property
    def gap(self) -> float:
        """Relative distance between the best bound and the objective (0: proved)."""
        if self.bound <= self.objective:
            return 0.0
        return (self.bound - self.objective) / max(abs(self.bound), 1)

    def group_of(self) -> dict[int, int]:
        return {p.applicant: p.group for p in self.placements}


# --- building the problem -----------------------------------------------------------


def _km(lat: Floats, lon: Floats, place: Place) -> Floats:
    """Haversine distances (as :func:`network.graph.model.distance_km`) from many
    points to one place."""
    lat1 = np.radians(lat)
    lat2 = math.radians(place.latitude)
    dlon = np.radians(place.longitude - lon)
    h = np.sin((lat2 - lat1) / 2) ** 2 + np.cos(lat1) * math.cos(lat2) * np.sin(dlon / 2) ** 2
    out: Floats = 2 * EARTH_RADIUS_KM * np.arcsin(np.minimum(1.0, np.sqrt(h)))
    return out


def build_groups_problem(
    applicants: Iterable[Applicant],
    groups: Iterable[Group],
    *,
    mixing: Mixing | None = Mixing(),
    weights: GroupWeights = DEFAULT_GROUP_WEIGHTS,
) -> GroupProblem:
    """Every eligible (applicant, group) pair with its score. ``mixing`` ``None``:
    no limit per municipality."""
    people = tuple(applicants)
    teams = tuple(groups)
    if len({a.id for a in people}) != len(people):
        raise ValueError("an applicant is listed twice")
    if len({g.id for g in teams}) != len(teams):
        raise ValueError("a group is listed twice")
    if any(g.capacity < 0 for g in teams):
        raise ValueError("a group has fewer than zero seats")
    n = len(people)
    lat = np.asarray([a.place.latitude for a in people], dtype=np.float64)
    lon = np.asarray([a.place.longitude for a in people], dtype=np.float64)
    codes = sorted({a.municipality for a in people})
    code_at = {c: i for i, c in enumerate(codes)}
    municipality = np.asarray([code_at[a.municipality] for a in people], dtype=np.int64)
    # area → (wants it, it is their first)
    wants: dict[str, npt.NDArray[np.bool_]] = defaultdict(lambda: np.zeros(n, dtype=bool))
    first: dict[str, npt.NDArray[np.bool_]] = defaultdict(lambda: np.zeros(n, dtype=bool))
    speaks: dict[str, npt.NDArray[np.bool_]] = defaultdict(lambda: np.zeros(n, dtype=bool))
    prefers: dict[str, npt.NDArray[np.bool_]] = defaultdict(lambda: np.zeros(n, dtype=bool))
    for i, a in enumerate(people):
        for area in a.areas:
            wants[area][i] = True
        if a.areas:
            first[a.areas[0]][i] = True
        for language in a.languages:
            speaks[language][i] = True
        if a.languages:
            prefers[a.languages[0]][i] = True
    rows: list[Ints] = []
    columns: list[Ints] = []
    parts: list[Ints] = []
    kms: list[Floats] = []
    nobody = np.zeros(n, dtype=bool)
    for g, group in enumerate(teams):
        mask = wants.get(group.area, nobody).copy()
        if group.language is not None:
            mask &= speaks.get(group.language, nobody)
        if group.municipalities is not None:
            served = np.asarray(
                [code_at[c] for c in group.municipalities if c in code_at], dtype=np.int64
            )
            mask &= np.isin(municipality, served)
        at = np.flatnonzero(mask)
        km = _km(lat[at], lon[at], group.place)
        if group.max_km is not None:
            near = km <= group.max_km
            at, km = at[near], km[near]
        firsts = first.get(group.area, nobody)[at]
        in_area = np.where(firsts, weights.first_area, weights.other_area)
        spoken = (
            np.where(prefers.get(group.language, nobody)[at], weights.preferred_language, 0)
            if group.language is not None
            else np.zeros(len(at), np.int64)
        )
        distance = np.maximum(
            0, weights.distance - np.floor(km / weights.km_per_point).astype(np.int64)
        )
        block = np.zeros((len(at), 5), dtype=np.int64)
        block[:, 0], block[:, 1], block[:, 2] = in_area, spoken, distance
        block[:, 4] = weights.base
        rows.append(at.astype(np.int64))
        columns.append(np.full(len(at), g, dtype=np.int64))
        parts.append(block)
        kms.append(km)
    pair_applicant = np.concatenate(rows) if rows else np.zeros(0, np.int64)
    pair_group = np.concatenate(columns) if columns else np.zeros(0, np.int64)
    block_all = np.concatenate(parts) if parts else np.zeros((0, 5), np.int64)
    km_all = np.concatenate(kms) if kms else np.zeros(0, np.float64)
    group_at = {grp.id: g for g, grp in enumerate(teams)}
    if len(pair_applicant) and any(a.preferences for a in people):
        keys = pair_applicant * max(len(teams), 1) + pair_group
        order = np.argsort(keys, kind="stable")
        for i, a in enumerate(people):
            for rank, gid in enumerate(a.preferences):
                at_group = group_at.get(gid)
                bonus = weights.preference - rank * weights.preference_step
                if at_group is None or bonus <= 0:
                    continue
                key = i * len(teams) + at_group
                found = int(np.searchsorted(keys, key, sorter=order))
                if found < len(keys) and keys[order[found]] == key:
                    block_all[order[found], 3] = max(block_all[order[found], 3], bonus)
    if mixing is None:
        limits = np.asarray([max(g.capacity, 1) for g in teams], dtype=np.int64)
        floor = 1
    else:
        limits = np.asarray([mixing.limit(g.capacity) for g in teams], dtype=np.int64)
        floor = mixing.min_municipalities
    return GroupProblem(
        applicants=people,
        groups=teams,
        pair_applicant=pair_applicant,
        pair_group=pair_group,
        pair_score=block_all.sum(axis=1) if len(block_all) else np.zeros(0, np.int64),
        parts=block_all,
        km=km_all,
        limits=limits,
        min_municipalities=floor,
        municipality_index=municipality,
    )


# --- the models --------------------------------------------------------------------


def bipartite_graph(problem: GroupProblem) -> nx.Graph:
    """Applicants (``("a", id)``, ``bipartite=0``) and groups (``("g", id)``,
    ``bipartite=1``, with ``capacity`` and ``limit``), an edge with ``score`` per
    eligible pair."""
    graph = nx.Graph()
    for a in problem.applicants:
        graph.add_node(("a", a.id), bipartite=0, municipality=a.municipality)
    for g, group in enumerate(problem.groups):
        graph.add_node(
            ("g", group.id), bipartite=1, capacity=group.capacity, limit=int(problem.limits[g])
        )
    for person, team, w in problem.edges():
        graph.add_edge(("a", person), ("g", team), score=w)
    return graph


def flow_network(problem: GroupProblem) -> nx.DiGraph:
    """The min-cost flow model of the bipartite graph: source → applicant → (group,
    municipality) → group → sink with the scores as negative costs, plus "unplaced"
    arcs applicant → sink; ``demand`` on source and sink."""
    bipartite = bipartite_graph(problem)
    flow = nx.DiGraph()
    n = len(problem.applicants)
    flow.add_node("source", demand=-n)
    flow.add_node("sink", demand=n)
    for node, data in bipartite.nodes(data=True):
        if data["bipartite"] == 0:
            flow.add_edge("source", node, capacity=1, weight=0)
            flow.add_edge(node, "sink", capacity=1, weight=0)
        else:
            flow.add_edge(node, "sink", capacity=data["capacity"], weight=0)
    for u, v, data in bipartite.edges(data=True):
        person, team = (u, v) if u[0] == "a" else (v, u)
        middle = ("m", team[1], bipartite.nodes[person]["municipality"])
        if middle not in flow:
            flow.add_edge(middle, team, capacity=bipartite.nodes[team]["limit"], weight=0)
        flow.add_edge(person, middle, capacity=1, weight=-data["score"])
    return flow


def _solve_networkx(problem: GroupProblem) -> npt.NDArray[np.bool_]:
    flow = nx.min_cost_flow(flow_network(problem))
    used = np.zeros(len(problem.pair_score), dtype=bool)
    for p, (a, g) in enumerate(zip(problem.pair_applicant, problem.pair_group, strict=True)):
        person = ("a", problem.applicants[a].id)
        middle = ("m", problem.groups[g].id, problem.applicants[a].municipality)
        used[p] = flow[person].get(middle, 0) > 0
    return used


def _middle(problem: GroupProblem) -> tuple[Ints, Ints]:
    """Per pair, its (group, municipality) node's number; and each node's group."""
    keys = (
        problem.pair_group * (len(problem.applicants) + 1)
        + problem.municipality_index[problem.pair_applicant]
    )
    unique, inverse = np.unique(keys, return_inverse=True)
    return inverse.astype(np.int64), (unique // (len(problem.applicants) + 1)).astype(np.int64)


def _solve_flow(
    problem: GroupProblem, closed: npt.NDArray[np.bool_] | None = None
) -> npt.NDArray[np.bool_]:
    """The flow model (:func:`flow_network`) built as arrays and solved by OR-tools;
    groups ``closed`` get no seats."""
    n, m, e = len(problem.applicants), len(problem.groups), len(problem.pair_score)
    if e == 0:
        return np.zeros(0, dtype=bool)
    middle_of_pair, group_of_middle = _middle(problem)
    k = len(group_of_middle)
    source, sink = 0, 1 + n + k + m
    person = 1 + np.arange(n, dtype=np.int64)
    middle = 1 + n + np.arange(k, dtype=np.int64)
    team = 1 + n + k + np.arange(m, dtype=np.int64)
    tails = np.concatenate(
        [person, np.full(n, source), middle, team, person[problem.pair_applicant]]
    )
    heads = np.concatenate(
        [np.full(n, sink), person, team[group_of_middle], np.full(m, sink), middle[middle_of_pair]]
    )
    capacities = np.concatenate(
        [
            np.ones(2 * n, np.int64),
            problem.limits[group_of_middle],
            problem.capacities if closed is None else np.where(closed, 0, problem.capacities),
            np.ones(e, np.int64),
        ]
    )
    costs = np.concatenate([np.zeros(2 * n + k + m, np.int64), -problem.pair_score])
    solver = min_cost_flow.SimpleMinCostFlow()
    solver.add_arcs_with_capacity_and_unit_cost(tails, heads, capacities, costs)
    solver.set_nodes_supplies(np.asarray([source, sink]), np.asarray([n, -n]))
    status = solver.solve()
    if status != solver.OPTIMAL:
        raise RuntimeError(f"OR-tools min-cost flow ended with status {status}")
    first = 2 * n + k + m
    flows = solver.flows(np.arange(first, first + e))
    return np.asarray(flows) > 0


def _floor_kept(problem: GroupProblem, used: npt.NDArray[np.bool_]) -> bool:
    """Whether every group that runs under ``used`` has enough municipalities."""
    if problem.min_municipalities <= 1 or not used.any():
        return True
    muni = problem.municipality_index
    pairs = np.unique(
        np.stack([problem.pair_group[used], muni[problem.pair_applicant[used]]], axis=1), axis=0
    )
    counts = np.bincount(pairs[:, 0], minlength=len(problem.groups))
    return not bool(((counts > 0) & (counts < problem.min_municipalities)).any())


def _floor_heuristic(problem: GroupProblem, used: npt.NDArray[np.bool_]) -> npt.NDArray[np.bool_]:
    """A placement that keeps the floor of municipalities: close the groups of the
    flow's answer ``used`` with too few municipalities, solve the flow again without
    them, until every group that runs has enough (each pass closes at least one)."""
    closed = np.zeros(len(problem.groups), dtype=bool)
    muni = problem.municipality_index
    while True:
        if _floor_kept(problem, used):
            return used
        pairs = np.unique(
            np.stack([problem.pair_group[used], muni[problem.pair_applicant[used]]], axis=1),
            axis=0,
        )
        counts = np.bincount(pairs[:, 0], minlength=len(problem.groups))
        short = (counts > 0) & (counts < problem.min_municipalities)
        if not short.any():
            return used
        closed |= short
        used = _solve_flow(problem, closed)


def _with_floor(
    problem: GroupProblem,
    relaxed: npt.NDArray[np.bool_],
    *,
    forced: bool,
    seconds: float,
    workers: int,
    seed: int,
) -> tuple[npt.NDArray[np.bool_], str, int]:
    """CP-SAT from the repaired flow's answer; the better of the two, its status and
    a bound (CP-SAT's own when ``forced``, else also the relaxation's total)."""
    repaired = _floor_heuristic(problem, relaxed)
    sat = _solve_cpsat(problem, hint=repaired, seconds=seconds, workers=workers, seed=seed)
    heuristic = int(problem.pair_score[repaired].sum()) if len(repaired) else 0
    if sat.status in ("optimal", "feasible") and sat.objective >= heuristic:
        used, status = sat.used, sat.status
    else:  # nothing better found in time: the repaired flow, not proved
        used, status = repaired, "feasible"
    objective = int(problem.pair_score[used].sum()) if len(used) else 0
    bound = sat.bound
    if not forced:
        bound = min(bound, int(problem.pair_score[relaxed].sum()) if len(relaxed) else 0)
    if status == "optimal" or objective >= bound:
        return used, "optimal", objective
    return used, status, max(bound, objective)


@dataclass(frozen=True, slots=True)
class _Sat:
    used: npt.NDArray[np.bool_]
    status: str
    objective: int
    bound: int


def _solve_cpsat(
    problem: GroupProblem,
    *,
    hint: npt.NDArray[np.bool_] | None,
    seconds: float,
    workers: int,
    seed: int,
) -> _Sat:
    """The CP-SAT model: a boolean per pair; at most one group per applicant, seats
    and the per-municipality limit per group; with a floor ``d`` > 1, a boolean "runs"
    per group and "present" per (group, municipality), present ≤ its pairs, runs ≥
    each pair, Σ present ≥ d × runs."""
    e = len(problem.pair_score)
    model = cp_model.CpModel()
    x = [model.new_bool_var(f"x{p}") for p in range(e)]
    by_applicant: dict[int, list[int]] = defaultdict(list)
    by_group: dict[int, list[int]] = defaultdict(list)
    by_middle: dict[tuple[int, int], list[int]] = defaultdict(list)
    muni = problem.municipality_index
    for p, (a, g) in enumerate(
        zip(problem.pair_applicant.tolist(), problem.pair_group.tolist(), strict=True)
    ):
        by_applicant[a].append(p)
        by_group[g].append(p)
        by_middle[(g, int(muni[a]))].append(p)
    for pairs in by_applicant.values():
        if len(pairs) > 1:
            model.add_at_most_one(x[p] for p in pairs)
    capacities = problem.capacities
    for g, pairs in by_group.items():
        if len(pairs) > capacities[g]:
            model.add(cp_model.LinearExpr.sum([x[p] for p in pairs]) <= int(capacities[g]))
    for (g, _), pairs in by_middle.items():
        if len(pairs) > problem.limits[g]:
            model.add(cp_model.LinearExpr.sum([x[p] for p in pairs]) <= int(problem.limits[g]))
    if problem.min_municipalities > 1:
        places: dict[int, list[Any]] = defaultdict(list)
        for (g, m), pairs in by_middle.items():
            present = model.new_bool_var(f"present{g}_{m}")
            model.add(present <= cp_model.LinearExpr.sum([x[p] for p in pairs]))
            places[g].append(present)
        for g, pairs in by_group.items():
            runs = model.new_bool_var(f"runs{g}")
            for p in pairs:
                model.add_implication(x[p], runs)
            model.add(cp_model.LinearExpr.sum(places[g]) >= problem.min_municipalities * runs)
    scores = problem.pair_score.tolist()
    model.maximize(cp_model.LinearExpr.weighted_sum(x, scores))
    if hint is not None:
        for p in range(e):
            model.add_hint(x[p], bool(hint[p]))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = seconds
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = seed
    code = solver.solve(model)
    if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        if code == cp_model.INFEASIBLE:  # cannot happen: placing nobody is feasible
            raise RuntimeError("CP-SAT found the group placement infeasible")
        # No solution and no proof: its "best bound" then means nothing (it reads 0).
        return _Sat(np.zeros(e, dtype=bool), "unknown", 0, NO_BOUND)
    used = np.asarray([solver.boolean_value(v) for v in x], dtype=bool)
    return _Sat(
        used,
        "optimal" if code == cp_model.OPTIMAL else "feasible",
        round(solver.objective_value),
        math.floor(solver.best_objective_bound + 1e-6),
    )


def solve_groups(
    problem: GroupProblem,
    *,
    solver: Solver = "auto",
    seconds: float = 20.0,
    workers: int = 2,
    seed: int = 1729,
) -> GroupSolution:
    """An optimal placement: the flow when there is no municipality floor, CP-SAT
    when there is one. ``solver`` forces one: ``flow`` (OR-tools), ``networkx``
    (network simplex) or ``cp-sat``; the flow solvers refuse a floor.

    With a floor, the flow is solved without it first: when its answer keeps the
    floor anyway it is optimal (a relaxation's optimum that is feasible) and CP-SAT
    is not needed (``auto`` only; ``cp-sat`` always solves). Otherwise CP-SAT is
    bounded by ``seconds`` (solving; building a national model takes more) and
    starts from a hint: the flow's answer with the groups that lack municipalities
    closed and the flow solved again (:func:`_floor_heuristic`). When it proves no
    optimum in time the better of its answer and the hint is returned as
    ``feasible``; the bound is the smaller of its own and the flow's total without
    the floor (a relaxation), so the gap is always an honest one."""
    floor = problem.min_municipalities > 1
    forced = solver == "cp-sat"
    if solver == "auto":
        solver = "cp-sat" if floor else "flow"
    if floor and solver in ("flow", "networkx"):
        raise ValueError("a floor of municipalities per group needs CP-SAT")
    if solver == "networkx":
        used = _solve_networkx(problem)
        status, bound = "optimal", None
    elif solver == "flow":
        used = _solve_flow(problem)
        status, bound = "optimal", None
    else:
        relaxed = _solve_flow(problem)  # without the floor: its total bounds the optimum
        if not forced and _floor_kept(problem, relaxed):
            # It keeps the floor anyway: a feasible optimum of a relaxation is optimal.
            used, status, bound, solver = relaxed, "optimal", None, "flow"
        else:
            used, status, bound = _with_floor(
                problem, relaxed, forced=forced, seconds=seconds, workers=workers, seed=seed
            )
    objective = int(problem.pair_score[used].sum()) if len(used) else 0
    placements = tuple(
        GroupPlacement(
            problem.applicants[a].id,
            problem.groups[g].id,
            int(w),
        )
        for a, g, w in zip(
            problem.pair_applicant[used].tolist(),
            problem.pair_group[used].tolist(),
            problem.pair_score[used].tolist(),
            strict=True,
        )
    )
    return GroupSolution(
        placements=placements,
        explanations=explain(problem, used),
        method=solver,
        status=status,
        objective=objective,
        bound=objective if bound is None else max(bound, objective),
    )


# --- explanations and checks ------------------------------------------------------


def _why_nothing_fits(problem: GroupProblem, applicant: Applicant) -> str:
    areas = [g for g in problem.groups if g.area in applicant.areas]
    if not areas:
        return NO_GROUP_IN_AREA
    spoken = [g for g in areas if g.language is None or g.language in applicant.languages]
    if not spoken:
        return NO_GROUP_IN_LANGUAGE
    serving = [
        g for g in spoken if g.municipalities is None or applicant.municipality in g.municipalities
    ]
    if not serving:
        return NOT_SERVED
    return TOO_FAR


def explain(problem: GroupProblem, used: npt.NDArray[np.bool_]) -> dict[int, Explanation]:
    """An :class:`Explanation` for every applicant of ``problem`` under the chosen
    pairs ``used``."""
    seats = Counter(problem.pair_group[used].tolist()) if len(used) else Counter()
    muni = problem.municipality_index
    share = (
        Counter(
            zip(
                problem.pair_group[used].tolist(),
                muni[problem.pair_applicant[used]].tolist(),
                strict=True,
            )
        )
        if len(used)
        else Counter()
    )
    capacities = problem.capacities
    pairs_of: dict[int, list[int]] = defaultdict(list)
    for p, a in enumerate(problem.pair_applicant.tolist()):
        pairs_of[a].append(p)
    chosen = {int(problem.pair_applicant[p]): p for p in np.flatnonzero(used)} if len(used) else {}
    out: dict[int, Explanation] = {}
    for a, applicant in enumerate(problem.applicants):
        pairs = pairs_of.get(a, [])
        m = int(muni[a])

        def full(g: int) -> bool:
            return bool(seats[g] >= capacities[g])

        def at_limit(g: int, mine: int = m) -> bool:
            return bool(share[(g, mine)] >= problem.limits[g])

        if a in chosen:
            p = int(chosen[a])
            own = int(problem.pair_score[p])
            better = sorted(
                {
                    problem.groups[int(problem.pair_group[q])].id
                    for q in pairs
                    if int(problem.pair_score[q]) > own
                    and (full(int(problem.pair_group[q])) or at_limit(int(problem.pair_group[q])))
                }
            )
            out[applicant.id] = Explanation(
                applicant.id,
                PLACED,
                group=problem.groups[int(problem.pair_group[p])].id,
                score=problem.score_of(p),
                passed_over=tuple(better),
                eligible=len(pairs),
            )
            continue
        if not pairs:
            reason = _why_nothing_fits(problem, applicant)
        else:
            groups = [int(problem.pair_group[q]) for q in pairs]
            if all(full(g) for g in groups):
                reason = GROUPS_FULL
            elif all(full(g) or at_limit(g) for g in groups):
                reason = MUNICIPALITY_LIMIT
            elif problem.min_municipalities > 1 and not any(
                seats[g] > 0 for g in groups if not full(g) and not at_limit(g)
            ):
                reason = DIVERSITY  # the groups with room for them do not run
            else:
                reason = TIME_LIMIT  # not proved optimal: a better answer may place them
        out[applicant.id] = Explanation(applicant.id, reason, eligible=len(pairs))
    return out


def check_groups_solution(problem: GroupProblem, placements: Sequence[GroupPlacement]) -> int:
    """The total of ``placements`` after checking them against ``problem``: eligible
    pairs at their scores, one group per applicant, seats, the per-municipality limit
    and the floor of municipalities; a :class:`ValueError` names the first breach."""
    score = {(a, g): w for a, g, w in problem.edges()}  # (applicant id, group id) → score
    group_at = {g.id: i for i, g in enumerate(problem.groups)}
    municipality = {a.id: a.municipality for a in problem.applicants}
    seen: set[int] = set()
    seats: Counter[int] = Counter()
    share: Counter[tuple[int, str]] = Counter()
    places: dict[int, set[str]] = defaultdict(set)
    total = 0
    for p in placements:
        if (p.applicant, p.group) not in score:
            raise ValueError(f"applicant {p.applicant} is not eligible for group {p.group}")
        if score[(p.applicant, p.group)] != p.score:
            raise ValueError(f"placement {p} has the wrong score")
        if p.applicant in seen:
            raise ValueError(f"applicant {p.applicant} is placed twice")
        seen.add(p.applicant)
        seats[p.group] += 1
        share[(p.group, municipality[p.applicant])] += 1
        places[p.group].add(municipality[p.applicant])
        total += p.score
    for gid, taken in seats.items():
        g = group_at[gid]
        if taken > problem.groups[g].capacity:
            raise ValueError(f"group {gid} has more than its {problem.groups[g].capacity} seats")
        if len(places[gid]) < problem.min_municipalities:
            raise ValueError(
                f"group {gid} has fewer than {problem.min_municipalities} municipalities"
            )
    for (gid, code), taken in share.items():
        if taken > problem.limits[group_at[gid]]:
            raise ValueError(f"group {gid} has more than its limit from municipality {code}")
    return total
