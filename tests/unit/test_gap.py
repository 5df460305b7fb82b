"""Rounds with case points (network.graph.gap): the answer keeps every meetings
capacity and points budget, reaches brute force's optimum on tiny instances,
reduces to today's flow when every request weighs the same, reports a bound that
no answer beats and a gap that is honest, and survives the export round trip."""

from __future__ import annotations

import itertools
import json
import random

import pytest

from network.graph.assignment import RoundProblem, check_solution, exported, solve
from network.graph.gap import (
    FLOW,
    OPTIMAL,
    check_points,
    solve_points,
)


def _problem(
    rng: random.Random, requests: int, specialists: int, *, points: tuple[int, ...]
) -> RoundProblem:
    edges = tuple(
        (r, s, rng.randint(100, 190))
        for r in range(1, requests + 1)
        for s in range(1, specialists + 1)
        if rng.random() < 0.6
    )
    return RoundProblem(
        requests=tuple(range(1, requests + 1)),
        capacities={s: rng.randint(0, 3) for s in range(1, specialists + 1)},
        edges=edges,
        points={r: rng.choice(points) for r in range(1, requests + 1)},
        budgets={s: rng.randint(0, 12) for s in range(1, specialists + 1)},
    )


def _brute_force(problem: RoundProblem) -> int:
    options: dict[int, list[tuple[int, int]]] = {r: [(0, 0)] for r in problem.requests}
    for r, s, w in problem.edges:
        options[r].append((s, w))
    best = 0
    for choice in itertools.product(*(options[r] for r in problem.requests)):
        count: dict[int, int] = {}
        used: dict[int, int] = {}
        for r, (s, _) in zip(problem.requests, choice, strict=True):
            if s:
                count[s] = count.get(s, 0) + 1
                used[s] = used.get(s, 0) + problem.points[r]
        if all(count[s] <= problem.capacities[s] for s in count) and all(
            used[s] <= problem.budgets[s] for s in used
        ):
            best = max(best, sum(w for _, w in choice))
    return best


@pytest.mark.parametrize("seed", range(25))
def test_tiny_rounds_reach_the_optimum_and_keep_every_budget(seed: int) -> None:
    problem = _problem(random.Random(seed), 5, 3, points=(2, 3, 5, 8))
    found = solve_points(problem, time_limit=5)
    check_solution(problem, found.solution)
    check_points(problem, found.solution)
    optimum = _brute_force(problem)
    assert found.total == optimum
    assert found.bound >= optimum
    assert found.status in (FLOW, OPTIMAL)
    assert found.gap == 0.0


def test_equal_points_are_todays_flow_with_the_budget_as_a_count() -> None:
    problem = RoundProblem(
        requests=(1, 2, 3),
        capacities={10: 3},
        edges=((1, 10, 50), (2, 10, 40), (3, 10, 30)),
        points={1: 4, 2: 4, 3: 4},
        budgets={10: 11},  # room for two of four points (8), not three (12)
    )
    found = solve_points(problem)
    assert found.status == FLOW
    assert [p.request for p in found.solution.placements] == [1, 2]
    assert found.total == found.bound == 90


def test_one_heavy_request_against_two_light_ones_is_not_a_flow() -> None:
    # Budget 6: the heavy request (6 points, score 100) or both light ones (3 + 3,
    # scores 60 + 60). A flow counting requests cannot see it; the optimum is 120.
    problem = RoundProblem(
        requests=(1, 2, 3),
        capacities={10: 3},
        edges=((1, 10, 100), (2, 10, 60), (3, 10, 60)),
        points={1: 6, 2: 3, 3: 3},
        budgets={10: 6},
    )
    found = solve_points(problem)
    assert sorted(p.request for p in found.solution.placements) == [2, 3]
    assert found.total == 120
    assert found.status == OPTIMAL
    assert found.gap == 0.0
    # Exactly full is allowed: one point less of budget and only one light one fits.
    tighter = RoundProblem(
        requests=problem.requests,
        capacities=problem.capacities,
        edges=problem.edges,
        points=problem.points,
        budgets={10: 5},
    )
    assert solve_points(tighter).total == 60


def test_a_request_heavier_than_every_budget_stays_unplaced() -> None:
    problem = RoundProblem(
        requests=(1,), capacities={10: 5}, edges=((1, 10, 100),), points={1: 9}, budgets={10: 8}
    )
    found = solve_points(problem)
    assert found.solution.placements == ()
    assert found.solution.unplaced == {1: "capacity_exhausted"}


def test_without_points_it_is_the_meetings_round() -> None:
    problem = _problem(random.Random(3), 6, 3, points=(1,))
    plain = RoundProblem(problem.requests, problem.capacities, problem.edges)
    found = solve_points(plain)
    assert found.status == FLOW
    assert found.total == solve(plain).total_score


def test_a_large_round_restricted_to_best_pairs_is_feasible_with_an_honest_bound() -> None:
    rng = random.Random(11)
    problem = _problem(rng, 300, 40, points=(2, 3, 4, 5, 6, 8))
    found = solve_points(problem, time_limit=3, max_pairs=2_000)
    check_solution(problem, found.solution)
    check_points(problem, found.solution)
    # The bound holds for the whole problem: the full model's optimum is not above it.
    whole = solve_points(problem, time_limit=20)
    assert whole.total <= found.bound
    assert found.total <= whole.bound
    assert 0.0 <= found.gap < 0.2


def test_the_export_states_points_and_budgets_and_reads_back() -> None:
    problem = _problem(random.Random(5), 4, 2, points=(2, 7))
    data = json.loads(json.dumps(exported(*problem.to_stored())))
    assert data["request_points"] == [problem.points[r] for r in problem.requests]
    assert [s["budget"] for s in data["specialists"]] == [problem.budgets[s] for s in (1, 2)]
    again = RoundProblem.from_json(data)
    assert again.points == problem.points
    assert again.budgets == problem.budgets
    assert solve_points(again).total == solve_points(problem).total
