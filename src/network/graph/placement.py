"""Where to act: which k new specialists or sharing agreements would cover the most
currently uncovered population.

Each candidate action covers a set of uncovered cells (municipality × area), and a
cell weighs its municipality's population. Choosing k candidates to cover the most
weight is maximum coverage: :func:`greedy` takes the best marginal gain k times,
which is within (1 − 1/e) ≈ 63 % of the optimum (Nemhauser, Wolsey & Fisher 1978)
and in practice close to it; :func:`exact` solves the integer programme with
HiGHS (``scipy.optimize.milp``) and is there to check the greedy answer.

Candidates:

- a new specialist in municipality *h* for area *a* covers *h* and every
  municipality that an agreement valid today joins with *h* for *a*;
- a county-wide agreement for area *a* covers the county's uncovered
  municipalities when one of them has a local specialist in *a*;
- a pairwise agreement between an uncovered municipality and one of its nearest
  municipalities with specialists covers the areas the partner can give.

A gap that an active group case conference already reaches (:attr:`Cell.reach`
``conference``) is still a gap, since a monthly group session is no specialist to
consult, but it weighs ``CONFERENCE_FACTOR`` of a gap with no help at all: a new
specialist is not recommended for it ahead of an equal gap that nothing reaches.

Pure: cells and the graph in, ranked picks out.
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

import networkx as nx
import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import coo_array

from network.graph.coverage import Cell, Service, Status

__all__ = (
    "CONFERENCE_FACTOR",
    "MAX_WEIGHT",
    "Action",
    "AreaGain",
    "Candidate",
    "Fragility",
    "Pick",
    "Pressure",
    "Reason",
    "Step",
    "Weights",
    "agreement_candidates",
    "by_site",
    "demand_index",
    "exact",
    "fragility_index",
    "gap_weights",
    "greedy",
    "specialist_candidates",
    "steps",
    "total",
    "uncovered_by_area",
    "uncovered_people",
)

CellKey = tuple[str, str]  # (municipality, area)
PAIR_PARTNERS = 3  # nearest partner municipalities tried for a pairwise agreement
PAIR_MAX_KM = 250.0
CONFERENCE_FACTOR = 0.5  # a gap's weight when a group case conference reaches it


class Action(StrEnum):
    NEW_SPECIALIST = "new_specialist"
    COUNTY_AGREEMENT = "county_agreement"
    PAIR_AGREEMENT = "pair_agreement"


@dataclass(frozen=True, slots=True)
class Candidate:
    """One possible action and the uncovered cells it would cover."""

    action: Action
    areas: tuple[str, ...]
    covers: frozenset[CellKey]
    municipality: str | None = None  # where the specialist works / who joins a pair
    partner: str | None = None  # the pair's municipality with specialists
    county: str | None = None  # a county-wide agreement's county
    distance_km: float | None = None

    @property
    def key(self) -> tuple[str, str, str, str, str]:
        """A stable order for ties."""
        return (
            self.action.value,
            ",".join(self.areas),
            self.municipality or "",
            self.partner or "",
            self.county or "",
        )


@dataclass(frozen=True, slots=True)
class Pick:
    candidate: Candidate
    gain: int  # population newly covered by this pick, after the earlier ones
    newly_covered: tuple[CellKey, ...]


def _uncovered(cells: Iterable[Cell], scope: set[str] | None) -> dict[CellKey, int]:
    return {
        (c.municipality, c.area): c.population
        for c in cells
        if c.status is Status.NONE and (scope is None or c.municipality in scope)
    }


def specialist_candidates(
    cells: Sequence[Cell],
    graph: nx.Graph,
    *,
    service: Service = Service.CONSULTATION,
    scope: set[str] | None = None,
) -> list[Candidate]:
    """A new specialist for each (municipality in ``scope``, area) that would cover
    at least one uncovered cell in ``scope``."""
    uncovered = _uncovered(cells, scope)
    areas = sorted({area for _, area in uncovered})
    homes = sorted({c.municipality for c in cells if scope is None or c.municipality in scope})
    found = []
    for home in homes:
        # area → municipalities a specialist in ``home`` could serve through agreements
        reach: dict[str, set[str]] = defaultdict(set)
        for neighbour, edge in graph.adj[("m", home)].items():
            if edge["kind"] != "shares":
                continue
            for agreement_areas, co_handling in edge["agreements"].values():
                if service is Service.CO_HANDLING and not co_handling:
                    continue
                for area in agreement_areas:
                    reach[area].add(neighbour[1])
        for area in areas:
            covers = frozenset(
                (m, area) for m in {home, *reach.get(area, ())} if (m, area) in uncovered
            )
            if covers:
                found.append(Candidate(Action.NEW_SPECIALIST, (area,), covers, municipality=home))
    return found


def agreement_candidates(
    cells: Sequence[Cell],
    distances: Mapping[tuple[str, str], float],
    *,
    scope: set[str] | None = None,
) -> list[Candidate]:
    """County-wide agreements per (county, area) and pairwise agreements between each
    uncovered municipality in ``scope`` and its nearest municipalities with
    specialists (``distances``: km between municipality pairs, either order)."""
    uncovered = _uncovered(cells, scope)
    county_of = {c.municipality: c.county for c in cells}
    has_local: dict[str, set[str]] = defaultdict(set)  # area → municipalities
    for cell in cells:
        if cell.status is Status.LOCAL:
            has_local[cell.area].add(cell.municipality)
    found = []
    by_county: dict[tuple[str, str], set[CellKey]] = defaultdict(set)
    for municipality, area in uncovered:
        by_county[(county_of[municipality], area)].add((municipality, area))
    for (county, area), keys in sorted(by_county.items()):
        if any(county_of[m] == county for m in has_local[area]):
            found.append(
                Candidate(Action.COUNTY_AGREEMENT, (area,), frozenset(keys), county=county)
            )
    missing: dict[str, set[str]] = defaultdict(set)
    for municipality, area in uncovered:
        missing[municipality].add(area)
    for municipality, areas in sorted(missing.items()):
        partners = sorted(
            (_distance(distances, municipality, other), other)
            for other in {m for a in areas for m in has_local[a]}
            if other != municipality
        )
        for distance, partner in partners[:PAIR_PARTNERS]:
            if distance > PAIR_MAX_KM:
                break
            given = tuple(sorted(a for a in areas if partner in has_local[a]))
            found.append(
                Candidate(
                    Action.PAIR_AGREEMENT,
                    given,
                    frozenset((municipality, a) for a in given),
                    municipality=municipality,
                    partner=partner,
                    distance_km=distance,
                )
            )
    return found


def _distance(distances: Mapping[tuple[str, str], float], a: str, b: str) -> float:
    found = distances.get((a, b))
    return found if found is not None else distances.get((b, a), float("inf"))


def total(picks: Iterable[Pick]) -> int:
    return sum(p.gain for p in picks)


def greedy(candidates: Sequence[Candidate], weights: Mapping[CellKey, int], k: int) -> list[Pick]:
    """Up to ``k`` picks, each the best marginal gain over the earlier ones (lazy
    evaluation: a candidate's gain only shrinks, so a stale heap entry that still
    beats the next one is the true best). Ties go to the candidate listed first."""
    covered: set[CellKey] = set()
    heap = [
        (-sum(weights.get(c, 0) for c in candidate.covers), index)
        for index, candidate in enumerate(candidates)
    ]
    heapq.heapify(heap)
    picks: list[Pick] = []
    while heap and len(picks) < k:
        known, index = heapq.heappop(heap)
        candidate = candidates[index]
        fresh = candidate.covers - covered
        gain = sum(weights.get(c, 0) for c in fresh)
        if gain <= 0:
            continue
        if -gain != known and heap and (-gain, index) > heap[0]:
            heapq.heappush(heap, (-gain, index))  # stale, and another may be better now
            continue
        covered |= fresh
        picks.append(Pick(candidate, gain, tuple(sorted(fresh))))
    return picks


def exact(candidates: Sequence[Candidate], weights: Mapping[CellKey, int], k: int) -> list[Pick]:
    """An optimal choice of at most ``k`` candidates (maximum coverage as an integer
    programme: x_j picks candidate j, y_e covers cell e; max Σ w_e y_e subject to
    y_e ≤ Σ_{j ∋ e} x_j and Σ x_j ≤ k). The picks come back in greedy order so
    their gains add up."""
    useful = [c for c in candidates if any(weights.get(e, 0) > 0 for e in c.covers)]
    elements = sorted({e for c in useful for e in c.covers if weights.get(e, 0) > 0})
    if not useful or not elements or k <= 0:
        return []
    n, m = len(useful), len(elements)
    position = {e: i for i, e in enumerate(elements)}
    objective = np.concatenate([np.zeros(n), -np.array([weights[e] for e in elements], float)])
    rows, cols, values = [], [], []
    for i in range(m):  # y_i − Σ x_j ≤ 0
        rows.append(i)
        cols.append(n + i)
        values.append(1.0)
    for j, candidate in enumerate(useful):
        for e in candidate.covers:
            if e in position:
                rows.append(position[e])
                cols.append(j)
                values.append(-1.0)
    for j in range(n):  # Σ x_j ≤ k
        rows.append(m)
        cols.append(j)
        values.append(1.0)
    matrix = coo_array((values, (rows, cols)), shape=(m + 1, n + m)).tocsr()
    upper = np.concatenate([np.zeros(m), [float(k)]])
    result = milp(
        objective,
        constraints=LinearConstraint(matrix, -np.inf, upper),
        integrality=np.ones(n + m),
        bounds=Bounds(0, 1),
    )
    if result.x is None:  # pragma: no cover - the zero vector is always feasible
        raise RuntimeError(f"maximum coverage: {result.message}")
    chosen = [useful[j] for j in range(n) if result.x[j] > 0.5]
    return greedy(chosen, weights, len(chosen))


# --------------------------------------------------------------------------- evidence
#
# The recommender above weighs a gap (an uncovered municipality × area) by its
# inhabitants. What follows weighs it also by the demand seen there and by how fragile
# the municipality's workforce is, merges the candidates into one step per place, and
# keeps what each step would change so that it can be explained.

MAX_WEIGHT = 3  # the largest demand or fragility weight a reader may choose
WAIT_DAYS_HIGH = 30.0  # a median wait this long (or longer) counts as the most pressing
FRAGILITY_HIGH = 100.0  # share new (%) + turnover (%) this high counts as the most fragile


@dataclass(frozen=True, slots=True)
class Weights:
    """How much demand and the workforce's fragility raise a gap's weight.

    A gap weighs ``population × (1 + demand × D + fragility × F)``, D and F each
    between 0 and 1 (:func:`demand_index`, :func:`fragility_index`). Both 0: the
    inhabitants alone, as before."""

    demand: int = 1
    fragility: int = 1

    def __post_init__(self) -> None:
        for name in ("demand", "fragility"):
            value = getattr(self, name)
            if not 0 <= value <= MAX_WEIGHT:
                raise ValueError(f"{name} weight must be between 0 and {MAX_WEIGHT}")


@dataclass(frozen=True, slots=True)
class Pressure:
    """The demand seen in one municipality × area, small numbers already suppressed
    (None): requests per 10,000 inhabitants, unplaced requests, median days to a
    meeting."""

    requests: int | None
    per_10k: float | None
    unplaced: int | None
    median_days: float | None


@dataclass(frozen=True, slots=True)
class Fragility:
    """A municipality's workforce in its latest reported year: the share of social
    workers under one year in the job and the turnover, both in per cent."""

    year: int
    new_share: float | None
    turnover: float | None


def demand_index(pressure: Pressure | None, top_per_10k: float) -> float:
    """0–1: the mean of requests per 10,000 inhabitants (against the highest in the
    scope, ``top_per_10k``), the share of requests left unplaced, and the median wait
    (against ``WAIT_DAYS_HIGH``). A suppressed figure counts as 0."""
    if pressure is None or pressure.requests is None:
        return 0.0
    volume = min(1.0, (pressure.per_10k or 0.0) / top_per_10k) if top_per_10k > 0 else 0.0
    unplaced = (pressure.unplaced or 0) / pressure.requests if pressure.requests else 0.0
    wait = min(1.0, (pressure.median_days or 0.0) / WAIT_DAYS_HIGH)
    return round((volume + unplaced + wait) / 3, 4)


def fragility_index(fragility: Fragility | None) -> float:
    """0–1: share new (%) plus turnover (%), over ``FRAGILITY_HIGH``, at most 1; 0 when
    neither is reported."""
    if fragility is None:
        return 0.0
    value = (fragility.new_share or 0.0) + (fragility.turnover or 0.0)
    return round(min(1.0, value / FRAGILITY_HIGH), 4)


def gap_weights(
    cells: Iterable[Cell],
    *,
    scope: set[str] | None = None,
    pressure: Mapping[CellKey, Pressure] | None = None,
    fragility: Mapping[str, Fragility] | None = None,
    weights: Weights | None = None,
) -> dict[CellKey, int]:
    """The weight of every uncovered cell in ``scope`` (an integer, so that the
    optimum is exact)."""
    chosen = weights or Weights()
    pressure = pressure or {}
    fragility = fragility or {}
    cells = list(cells)
    uncovered = _uncovered(cells, scope)
    reached = {(c.municipality, c.area) for c in cells if c.conferences}
    top = max((p.per_10k or 0.0 for key, p in pressure.items() if key in uncovered), default=0.0)
    return {
        key: round(
            people
            * (CONFERENCE_FACTOR if key in reached else 1)
            * (
                1
                + chosen.demand * demand_index(pressure.get(key), top)
                + chosen.fragility * fragility_index(fragility.get(key[0]))
            )
        )
        for key, people in uncovered.items()
    }


def uncovered_people(cells: Iterable[Cell], scope: set[str] | None = None) -> int:
    """Inhabitants of the municipalities in ``scope`` that cannot reach a specialist in
    at least one of the areas: each municipality counted once, however many areas it
    lacks."""
    population = {m: p for (m, _), p in _uncovered(cells, scope).items()}
    return sum(population.values())


def uncovered_by_area(
    cells: Iterable[Cell], scope: set[str] | None = None
) -> list[tuple[str, int, int]]:
    """Per area: ``(area, municipalities, inhabitants)`` without coverage in it."""
    found: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for (_, area), people in _uncovered(cells, scope).items():
        found[area][0] += 1
        found[area][1] += people
    return [(area, n, people) for area, (n, people) in sorted(found.items())]


def by_site(candidates: Iterable[Candidate]) -> list[Candidate]:
    """One candidate per place: the new specialists of one municipality, the pairwise
    agreement of one pair, the county-wide agreement of one county, each covering the
    union of its areas. So a step is one municipality (or pair, or county) with every
    area it would close listed, and no place is recommended twice."""
    merged: dict[tuple[Action, str | None, str | None, str | None], list[Candidate]] = {}
    for candidate in candidates:
        site = (candidate.action, candidate.municipality, candidate.partner, candidate.county)
        merged.setdefault(site, []).append(candidate)
    found = []
    for (action, municipality, partner, county), group in merged.items():
        found.append(
            Candidate(
                action,
                tuple(sorted({a for c in group for a in c.areas})),
                frozenset().union(*(c.covers for c in group)),
                municipality=municipality,
                partner=partner,
                county=county,
                distance_km=group[0].distance_km,
            )
        )
    return sorted(found, key=lambda c: c.key)


@dataclass(frozen=True, slots=True)
class AreaGain:
    """What one step closes in one area."""

    area: str
    municipalities: tuple[str, ...]
    people: int


@dataclass(frozen=True, slots=True)
class Reason:
    """Why a step is recommended: ``kind`` and the figures a sentence needs."""

    kind: str  # reach, demand, wait, fragility, quiet
    municipality: str | None = None
    area: str | None = None
    people: int | None = None
    count: int | None = None
    unplaced: int | None = None
    days: float | None = None
    new_share: float | None = None
    turnover: float | None = None
    year: int | None = None


@dataclass(frozen=True, slots=True)
class Step:
    """One recommendation: a place, the areas it closes, what it would change."""

    pick: Pick
    people: int  # inhabitants newly able to reach a specialist in at least one area
    municipalities: tuple[str, ...]
    by_area: tuple[AreaGain, ...]
    reasons: tuple[Reason, ...]


def steps(
    picks: Iterable[Pick],
    population: Mapping[str, int],
    *,
    pressure: Mapping[CellKey, Pressure] | None = None,
    fragility: Mapping[str, Fragility] | None = None,
) -> list[Step]:
    """The picks with the inhabitants they reach (each municipality once), their
    areas and their reasons, most telling first."""
    pressure = pressure or {}
    fragility = fragility or {}
    found = []
    for pick in picks:
        places = tuple(sorted({m for m, _ in pick.newly_covered}))
        people = sum(population.get(m, 0) for m in places)
        areas: dict[str, list[str]] = defaultdict(list)
        for municipality, area in pick.newly_covered:
            areas[area].append(municipality)
        by_area = tuple(
            AreaGain(a, tuple(ms), sum(population.get(m, 0) for m in ms))
            for a, ms in sorted(areas.items())
        )
        alone = places[0] if len(places) == 1 else None
        reasons = [Reason("reach", municipality=alone, people=people, count=len(places))]
        # Only figures shown elsewhere (not suppressed) are added up, so nothing said
        # here lets a small number be worked out.
        shown = [pressure[c] for c in pick.newly_covered if c in pressure]
        asked = sum(p.requests or 0 for p in shown)
        if asked:
            left = sum(p.unplaced or 0 for p in shown if p.unplaced is not None)
            reasons.append(Reason("demand", count=asked, unplaced=left))
        waits = [
            (p.median_days, key)
            for key, p in pressure.items()
            if key in pick.newly_covered and p.median_days is not None
        ]
        if waits:
            days, (municipality, area) = max(waits)
            reasons.append(Reason("wait", municipality=municipality, area=area, days=days))
        fragile = [(fragility_index(fragility.get(m)), m) for m in places if m in fragility]
        if fragile:
            index, municipality = max(fragile)
            staff = fragility[municipality]
            if index > 0:
                reasons.append(
                    Reason(
                        "fragility",
                        municipality=municipality,
                        new_share=staff.new_share,
                        turnover=staff.turnover,
                        year=staff.year,
                    )
                )
        if not asked:
            reasons.append(Reason("quiet"))
        found.append(Step(pick, people, places, by_area, tuple(reasons)))
    return found
