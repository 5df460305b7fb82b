"""Batch rounds are exact: the production solver (scipy) and the reference (NetworkX)
reach the same total, which equals brute force on tiny random instances and
``scipy.optimize.milp`` on larger ones; capacities hold; unplaced reasons are right."""

from __future__ import annotations

import io
import itertools
import json
import random
from datetime import UTC, date, datetime, timedelta

import numpy as np
import pytest
from scipy.optimize import Bounds, LinearConstraint, milp

from network.graph.assignment import (
    CAPACITY_EXHAUSTED,
    NO_ELIGIBLE_SPECIALIST,
    EdgeRows,
    RoundProblem,
    build_problem,
    check_solution,
    exported,
    exported_json,
    positions,
    solve,
)
from network.graph.model import Agreement, Network, Place, RequestInfo, SpecialistInfo

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def random_problem(
    rng: random.Random, requests: int, specialists: int, density: float
) -> RoundProblem:
    capacities = {s: rng.randint(0, 3) for s in range(1, specialists + 1)}
    edges = tuple(
        (r, s, rng.randint(1000, 1900))
        for r in range(1, requests + 1)
        for s in capacities
        if rng.random() < density
    )
    return RoundProblem(requests=tuple(range(1, requests + 1)), capacities=capacities, edges=edges)


def brute_force(problem: RoundProblem) -> int:
    """The best total by trying every choice (specialist or none) for every request."""
    options = {r: [None] for r in problem.requests}
    for r, s, _ in problem.edges:
        options[r].append(s)
    scores = {(r, s): w for r, s, w in problem.edges}
    best = 0
    for choice in itertools.product(*(options[r] for r in problem.requests)):
        used: dict[int, int] = {}
        total = 0
        for r, s in zip(problem.requests, choice, strict=True):
            if s is None:
                continue
            used[s] = used.get(s, 0) + 1
            total += scores[(r, s)]
        if all(used[s] <= problem.capacities[s] for s in used):
            best = max(best, total)
    return best


def milp_total(problem: RoundProblem) -> int:
    n = len(problem.edges)
    if n == 0:
        return 0
    weights = np.array([w for _, _, w in problem.edges], dtype=float)
    rows: list[np.ndarray] = []
    upper: list[float] = []
    for r in problem.requests:
        rows.append(np.array([1.0 if e[0] == r else 0.0 for e in problem.edges]))
        upper.append(1)
    for s, capacity in problem.capacities.items():
        rows.append(np.array([1.0 if e[1] == s else 0.0 for e in problem.edges]))
        upper.append(capacity)
    result = milp(
        -weights,
        constraints=LinearConstraint(np.vstack(rows), -np.inf, np.array(upper)),
        integrality=np.ones(n),
        bounds=Bounds(0, 1),
    )
    assert result.success
    return round(-result.fun)


@pytest.mark.parametrize("seed", range(25))
def test_tiny_instances_match_brute_force(seed: int) -> None:
    rng = random.Random(seed)
    problem = random_problem(
        rng, requests=rng.randint(1, 6), specialists=rng.randint(1, 4), density=0.6
    )
    expected = brute_force(problem)
    for method in ("ortools", "scipy", "networkx"):
        solution = solve(problem, method=method)  # type: ignore[arg-type]
        check_solution(problem, solution)
        assert solution.total_score == expected, method


@pytest.mark.parametrize("seed", range(6))
def test_larger_instances_match_milp(seed: int) -> None:
    rng = random.Random(100 + seed)
    problem = random_problem(rng, requests=60, specialists=25, density=0.15)
    expected = milp_total(problem)
    fast, reference = solve(problem), solve(problem, method="networkx")
    sparse = solve(problem, method="scipy")
    for solution in (fast, reference, sparse):
        check_solution(problem, solution)
    assert fast.total_score == reference.total_score == sparse.total_score == expected


