"""The mentee-proposing stable matching: stable (an independent checker), capacities
respected, mentee-optimal (brute force), and identical to the `matching` library's
hospital/resident solver on random instances."""

from __future__ import annotations

import itertools
import random
import warnings

import pytest
from matching.games import HospitalResident

from network.graph.stable import (
    StableProblem,
    blocking_pairs,
    first_choices,
    respects_capacities,
    stable_matching,
)


def random_problem(
    rng: random.Random, mentees: int, mentors: int, *, longest: int, library_ready: bool = False
) -> StableProblem:
    """Mentees list 1–``longest`` mentors; a mentor lists the mentees who listed them
    (shuffled), less a few unless ``library_ready`` (the library wants mutual lists)."""
    mentee_prefs = {
        m: rng.sample(range(100, 100 + mentors), rng.randint(1, min(longest, mentors)))
        for m in range(mentees)
    }
    asked: dict[int, list[int]] = {r: [] for r in range(100, 100 + mentors)}
    for mentee, listed in mentee_prefs.items():
        for mentor in listed:
            asked[mentor].append(mentee)
    mentor_prefs = {}
    for mentor, askers in asked.items():
        if not askers and library_ready:
            continue
        rng.shuffle(askers)
        if not library_ready and askers and rng.random() < 0.3:
            askers.pop()  # one they will not take
        mentor_prefs[mentor] = askers
    return StableProblem(
        mentee_prefs,
        mentor_prefs,
        {r: rng.randint(1, 3) for r in mentor_prefs},
    )


def test_the_textbook_case() -> None:
    # Two mentors with one seat each: mentees 1 and 2 both want A first; A prefers 2.
    problem = StableProblem(
        {1: [10, 11], 2: [10, 11], 3: [11]}, {10: [2, 1], 11: [1, 3, 2]}, {10: 1, 11: 1}
    )
    assert stable_matching(problem) == {2: 10, 1: 11}
    assert blocking_pairs(problem, {2: 10, 1: 11}) == []
    assert blocking_pairs(problem, {1: 10, 2: 11}) == [(2, 10), (3, 11)]
    assert first_choices(problem, {2: 10, 1: 11}) == 1


def test_capacity_and_unacceptable_pairs() -> None:
    problem = StableProblem(
        {1: [10], 2: [10], 3: [10, 11], 4: [11]},
        {10: [3, 1, 2], 11: [4]},  # 11 does not take 3
        {10: 2, 11: 1},
    )
    found = stable_matching(problem)
    assert found == {3: 10, 1: 10, 4: 11}
    assert respects_capacities(problem, found)
    assert stable_matching(StableProblem({}, {}, {})) == {}
    assert stable_matching(StableProblem({1: []}, {10: []}, {10: 1})) == {}
    # a mentor without seats takes nobody
    assert stable_matching(StableProblem({1: [10]}, {10: [1]}, {10: 0})) == {}


def _rank(listed: list[int], mentor: int | None) -> int:
    return listed.index(mentor) if mentor is not None else len(listed)


def _all_stable(problem: StableProblem) -> list[dict[int, int]]:
    mentees = sorted(problem.mentee_prefs)
    options = [
        [None, *(r for r in problem.mentee_prefs[m] if m in problem.mentor_prefs.get(r, ()))]
        for m in mentees
    ]
    found = []
    for choice in itertools.product(*options):
        matching = {m: r for m, r in zip(mentees, choice, strict=True) if r is not None}
        if respects_capacities(problem, matching) and not blocking_pairs(problem, matching):
            found.append(matching)
    return found


@pytest.mark.parametrize("seed", range(60))
def test_mentee_optimal_among_every_stable_matching(seed: int) -> None:
    rng = random.Random(seed)
    problem = random_problem(rng, rng.randint(1, 6), rng.randint(1, 3), longest=3)
    ours = stable_matching(problem)
    every = _all_stable(problem)
    assert ours in every
    for other in every:
        for mentee, listed in problem.mentee_prefs.items():
            assert _rank(list(listed), ours.get(mentee)) <= _rank(list(listed), other.get(mentee))


@pytest.mark.parametrize("seed", range(200))
def test_no_blocking_pair_and_capacities_respected(seed: int) -> None:
    rng = random.Random(1000 + seed)
    problem = random_problem(rng, rng.randint(5, 60), rng.randint(2, 20), longest=6)
    found = stable_matching(problem)
    assert blocking_pairs(problem, found) == []
    assert respects_capacities(problem, found)
    for mentee, mentor in found.items():
        assert mentor in problem.mentee_prefs[mentee]
        assert mentee in problem.mentor_prefs[mentor]


def library_matching(problem: StableProblem) -> dict[int, int]:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # an instance the library would change is a bug here
        game = HospitalResident.create_from_dictionaries(
            {m: list(p) for m, p in problem.mentee_prefs.items()},
            {r: list(p) for r, p in problem.mentor_prefs.items()},
            dict(problem.capacities),
        )
        solved = game.solve(optimal="resident")
    return {
        resident.name: hospital.name
        for hospital, residents in solved.items()
        for resident in residents
    }


@pytest.mark.parametrize("seed", range(30))
def test_identical_to_the_matching_library(seed: int) -> None:
    rng = random.Random(5000 + seed)
    problem = random_problem(
        rng, rng.randint(10, 120), rng.randint(3, 25), longest=8, library_ready=True
    )
    assert stable_matching(problem) == library_matching(problem)
