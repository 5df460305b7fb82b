"""Batch rounds with case points: a generalized assignment problem, solved honestly.

When requests weigh different case points and each specialist has a budget of
points as well as a number of meetings, a round is no longer a flow: a
specialist's points constraint ``Σ points(r) · x(r, s) ≤ budget(s)`` has
coefficients other than one. Maximising the total score under it is the
generalized assignment problem (GAP, NP-hard), with a cardinality constraint
(the meetings) on top.

How it is kept honest and fast (docs/workload.md):

1. **Equal points reduce to today's flow.** When every request of the round weighs
   the same ``p`` points, the budget only says "at most ``budget // p``
   requests": the flow of :func:`network.graph.assignment.solve` with capacities
   ``min(capacity, budget // p)`` is exact. Status ``flow``, gap 0. So is it when
   no budget binds (room for the meetings capacity at the heaviest request).
2. **Flow answers are the warm start.** Capacities ``min(capacity, budget //
   heaviest)`` (each specialist's heaviest eligible request) make every flow
   answer fit the budgets; the relaxed flow of step 3 with each over-budget
   specialist's lowest score-per-point requests dropped fits them too; unplaced
   requests are then added greedily by score where they still fit. The better of
   the two is feasible, is the hint CP-SAT starts from, and is the fallback.
3. **A flow gives the bound.** Capacities ``min(capacity, budget // lightest)``
   relax the budgets (every feasible answer fits them), so that flow's optimum is
   an upper bound on the true optimum, found as fast as today's round.
4. **CP-SAT closes the gap under a time limit on its search** (OR-tools' CP-SAT,
   with the warm start as its hint, presolve off): on every pair when there are at
   most ``max_pairs``, else on each request's best pairs (and the warm start's).
   Its answer is used when it is better. Its own proven bound counts only when
   the model held every pair (then ``optimal`` means proven optimal); otherwise
   the flow bound stands.

The result reports the total, the bound, the relative gap ``(bound - total) /
bound`` and the status: ``flow`` (exact), ``optimal`` (proven), ``feasible`` (best
found in time, with its gap) or ``fallback`` (CP-SAT found nothing better: the
warm start).
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from ortools.sat.python import cp_model

from network.graph.assignment import (
    EdgeRows,
    Placement,
    RoundProblem,
    RoundSolution,
    solve,
    unplaced_reasons,
)

__all__ = (
    "DEFAULT_MAX_PAIRS",
    "DEFAULT_TIME_LIMIT",
    "FALLBACK",
    "FEASIBLE",
    "FLOW",
    "OPTIMAL",
    "PointsSolution",
    "check_points",
    "solve_points",
)

FLOW, OPTIMAL, FEASIBLE, FALLBACK = "flow", "optimal", "feasible", "fallback"
DEFAULT_TIME_LIMIT = 10.0  # seconds CP-SAT may search
DEFAULT_MAX_PAIRS = 60_000  # pairs CP-SAT takes whole; more: each request's best


@dataclass(frozen=True)
class PointsSolution:
    """A round's answer with what was proved about it."""

    solution: RoundSolution
    status: str  # FLOW, OPTIMAL, FEASIBLE or FALLBACK
    bound: int  # no feasible answer totals more
    seconds: float = 0.0

    @property
    def total(self) -> int:
        return self.solution.total_score

    @property
    def gap(self) -> float:
        """``(bound - total) / bound``: 0 when proved optimal."""
        if self.bound <= 0:
            return 0.0
        return max(self.bound - self.total, 0) / self.bound


def _arrays(problem: RoundProblem) -> tuple[Any, Any, Any, Any, Any, Any, Any]:
    """Pairs by position (request row, specialist column, score, points), and per
    specialist column its id, meetings capacity and points budget."""
    edges = problem.edges_as_array()
    row, column, ids = problem.indexed()
    known = (row >= 0) & (column >= 0)
    row, column, score = row[known], column[known], edges[known, 2]
    weights = np.asarray([problem.points.get(r, 0) for r in problem.requests], dtype=np.int64)
    capacity = np.asarray([problem.capacities[i] for i in ids.tolist()], dtype=np.int64)
    budget = np.asarray([problem.budgets.get(i, 0) for i in ids.tolist()], dtype=np.int64)
    return row, column, score, weights[row], ids, capacity, budget


def _flow_with(
    problem: RoundProblem, pairs: tuple[Any, Any, Any], ids: Any, capacity: Any
) -> RoundSolution:
    """Today's flow over ``pairs`` (rows, columns, scores) with these capacities."""
    row, column, score = pairs
    requests = np.asarray(problem.requests, dtype=np.int64)
    array = np.stack([requests[row], ids[column], score], axis=1).astype(np.int64).reshape(-1, 3)
    capacities = dict(zip(ids.tolist(), np.maximum(capacity, 0).tolist(), strict=True))
    return solve(
        RoundProblem(
            problem.requests,
            capacities,
            EdgeRows(array),
            edge_array=array,
            pair_index=(row, column),
        )
    )


