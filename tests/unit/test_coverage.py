"""Coverage statuses (one test per rule), supply, county summaries and the graph."""

from __future__ import annotations

from datetime import date

import pytest

from network.graph.build import network_graph
from network.graph.coverage import Cell, Service, Status, county_summaries, coverage
from network.graph.model import Agreement, Network, Place, SpecialistInfo

DAY = date(2026, 11, 23)
JAN = date(2026, 1, 1)
HBV, LVU = "honour_based_violence", "lvu"
AREAS = [HBV, LVU]
YDRE = Place("0512", "05", 57.87, 15.25, 3_700)
LINKOPING = Place("0580", "05", 58.41, 15.62, 167_000)
NORRKOPING = Place("0581", "05", 58.59, 16.18, 145_000)
KIRUNA = Place("2584", "25", 67.85, 20.23, 22_000)
PLACES = [YDRE, LINKOPING, NORRKOPING, KIRUNA]


def specialist(id: int, home: str, *areas: str, hours: float = 10.0) -> SpecialistInfo:
    return SpecialistInfo(id=id, home=home, competences={a: 2 for a in areas}, weekly_hours=hours)


def cells_of(
    *people: SpecialistInfo,
    agreements: tuple[Agreement, ...] = (),
    service: Service = Service.CONSULTATION,
) -> dict[tuple[str, str], Cell]:
    graph = network_graph(Network.of(PLACES, agreements, people), AREAS, DAY)
    return {(c.municipality, c.area): c for c in coverage(graph, service)}


def test_every_municipality_and_area_has_a_cell() -> None:
    cells = cells_of()
    assert set(cells) == {(p.code, a) for p in PLACES for a in AREAS}
    assert {c.status for c in cells.values()} == {Status.NONE}


def test_a_specialist_working_there_covers_locally() -> None:
    cells = cells_of(specialist(1, "0580", HBV))
    cell = cells[("0580", HBV)]
    assert cell.status is Status.LOCAL
    assert cell.local == (1,)
    assert cells[("0580", LVU)].status is Status.NONE


def test_an_agreement_for_the_area_shares() -> None:
    deal = Agreement(7, frozenset({HBV}), JAN, municipalities=frozenset({"0512", "0580"}))
    cells = cells_of(specialist(1, "0580", HBV), agreements=(deal,))
    cell = cells[("0512", HBV)]
    assert cell.status is Status.SHARED
    (provider,) = cell.providers
    assert (provider.municipality, provider.agreements, provider.specialists) == (
        "0580",
        (7,),
        (1,),
    )
    assert 60 < provider.distance_km < 70
    # not the members outside the agreement
    assert cells[("0581", HBV)].status is Status.NONE


def test_an_agreement_for_another_area_does_not_share() -> None:
    deal = Agreement(7, frozenset({LVU}), JAN, municipalities=frozenset({"0512", "0580"}))
    cells = cells_of(specialist(1, "0580", HBV), agreements=(deal,))
    assert cells[("0512", HBV)].status is Status.NONE


def test_an_agreement_not_valid_on_the_day_does_not_share() -> None:
    ended = Agreement(
        7, frozenset({HBV}), JAN, date(2026, 6, 30), municipalities=frozenset({"0512", "0580"})
    )
    future = Agreement(
        8, frozenset({HBV}), date(2027, 1, 1), municipalities=frozenset({"0512", "0580"})
    )
    cells = cells_of(specialist(1, "0580", HBV), agreements=(ended, future))
    assert cells[("0512", HBV)].status is Status.NONE


def test_a_county_wide_agreement_shares_with_every_municipality_of_the_county() -> None:
    deal = Agreement(3, frozenset({HBV}), JAN, counties=frozenset({"05"}))
    cells = cells_of(specialist(1, "0580", HBV), agreements=(deal,))
    assert cells[("0512", HBV)].status is Status.SHARED
    assert cells[("0581", HBV)].status is Status.SHARED
    assert cells[("2584", HBV)].status is Status.NONE


def test_co_handling_needs_an_agreement_that_allows_it() -> None:
    consult_only = Agreement(3, frozenset({HBV}), JAN, counties=frozenset({"05"}))
    co_handling = Agreement(
        4, frozenset({HBV}), JAN, municipalities=frozenset({"0581", "0580"}), co_handling=True
    )
    people = (specialist(1, "0580", HBV),)
    consult = cells_of(*people, agreements=(consult_only, co_handling))
    assert consult[("0512", HBV)].status is Status.SHARED
    handled = cells_of(*people, agreements=(consult_only, co_handling), service=Service.CO_HANDLING)
    assert handled[("0512", HBV)].status is Status.NONE
    assert handled[("0581", HBV)].status is Status.SHARED
    assert handled[("0581", HBV)].agreements == {4}


def test_local_wins_over_shared_and_supply_counts_each_specialist_once() -> None:
    deal = Agreement(3, frozenset({HBV}), JAN, counties=frozenset({"05"}))
    twice = Agreement(4, frozenset({HBV}), JAN, municipalities=frozenset({"0512", "0580"}))
    people = (
        specialist(1, "0580", HBV, hours=10),
        specialist(2, "0581", HBV, LVU, hours=7.5),
        specialist(3, "0512", LVU, hours=4),
    )
    cells = cells_of(*people, agreements=(deal, twice))
    ydre = cells[("0512", HBV)]
    assert ydre.status is Status.SHARED
    # nearest provider first; Linköping is reachable through both agreements
    assert [p.municipality for p in ydre.providers] == ["0580", "0581"]
    assert ydre.providers[0].agreements == (3, 4)
    assert ydre.supply_hours == 17.5
    assert cells[("0512", LVU)].status is Status.LOCAL
    assert cells[("0512", LVU)].supply_hours == 4
    assert cells[("0580", HBV)].supply_hours == 17.5


def test_county_summaries_count_municipalities_and_population() -> None:
    deal = Agreement(3, frozenset({HBV}), JAN, municipalities=frozenset({"0512", "0580"}))
    graph = network_graph(Network.of(PLACES, (deal,), (specialist(1, "0580", HBV),)), AREAS, DAY)
    summaries = {(s.county, s.area): s for s in county_summaries(coverage(graph))}
    ostergotland = summaries[("05", HBV)]
    assert (ostergotland.municipalities, ostergotland.local, ostergotland.shared) == (3, 1, 1)
    assert ostergotland.covered_population == 167_000 + 3_700
    assert ostergotland.population == 167_000 + 3_700 + 145_000
    assert ostergotland.covered_share == pytest.approx(2 / 3, abs=0.001)
    assert summaries[("25", HBV)].covered == 0
    assert summaries[("25", HBV)].population_share == 0.0


def test_the_graph_has_the_nodes_and_edges_the_design_names() -> None:
    deal = Agreement(3, frozenset({HBV}), JAN, counties=frozenset({"05"}))
    graph = network_graph(Network.of(PLACES, (deal,), (specialist(1, "0580", HBV),)), AREAS, DAY)
    assert graph.nodes[("s", 1)]["kind"] == "specialist"
    assert graph.edges[("s", 1), ("m", "0580")]["kind"] == "works_in"
    assert graph.edges[("s", 1), ("a", HBV)]["level"] == 2
    shares = graph.edges[("m", "0512"), ("m", "0581")]
    assert shares["kind"] == "shares"
    assert shares["agreements"] == {3: (frozenset({HBV}), False)}
    assert not graph.has_edge(("m", "0512"), ("m", "2584"))
