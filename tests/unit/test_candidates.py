"""The round's solver on candidate pairs is exact: whatever the first candidates,
its total equals the reference's (NetworkX) and ``scipy.optimize.milp``'s, and the
pricing of left-out pairs is what widens them."""

from __future__ import annotations

import random

import numpy as np
import pytest

from network.graph.assignment import RoundProblem, check_solution, solve
from network.graph.candidates import potentials, solve_assignment
from tests.unit.test_assignment import milp_total, random_problem


def crowded_problem(rng: random.Random, requests: int, specialists: int) -> RoundProblem:
    """Every request likes the same few specialists best (they are near everyone),
    so their best pairs compete and most requests must go further down their list."""
    capacities = {s: rng.randint(1, 3) for s in range(1, specialists + 1)}
    edges = tuple(
        (r, s, 1900 - 40 * s + rng.randint(0, 30))
        for r in range(1, requests + 1)
        for s in capacities
        if rng.random() < 0.7
    )
    return RoundProblem(tuple(range(1, requests + 1)), capacities, edges)


@pytest.mark.parametrize("seed", range(12))
@pytest.mark.parametrize("first", [1, 2, 4])
def test_any_first_candidates_reach_the_optimum(seed: int, first: int) -> None:
    rng = random.Random(seed)
    if seed % 2:
        problem = crowded_problem(rng, requests=40, specialists=15)
    else:
        problem = random_problem(rng, requests=40, specialists=15, density=0.4)
    solution = solve(problem, candidates=first)
    check_solution(problem, solution)
    expected = solve(problem, method="networkx").total_score
    assert solution.total_score == expected == solve(problem, candidates=None).total_score
    if seed < 3:
        assert solution.total_score == milp_total(problem)


def arrays(problem: RoundProblem) -> tuple[int, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    specialists = sorted(problem.capacities)
    edges = np.asarray(problem.edges, dtype=np.int64)
    return (
        len(problem.requests),
        np.asarray([problem.capacities[s] for s in specialists], dtype=np.int64),
        edges[:, 0] - 1,
        np.searchsorted(specialists, edges[:, 1]),
        edges[:, 2],
    )


def test_crowded_candidates_are_widened_until_priced() -> None:
    problem = crowded_problem(random.Random(5), 60, 20)
    n, capacity, row, column, weight = arrays(problem)
    flow = solve_assignment(n, capacity, row, column, weight, first=1)
    whole = solve_assignment(n, capacity, row, column, weight, first=None)
    assert flow.solves > 1  # the first candidates were not enough, and pricing said so
    assert flow.candidates < len(row)  # yet not every pair was needed
    assert int(weight[flow.used].sum()) == int(weight[whole.used].sum())
    assert whole.solves == 1
    assert whole.candidates == len(row)


def test_potentials_price_every_arc_at_zero_or_more() -> None:
    rng = np.random.default_rng(3)
    # A DAG with negative costs (no cycles at all, so none negative).
    tails = rng.integers(0, 29, 200)
    heads = tails + rng.integers(1, 5, 200)
    costs = rng.integers(-50, 50, 200)
    p = potentials(tails, np.minimum(heads, 29), costs, 30)
    assert (costs + p[tails] - p[np.minimum(heads, 29)] >= 0).all()
    assert p.min() == 0  # the least they can be
    with pytest.raises(RuntimeError, match="negative cycle"):
        potentials(np.asarray([0, 1]), np.asarray([1, 0]), np.asarray([-1, 0]), 2)


def alike_problem(rng: random.Random, requests: int, kinds: int) -> RoundProblem:
    """Requests that ask in one of ``kinds`` ways: the same specialists at the same
    scores (as a round's requests from one place about one area do), competing for
    too little capacity."""
    specialists = list(range(1, 16))
    ways = [
        [(s, rng.randint(1000, 1900)) for s in specialists if rng.random() < 0.5]
        for _ in range(kinds)
    ]
    edges = tuple((r, s, w) for r in range(1, requests + 1) for s, w in ways[rng.randrange(kinds)])
    return RoundProblem(
        tuple(range(1, requests + 1)), {s: rng.randint(0, 3) for s in specialists}, edges
    )


@pytest.mark.parametrize("seed", range(10))
def test_requests_that_ask_alike_are_solved_as_groups(seed: int) -> None:
    rng = random.Random(seed)
    problem = alike_problem(rng, requests=50, kinds=rng.randint(1, 6))
    n, capacity, row, column, weight = arrays(problem)
    kinds = len({tuple(e[1:] for e in problem.edges if e[0] == r) for r in problem.requests})
    for first in (1, 4, None):
        flow = solve_assignment(n, capacity, row, column, weight, first=first)
        assert flow.groups == kinds
        solution = solve(problem, candidates=first)
        check_solution(problem, solution)
        assert solution.total_score == solve(problem, method="networkx").total_score
    assert solve(problem).total_score == milp_total(problem)
    # Labels given (as the round's builder gives them) are checked: wrong ones (all
    # alike, or none) change nothing but the grouping.
    expected = int(weight[solve_assignment(n, capacity, row, column, weight).used].sum())
    for labels in (np.zeros(n, dtype=np.int64), np.arange(n)):
        flow = solve_assignment(n, capacity, row, column, weight, alike=labels)
        assert int(weight[flow.used].sum()) == expected
        assert kinds <= flow.groups <= n
    # Pairs listed in another order (runs that no longer match) are solved alike.
    shuffled = list(problem.edges)
    rng.shuffle(shuffled)
    again = RoundProblem(problem.requests, problem.capacities, tuple(shuffled))
    assert solve(again).total_score == solve(problem).total_score