def _per_column(values: Any, column: Any, size: int, *, high: bool) -> Any:
    """The largest (``high``) or smallest value of the pairs of each column (0: none)."""
    out = np.zeros(size, dtype=np.int64)
    if not len(values):
        return out
    if high:
        np.maximum.at(out, column, values)
        return out
    out[:] = np.iinfo(np.int64).max
    np.minimum.at(out, column, values)
    out[out == np.iinfo(np.int64).max] = 0
    return out


def _fill(
    placed: list[Placement],
    row: Any,
    column: Any,
    score: Any,
    points: Any,
    ids: Any,
    capacity: Any,
    budget: Any,
    requests: tuple[int, ...],
) -> list[Placement]:
    """``placed`` and, greedily by score, every unplaced request's best pair that
    still fits its specialist's meetings and points."""
    at = {int(i): c for c, i in enumerate(ids.tolist())}
    index = {r: i for i, r in enumerate(requests)}
    meetings, left = capacity.copy(), budget.copy()
    done = np.zeros(len(requests), dtype=np.bool_)
    request_points = np.zeros(len(requests), dtype=np.int64)
    request_points[row] = points
    for p in placed:
        c, i = at[p.specialist], index[p.request]
        meetings[c] -= 1
        left[c] -= request_points[i]
        done[i] = True
    open_ = ~done[row] & (score > 0)
    order = np.flatnonzero(open_)[np.argsort(-score[open_], kind="stable")]
    result = list(placed)
    for e in order.tolist():
        r, c = int(row[e]), int(column[e])
        if done[r] or meetings[c] <= 0 or left[c] < points[e]:
            continue
        done[r] = True
        meetings[c] -= 1
        left[c] -= points[e]
        result.append(Placement(requests[r], int(ids[c]), int(score[e])))
    return result


def _repair(
    placed: tuple[Placement, ...], points: Mapping[int, int], ids: Any, budget: Any
) -> list[Placement]:
    """``placed`` with, for each specialist over their budget, the placements of the
    lowest score per point dropped until the rest fit."""
    mine: dict[int, list[Placement]] = {}
    for p in placed:
        mine.setdefault(p.specialist, []).append(p)
    left = dict(zip(ids.tolist(), budget.tolist(), strict=True))
    kept: list[Placement] = []
    for specialist, found in mine.items():
        room = left.get(specialist, 0)
        for p in sorted(found, key=lambda p: -p.score / max(points.get(p.request, 1), 1)):
            if points.get(p.request, 0) <= room:
                room -= points.get(p.request, 0)
                kept.append(p)
    return kept


def _answer(problem: RoundProblem, placements: list[Placement]) -> RoundSolution:
    placements.sort(key=lambda p: (p.request, p.specialist))
    return RoundSolution(
        placements=tuple(placements),
        unplaced=unplaced_reasons(problem, {p.request for p in placements}),
    )


def _chosen_pairs(row: Any, score: Any, n: int, per_request: int, hinted: Any) -> Any:
    """Each request's ``per_request`` best pairs, and the ``hinted`` ones."""
    order = np.lexsort((-score, row))
    starts = np.searchsorted(row[order], np.arange(n))
    rank = np.arange(len(order)) - np.repeat(starts, np.diff(np.append(starts, len(order))))
    keep = np.zeros(len(row), dtype=np.bool_)
    keep[order[rank < per_request]] = True
    return keep | hinted


