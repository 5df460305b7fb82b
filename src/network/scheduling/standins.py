"""Who receives a new offer meant for a specialist who may be away.

A specialist who is absent can name a stand-in for the period; new offers go to
the stand-in instead. The stand-in may be away too and have named their own, so
the rule follows the chain; a chain that ends with someone away without a
stand-in, or that loops back, has nobody to receive the offer.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

__all__ = ("Away", "offer_recipient")


@dataclass(frozen=True, slots=True)
class Away:
    """An absence [start, end) with the stand-in it names, if any (aware datetimes)."""

    start: datetime
    end: datetime
    stand_in: int | None = None


def offer_recipient(
    specialist_id: int, absences: Mapping[int, Sequence[Away]], at: datetime
) -> int | None:
    """The specialist who should receive an offer for ``specialist_id`` at ``at``:
    themself when present, else their stand-in (followed along the chain); ``None``
    when nobody in the chain is present."""
    if at.tzinfo is None:
        raise ValueError("at must carry a time zone")
    seen: set[int] = set()
    current = specialist_id
    while current not in seen:
        seen.add(current)
        away = next(
            (a for a in absences.get(current, ()) if a.start <= at < a.end),
            None,
        )
        if away is None:
            return current
        if away.stand_in is None:
            return None
        current = away.stand_in
    return None
