"""Where to act: candidates, greedy against exact and brute force; weak points."""

from __future__ import annotations

import math
import random
from datetime import date
from itertools import combinations

import pytest

from network.graph.build import network_graph
from network.graph.coverage import Cell, Service, Status, coverage
from network.graph.model import Agreement, Network, Place, SpecialistInfo
from network.graph.placement import (
    Action,
    Candidate,
    agreement_candidates,
    exact,
    greedy,
    specialist_candidates,
    total,
)
from network.graph.resilience import single_agreements, single_specialists

DAY = date(2026, 11, 23)
JAN = date(2026, 1, 1)
HBV, LVU = "honour_based_violence", "lvu"
YDRE = Place("0512", "05", 57.87, 15.25, 3_700)
LINKOPING = Place("0580", "05", 58.41, 15.62, 167_000)
NORRKOPING = Place("0581", "05", 58.59, 16.18, 145_000)
KIRUNA = Place("2584", "25", 67.85, 20.23, 22_000)
GALLIVARE = Place("2523", "25", 67.13, 20.66, 18_000)
PLACES = [YDRE, LINKOPING, NORRKOPING, KIRUNA, GALLIVARE]


def specialist(id: int, home: str, *areas: str) -> SpecialistInfo:
    return SpecialistInfo(id=id, home=home, competences={a: 2 for a in areas}, weekly_hours=8)


def build(people: list[SpecialistInfo], agreements: list[Agreement]) -> tuple[list[Cell], object]:
    network = Network.of(PLACES, agreements, people)
    graph = network_graph(network, [HBV, LVU], DAY)
    return coverage(graph, Service.CONSULTATION), graph


def weights_of(cells: list[Cell]) -> dict[tuple[str, str], int]:
    return {(c.municipality, c.area): c.population for c in cells if c.status is Status.NONE}


def test_a_new_specialist_covers_home_and_the_agreements_partners() -> None:
    deal = Agreement(1, frozenset({HBV}), JAN, municipalities=frozenset({"0512", "0581"}))
    cells, graph = build([specialist(1, "0580", LVU)], [deal])
    found = {
        (c.municipality, c.areas): c.covers
        for c in specialist_candidates(cells, graph)  # type: ignore[arg-type]
    }
    assert found[("0581", (HBV,))] == {("0581", HBV), ("0512", HBV)}
    assert found[("0580", (HBV,))] == {("0580", HBV)}
    # Linköping is covered in LVU already: no candidate adds it
    assert all(("0580", LVU) not in covers for covers in found.values())


def test_agreement_candidates_need_a_specialist_to_share() -> None:
    cells, _ = build([specialist(1, "0580", HBV)], [])
    distances = {
        (a.code, b.code): Network.of(PLACES).distance(a.code, b.code)
        for a in PLACES
        for b in PLACES
    }
    found = agreement_candidates(cells, distances)
    county = [c for c in found if c.action is Action.COUNTY_AGREEMENT]
    assert [(c.county, c.areas, c.covers) for c in county] == [
        ("05", (HBV,), frozenset({("0512", HBV), ("0581", HBV)}))
    ]
    pairs = [c for c in found if c.action is Action.PAIR_AGREEMENT]
    assert {(c.municipality, c.partner) for c in pairs} == {("0512", "0580"), ("0581", "0580")}
    # Norrbotten is too far from Linköping for a pair and has no specialist of its own
    assert all(c.municipality not in {"2584", "2523"} for c in pairs)


def test_scope_limits_the_cells_counted() -> None:
    cells, graph = build([], [])
    scoped = specialist_candidates(cells, graph, scope={"2584", "2523"})  # type: ignore[arg-type]
    assert {m for c in scoped for m, _ in c.covers} <= {"2584", "2523"}
    assert scoped


