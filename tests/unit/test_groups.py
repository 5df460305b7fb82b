"""Group placement is exact: the OR-tools flow reaches the same total as independent
solvers (scipy's ``linear_sum_assignment`` on the seats, HiGHS through
``scipy.optimize.milp``, NetworkX's network simplex, CP-SAT, brute force), on a
2,000 × 100 instance and on random small ones; the placements keep seats, the
mixing rule and eligibility; every applicant's explanation is right."""

from __future__ import annotations

import itertools
import random
from collections import Counter

import numpy as np
import pytest
from bench.groups import instance
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import Bounds, LinearConstraint, linear_sum_assignment, milp
from scipy.sparse import coo_matrix

from network.graph.groups import (
    DIVERSITY,
    GROUPS_FULL,
    MUNICIPALITY_LIMIT,
    NO_GROUP_IN_AREA,
    NO_GROUP_IN_LANGUAGE,
    NOT_SERVED,
    PLACED,
    TOO_FAR,
    Applicant,
    Group,
    GroupPlacement,
    GroupProblem,
    Mixing,
    bipartite_graph,
    build_groups_problem,
    check_groups_solution,
    flow_network,
    solve_groups,
)
from network.graph.model import Place, distance_km

STOCKHOLM = Place("0180", "01", 59.33, 18.07)
UPPSALA = Place("0380", "03", 59.86, 17.64)
KIRUNA = Place("2584", "25", 67.86, 20.23)
MALMO = Place("1280", "12", 55.61, 13.00)


def seats_lsa(problem: GroupProblem) -> int:
    """The no-mixing optimum by scipy's Hungarian method on the seats: one column per
    seat, each eligible applicant scoring the pair's score in every seat of a group,
    0 elsewhere (a 0 is "unplaced": every eligible score is positive)."""
    seat_group = np.repeat(np.arange(len(problem.groups)), problem.capacities)
    matrix = np.zeros((len(problem.applicants), len(seat_group)), dtype=np.int64)
    for a, g, w in zip(problem.pair_applicant, problem.pair_group, problem.pair_score, strict=True):
        matrix[a, seat_group == g] = w
    rows, columns = linear_sum_assignment(matrix, maximize=True)
    return int(matrix[rows, columns].sum())


def highs(problem: GroupProblem) -> int:
    """The optimum with the mixing rule by HiGHS (``scipy.optimize.milp``): a binary
    per pair, rows for applicants, groups and (group, municipality)."""
    e = len(problem.pair_score)
    if e == 0:
        return 0
    muni = problem.municipality_index[problem.pair_applicant]
    middle = np.unique(problem.pair_group * 100_000 + muni, return_inverse=True)[1]
    n, m, k = len(problem.applicants), len(problem.groups), int(middle.max()) + 1
    pairs = np.arange(e)
    rows = np.concatenate([problem.pair_applicant, n + problem.pair_group, n + m + middle])
    matrix = coo_matrix((np.ones(3 * e), (rows, np.tile(pairs, 3))), shape=(n + m + k, e))
    limit_of_middle = np.zeros(k)
    limit_of_middle[middle] = problem.limits[problem.pair_group]
    upper = np.concatenate([np.ones(n), problem.capacities, limit_of_middle])
    found = milp(
        -problem.pair_score.astype(float),
        constraints=LinearConstraint(matrix.tocsr(), -np.inf, upper),
        integrality=np.ones(e),
        bounds=Bounds(0, 1),
    )
    assert found.status == 0
    return round(-found.fun)


def brute_force(problem: GroupProblem) -> int:
    """The best total of every choice (a group or none) for every applicant that keeps
    seats, the limit per municipality and the floor of municipalities."""
    options: list[list[tuple[int, int] | None]] = [[None] for _ in problem.applicants]
    for a, g, w in zip(problem.pair_applicant, problem.pair_group, problem.pair_score, strict=True):
        options[int(a)].append((int(g), int(w)))
    best = 0
    muni = problem.municipality_index
    for choice in itertools.product(*options):
        seats: Counter[int] = Counter()
        share: Counter[tuple[int, int]] = Counter()
        total = 0
        for a, picked in enumerate(choice):
            if picked is not None:
                seats[picked[0]] += 1
                share[(picked[0], int(muni[a]))] += 1
                total += picked[1]
        if any(seats[g] > problem.groups[g].capacity for g in seats):
            continue
        if any(c > problem.limits[g] for (g, _), c in share.items()):
            continue
        present = Counter(g for g, _ in share)
        if any(present[g] < problem.min_municipalities for g in seats):
            continue
        best = max(best, total)
    return best


