"""Eligibility (one test per rule), the named score parts, and suggestions."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from network.graph.matching import Ineligible, Weights, eligibility, score, suggest
from network.graph.model import Agreement, Network, Place, RequestInfo, SpecialistInfo

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
# Östergötland: Ydre (no local specialist), Linköping, Norrköping; Kiruna far north.
YDRE = Place("0512", "05", 57.87, 15.25, 3_700)
LINKOPING = Place("0580", "05", 58.41, 15.62, 167_000)
NORRKOPING = Place("0581", "05", 58.59, 16.18, 145_000)
KIRUNA = Place("2584", "25", 67.85, 20.23, 22_000)
HBV = "honour_based_violence"
JAN = date(2026, 1, 1)
COUNTY = frozenset({"05"})
COUNTY_DEAL = Agreement(1, frozenset({HBV}), JAN, counties=COUNTY)


def specialist(id: int = 1, home: str = "0580", **changes: object) -> SpecialistInfo:
    options: dict[str, object] = {
        "competences": {HBV: 3},
        "languages": frozenset({"sv", "ar"}),
        "modes": frozenset({"phone", "video", "on_site"}),
        "max_travel_km": 100,
        "capacity": 4,
        "used": 1,
        "next_free": NOW + timedelta(hours=20),
    }
    options.update(changes)
    return SpecialistInfo(id=id, home=home, **options)  # type: ignore[arg-type]


def network(*people: SpecialistInfo, agreements: tuple[Agreement, ...] = (COUNTY_DEAL,)) -> Network:
    return Network.of([YDRE, LINKOPING, NORRKOPING, KIRUNA], agreements, people)


def request(**changes: object) -> RequestInfo:
    options: dict[str, object] = {"area": HBV, "origin": "0512", "urgency": "acute"}
    options.update(changes)
    return RequestInfo(id=10, **options)  # type: ignore[arg-type]


def test_eligible_through_a_county_agreement() -> None:
    s = specialist()
    assert eligibility(request(), s, network(s), now=NOW) is None


def test_own_municipality_needs_no_agreement() -> None:
    s = specialist(home="0512")
    assert eligibility(request(), s, network(s, agreements=()), now=NOW) is None


@pytest.mark.parametrize(
    ("who", "what", "agreements", "expected"),
    [
        ({"competences": {"lvu_investigation": 3}}, {}, None, Ineligible.NOT_COMPETENT),
        ({"home": "2584"}, {}, None, Ineligible.MAY_NOT_SERVE),  # no agreement reaches Kiruna
        ({}, {}, (), Ineligible.MAY_NOT_SERVE),  # no agreement at all
        (
            {},
            {},
            (
                Agreement(
                    2,
                    frozenset({"lvu_investigation"}),
                    date(2026, 1, 1),
                    counties=frozenset({"05"}),
                ),
            ),
            Ineligible.MAY_NOT_SERVE,  # the agreement does not cover the area
        ),
        (
            {},
            {},
            (
                Agreement(
                    3,
                    frozenset({HBV}),
                    date(2025, 1, 1),
                    date(2025, 12, 31),
                    counties=frozenset({"05"}),
                ),
            ),
            Ineligible.MAY_NOT_SERVE,  # the agreement has ended
        ),
        ({"absent": True}, {}, None, Ineligible.ABSENT),
        ({"accepts_new": False}, {}, None, Ineligible.NOT_ACCEPTING),
        ({"used": 4}, {}, None, Ineligible.NO_CAPACITY),
        ({"modes": frozenset({"phone"})}, {"mode": "video"}, None, Ineligible.MODE_NOT_OFFERED),
        ({"max_travel_km": 20}, {"mode": "on_site"}, None, Ineligible.TOO_FAR),
        ({}, {"named_specialist": 2}, None, Ineligible.NOT_NAMED),
    ],
)
def test_each_rule_names_itself(
    who: dict[str, object],
    what: dict[str, object],
    agreements: tuple[Agreement, ...] | None,
    expected: Ineligible,
) -> None:
    s = specialist(**who)
    net = network(s) if agreements is None else network(s, agreements=agreements)
    assert eligibility(request(**what), s, net, now=NOW) is expected


def test_written_requests_need_no_mode_or_slot() -> None:
    s = specialist(modes=frozenset(), next_free=None)
    written = request(kind="written", mode="written")
    assert eligibility(written, s, network(s), now=NOW) is None
    assert score(written, s, network(s), now=NOW).timeliness == Weights().timeliness


def test_score_parts() -> None:
    s = specialist()
    parts = score(request(language="ar"), s, network(s), now=NOW)
    assert parts.base == 1000
    assert parts.level == 300
    assert 40 <= parts.distance < 50  # Linköping–Ydre is about 60 km; remote meeting
    assert parts.timeliness == 200  # a slot within the acute 24 hours
    assert parts.language == 100
    assert parts.load == 75  # 1 of 4 used
    assert parts.no_local == 150  # Ydre has no local specialist in the area
    assert parts.total == sum(v for k, v in parts.as_dict().items() if k != "total")
    late = specialist(next_free=NOW + timedelta(hours=48))
    assert score(request(), late, network(late), now=NOW).timeliness == 100  # 24 h of 48 h
    local = specialist(home="0512")
    assert score(request(), local, network(local), now=NOW).no_local == 0


def test_suggestions_best_first_with_stable_ties() -> None:
    expert = specialist(id=3)
    novice = specialist(id=1, competences={HBV: 1})
    twin = specialist(id=2)  # same as the expert: the lower id ranks first
    away = specialist(id=4, absent=True)
    far = specialist(id=5, home="2584")
    net = network(expert, novice, twin, away, far)
    found = suggest(request(), net, now=NOW, k=5)
    assert [s.specialist for s in found] == [2, 3, 1]
    assert [s.rank for s in found] == [1, 2, 3]
    assert found[0].breakdown.total > found[2].breakdown.total
    assert suggest(request(), net, now=NOW, k=1)[0].specialist == 2
    assert suggest(request(named_specialist=1), net, now=NOW)[0].specialist == 1
