"""Why a batch round left a request unplaced, in terms of what would help.

The solver only knows "no eligible specialist" or "their capacity is used up"
(:func:`network.graph.assignment.solve`). A coordinator needs to know what to do
about it, so each unplaced request is explained by the furthest any specialist in
its area got through the eligibility rules (:func:`network.graph.matching.eligibility`):

=========================  ==================================================
cause                      what would help
=========================  ==================================================
``no_specialist_in_area``  a specialist in the area (nobody in the network has it)
``no_agreement``           an agreement with a municipality that has one
                           (``partner``: the nearest such municipality)
``no_free_time``           capacity: everyone who may serve it is away, full or
                           not taking new requests (``deadline``: its latest date)
``mode_not_offered``       another meeting form: nobody who may serve it offers
                           the mode asked for (or travels that far)
``no_time_before_deadline`` a later date or more hours: nobody who could take it
                           has a free time before ``deadline``
``declined_by_all``        more specialists: everyone who could take it declined
``all_candidates_full``    more capacity or the next round: the candidates were
                           given other requests of the round
``named_unavailable``      asking without naming: the named specialist cannot
=========================  ==================================================

Pure: requests, the network, the round's next free times and refusals in; causes out.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from network.graph.matching import Ineligible, eligibility
from network.graph.model import Network, RequestInfo, SpecialistInfo

__all__ = ("MAX_EXPLAINED", "Cause", "Why", "explain_unplaced")

MAX_EXPLAINED = 5_000  # unplaced requests explained in one round; the rest keep the bare reason


class Cause(StrEnum):
    NO_SPECIALIST_IN_AREA = "no_specialist_in_area"
    NO_AGREEMENT = "no_agreement"
    NO_FREE_TIME = "no_free_time"
    MODE_NOT_OFFERED = "mode_not_offered"
    NO_TIME_BEFORE_DEADLINE = "no_time_before_deadline"
    DECLINED_BY_ALL = "declined_by_all"
    ALL_CANDIDATES_FULL = "all_candidates_full"
    NAMED_UNAVAILABLE = "named_unavailable"


@dataclass(frozen=True, slots=True)
class Why:
    """One unplaced request's cause; ``partner`` (a municipality code) and
    ``deadline`` when the cause names them."""

    cause: Cause
    partner: str | None = None
    deadline: date | None = None

    def as_dict(self) -> dict[str, str | None]:
        return {
            "cause": self.cause.value,
            "partner": self.partner,
            "deadline": self.deadline.isoformat() if self.deadline else None,
        }


# How far a specialist got through the rules: the furthest over the area's
# specialists says what is missing.
_STAGE = {
    Ineligible.MAY_NOT_SERVE: 1,
    Ineligible.ABSENT: 2,
    Ineligible.NOT_ACCEPTING: 2,
    Ineligible.NO_CAPACITY: 2,
    Ineligible.MODE_NOT_OFFERED: 3,
    Ineligible.TOO_FAR: 3,
}
_ELIGIBLE = 4


def _nearest(network: Network, origin: str, homes: Collection[str]) -> str | None:
    others = [h for h in homes if h != origin and h in network.places]
    if origin not in network.places or not others:
        return None
    return min(others, key=lambda h: (network.distance(origin, h), h))


def _explain(
    request: RequestInfo,
    candidates: Mapping[str, list[SpecialistInfo]],
    network: Network,
    *,
    now: datetime,
    next_free: Mapping[int, datetime | None],
    refused: Collection[int],
    area_homes: Collection[str],
) -> Why:
    """``candidates``: the area's specialists by home municipality."""
    deadline = request.latest_date
    needs_time = request.kind == "meeting" and deadline is not None
    # Only specialists at home where an agreement on the area reaches the origin (or
    # at the origin itself) may serve it; any other of the area's gets no further.
    reach = network.homes_serving([(request.area, request.origin)])
    stage = 1 if any(home not in reach for home in candidates) else 0
    eligible: list[SpecialistInfo] = []
    for home in sorted(reach & candidates.keys()):
        for specialist in candidates[home]:
            if request.named_specialist not in (None, specialist.id):
                continue
            rule = eligibility(request, specialist, network, now=now)
            if rule is None:
                stage = _ELIGIBLE
                eligible.append(specialist)
                free = next_free.get(specialist.id, specialist.next_free)
                in_time = not needs_time or (
                    free is not None and deadline is not None and free.date() <= deadline
                )
                if specialist.id not in refused and in_time:
                    # A willing candidate in time: the round gave them other requests.
                    return Why(Cause.ALL_CANDIDATES_FULL)
            elif rule in _STAGE:
                stage = max(stage, _STAGE[rule])
    if request.named_specialist is not None and not eligible:
        return Why(Cause.NAMED_UNAVAILABLE)
    if stage == _ELIGIBLE:
        # No willing candidate in time (else the loop had answered).
        if all(s.id in refused for s in eligible):
            return Why(Cause.DECLINED_BY_ALL)
        return Why(Cause.NO_TIME_BEFORE_DEADLINE, deadline=deadline)
    if stage == 3:
        return Why(Cause.MODE_NOT_OFFERED)
    if stage == 2:
        return Why(Cause.NO_FREE_TIME, deadline=deadline)
    if not area_homes:
        return Why(Cause.NO_SPECIALIST_IN_AREA)
    return Why(Cause.NO_AGREEMENT, partner=_nearest(network, request.origin, area_homes))


def explain_unplaced(
    requests: Iterable[RequestInfo],
    network: Network,
    *,
    now: datetime,
    next_free: Mapping[int, datetime | None] | None = None,
    turned_down: Mapping[int, Collection[int]] | None = None,
    area_homes: Mapping[str, Collection[str]] | None = None,
    limit: int = MAX_EXPLAINED,
) -> dict[int, Why]:
    """Why each of ``requests`` (a round's unplaced ones) found no specialist.

    ``network`` holds the specialists who may serve some request of the round;
    ``area_homes`` every municipality with a specialist competent in an area
    (anywhere in the country), to tell a missing agreement from a missing
    specialist; ``next_free`` the round's first free times; ``turned_down`` the
    specialists who declined each request. Requests alike in every way that matters
    are explained once; at most ``limit`` requests are explained."""
    free = next_free or {}
    refusals = turned_down or {}
    homes = area_homes or {}
    by_area: dict[str, dict[str, list[SpecialistInfo]]] = defaultdict(lambda: defaultdict(list))
    for specialist in network.specialists.values():
        for area in specialist.competences:
            by_area[area][specialist.home].append(specialist)
    found: dict[int, Why] = {}
    known: dict[tuple[object, ...], Why] = {}
    for n, request in enumerate(requests):
        if n >= limit:
            break
        refused = frozenset(refusals.get(request.id, ()))
        key = (
            request.area,
            request.origin,
            request.kind,
            request.mode,
            request.named_specialist,
            request.latest_date,
            refused,
        )
        if key not in known:
            known[key] = _explain(
                request,
                by_area.get(request.area, {}),
                network,
                now=now,
                next_free=free,
                refused=refused,
                area_homes=homes.get(request.area, ()),
            )
        found[request.id] = known[key]
    return found