def random_region(
    rng: random.Random, applicants: int, groups: int
) -> tuple[list[Applicant], list[Group]]:
    towns = [STOCKHOLM, UPPSALA, KIRUNA, Place("1480", "14", 57.71, 11.97)]
    areas = ("hrv", "lvu", "vald")
    teams = [
        Group(
            id=100 + g,
            area=rng.choice(areas),
            place=rng.choice(towns),
            capacity=rng.randint(0, 4),
            language=rng.choice([None, None, "en"]),
            municipalities=rng.choice([None, frozenset(t.code for t in towns[:2])]),
            max_km=rng.choice([None, None, 600.0]),
        )
        for g in range(groups)
    ]
    people = [
        Applicant(
            id=a + 1,
            municipality=(town := rng.choice(towns)).code,
            place=town,
            areas=tuple(rng.sample(areas, rng.randint(1, 2))),
            languages=rng.choice([("sv",), ("en", "sv"), ("sv", "en")]),
            preferences=tuple(rng.sample([t.id for t in teams], rng.randint(0, min(2, groups)))),
        )
        for a in range(applicants)
    ]
    return people, teams


# --- the Done criterion: 2,000 applicants into 100 groups, exact ----------------------


@pytest.fixture(scope="module")
def region() -> tuple[list[Applicant], list[Group]]:
    return instance(2_000, 100)


def test_2000_into_100_without_mixing_equals_the_hungarian_method(
    region: tuple[list[Applicant], list[Group]],
) -> None:
    problem = build_groups_problem(*region, mixing=None)
    assert len(problem.applicants) == 2_000
    assert len(problem.groups) == 100
    solution = solve_groups(problem)
    assert solution.method == "flow"
    assert solution.status == "optimal"
    assert solution.gap == 0
    assert check_groups_solution(problem, solution.placements) == solution.total_score
    assert solution.total_score == seats_lsa(problem)
    # More applicants than seats: every seat of a group someone fits is a real choice.
    assert len(solution.placements) < 2_000


def test_2000_into_100_with_mixing_equals_highs_and_cpsat(
    region: tuple[list[Applicant], list[Group]],
) -> None:
    problem = build_groups_problem(*region, mixing=Mixing())
    flow = solve_groups(problem)
    assert check_groups_solution(problem, flow.placements) == flow.objective
    assert flow.objective == highs(problem)
    sat = solve_groups(problem, solver="cp-sat", seconds=120)
    assert sat.status == "optimal"
    assert sat.objective == flow.objective
    # The limit is in force: a group-municipality pair holds at most half the seats.
    muni = {a.id: a.municipality for a in problem.applicants}
    share = Counter((p.group, muni[p.applicant]) for p in flow.placements)
    seats = {g.id: g.capacity for g in problem.groups}
    assert all(count <= -(-seats[g] // 2) for (g, _), count in share.items())


def test_a_tighter_limit_binds_and_costs_score(
    region: tuple[list[Applicant], list[Group]],
) -> None:
    loose = solve_groups(build_groups_problem(*region, mixing=None))
    tight_problem = build_groups_problem(*region, mixing=Mixing(max_per_municipality=1))
    tight = solve_groups(tight_problem)
    assert tight.objective == highs(tight_problem)
    assert tight.objective < loose.objective
    reasons = Counter(e.reason for e in tight.explanations.values())
    assert reasons[MUNICIPALITY_LIMIT] > 0


# --- small instances against every other solver ---------------------------------------


def test_networkx_models_the_same_problem() -> None:
    people, teams = random_region(random.Random(5), 40, 8)
    problem = build_groups_problem(people, teams)
    graph = bipartite_graph(problem)
    tops = {n for n, d in graph.nodes(data=True) if d["bipartite"] == 0}
    assert len(tops) == 40
    assert graph.number_of_edges() == len(problem.pair_score)
    flow = flow_network(problem)
    assert flow.nodes["source"]["demand"] == -40
    reference = solve_groups(problem, solver="networkx")
    assert reference.objective == solve_groups(problem).objective == highs(problem)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 10_000),
    applicants=st.integers(0, 30),
    groups=st.integers(0, 6),
    limit=st.one_of(st.none(), st.integers(1, 3)),
)
def test_flow_is_optimal_and_feasible(
    seed: int, applicants: int, groups: int, limit: int | None
) -> None:
    people, teams = random_region(random.Random(seed), applicants, groups)
    mixing = None if limit is None else Mixing(max_per_municipality=limit)
    problem = build_groups_problem(people, teams, mixing=mixing)
    flow = solve_groups(problem)
    assert check_groups_solution(problem, flow.placements) == flow.objective == highs(problem)
    assert solve_groups(problem, solver="networkx").objective == flow.objective
    if mixing is None:
        assert flow.objective == seats_lsa(problem)
    assert set(flow.explanations) == {a.id for a in people}
    placed = flow.group_of()
    for applicant_id, why in flow.explanations.items():
        assert (why.reason == PLACED) == (applicant_id in placed)
        if why.reason == PLACED:
            assert why.group == placed[applicant_id]
            assert why.score is not None
        elif why.eligible:
            assert why.reason in (GROUPS_FULL, MUNICIPALITY_LIMIT)
        else:
            assert why.reason in (NO_GROUP_IN_AREA, NO_GROUP_IN_LANGUAGE, NOT_SERVED, TOO_FAR)


