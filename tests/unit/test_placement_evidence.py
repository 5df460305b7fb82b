"""Where to act, with evidence: one step per place, inhabitants counted once per
municipality, gaps weighed by demand and the workforce's fragility, reasons."""

from __future__ import annotations

from datetime import date

import pytest

from network.graph.build import network_graph
from network.graph.coverage import Cell, Service, coverage
from network.graph.model import Network, Place, SpecialistInfo
from network.graph.placement import (
    Fragility,
    Pressure,
    Weights,
    by_site,
    demand_index,
    exact,
    fragility_index,
    gap_weights,
    greedy,
    specialist_candidates,
    steps,
    total,
    uncovered_by_area,
    uncovered_people,
)

DAY = date(2026, 11, 23)
HBV, LVU = "honour_based_violence", "lvu"
YDRE = Place("0512", "05", 57.87, 15.25, 3_700)
LINKOPING = Place("0580", "05", 58.41, 15.62, 167_000)
NORRKOPING = Place("0581", "05", 58.59, 16.18, 145_000)
PLACES = [YDRE, LINKOPING, NORRKOPING]
POPULATION = {p.code: p.population for p in PLACES}


def nobody() -> tuple[list[Cell], object]:
    """Three municipalities, two areas, no specialist anywhere: six gaps."""
    network = Network.of(PLACES, [], [SpecialistInfo(1, "0580", {}, weekly_hours=8)])
    graph = network_graph(network, [HBV, LVU], DAY)
    return coverage(graph, Service.CONSULTATION), graph


def test_inhabitants_without_coverage_are_counted_once_per_municipality() -> None:
    cells, _ = nobody()
    # the old figure summed over the areas: 2 × 315,700
    assert sum(c.population for c in cells if not c.covered) == 2 * sum(POPULATION.values())
    assert uncovered_people(cells) == sum(POPULATION.values()) == 315_700
    assert uncovered_people(cells, {"0512"}) == 3_700
    assert uncovered_by_area(cells) == [(HBV, 3, 315_700), (LVU, 3, 315_700)]


def test_a_place_is_recommended_once_with_all_its_areas() -> None:
    cells, graph = nobody()
    weights = gap_weights(cells, weights=Weights(0, 0))
    raw = greedy(specialist_candidates(cells, graph), weights, 3)  # type: ignore[arg-type]
    # before: Linköping twice (once per area), then Norrköping
    assert [p.candidate.municipality for p in raw] == ["0580", "0580", "0581"]
    merged = by_site(specialist_candidates(cells, graph))  # type: ignore[arg-type]
    picks = greedy(merged, weights, 3)
    assert [p.candidate.municipality for p in picks] == ["0580", "0581", "0512"]
    assert all(p.candidate.areas == (HBV, LVU) for p in picks)
    assert total(picks) == total(exact(merged, weights, 3)) == 2 * 315_700
    found = steps(picks, POPULATION)
    assert [s.people for s in found] == [167_000, 145_000, 3_700]
    assert [(g.area, g.people) for g in found[0].by_area] == [(HBV, 167_000), (LVU, 167_000)]


def test_weights_of_zero_are_the_inhabitants_alone() -> None:
    cells, _ = nobody()
    busy = {("0512", HBV): Pressure(40, 108.1, 20, 45.0)}
    staff = {"0512": Fragility(2025, 45.0, 45.0)}
    plain = gap_weights(cells, pressure=busy, fragility=staff, weights=Weights(0, 0))
    assert plain[("0512", HBV)] == 3_700
    assert plain[("0580", LVU)] == 167_000


def test_demand_and_fragility_raise_a_gap_and_can_be_switched() -> None:
    cells, _graph = nobody()
    # Ydre: many requests per inhabitant, half unplaced, long waits, fragile staff
    busy = {("0512", HBV): Pressure(40, 108.1, 20, 45.0), ("0580", HBV): Pressure(10, 0.6, 0, 3.0)}
    staff = {"0512": Fragility(2025, 45.0, 45.0), "0580": Fragility(2025, 5.0, 5.0)}
    assert demand_index(busy[("0512", HBV)], 108.1) == pytest.approx((1 + 0.5 + 1) / 3, abs=1e-4)
    assert demand_index(Pressure(None, None, None, None), 10.0) == 0.0
    assert fragility_index(staff["0512"]) == 0.9
    assert fragility_index(Fragility(2025, 80.0, 60.0)) == 1.0
    both = gap_weights(cells, pressure=busy, fragility=staff, weights=Weights(3, 3))
    assert both[("0512", HBV)] == round(3_700 * (1 + 3 * (2.5 / 3) + 3 * 0.9))
    demand_only = gap_weights(cells, pressure=busy, fragility=staff, weights=Weights(1, 0))
    fragility_only = gap_weights(cells, pressure=busy, fragility=staff, weights=Weights(0, 1))
    assert demand_only[("0512", LVU)] == 3_700  # no demand seen in LVU
    assert fragility_only[("0512", LVU)] == round(3_700 * 1.9)
    assert both[("0512", HBV)] > demand_only[("0512", HBV)] > 3_700


def test_reasons_name_reach_demand_wait_and_fragility_without_small_numbers() -> None:
    cells, graph = nobody()
    busy = {
        ("0512", HBV): Pressure(12, 32.4, 6, 21.0),
        ("0512", LVU): Pressure(None, None, None, None),  # 1–4 requests: suppressed
    }
    staff = {"0512": Fragility(2025, 41.0, 38.0)}
    merged = by_site(specialist_candidates(cells, graph, scope={"0512"}))  # type: ignore[arg-type]
    picks = greedy(merged, gap_weights(cells, scope={"0512"}, pressure=busy), 1)
    (step,) = steps(picks, POPULATION, pressure=busy, fragility=staff)
    kinds = {r.kind: r for r in step.reasons}
    assert list(kinds) == ["reach", "demand", "wait", "fragility"]
    assert (kinds["reach"].people, kinds["reach"].count) == (3_700, 1)
    assert (kinds["demand"].count, kinds["demand"].unplaced) == (12, 6)
    assert (kinds["wait"].days, kinds["wait"].area) == (21.0, HBV)
    assert (kinds["fragility"].turnover, kinds["fragility"].year) == (38.0, 2025)
    quiet = steps(picks, POPULATION)
    assert [r.kind for r in quiet[0].reasons] == ["reach", "quiet"]


@pytest.mark.parametrize("value", [-1, 4])
def test_weights_are_bounded(value: int) -> None:
    with pytest.raises(ValueError, match="between 0 and 3"):
        Weights(demand=value)
