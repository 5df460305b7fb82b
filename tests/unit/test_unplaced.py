"""Why a round left a request unplaced: one test per cause, each at its boundary."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from network.graph.model import Agreement, Network, Place, RequestInfo, SpecialistInfo
from network.graph.unplaced import Cause, Why, explain_unplaced

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
YDRE = Place("0512", "05", 57.87, 15.25, 3_700)
LINKOPING = Place("0580", "05", 58.41, 15.62, 167_000)
NORRKOPING = Place("0581", "05", 58.59, 16.18, 145_000)
KIRUNA = Place("2584", "25", 67.85, 20.23, 22_000)
HBV = "honour_based_violence"
COUNTY_DEAL = Agreement(1, frozenset({HBV}), date(2026, 1, 1), counties=frozenset({"05"}))


def specialist(id: int = 1, home: str = "0580", **changes: object) -> SpecialistInfo:
    options: dict[str, object] = {
        "competences": {HBV: 3},
        "modes": frozenset({"phone", "video"}),
        "capacity": 4,
        "used": 1,
        "next_free": NOW + timedelta(days=2),
    }
    options.update(changes)
    return SpecialistInfo(id=id, home=home, **options)  # type: ignore[arg-type]


def network(*people: SpecialistInfo, agreements: tuple[Agreement, ...] = (COUNTY_DEAL,)) -> Network:
    return Network.of([YDRE, LINKOPING, NORRKOPING, KIRUNA], agreements, people)


def request(**changes: object) -> RequestInfo:
    options: dict[str, object] = {"area": HBV, "origin": "0512", "urgency": "planned"}
    options.update(changes)
    return RequestInfo(id=10, **options)  # type: ignore[arg-type]


def why(
    wanted: RequestInfo, net: Network, homes: dict[str, set[str]] | None = None, **options: object
) -> Why:
    area_homes = {HBV: {"0580"}} if homes is None else homes
    found = explain_unplaced([wanted], net, now=NOW, area_homes=area_homes, **options)  # type: ignore[arg-type]
    return found[wanted.id]


def test_nobody_in_the_country_has_the_area() -> None:
    assert why(request(), network(), homes={}) == Why(Cause.NO_SPECIALIST_IN_AREA)


def test_a_specialist_elsewhere_and_no_agreement_names_the_nearest_partner() -> None:
    # Specialists in Kiruna and Norrköping, none reaching Ydre: the nearer is named.
    far = specialist(1, home="2584")
    near = specialist(2, home="0581")
    found = why(request(), network(far, near, agreements=()), homes={HBV: {"2584", "0581"}})
    assert found == Why(Cause.NO_AGREEMENT, partner="0581")


def test_everyone_who_may_serve_is_away_or_full() -> None:
    away = specialist(1, absent=True)
    full = specialist(2, used=4)
    wanted = request(latest_date=date(2026, 12, 1))
    assert why(wanted, network(away, full)) == Why(Cause.NO_FREE_TIME, deadline=date(2026, 12, 1))
    # One of them free again: no longer the cause.
    assert why(wanted, network(away, specialist(2))).cause is not Cause.NO_FREE_TIME


def test_no_one_offers_the_meeting_form() -> None:
    assert why(request(mode="on_site"), network(specialist())) == Why(Cause.MODE_NOT_OFFERED)


def test_free_time_only_after_the_latest_date() -> None:
    s = specialist(next_free=datetime(2026, 12, 2, 9, 0, tzinfo=UTC))
    on_the_day = request(latest_date=date(2026, 12, 2))
    before = request(latest_date=date(2026, 12, 1))
    assert why(before, network(s)) == Why(
        Cause.NO_TIME_BEFORE_DEADLINE, deadline=before.latest_date
    )
    assert why(on_the_day, network(s)) == Why(Cause.ALL_CANDIDATES_FULL)
    # The round's own next free times win over the loaded ones.
    later = {1: datetime(2026, 12, 5, tzinfo=UTC)}
    assert why(on_the_day, network(s), next_free=later).cause is Cause.NO_TIME_BEFORE_DEADLINE
    # Written consultations need no meeting time.
    assert why(
        request(kind="written", mode="written", latest_date=date(2026, 11, 24)), network(s)
    ).cause is (Cause.ALL_CANDIDATES_FULL)


def test_everyone_who_could_take_it_declined() -> None:
    one, two = specialist(1), specialist(2)
    assert why(request(), network(one, two), turned_down={10: {1, 2}}) == Why(Cause.DECLINED_BY_ALL)
    assert why(request(), network(one, two), turned_down={10: {1}}) == Why(
        Cause.ALL_CANDIDATES_FULL
    )


def test_a_named_specialist_who_cannot_take_it() -> None:
    named = specialist(1, absent=True)
    other = specialist(2)
    found = why(request(named_specialist=1), network(named, other))
    assert found == Why(Cause.NAMED_UNAVAILABLE)


def test_alike_requests_are_explained_once_and_at_most_the_limit() -> None:
    alike = [RequestInfo(id=i, area=HBV, origin="0512") for i in range(1, 6)]
    found = explain_unplaced(alike, network(), now=NOW, area_homes={}, limit=3)
    assert sorted(found) == [1, 2, 3]
    assert {w.cause for w in found.values()} == {Cause.NO_SPECIALIST_IN_AREA}
