"""The phases of a co-handling engagement (pure), and co-handling matching: only
agreements that allow co-handling let a specialist of another municipality serve."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from network.engagements.lifecycle import NOT_NEXT, check_phase, next_phases
from network.graph.fastmatch import prepare, suggest_fast
from network.graph.matching import Ineligible, eligibility, suggest
from network.graph.model import Agreement, Network, Place, RequestInfo, SpecialistInfo
from network.lib.errors import Conflict
from network.lib.vocab import EngagementPhase as P


def test_one_phase_at_a_time_forwards() -> None:
    assert next_phases("investigation_opened") == [P.RISK_ASSESSMENT]
    assert next_phases("risk_assessment") == [P.PARENT_COMMUNICATION, P.DECISION]
    assert next_phases("decision") == [P.CLOSED]
    assert next_phases("closed") == []
    check_phase("risk_assessment", P.DECISION)  # communication with the parents may be skipped
    with pytest.raises(Conflict) as skipped:
        check_phase("investigation_opened", P.DECISION)
    assert (skipped.value.field, skipped.value.message) == ("phase", NOT_NEXT)
    assert skipped.value.extra["allowed"] == ["risk_assessment"]
    with pytest.raises(Conflict):
        check_phase("decision", P.RISK_ASSESSMENT)  # never backwards
    with pytest.raises(Conflict, match="closed"):
        check_phase("closed", P.RISK_ASSESSMENT)


LVU = "lvu_investigation"
NOW = datetime(2026, 12, 3, 9, tzinfo=UTC)
PLACES = (
    Place("2034", "20", 61.12, 14.62),  # Orsa
    Place("2062", "20", 61.00, 14.54),  # Mora
    Place("2031", "20", 60.88, 15.11),  # Rättvik
)
PEOPLE = (
    SpecialistInfo(1, "2062", {LVU: 2}, next_free=NOW),
    SpecialistInfo(2, "2031", {LVU: 3}, next_free=NOW),
)
AGREEMENTS = (
    Agreement(10, frozenset({LVU}), date(2026, 1, 1), municipalities=frozenset({"2034", "2031"})),
    Agreement(
        11,
        frozenset({LVU}),
        date(2026, 1, 1),
        municipalities=frozenset({"2034", "2062"}),
        co_handling=True,
    ),
)


@pytest.mark.parametrize(("kind", "expected"), [("meeting", {1, 2}), ("co_handling", {1})])
def test_co_handling_only_under_agreements_that_allow_it(kind: str, expected: set[int]) -> None:
    network = Network.of(PLACES, AGREEMENTS, PEOPLE)
    request = RequestInfo(id=1, area=LVU, origin="2034", kind=kind)
    reference = {s.specialist for s in suggest(request, network, now=NOW)}
    fast = {s.specialist for s in suggest_fast(request, prepare(network, NOW.date()), now=NOW)}
    assert reference == fast == expected
    if kind == "co_handling":
        assert (
            eligibility(request, network.specialists[2], network, now=NOW)
            is Ineligible.MAY_NOT_SERVE
        )
        assert network.sharing_agreement("2062", "2034", LVU, NOW.date(), co_handling=True)
        assert not network.sharing_agreement("2031", "2034", LVU, NOW.date(), co_handling=True)
