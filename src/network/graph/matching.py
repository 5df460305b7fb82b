"""Who may take a consultation request, how well they fit, and the best few.

Eligibility (every rule named, so the UI can say why someone is missing):

- the specialist is competent in the request's area;
- they may serve the request's municipality: their own, or through a valid
  sharing agreement covering both municipalities and the area (a co-handling
  request: an agreement whose scope allows co-handling);
- they are not away, accept new requests and have capacity left;
- they offer the meeting's mode (on site: within their longest journey);
- a request to a named specialist goes to that specialist only.

The score is a sum of named integer parts (integers, because the batch round
solves a min-cost flow, which is exact only on integers):

    base         for being eligible at all: placing one more request is worth
                 more than any improvement of another's fit
    level        competence level 1–3
    distance     closer is better (on-site meetings weigh it more)
    timeliness   the next free slot against the urgency (acute: within 24 h,
                 soon: a week, planned: before the latest useful date, else four
                 weeks); written consultations need no slot
    language     the specialist speaks the requested language
    load         fairness: less of this week's capacity used scores higher
    no_local     the request comes from a municipality without a local
                 specialist in the area (a constant per request: it makes batch
                 rounds place such requests first)
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, fields
from datetime import datetime, timedelta
from enum import StrEnum

from network.graph.model import Network, RequestInfo, SpecialistInfo

__all__ = (
    "CO_HANDLING",
    "MEETING_KINDS",
    "Ineligible",
    "ScoreBreakdown",
    "Suggestion",
    "Weights",
    "eligibility",
    "score",
    "suggest",
)


# A co-handling request is matched as a meeting (its engagement is a series of
# meetings), and only under agreements that allow co-handling.
CO_HANDLING = "co_handling"
MEETING_KINDS = frozenset({"meeting", CO_HANDLING})


class Ineligible(StrEnum):
    NOT_NAMED = "not_the_named_specialist"
    NOT_COMPETENT = "not_competent_in_area"
    MAY_NOT_SERVE = "may_not_serve_municipality"
    ABSENT = "absent"
    NOT_ACCEPTING = "not_accepting_new"
    NO_CAPACITY = "no_capacity_left"
    MODE_NOT_OFFERED = "mode_not_offered"
    TOO_FAR = "too_far_for_on_site"


@dataclass(frozen=True, slots=True)
class Weights:
    """The most each part can add (``distance_scale_km``: where closeness reaches 0)."""

    base: int = 1000
    level: int = 100  # per level
    distance_remote: int = 50
    distance_on_site: int = 150
    distance_scale_km: int = 600
    timeliness: int = 200
    language: int = 100
    load: int = 100
    no_local: int = 150


DEFAULT_WEIGHTS = Weights()
URGENCY_WINDOW = {
    "acute": timedelta(hours=24),
    "soon": timedelta(days=7),
    "planned": timedelta(days=28),
}


@dataclass(frozen=True, slots=True)
class ScoreBreakdown:
    base: int
    level: int
    distance: int
    timeliness: int
    language: int
    load: int
    no_local: int

    @property
    def total(self) -> int:
        return (
            self.base
            + self.level
            + self.distance
            + self.timeliness
            + self.language
            + self.load
            + self.no_local
        )

    def as_dict(self) -> dict[str, int]:
        # Not dataclasses.asdict, which deep-copies (a round asks this thousands of times).
        parts = {f.name: getattr(self, f.name) for f in fields(self)}
        return {**parts, "total": self.total}


@dataclass(frozen=True, slots=True)
class Suggestion:
    specialist: int
    rank: int
    breakdown: ScoreBreakdown
    distance_km: float


def eligibility(
    request: RequestInfo, specialist: SpecialistInfo, network: Network, *, now: datetime
) -> Ineligible | None:
    """``None`` when ``specialist`` may take ``request``, else the first rule that fails."""
    if request.named_specialist is not None and specialist.id != request.named_specialist:
        return Ineligible.NOT_NAMED
    if request.area not in specialist.competences:
        return Ineligible.NOT_COMPETENT
    if not network.may_serve(
        specialist.home,
        request.origin,
        request.area,
        now.date(),
        co_handling=request.kind == CO_HANDLING,
    ):
        return Ineligible.MAY_NOT_SERVE
    if specialist.absent:
        return Ineligible.ABSENT
    if not specialist.accepts_new:
        return Ineligible.NOT_ACCEPTING
    if specialist.remaining <= 0:
        return Ineligible.NO_CAPACITY
    if request.kind in MEETING_KINDS:
        if request.mode not in specialist.modes:
            return Ineligible.MODE_NOT_OFFERED
        if (
            request.mode == "on_site"
            and network.distance(specialist.home, request.origin) > specialist.max_travel_km
        ):
            return Ineligible.TOO_FAR
    return None


def _window(request: RequestInfo, now: datetime) -> timedelta:
    if request.urgency == "planned" and request.latest_date is not None:
        latest = datetime.combine(request.latest_date, datetime.max.time(), tzinfo=now.tzinfo)
        return max(latest - now, timedelta(hours=1))
    return URGENCY_WINDOW.get(request.urgency, URGENCY_WINDOW["planned"])


def _timeliness(request: RequestInfo, specialist: SpecialistInfo, now: datetime, full: int) -> int:
    if request.kind == "written":
        return full
    if specialist.next_free is None:
        return 0
    wait = max(specialist.next_free - now, timedelta(0))
    window = _window(request, now)
    if wait <= window:
        return full
    # Later than wished: the part shrinks with how far past the window the slot lies.
    return round(full * window / wait)


def score(
    request: RequestInfo,
    specialist: SpecialistInfo,
    network: Network,
    *,
    now: datetime,
    weights: Weights = DEFAULT_WEIGHTS,
) -> ScoreBreakdown:
    """The named parts of how well an (eligible) specialist fits the request."""
    km = network.distance(specialist.home, request.origin)
    reach = weights.distance_on_site if request.mode == "on_site" else weights.distance_remote
    closeness = max(0.0, 1.0 - km / weights.distance_scale_km)
    used_share = specialist.used / specialist.capacity if specialist.capacity else 1.0
    return ScoreBreakdown(
        base=weights.base,
        level=weights.level * specialist.competences.get(request.area, 0),
        distance=round(reach * closeness),
        timeliness=_timeliness(request, specialist, now, weights.timeliness),
        language=weights.language if request.language in specialist.languages else 0,
        load=round(weights.load * max(0.0, 1.0 - used_share)),
        no_local=0
        if network.has_local_specialist(request.origin, request.area)
        else weights.no_local,
    )


def suggest(
    request: RequestInfo,
    network: Network,
    *,
    now: datetime,
    k: int = 5,
    weights: Weights = DEFAULT_WEIGHTS,
    candidates: Iterable[SpecialistInfo] | None = None,
) -> list[Suggestion]:
    """The ``k`` best eligible specialists, best first (ties: lower id first)."""
    pool = network.specialists.values() if candidates is None else candidates
    scored = [
        (score(request, s, network, now=now, weights=weights), s)
        for s in pool
        if eligibility(request, s, network, now=now) is None
    ]
    scored.sort(key=lambda item: (-item[0].total, item[1].id))
    return [
        Suggestion(
            specialist=s.id,
            rank=rank,
            breakdown=breakdown,
            distance_km=round(network.distance(s.home, request.origin), 1),
        )
        for rank, (breakdown, s) in enumerate(scored[:k], start=1)
    ]