def test_greedy_takes_the_best_marginal_gain_each_time() -> None:
    a = Candidate(Action.NEW_SPECIALIST, ("x",), frozenset({("1", "x"), ("2", "x")}), "1")
    b = Candidate(Action.NEW_SPECIALIST, ("x",), frozenset({("2", "x"), ("3", "x")}), "2")
    c = Candidate(Action.NEW_SPECIALIST, ("x",), frozenset({("4", "x")}), "4")
    weights = {("1", "x"): 5, ("2", "x"): 10, ("3", "x"): 6, ("4", "x"): 7}
    picks = greedy([a, b, c], weights, 2)
    assert [p.candidate for p in picks] == [b, c]
    assert [p.gain for p in picks] == [16, 7]
    assert total(picks) == 23
    # the exact answer is the same here; with k = 3 a's gain is only 5
    assert total(exact([a, b, c], weights, 2)) == 23
    assert [p.gain for p in greedy([a, b, c], weights, 3)] == [16, 7, 5]


def test_greedy_can_be_beaten_and_exact_finds_the_optimum() -> None:
    # the classic: one big set overlapping two disjoint halves
    left = frozenset((str(i), "x") for i in range(4))
    right = frozenset((str(i), "x") for i in range(4, 8))
    middle = frozenset((str(i), "x") for i in range(2, 7))
    weights = {e: 1 for e in left | right}
    weights[("2", "x")] = weights[("3", "x")] = weights[("4", "x")] = 2
    candidates = [
        Candidate(Action.NEW_SPECIALIST, ("x",), middle, "m"),
        Candidate(Action.NEW_SPECIALIST, ("x",), left, "l"),
        Candidate(Action.NEW_SPECIALIST, ("x",), right, "r"),
    ]
    assert total(greedy(candidates, weights, 2)) == 10  # middle (8), then left (2)
    assert total(exact(candidates, weights, 2)) == 11


def _brute_force(candidates: list[Candidate], weights: dict[tuple[str, str], int], k: int) -> int:
    best = 0
    for size in range(1, min(k, len(candidates)) + 1):
        for chosen in combinations(candidates, size):
            covered = frozenset().union(*(c.covers for c in chosen))
            best = max(best, sum(weights.get(e, 0) for e in covered))
    return best


@pytest.mark.parametrize("seed", range(40))
def test_greedy_within_the_bound_of_exact_and_exact_equals_brute_force(seed: int) -> None:
    rng = random.Random(seed)
    elements = [(str(i), "x") for i in range(rng.randint(4, 14))]
    weights = {e: rng.randint(1, 50) for e in elements}
    candidates = [
        Candidate(
            Action.NEW_SPECIALIST,
            ("x",),
            frozenset(rng.sample(elements, rng.randint(1, len(elements) // 2 + 1))),
            str(j),
        )
        for j in range(rng.randint(2, 8))
    ]
    k = rng.randint(1, 3)
    optimum = _brute_force(candidates, weights, k)
    found = exact(candidates, weights, k)
    assert total(found) == optimum
    assert len(found) <= k
    greedy_total = total(greedy(candidates, weights, k))
    assert greedy_total <= optimum
    assert greedy_total >= (1 - 1 / math.e) * optimum


def test_single_points_of_failure_and_single_agreements() -> None:
    deal = Agreement(5, frozenset({HBV}), JAN, counties=frozenset({"05"}))
    north = Agreement(6, frozenset({LVU}), JAN, municipalities=frozenset({"2584", "2523"}))
    people = [
        specialist(1, "0580", HBV),
        specialist(2, "2584", LVU),
        specialist(3, "2523", LVU),
    ]
    cells, _ = build(people, [deal, north])
    spof = {d.holder: d for d in single_specialists(cells)}
    # specialist 1 alone covers Östergötland in HBV; Norrbotten has two in LVU
    assert set(spof) == {1}
    assert spof[1].municipalities == ("0512", "0580", "0581")
    assert spof[1].population == 3_700 + 167_000 + 145_000
    agreements = {d.holder: d for d in single_agreements(cells)}
    assert set(agreements) == {5}
    assert agreements[5].cells == (("0512", HBV), ("0581", HBV))
    # a second specialist in HBV removes the single point of failure
    cells, _ = build([*people, specialist(4, "0581", HBV)], [deal, north])
    assert 1 not in {d.holder for d in single_specialists(cells)}