@pytest.mark.parametrize("seed", range(12))
def test_cpsat_with_a_floor_of_municipalities_equals_brute_force(seed: int) -> None:
    people, teams = random_region(random.Random(seed), 7, 3)
    problem = build_groups_problem(
        people, teams, mixing=Mixing(max_per_municipality=2, min_municipalities=2)
    )
    solution = solve_groups(problem, seconds=30)
    assert solution.status == "optimal"
    forced = solve_groups(problem, solver="cp-sat", seconds=30)
    assert forced.method == "cp-sat"
    assert forced.status == "optimal"
    assert forced.objective == solution.objective
    assert solution.gap == 0
    assert solution.bound == solution.objective
    assert check_groups_solution(problem, solution.placements) == solution.objective
    assert solution.objective == brute_force(problem)


def test_the_flow_refuses_a_floor() -> None:
    problem = build_groups_problem([], [], mixing=Mixing(min_municipalities=2))
    with pytest.raises(ValueError, match="needs CP-SAT"):
        solve_groups(problem, solver="flow")
    with pytest.raises(ValueError, match="at least 1"):
        Mixing(max_per_municipality=0)


# --- scores and explanations ----------------------------------------------------------


def person(i: int, place: Place = STOCKHOLM, **kw: object) -> Applicant:
    return Applicant(id=i, municipality=place.code, place=place, **{"areas": ("hrv",), **kw})  # type: ignore[arg-type]