def test_unplaced_requests_say_why() -> None:
    problem = RoundProblem(
        requests=(1, 2, 3),
        capacities={7: 1},
        edges=((1, 7, 1500), (2, 7, 1200)),  # request 3 has nobody
    )
    solution = solve(problem)
    assert [(p.request, p.specialist) for p in solution.placements] == [(1, 7)]
    assert solution.unplaced == {2: CAPACITY_EXHAUSTED, 3: NO_ELIGIBLE_SPECIALIST}
    empty = RoundProblem(requests=(), capacities={}, edges=())
    assert solve(empty).placements == ()
    assert solve(empty, method="scipy").placements == ()
    assert solve(empty, method="networkx").total_score == 0
    # a specialist without capacity, or missing from the capacities, takes nobody
    idle = RoundProblem(requests=(1, 2), capacities={7: 0}, edges=((1, 7, 900), (2, 8, 800)))
    for method in ("ortools", "scipy", "networkx"):
        assert solve(idle, method=method).placements == ()  # type: ignore[arg-type]


def test_problem_json_round_trip_and_validation() -> None:
    problem = random_problem(random.Random(7), requests=5, specialists=3, density=0.5)
    data = json.loads(json.dumps(problem.to_json()))
    assert set(data) == {"requests", "specialists", "edges"}
    assert len(data["edges"]) == len(problem.edges)
    # Rounds keep the compact form (a JSON header and packed pairs); the export is
    # the same either way, and as rounds kept before the pairs were packed.
    header, pairs = problem.to_stored()
    assert exported(json.loads(json.dumps(header)), pairs) == data == exported(data)
    assert exported(*as_array_backed(problem).to_stored()) == data
    columnar = {
        **header,
        "pairs": {
            "request": [r for r, _, _ in problem.edges],
            "specialist": [s for _, s, _ in problem.edges],
            "score": [w for _, _, w in problem.edges],
        },
    }
    assert exported(columnar) == data
    again = RoundProblem.from_json(data)
    assert solve(again).total_score == solve(problem).total_score
    data["edges"].append({"request": 99, "specialist": 1, "score": 5})
    with pytest.raises(ValueError, match="unknown"):
        RoundProblem.from_json(data)


def as_edges(columns: dict[str, object]) -> dict[str, object]:
    """The ``columns`` layout of an export in the documented ``edges`` layout."""
    found = dict(columns)
    assert found.pop("layout") == "columns"
    edges = found["edges"]
    assert isinstance(edges, dict)
    found["edges"] = [
        {"request": r, "specialist": s, "score": w}
        for r, s, w in zip(edges["request"], edges["specialist"], edges["score"], strict=True)
    ]
    return found


@pytest.mark.parametrize("chunk", [1, 2, 3, 1000])
def test_the_streamed_export_is_the_same_instance_in_either_layout(chunk: int) -> None:
    """The export in pieces (``GET /api/v1/rounds/{id}/problem`` streams them) is
    plain JSON that equals the whole export, from each form a round may be kept in."""
    problem = random_problem(random.Random(11), requests=6, specialists=4, density=0.6)
    empty = RoundProblem(requests=(1,), capacities={2: 1}, edges=())
    for instance in (problem, empty, as_array_backed(problem)):
        header, pairs = instance.to_stored()
        data = exported(header, pairs)
        legacy = {
            **header,
            "pairs": {
                "request": [e["request"] for e in data["edges"]],
                "specialist": [e["specialist"] for e in data["edges"]],
                "score": [e["score"] for e in data["edges"]],
            },
        }
        for stored, packed in ((header, pairs), (legacy, None), (data, None)):
            pieces = list(exported_json(stored, packed, chunk=chunk))
            assert json.loads(b"".join(pieces)) == data
            columns = json.loads(
                b"".join(exported_json(stored, packed, layout="columns", chunk=chunk))
            )
            assert next(iter(columns)) == "layout"
            assert as_edges(columns) == data
            assert RoundProblem.from_json(columns) == RoundProblem.from_json(data)
        if len(data["edges"]) > chunk:  # in pieces, not whole
            assert len(list(exported_json(header, pairs, chunk=chunk))) > 3
    with pytest.raises(ValueError, match="layout"):
        next(exported_json(header, pairs, layout="rows"))


def test_packed_pairs_take_the_smallest_types_that_hold_them() -> None:
    small = RoundProblem((5, 9), {70_001: 1, 3: 2}, ((9, 70_001, 1500), (5, 3, 900)))
    wide = RoundProblem((5,), {3: 1}, ((5, 3, 40_000),))
    for problem in (small, wide):
        header, pairs = problem.to_stored()
        assert exported(header, pairs) == problem.to_json()
        assert RoundProblem.from_json(exported(header, pairs)) == RoundProblem.from_json(
            problem.to_json()
        )
    with np.load(io.BytesIO(small.to_stored()[1])) as columns:
        assert {k: columns[k].dtype for k in columns.files} == {
            "request": np.uint16,
            "specialist": np.uint16,
            "score": np.int16,
        }
        assert columns["request"].tolist() == [1, 0]  # positions, not ids
    with np.load(io.BytesIO(wide.to_stored()[1])) as columns:
        assert columns["score"].dtype == np.int32