def solve_points(
    problem: RoundProblem,
    *,
    time_limit: float = DEFAULT_TIME_LIMIT,
    max_pairs: int = DEFAULT_MAX_PAIRS,
    workers: int = 2,
    seed: int = 0,
) -> PointsSolution:
    """The round's answer under meetings and points (see the module's notes)."""
    started = time.perf_counter()
    if not problem.points:  # no points stated: the meetings-only flow
        flow = solve(problem)
        return PointsSolution(flow, FLOW, flow.total_score, time.perf_counter() - started)
    row, column, score, points, ids, capacity, budget = _arrays(problem)
    fits = points <= budget[column]
    row, column, score, points = row[fits], column[fits], score[fits], points[fits]
    heaviest = _per_column(points, column, len(ids), high=True)
    lightest = _per_column(points, column, len(ids), high=False)

    def limit(by: Any) -> Any:
        return np.where(by > 0, np.minimum(capacity, budget // np.maximum(by, 1)), capacity)

    # Budgets that no choice of eligible requests can exceed (room for the meetings
    # capacity at the heaviest) bind nobody: with no other, the flow is exact.
    binding = budget < capacity * heaviest
    if not len(points) or points.min() == points.max() or not binding.any():
        flow = _flow_with(problem, (row, column, score), ids, limit(heaviest))
        answer = _answer(problem, list(flow.placements))
        return PointsSolution(answer, FLOW, answer.total_score, time.perf_counter() - started)
    pairs = (row, column, score)
    fill_args = (row, column, score, points, ids, capacity, budget, problem.requests)
    relaxed = _flow_with(problem, pairs, ids, limit(lightest))
    bound = relaxed.total_score
    # Two warm starts, the better kept: the flow that fits every budget by
    # construction, and the relaxed flow with each over-budget specialist's lowest
    # score-per-point requests dropped; each then filled greedily.
    safe = _fill(list(_flow_with(problem, pairs, ids, limit(heaviest)).placements), *fill_args)
    repaired = _fill(_repair(relaxed.placements, problem.points, ids, budget), *fill_args)
    warm = max(safe, repaired, key=lambda found: sum(p.score for p in found))
    warm_total = sum(p.score for p in warm)
    if warm_total >= bound:
        return PointsSolution(
            _answer(problem, warm), OPTIMAL, warm_total, time.perf_counter() - started
        )
    # CP-SAT on every pair, or on each request's best pairs and the warm start's.
    at = {int(i): c for c, i in enumerate(ids.tolist())}
    index = {r: i for i, r in enumerate(problem.requests)}
    hinted_keys = {(index[p.request], at[p.specialist]) for p in warm}
    keys = row * len(ids) + column
    hinted = np.isin(keys, [r * len(ids) + c for r, c in hinted_keys])
    whole = len(row) <= max_pairs
    if whole:
        chosen = np.ones(len(row), dtype=np.bool_)
    else:
        per_request = max(max_pairs // max(len(problem.requests), 1), 2)
        chosen = _chosen_pairs(row, score, len(problem.requests), per_request, hinted)
    r_, c_, w_, p_ = row[chosen], column[chosen], score[chosen], points[chosen]
    model = cp_model.CpModel()
    x = [model.new_bool_var("") for _ in range(len(r_))]
    by_request: dict[int, list[int]] = {}
    by_column: dict[int, list[int]] = {}
    for e, (r, c) in enumerate(zip(r_.tolist(), c_.tolist(), strict=True)):
        by_request.setdefault(r, []).append(e)
        by_column.setdefault(c, []).append(e)
    for members in by_request.values():
        if len(members) > 1:
            model.add_at_most_one(x[e] for e in members)
    weights = p_.tolist()
    for c, members in by_column.items():
        if len(members) > capacity[c]:
            model.add(cp_model.LinearExpr.sum([x[e] for e in members]) <= int(capacity[c]))
        if sum(weights[e] for e in members) > budget[c]:
            model.add(
                cp_model.LinearExpr.weighted_sum(
                    [x[e] for e in members], [weights[e] for e in members]
                )
                <= int(budget[c])
            )
    model.maximize(cp_model.LinearExpr.weighted_sum(x, w_.tolist()))
    hint = hinted[chosen]
    for e, on in enumerate(hint.tolist()):
        model.add_hint(x[e], on)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit  # the search's own limit
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = seed
    # Presolve alone outlasted the limit on national rounds (status UNKNOWN, no
    # answer); without it the hint is the first answer and the search improves it.
    solver.parameters.cp_model_presolve = False
    status = solver.solve(model)
    best, label = warm, FALLBACK
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        if whole:
            bound = min(bound, int(np.floor(solver.best_objective_bound + 1e-6)))
        found_total = round(solver.objective_value)
        if found_total >= warm_total:
            values = np.fromiter((solver.boolean_value(v) for v in x), dtype=np.bool_, count=len(x))
            best = [
                Placement(problem.requests[r], int(ids[c]), int(w))
                for r, c, w in zip(
                    r_[values].tolist(), c_[values].tolist(), w_[values].tolist(), strict=True
                )
            ]
            label = FEASIBLE
    total = sum(p.score for p in best)
    if total >= bound:
        label, bound = OPTIMAL, total
    return PointsSolution(_answer(problem, best), label, bound, time.perf_counter() - started)


def check_points(problem: RoundProblem, solution: RoundSolution) -> None:
    """Raise ``AssertionError`` unless ``solution`` keeps every points budget."""
    totals: dict[int, int] = {}
    for p in solution.placements:
        totals[p.specialist] = totals.get(p.specialist, 0) + problem.points.get(p.request, 0)
    for specialist, total in totals.items():
        assert total <= problem.budgets.get(specialist, 0), (specialist, total)
