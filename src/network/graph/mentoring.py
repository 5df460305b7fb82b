"""Matching new social workers with mentors: eligibility, the score, and a round's
two answers side by side.

Eligibility (each rule named, so a page can say why a mentor is missing):

- the mentor is not the mentee;
- ``own_municipality_only``: the mentor works in the mentee's municipality;
- ``not_own_unit``: the mentor is not in the mentee's unit of the same municipality;
- the mentor offers the meeting mode the mentee prefers (on site: within
  ``on_site_km``);
- the mentor covers at least one of the areas the mentee wants to grow in (a
  mentee who names no area takes anyone).

The score is a sum of named integer parts, as for consultations (the welfare
round solves the same integer assignment problem, :mod:`network.graph.assignment`):

    base         for being eligible at all (placing one more mentee is worth more
                 than any better fit of another)
    areas        per wanted area the mentor covers, times their level (1–3)
    language     the mentor speaks the preferred language
    distance     closer is better (more so for meetings on site)
    experience   years in the profession, up to 20
    wish         the mentee's ranked wish (first wish most)

Both modes of a round use these: *welfare* maximises the total score under the
mentors' capacities (exact); *stable* runs mentee-proposing deferred acceptance
(:mod:`network.graph.stable`) on preferences made of each side's ranking, the rest
of the eligible other side following by score. Pure.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from enum import StrEnum

from network.graph.assignment import RoundProblem, solve
from network.graph.stable import StableProblem, blocking_pairs, first_choices, stable_matching

__all__ = (
    "MenteeInfo",
    "MentorInfo",
    "MentorScore",
    "MentorWeights",
    "NotEligible",
    "Preview",
    "Solution",
    "best_mentor",
    "eligibility",
    "preview",
    "score",
)

Distance = Callable[[str, str], float]  # km between two municipalities' centroids


class NotEligible(StrEnum):
    SAME_PERSON = "same_person"
    OTHER_MUNICIPALITY = "not_in_own_municipality"
    OWN_UNIT = "in_own_unit"
    MODE_NOT_OFFERED = "mode_not_offered"
    TOO_FAR = "too_far_for_on_site"
    NO_SHARED_AREA = "no_shared_area"


@dataclass(frozen=True, slots=True)
class MenteeInfo:
    id: int  # the mentoring request
    user: int
    municipality: str
    unit: str | None
    areas: tuple[str, ...]
    language: str
    mode: str
    constraint: str  # none, not_own_unit, own_municipality_only
    wishes: tuple[int, ...] = ()  # mentor offers, best first


@dataclass(frozen=True, slots=True)
class MentorInfo:
    id: int  # the mentor's offer in the programme
    user: int
    municipality: str
    unit: str | None
    areas: Mapping[str, int]  # area → level 1–3
    languages: frozenset[str]
    modes: frozenset[str]
    years: int
    capacity: int  # seats left
    ranking: tuple[int, ...] = ()  # mentoring requests, best first


@dataclass(frozen=True, slots=True)
class MentorWeights:
    base: int = 1000
    area: int = 60  # per wanted area, times the level
    language: int = 100
    distance_remote: int = 40
    distance_on_site: int = 120
    distance_scale_km: int = 400
    on_site_km: int = 150
    experience: int = 80
    wish: int = 300  # the first wish; each later one a third less, down to nothing


DEFAULT_WEIGHTS = MentorWeights()


@dataclass(frozen=True, slots=True)
class MentorScore:
    base: int
    areas: int
    language: int
    distance: int
    experience: int
    wish: int

    @property
    def total(self) -> int:
        return self.base + self.areas + self.language + self.distance + self.experience + self.wish

    def as_dict(self) -> dict[str, int]:
        return {**asdict(self), "total": self.total}


def eligibility(
    mentee: MenteeInfo,
    mentor: MentorInfo,
    distance: Distance,
    weights: MentorWeights = DEFAULT_WEIGHTS,
) -> NotEligible | None:
    """``None`` when ``mentor`` may take ``mentee``, else the first rule that fails."""
    if mentor.user == mentee.user:
        return NotEligible.SAME_PERSON
    same_place = mentor.municipality == mentee.municipality
    if mentee.constraint == "own_municipality_only" and not same_place:
        return NotEligible.OTHER_MUNICIPALITY
    if (
        mentee.constraint == "not_own_unit"
        and same_place
        and mentee.unit is not None
        and mentor.unit == mentee.unit
    ):
        return NotEligible.OWN_UNIT
    if mentee.mode not in mentor.modes:
        return NotEligible.MODE_NOT_OFFERED
    if mentee.mode == "on_site" and distance(mentor.municipality, mentee.municipality) > (
        weights.on_site_km
    ):
        return NotEligible.TOO_FAR
    if mentee.areas and not any(a in mentor.areas for a in mentee.areas):
        return NotEligible.NO_SHARED_AREA
    return None


def score(
    mentee: MenteeInfo,
    mentor: MentorInfo,
    distance: Distance,
    weights: MentorWeights = DEFAULT_WEIGHTS,
) -> MentorScore:
    """The named parts of how well an (eligible) mentor fits the mentee."""
    km = distance(mentor.municipality, mentee.municipality)
    reach = weights.distance_on_site if mentee.mode == "on_site" else weights.distance_remote
    wish = 0
    if mentor.id in mentee.wishes:
        place = mentee.wishes.index(mentor.id)
        wish = max(0, round(weights.wish * (1 - place / 3)))
    return MentorScore(
        base=weights.base,
        areas=sum(weights.area * mentor.areas.get(a, 0) for a in mentee.areas),
        language=weights.language if mentee.language in mentor.languages else 0,
        distance=round(reach * max(0.0, 1.0 - km / weights.distance_scale_km)),
        experience=round(weights.experience * min(mentor.years, 20) / 20),
        wish=wish,
    )


@dataclass(frozen=True)
class Solution:
    """One answer of a round: mentee → mentor offer, and its figures."""

    pairs: Mapping[int, int]
    total_score: int
    first_choices: int  # mentees who got the first mentor on their list
    blocking_pairs: tuple[tuple[int, int], ...]  # (mentee, mentor) who would rather be together
    unmatched: tuple[int, ...]


@dataclass(frozen=True)
class Preview:
    welfare: Solution
    stable: Solution
    scores: Mapping[tuple[int, int], MentorScore] = field(default_factory=dict)
    ineligible: Mapping[int, NotEligible | None] = field(default_factory=dict)
    ranked_by_both: bool = False  # every mentee and every mentor gave a ranking


def _ordered(ranking: Sequence[int], totals: Mapping[int, int]) -> list[int]:
    """The ranked ones that are eligible (``totals``' keys), then the rest by score."""
    first = [x for x in dict.fromkeys(ranking) if x in totals]
    rest = sorted(set(totals) - set(first), key=lambda x: (-totals[x], x))
    return first + rest


def _preferences(
    mentees: Sequence[MenteeInfo],
    mentors: Sequence[MentorInfo],
    scores: Mapping[tuple[int, int], MentorScore],
) -> StableProblem:
    """Each side's ranking of the eligible other side first, the rest by score."""
    by_mentee: dict[int, list[int]] = {m.id: [] for m in mentees}
    by_mentor: dict[int, list[int]] = {m.id: [] for m in mentors}
    for mentee_id, mentor_id in scores:
        by_mentee[mentee_id].append(mentor_id)
        by_mentor[mentor_id].append(mentee_id)

    mentee_prefs = {
        m.id: _ordered(m.wishes, {r: scores[m.id, r].total for r in by_mentee[m.id]})
        for m in mentees
    }
    mentor_prefs = {
        r.id: _ordered(r.ranking, {m: scores[m, r.id].total for m in by_mentor[r.id]})
        for r in mentors
    }
    return StableProblem(
        mentee_prefs=mentee_prefs,
        mentor_prefs=mentor_prefs,
        capacities={r.id: max(r.capacity, 0) for r in mentors},
    )


def _solution(
    prefs: StableProblem,
    pairs: Mapping[int, int],
    scores: Mapping[tuple[int, int], MentorScore],
    mentees: Sequence[MenteeInfo],
) -> Solution:
    return Solution(
        pairs=dict(sorted(pairs.items())),
        total_score=sum(scores[m, r].total for m, r in pairs.items()),
        first_choices=first_choices(prefs, pairs),
        blocking_pairs=tuple(sorted(blocking_pairs(prefs, pairs))),
        unmatched=tuple(sorted(m.id for m in mentees if m.id not in pairs)),
    )


def preview(
    mentees: Sequence[MenteeInfo],
    mentors: Sequence[MentorInfo],
    distance: Distance,
    weights: MentorWeights = DEFAULT_WEIGHTS,
) -> Preview:
    """Both answers for a cohort: welfare-optimal and mentee-optimal stable."""
    scores: dict[tuple[int, int], MentorScore] = {}
    reasons: dict[int, NotEligible | None] = {}
    for mentee in mentees:
        first: NotEligible | None = None
        for mentor in mentors:
            why = eligibility(mentee, mentor, distance, weights)
            if why is None:
                scores[mentee.id, mentor.id] = score(mentee, mentor, distance, weights)
            elif first is None:
                first = why
        reasons[mentee.id] = None if any(k[0] == mentee.id for k in scores) else first
    problem = RoundProblem(
        requests=tuple(m.id for m in mentees),
        capacities={r.id: max(r.capacity, 0) for r in mentors},
        edges=tuple((m, r, s.total) for (m, r), s in sorted(scores.items())),
    )
    welfare = {p.request: p.specialist for p in solve(problem).placements}
    prefs = _preferences(mentees, mentors, scores)
    stable = stable_matching(prefs)
    return Preview(
        welfare=_solution(prefs, welfare, scores, mentees),
        stable=_solution(prefs, stable, scores, mentees),
        scores=scores,
        ineligible=reasons,
        ranked_by_both=all(m.wishes for m in mentees) and all(r.ranking for r in mentors),
    )


def best_mentor(
    mentee: MenteeInfo,
    mentors: Iterable[MentorInfo],
    distance: Distance,
    weights: MentorWeights = DEFAULT_WEIGHTS,
) -> tuple[MentorInfo, MentorScore] | None:
    """For a late joiner: the best eligible mentor with a seat left (ties: lower id)."""
    found = [
        (score(mentee, r, distance, weights), r)
        for r in mentors
        if r.capacity > 0 and eligibility(mentee, r, distance, weights) is None
    ]
    if not found:
        return None
    best_score, best = min(found, key=lambda item: (-item[0].total, item[1].id))
    return best, best_score