def as_array_backed(problem: RoundProblem) -> RoundProblem:
    """The same instance as the vectorised builder makes it: edges over an array."""
    array = np.asarray(problem.edges, dtype=np.int64).reshape(-1, 3)
    return RoundProblem(
        problem.requests, problem.capacities, EdgeRows(array), problem.breakdowns, edge_array=array
    )


@pytest.mark.parametrize("seed", range(20))
def test_without_refused_pairs_on_tuples_and_on_arrays(seed: int) -> None:
    rng = random.Random(seed)
    problem = random_problem(rng, requests=12, specialists=6, density=0.5)
    refused: dict[int, set[int]] = {}
    for r, s, _ in problem.edges:
        if rng.random() < 0.3:
            refused.setdefault(r, set()).add(s)
    expected = [e for e in problem.edges if e[1] not in refused.get(e[0], set())]
    for shape in (problem, as_array_backed(problem)):
        kept = shape.without(refused)
        assert list(kept.edges) == expected
        assert (
            kept.to_json()
            == RoundProblem(problem.requests, problem.capacities, tuple(expected)).to_json()
        )
        assert solve(kept).total_score == milp_total(kept)
        check_solution(kept, solve(kept))
    assert problem.without({}) is problem


def test_edge_rows_read_as_tuples() -> None:
    rows = EdgeRows(np.asarray([[1, 2, 1100], [3, 4, 1200], [5, 6, 1300]], dtype=np.int64))
    assert len(rows) == 3
    assert rows[1] == (3, 4, 1200)
    assert list(rows[1:]) == [(3, 4, 1200), (5, 6, 1300)]
    assert list(rows) == [(1, 2, 1100), (3, 4, 1200), (5, 6, 1300)]
    assert all(type(r) is tuple and type(r[0]) is int for r in rows)


def test_build_problem_from_a_network() -> None:
    places = [Place("0512", "05", 57.87, 15.25), Place("0580", "05", 58.41, 15.62)]
    deal = Agreement(1, frozenset({"hbv"}), date(2026, 1, 1), counties=frozenset({"05"}))
    people = [
        SpecialistInfo(
            1, "0580", {"hbv": 3}, capacity=2, used=1, next_free=NOW + timedelta(hours=3)
        ),
        SpecialistInfo(2, "0580", {"hbv": 1}, capacity=1, next_free=NOW + timedelta(days=3)),
        SpecialistInfo(3, "0580", {"lvu": 2}, capacity=5),
    ]
    network = Network.of(places, [deal], people)
    requests = [RequestInfo(i, "hbv", "0512", urgency="acute") for i in (10, 11, 12)]
    problem = build_problem(requests, network, now=NOW)
    assert problem.capacities == {1: 1, 2: 1}
    assert {(r, s) for r, s, _ in problem.edges} == {(r, s) for r in (10, 11, 12) for s in (1, 2)}
    assert (
        problem.breakdowns[(10, 1)].total == dict(((r, s), w) for r, s, w in problem.edges)[(10, 1)]
    )
    solution = solve(problem)
    assert len(solution.placements) == 2
    assert list(solution.unplaced.values()) == [CAPACITY_EXHAUSTED]


@pytest.mark.parametrize("offset", [0, 10**12, -(10**6)])
def test_positions_by_table_and_by_search_agree(offset: int) -> None:
    rng = np.random.default_rng(11)
    ids = rng.choice(5000, size=300, replace=False).astype(np.int64) + offset
    values = np.concatenate([rng.choice(ids, 1000), np.asarray([offset + 6000, offset + 7000])])
    found = positions(ids, values)
    assert (ids[found[:-2]] == values[:-2]).all()
    assert found[-2:].tolist() == [-1, -1]
    assert positions(ids, values[:0]).tolist() == []
    assert positions(ids[:0], values[:3]).tolist() == [-1, -1, -1]
