"""The phases of a co-handling engagement and the moves between them (pure).

    investigation opened → risk assessment → communication with the parents
                                  ↓                       ↓
                                  └──────→ decision or application to the
                                           administrative court → closed

One phase at a time, forwards only; communication with the parents may be skipped
(an investigation that ends without a proposal of care). ``closed`` is reached only
by the close-out with its survey (:func:`network.engagements.services.close`).
"""

from __future__ import annotations

from network.lib.errors import Conflict
from network.lib.vocab import EngagementPhase as P

__all__ = ("CLOSED", "NOT_NEXT", "ORDER", "TRANSITIONS", "check_phase", "next_phases")

CLOSED = "the engagement is closed"
NOT_NEXT = "the engagement cannot move to that phase now: one phase at a time, forwards"

ORDER: tuple[P, ...] = tuple(P)
TRANSITIONS: dict[P, frozenset[P]] = {
    P.INVESTIGATION_OPENED: frozenset({P.RISK_ASSESSMENT}),
    P.RISK_ASSESSMENT: frozenset({P.PARENT_COMMUNICATION, P.DECISION}),
    P.PARENT_COMMUNICATION: frozenset({P.DECISION}),
    P.DECISION: frozenset({P.CLOSED}),
    P.CLOSED: frozenset(),
}


def next_phases(current: str) -> list[P]:
    """The phases ``current`` may move to, in order (``closed`` included)."""
    allowed = TRANSITIONS.get(P(current), frozenset())
    return [phase for phase in ORDER if phase in allowed]


def check_phase(current: str, new: P) -> None:
    """Raise :class:`Conflict` naming ``phase`` unless ``current`` → ``new`` is allowed."""
    if new not in TRANSITIONS.get(P(current), frozenset()):
        if P(current) is P.CLOSED:
            raise Conflict(CLOSED, field="phase")
        raise Conflict(
            NOT_NEXT,
            field="phase",
            current=current,
            allowed=[p.value for p in next_phases(current)],
        )
