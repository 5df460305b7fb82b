"""Case-conference series in coverage (a separate, weaker source that never changes a
status or the supply), in where to act (a reached gap weighs half), and attendance per
municipality with small counts suppressed against differencing."""

from __future__ import annotations

import itertools
import random
from datetime import date

from network.graph.attendance import AttendanceRow, Seat, attendance
from network.graph.build import network_graph
from network.graph.coverage import (
    Cell,
    Conference,
    Reach,
    Service,
    Status,
    county_summaries,
    coverage,
)
from network.graph.model import Agreement, Network, Place, SpecialistInfo
from network.graph.placement import CONFERENCE_FACTOR, gap_weights
from network.privacy.small_numbers import MIN_GROUP

DAY = date(2026, 11, 23)
JAN = date(2026, 1, 1)
HBV, LVU = "honour_based_violence", "lvu"
YDRE = Place("0512", "05", 57.87, 15.25, 3_700)
KINDA = Place("0513", "05", 57.98, 15.63, 9_900)
LINKOPING = Place("0580", "05", 58.41, 15.62, 167_000)
HUB = SpecialistInfo(id=1, home="0580", competences={HBV: 3}, weekly_hours=20.0)
SERIES = Conference(
    series=9,
    area=HBV,
    hub=1,
    hub_municipality="0580",
    municipalities=("0512", "0513"),
    weekly_hours=0.35,
)


def cells_of(
    *conferences: Conference,
    agreements: tuple[Agreement, ...] = (),
    service: Service = Service.CONSULTATION,
) -> dict[tuple[str, str], Cell]:
    graph = network_graph(Network.of([YDRE, KINDA, LINKOPING], agreements, [HUB]), [HBV, LVU], DAY)
    return {(c.municipality, c.area): c for c in coverage(graph, service, conferences)}


def test_a_conference_reaches_without_covering() -> None:
    cells = cells_of(SERIES)
    ydre = cells[("0512", HBV)]
    assert ydre.status is Status.NONE  # the status keeps its meaning
    assert not ydre.covered
    assert ydre.reach is Reach.CONFERENCE
    assert ydre.conferences == (SERIES,)
    # not counted as a specialist, nor in the supply hours
    assert ydre.specialists == frozenset()
    assert ydre.supply_hours == 0.0
    # only the series' area, only the municipalities it serves
    assert cells[("0512", LVU)].reach is Reach.NONE
    assert cells[("0580", HBV)].reach is Reach.LOCAL
    assert cells[("0580", HBV)].conferences == ()


def test_an_agreement_keeps_its_status_and_the_conference_is_listed_beside_it() -> None:
    deal = Agreement(7, frozenset({HBV}), JAN, municipalities=frozenset({"0512", "0580"}))
    cells = cells_of(SERIES, agreements=(deal,))
    ydre = cells[("0512", HBV)]
    assert ydre.status is Status.SHARED
    assert ydre.reach is Reach.SHARED
    assert ydre.specialists == frozenset({1})  # the hub once, through the agreement
    assert ydre.supply_hours == 20.0
    assert ydre.conferences == (SERIES,)
    assert cells[("0513", HBV)].reach is Reach.CONFERENCE


def test_a_conference_does_not_co_handle() -> None:
    cells = cells_of(SERIES, service=Service.CO_HANDLING)
    assert cells[("0512", HBV)].reach is Reach.NONE
    assert cells[("0512", HBV)].conferences == ()


def test_county_summaries_count_the_conference_only_municipalities_apart() -> None:
    deal = Agreement(7, frozenset({HBV}), JAN, municipalities=frozenset({"0512", "0580"}))
    (summary,) = [
        s for s in county_summaries(cells_of(SERIES, agreements=(deal,)).values()) if s.area == HBV
    ]
    assert (summary.local, summary.shared, summary.conference_only) == (1, 1, 1)
    assert summary.covered == 2  # the conference does not count as covered
    assert summary.covered_population == LINKOPING.population + YDRE.population


def test_where_to_act_weighs_a_gap_a_conference_reaches_at_half() -> None:
    plain = gap_weights(cells_of().values(), weights=None)
    reached = gap_weights(cells_of(SERIES).values(), weights=None)
    assert plain[("0512", HBV)] == YDRE.population
    assert reached[("0512", HBV)] == round(YDRE.population * CONFERENCE_FACTOR)
    assert reached[("0512", LVU)] == plain[("0512", LVU)]  # another area: untouched
    assert ("0580", HBV) not in reached  # covered: no gap


# --- attendance ---------------------------------------------------------------------


def seats(series: int, municipality: str, taken: int, came: int) -> list[Seat]:
    return [Seat(series, municipality, i < came) for i in range(taken)]


def hidden_values(rows: tuple[AttendanceRow, ...], field: str) -> list[int | None]:
    return [getattr(r, field) for r in rows]


def test_small_counts_are_hidden_and_zero_is_shown() -> None:
    facts = seats(1, "0512", 12, 10) + seats(1, "0513", 7, 6) + seats(1, "0580", 3, 3)
    (found,) = attendance(facts, {1: 4}, {1: ["0512", "0513", "0580", "0561"]})
    rows = {r.municipality: r for r in found.rows}
    assert found.sessions == 4
    assert rows["0580"].seats is None
    assert rows["0580"].attended is None
    assert rows["0561"].seats == 0
    assert rows["0561"].attended == 0
    assert rows["0580"].suppressed
    assert not rows["0561"].suppressed
    # one small cell hidden alone would come back as the total less the others
    hidden = [r for r in found.rows if r.seats is None]
    assert len(hidden) >= 2
    assert (
        found.total.seats is None
        or found.total.seats - sum(r.seats or 0 for r in found.rows) >= MIN_GROUP
    )


def test_seats_outside_the_places_given_are_left_out() -> None:
    facts = seats(1, "0512", 6, 6) + seats(1, "2584", 9, 9)
    (found,) = attendance(facts, {1: 1}, {1: ["0512"]})
    assert found.total.seats == 6


def _recoverable(values: dict[str, int], shown: dict[str, int | None], total: int | None) -> bool:
    """Whether some hidden non-zero count can be told from what is shown: the total
    less the shown cells leaves one hidden non-zero cell, or a small sum."""
    hidden = {k: v for k, v in values.items() if shown[k] is None}
    if total is None:
        return False
    rest = total - sum(v for v in shown.values() if v is not None)
    nonzero = [v for v in hidden.values() if v > 0]
    return len(nonzero) == 1 or 0 < rest < MIN_GROUP


def test_no_hidden_count_can_be_derived_from_the_totals() -> None:
    rng = random.Random(23)
    codes = ["0512", "0513", "0561", "0580", "0583"]
    for _ in range(500):
        taken = {c: rng.choice([0, 1, 2, 3, 4, 5, 6, 9, 14]) for c in codes}
        came = {c: rng.randint(0, taken[c]) for c in codes}
        facts = list(itertools.chain.from_iterable(seats(1, c, taken[c], came[c]) for c in codes))
        (found,) = attendance(facts, {1: 3}, {1: codes})
        rows = {r.municipality: r for r in found.rows if r.municipality}
        for field, values, total in (
            ("seats", taken, found.total.seats),
            ("attended", came, found.total.attended),
        ):
            shown = {c: getattr(rows[c], field) for c in codes}
            for code, value in shown.items():
                assert value is None or value == values[code]
                assert value is None or not 0 < value < MIN_GROUP
            assert total is None or total == sum(values.values())
            assert not _recoverable(values, shown, total), (field, taken, came)
        for row in rows.values():
            if row.seats is None:
                assert row.attended is None  # nothing from a hidden count
