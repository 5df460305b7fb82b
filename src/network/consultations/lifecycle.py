"""The consultation request's states and the transitions between them (pure).

    draft → open → offered → accepted → booked → completed
                      ↓          ↓ (written: accepted → completed)
                   declined → offered again (or the round places it)
    any live state → cancelled (by the requester's side)
    open / offered / declined → expired (the latest useful date passed)

An offer that is declined leaves the request ``declined`` until it is offered to
someone else; an offer that expires unanswered puts it back to ``open``. A
cancelled booking puts a ``booked`` request back to ``accepted``.
"""

from __future__ import annotations

from network.lib.errors import Conflict
from network.lib.vocab import ConsultationStatus as S

__all__ = ("FINAL", "PLACEABLE", "TRANSITIONS", "check_transition")

TRANSITIONS: dict[S, frozenset[S]] = {
    S.DRAFT: frozenset({S.OPEN, S.CANCELLED}),
    S.OPEN: frozenset({S.OFFERED, S.CANCELLED, S.EXPIRED}),
    S.OFFERED: frozenset({S.ACCEPTED, S.DECLINED, S.OPEN, S.CANCELLED, S.EXPIRED}),
    S.DECLINED: frozenset({S.OFFERED, S.OPEN, S.CANCELLED, S.EXPIRED}),
    S.ACCEPTED: frozenset({S.BOOKED, S.COMPLETED, S.CANCELLED}),
    S.BOOKED: frozenset({S.ACCEPTED, S.COMPLETED, S.CANCELLED}),
    S.COMPLETED: frozenset(),
    S.CANCELLED: frozenset(),
    S.EXPIRED: frozenset(),
}

FINAL = frozenset(status for status, onward in TRANSITIONS.items() if not onward)
# Requests that wait for a specialist: suggestions, offers and batch rounds place them.
PLACEABLE = frozenset({S.OPEN, S.DECLINED})


def check_transition(current: str, new: S) -> None:
    """Raise :class:`Conflict` naming ``status`` unless ``current`` → ``new`` is allowed."""
    allowed = TRANSITIONS.get(S(current), frozenset())
    if new not in allowed:
        raise Conflict(f"a {current} request cannot become {new.value}", field="status")