def test_score_parts_are_as_documented() -> None:
    group = Group(id=1, area="lvu", place=UPPSALA, capacity=5, language="en")
    applicant = person(1, areas=("hrv", "lvu"), languages=("en", "sv"), preferences=(9, 1))
    problem = build_groups_problem([applicant], [group])
    parts = problem.score_of(0)
    km = distance_km(STOCKHOLM, UPPSALA)
    assert 50 < km < 75
    assert (parts.base, parts.area, parts.language) == (100, 15, 20)  # second area, preferred
    assert parts.distance == 40 - int(km // 25) == 38
    assert parts.preference == 40  # second-ranked group
    assert parts.total == int(problem.pair_score[0]) == 100 + 15 + 20 + 38 + 40
    far = build_groups_problem([person(2, KIRUNA)], [Group(2, "hrv", MALMO, 1)])
    assert far.score_of(0).distance == 0  # over 1,000 km


def test_every_reason_for_being_unplaced() -> None:
    groups = [
        Group(id=1, area="hrv", place=STOCKHOLM, capacity=1),
        Group(id=2, area="vald", place=STOCKHOLM, capacity=3, language="ar"),
        Group(id=3, area="lvu", place=STOCKHOLM, capacity=3, municipalities=frozenset({"0380"})),
        Group(id=4, area="intro", place=STOCKHOLM, capacity=3, max_km=100),
    ]
    people = [
        person(1, preferences=(1,)),  # takes the one seat of group 1
        person(2),  # group 1 is full
        person(3, areas=("ekonomi",)),
        person(4, areas=("vald",)),  # speaks only Swedish
        person(5, areas=("lvu",)),  # Stockholm is not served
        person(6, KIRUNA, areas=("intro",)),  # too far
    ]
    solution = solve_groups(build_groups_problem(people, groups))
    reasons = {i: e.reason for i, e in solution.explanations.items()}
    assert reasons == {
        1: PLACED,
        2: GROUPS_FULL,
        3: NO_GROUP_IN_AREA,
        4: NO_GROUP_IN_LANGUAGE,
        5: NOT_SERVED,
        6: TOO_FAR,
    }
    assert solution.explanations[1].group == 1
    assert solution.explanations[2].eligible == 1


def test_municipality_limit_and_passed_over() -> None:
    groups = [
        Group(id=1, area="hrv", place=STOCKHOLM, capacity=4),
        Group(id=2, area="hrv", place=KIRUNA, capacity=1),
    ]
    people = [person(i) for i in range(1, 5)]  # four from Stockholm
    solution = solve_groups(build_groups_problem(people, groups, mixing=Mixing()))  # k = 2
    by_group = Counter(p.group for p in solution.placements)
    assert by_group == {1: 2, 2: 1}
    explanations = solution.explanations.values()
    unplaced = [e for e in explanations if e.reason != PLACED]
    assert [e.reason for e in unplaced] == [MUNICIPALITY_LIMIT]
    in_kiruna = [e for e in explanations if e.group == 2]
    assert in_kiruna[0].passed_over == (1,)  # the nearer group had Stockholm's share taken


def test_a_group_without_enough_municipalities_does_not_run() -> None:
    groups = [Group(id=1, area="hrv", place=STOCKHOLM, capacity=4)]
    alone = [person(1), person(2)]
    solution = solve_groups(
        build_groups_problem(alone, groups, mixing=Mixing(min_municipalities=2))
    )
    assert solution.placements == ()
    assert solution.status == "optimal"
    assert {e.reason for e in solution.explanations.values()} == {DIVERSITY}
    mixed = [person(1), person(2, UPPSALA)]
    solution = solve_groups(
        build_groups_problem(mixed, groups, mixing=Mixing(min_municipalities=2))
    )
    assert len(solution.placements) == 2


def test_bad_input_is_refused() -> None:
    with pytest.raises(ValueError, match="twice"):
        build_groups_problem([person(1), person(1)], [])
    with pytest.raises(ValueError, match="fewer than zero"):
        build_groups_problem([], [Group(1, "hrv", STOCKHOLM, -1)])
    problem = build_groups_problem([person(1)], [Group(1, "hrv", STOCKHOLM, 1)])
    solution = solve_groups(problem)
    with pytest.raises(ValueError, match="not eligible"):
        check_groups_solution(problem, [GroupPlacement(1, 7, 100)])
    with pytest.raises(ValueError, match="wrong score"):
        check_groups_solution(problem, [GroupPlacement(1, 1, 1)])
    assert check_groups_solution(problem, solution.placements) == solution.objective


def test_out_of_time_the_answer_still_keeps_the_floor_and_an_honest_bound() -> None:
    people, teams = instance(600, 40, seed=7)
    problem = build_groups_problem(people, teams, mixing=Mixing(min_municipalities=6))
    relaxed = solve_groups(build_groups_problem(people, teams, mixing=Mixing()))
    hurried = solve_groups(problem, seconds=0.001, workers=1)
    # The floor binds, and a millisecond proves nothing: the repaired flow, not optimal.
    assert hurried.method == "cp-sat"
    assert hurried.status == "feasible"
    assert 0 < hurried.gap < 0.1
    assert check_groups_solution(problem, hurried.placements) == hurried.objective
    assert hurried.objective <= hurried.bound <= relaxed.objective
    assert (hurried.status == "optimal") == (hurried.objective == hurried.bound)
    assert hurried.objective > 0
    reasons = Counter(e.reason for e in hurried.explanations.values())
    assert reasons[PLACED] == len(hurried.placements)


def test_a_binding_floor_goes_to_cpsat_and_a_loose_one_stays_a_flow() -> None:
    groups = [
        Group(id=1, area="hrv", place=STOCKHOLM, capacity=2),
        Group(id=2, area="hrv", place=UPPSALA, capacity=2),
    ]
    # The flow puts the two from Stockholm together and the two from Uppsala together.
    people = [person(1), person(2), person(3, UPPSALA), person(4, UPPSALA)]
    loose = Mixing(max_per_municipality=2, min_municipalities=1)
    tight = Mixing(max_per_municipality=2, min_municipalities=2)
    flow = solve_groups(build_groups_problem(people, groups, mixing=loose))
    assert Counter(p.group for p in flow.placements) == {1: 2, 2: 2}
    problem = build_groups_problem(people, groups, mixing=tight)
    mixed = solve_groups(problem)
    assert mixed.method == "cp-sat"
    assert mixed.status == "optimal"
    assert len(mixed.placements) == 4
    assert mixed.objective < flow.objective  # each travels once
    assert mixed.objective == brute_force(problem)
    assert check_groups_solution(problem, mixed.placements) == mixed.objective
    already = build_groups_problem(
        [person(1), person(3, UPPSALA)], groups[:1], mixing=Mixing(min_municipalities=2)
    )
    kept = solve_groups(already)
    assert kept.method == "flow"
    assert kept.status == "optimal"
    assert len(kept.placements) == 2
