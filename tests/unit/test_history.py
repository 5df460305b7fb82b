"""Supply over time from the monthly snapshots: the rows of a month's cells, and the
monthly points summed over municipalities and areas."""

from __future__ import annotations

from datetime import date

import pytest

from network.graph.build import network_graph
from network.graph.coverage import Status, coverage
from network.graph.history import SnapshotFact, facts_of, supply_by_month
from network.graph.model import Agreement, Network, Place, SpecialistInfo

HBV, LVU = "honour_based_violence", "lvu"
YDRE = Place("0512", "05", 57.87, 15.25, 3_700)
LINKOPING = Place("0580", "05", 58.41, 15.62, 167_000)


def fact(
    month: str, municipality: str, area: str, status: Status, **figures: float
) -> SnapshotFact:
    place = {p.code: p for p in (YDRE, LINKOPING)}[municipality]
    return SnapshotFact(
        month=month,
        municipality=municipality,
        county="05",
        area=area,
        status=status,
        population=place.population,
        local_specialists=int(figures.get("specialists", 0)),
        local_hours=figures.get("hours", 0.0),
        reachable_hours=figures.get("reachable", 0.0),
    )


def test_rows_of_a_month_hold_local_and_reachable_hours() -> None:
    people = [
        SpecialistInfo(id=1, home="0580", competences={HBV: 3}, weekly_hours=12.5),
        SpecialistInfo(id=2, home="0580", competences={HBV: 1, LVU: 2}, weekly_hours=8.0),
    ]
    deal = Agreement(
        id=7,
        areas=frozenset({HBV}),
        valid_from=date(2026, 1, 1),
        valid_to=None,
        municipalities=frozenset({"0512", "0580"}),
    )
    network = Network.of([YDRE, LINKOPING], (deal,), people)
    cells = coverage(network_graph(network, [HBV, LVU], date(2026, 11, 30)))
    rows = {(r.municipality, r.area): r for r in facts_of("2026-11", cells, {1: 12.5, 2: 8.0})}
    assert rows["0580", HBV].status is Status.LOCAL
    assert rows["0580", HBV].local_specialists == 2
    assert rows["0580", HBV].local_hours == 20.5
    assert rows["0512", HBV].status is Status.SHARED
    assert rows["0512", HBV].local_hours == 0.0
    assert rows["0512", HBV].reachable_hours == 20.5  # through the agreement
    assert rows["0512", LVU].status is Status.NONE  # the agreement does not cover LVU
    assert rows["0580", LVU].local_hours == 8.0
    assert {r.month for r in rows.values()} == {"2026-11"}


def test_monthly_points_weigh_by_inhabitants_and_leave_missing_months_empty() -> None:
    facts = [
        # October: Linköping covered in one area of two, Ydre in none
        fact("2026-10", "0580", HBV, Status.LOCAL, specialists=1, hours=10),
        fact("2026-10", "0580", LVU, Status.NONE),
        fact("2026-10", "0512", HBV, Status.NONE),
        fact("2026-10", "0512", LVU, Status.NONE),
        # December: an agreement covers Ydre in HBV; a second specialist in LVU
        fact("2026-12", "0580", HBV, Status.LOCAL, specialists=1, hours=10),
        fact("2026-12", "0580", LVU, Status.LOCAL, specialists=1, hours=6.5),
        fact("2026-12", "0512", HBV, Status.SHARED),
        fact("2026-12", "0512", LVU, Status.NONE),
    ]
    october, november, december = supply_by_month(facts, ["2026-10", "2026-11", "2026-12"])
    total = 2 * (167_000 + 3_700)
    assert october is not None
    assert december is not None
    assert october.covered_share == pytest.approx(167_000 / total, abs=1e-4)
    assert october.local_specialists == 1
    assert october.local_hours == 10
    assert november is None  # no snapshot that month
    assert december.covered_share == pytest.approx((2 * 167_000 + 3_700) / total, abs=1e-4)
    assert december.local_specialists == 2
    assert december.local_hours == 16.5
    # one area only: the share of that area's inhabitants
    (hbv,) = supply_by_month([f for f in facts if f.area == HBV], ["2026-12"])
    assert hbv is not None
    assert hbv.covered_share == 1.0
