"""Eligibility and scoring for many specialists at once (numpy): the same answers as
:mod:`network.graph.matching`, which stays the readable reference the tests compare
with, but one array expression per request instead of a Python loop per specialist.

:func:`prepare` turns a :class:`~network.graph.model.Network` into arrays once (per
network and day): specialists' homes as place indices, levels per area, capacity,
modes, travel limits, next free slot; a distance matrix between places; and per area
a reach matrix (a specialist at place *i* may serve place *j*: the same place, or a
valid agreement covering both and the area). :func:`suggest_fast` and
:func:`build_problem_fast` then answer exactly as ``suggest`` and ``build_problem``:
the integer parts are computed with the same float operations and the same
round-half-to-even, ties go to the lower id. Pure.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache

import numpy as np
import numpy.typing as npt

from network.graph.assignment import EdgeRows, RoundProblem
from network.graph.matching import (
    CO_HANDLING,
    DEFAULT_WEIGHTS,
    MEETING_KINDS,
    URGENCY_WINDOW,
    ScoreBreakdown,
    Suggestion,
    Weights,
)
from network.graph.model import Network, Place, RequestInfo, distance_table

__all__ = (
    "UNKNOWN",
    "Arrays",
    "RoundPairs",
    "build_problem_fast",
    "next_to_look_up",
    "prepare",
    "round_pairs",
    "suggest_fast",
    "with_next_free",
    "with_state",
)

MODE_BITS = {"phone": 1, "video": 2, "on_site": 4}
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
NO_SLOT = np.iinfo(np.int64).min
# A next free slot not looked up yet (see :func:`with_state`): scored as the best
# possible, so a top list that holds none of them is exact.
UNKNOWN = NO_SLOT + 1
Ints = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]
Bools = npt.NDArray[np.bool_]


def _us(moment: datetime) -> int:
    return (moment - EPOCH) // timedelta(microseconds=1)


@dataclass
class Arrays:
    """A network as arrays, for one day."""

    network: Network
    day: date
    weights: Weights
    ids: Ints
    home: Ints  # place index of each specialist
    codes: tuple[str, ...]
    index: dict[str, int]
    km: Floats  # place × place distance
    by_area: dict[str, tuple[Ints, Ints]]  # area → (specialist positions, levels)
    open_: Bools  # not absent, accepts new requests, capacity left
    capacity: Ints  # a week
    used: Ints  # of the capacity, this week
    accepts: Bools  # accepts new requests
    modes: Ints
    max_travel: Floats
    load: Ints  # the load part of the score, per specialist
    next_free: Ints  # microseconds since the epoch, NO_SLOT when none
    local: dict[str, Bools]  # area → place has a specialist competent in it
    # Agreements valid on the day: areas, places, whether they allow co-handling.
    members: list[tuple[frozenset[str], Ints, bool]]
    _reach: dict[tuple[str, bool], Bools] = field(default_factory=dict)
    _serving: dict[tuple[str, int, bool], tuple[Ints, Ints, Floats]] = field(default_factory=dict)
    _languages: dict[str, Bools] = field(default_factory=dict)
    _by_id: list[tuple[Ints, Ints]] = field(default_factory=list)  # ids sorted, order

    def positions(self, ids: Iterable[int]) -> Ints:
        """The array positions of the specialists ``ids`` (each must be here)."""
        wanted = np.fromiter(ids, dtype=np.int64)
        at, here = self.lookup(wanted)
        if not here.all():
            raise KeyError(int(wanted[~here][0]))
        return at

    def lookup(self, ids: Ints) -> tuple[Ints, Bools]:
        """For each of ``ids``: its array position and whether it is here at all (the
        position of one that is not is meaningless), vectorised."""
        if not self._by_id:
            order = np.argsort(self.ids, kind="stable")
            self._by_id.append((self.ids[order], order))
        known, order = self._by_id[0]
        at = np.minimum(np.searchsorted(known, ids), max(len(known) - 1, 0))
        here = known[at] == ids if len(known) else np.zeros(len(ids), dtype=np.bool_)
        return order[at] if len(known) else at, here

    def reach(self, area: str, *, co_handling: bool = False) -> Bools:
        """Place × place: a specialist of the row's place may serve the column's place
        (with ``co_handling``: only through agreements that allow co-handling)."""
        key = (area, co_handling)
        if key not in self._reach:
            found = np.eye(len(self.codes), dtype=np.bool_)
            for areas, members, allows in self.members:
                if area in areas and (allows or not co_handling):
                    found[np.ix_(members, members)] = True
            self._reach[key] = found
        return self._reach[key]

    def serving(
        self, area: str, origin: int, *, co_handling: bool = False
    ) -> tuple[Ints, Ints, Floats]:
        """The specialists competent in ``area`` who may serve the place ``origin``:
        their positions, levels, and kilometres from it (kept: a round asks this of
        thousands of requests from a few dozen places)."""
        key = (area, origin, co_handling)
        if key not in self._serving:
            positions, levels = self.by_area[area]
            homes = self.home[positions]
            mask = self.reach(area, co_handling=co_handling)[homes, origin]
            self._serving[key] = (positions[mask], levels[mask], self.km[homes[mask], origin])
        return self._serving[key]

    def speaks(self, language: str) -> Bools:
        if language not in self._languages:
            specialists = self.network.specialists
            self._languages[language] = np.fromiter(
                (language in specialists[int(i)].languages for i in self.ids),
                dtype=np.bool_,
                count=len(self.ids),
            )
        return self._languages[language]


@lru_cache(maxsize=4)
def _distances(places: tuple[Place, ...]) -> Floats:
    """Kilometres between every two places (the same haversine as the reference);
    kept for the few place lists a process sees (the 290 municipalities)."""
    found = np.array(distance_table(places), dtype=np.float64).reshape(len(places), len(places))
    found.setflags(write=False)
    return found


def prepare(network: Network, day: date, weights: Weights = DEFAULT_WEIGHTS) -> Arrays:
    """The arrays of ``network`` for matching on ``day``."""
    codes = tuple(sorted(network.places))
    index = {code: i for i, code in enumerate(codes)}
    places = [network.places[c] for c in codes]
    km = _distances(tuple(places))
    people = list(network.specialists.values())
    n = len(people)
    area_rows: dict[str, tuple[list[int], list[int]]] = {}
    for position, s in enumerate(people):
        for area, level in s.competences.items():
            rows = area_rows.setdefault(area, ([], []))
            rows[0].append(position)
            rows[1].append(level)
    home = np.fromiter((index[s.home] for s in people), dtype=np.int64, count=n)
    local: dict[str, Bools] = {}
    for area, (positions, _) in area_rows.items():
        found = np.zeros(len(codes), dtype=np.bool_)
        found[home[positions]] = True
        local[area] = found
    capacity = np.fromiter((s.capacity for s in people), dtype=np.int64, count=n)
    used = np.fromiter((s.used for s in people), dtype=np.int64, count=n)
    accepts = np.fromiter((s.accepts_new for s in people), dtype=np.bool_, count=n)
    absent = np.fromiter((s.absent for s in people), dtype=np.bool_, count=n)
    in_county: dict[str, list[int]] = {}
    for i, place in enumerate(places):
        in_county.setdefault(place.county, []).append(i)
    members = []
    for agreement in network.agreements:
        if agreement.valid_on(day):
            at = {index[c] for c in agreement.municipalities if c in index}
            for county in agreement.counties:
                at.update(in_county.get(county, ()))
            places_at = np.asarray(sorted(at), dtype=np.int64)
            members.append((agreement.areas, places_at, agreement.co_handling))
    return Arrays(
        network=network,
        day=day,
        weights=weights,
        ids=np.fromiter((s.id for s in people), dtype=np.int64, count=n),
        home=home,
        codes=codes,
        index=index,
        km=km,
        by_area={
            area: (np.asarray(p, dtype=np.int64), np.asarray(levels, dtype=np.int64))
            for area, (p, levels) in area_rows.items()
        },
        open_=_open(accepts, absent, capacity, used),
        capacity=capacity,
        used=used,
        accepts=accepts,
        modes=np.fromiter(
            (sum(MODE_BITS.get(m, 0) for m in s.modes) for s in people), dtype=np.int64, count=n
        ),
        max_travel=np.fromiter((s.max_travel_km for s in people), dtype=np.float64, count=n),
        load=_load(weights, capacity, used),
        next_free=np.fromiter(
            (NO_SLOT if s.next_free is None else _us(s.next_free) for s in people),
            dtype=np.int64,
            count=n,
        ),
        local=local,
        members=members,
    )


def _open(accepts: Bools, absent: Bools, capacity: Ints, used: Ints) -> Bools:
    """Not away, accepting new requests, capacity left."""
    return accepts & ~absent & (capacity - used > 0)


def _load(weights: Weights, capacity: Ints, used: Ints) -> Ints:
    """The load part of the score: the reference's float operations, elementwise
    (``np.rint`` rounds half to even as ``round`` does)."""
    share = np.where(capacity > 0, used / np.maximum(capacity, 1), 1.0)
    load: Ints = np.rint(weights.load * np.maximum(0.0, 1.0 - share)).astype(np.int64)
    return load


def with_state(arrays: Arrays, *, used: Mapping[int, int], absent: Collection[int]) -> Arrays:
    """``arrays`` (of a network read without its changing state) with this week's
    ``used`` capacity and who is ``absent`` now; every next free slot
    :data:`UNKNOWN` until :func:`with_next_free` fills it in."""
    week = np.zeros(len(arrays.ids), dtype=np.int64)
    ids = np.fromiter(used.keys(), dtype=np.int64, count=len(used))
    at, here = arrays.lookup(ids)
    week[at[here]] = np.fromiter(used.values(), dtype=np.int64, count=len(used))[here]
    away = np.zeros(len(arrays.ids), dtype=np.bool_)
    at, here = arrays.lookup(np.fromiter(absent, dtype=np.int64, count=len(absent)))
    away[at[here]] = True
    return replace(
        arrays,
        open_=_open(arrays.accepts, away, arrays.capacity, week),
        used=week,
        load=_load(arrays.weights, arrays.capacity, week),
        next_free=np.full(len(arrays.ids), UNKNOWN, dtype=np.int64),
    )


def with_next_free(arrays: Arrays, found: Mapping[int, datetime | None]) -> Arrays:
    """``arrays`` with the next free slots ``found`` (``None``: none in the horizon)."""
    next_free = arrays.next_free.copy()
    next_free[arrays.positions(found)] = [
        NO_SLOT if slot is None else _us(slot) for slot in found.values()
    ]
    return replace(arrays, next_free=next_free)


Asks = tuple[str, str, int | None, str, str, str]


def _asks(request: RequestInfo) -> Asks:
    """What of a request its eligible specialists and their scores depend on, but for
    when it must be met (see :func:`_timeliness`)."""
    return (
        request.area,
        request.origin,
        request.named_specialist,
        request.kind,
        request.mode,
        request.language,
    )


@dataclass(frozen=True)
class _Fixed:
    """The specialists eligible for a way of asking (:func:`_asks`), and the parts of
    their scores that do not depend on when they are next free."""

    positions: Ints
    km: Floats
    level: Ints
    distance: Ints
    language: Ints
    no_local: int

    def totals(self, arrays: Arrays) -> Ints:
        """The scores but for timeliness."""
        base = arrays.weights.base + self.no_local
        return base + self.level + self.distance + self.language + arrays.load[self.positions]

    def breakdown(self, arrays: Arrays, at: int, timeliness: int) -> ScoreBreakdown:
        return ScoreBreakdown(
            base=arrays.weights.base,
            level=int(self.level[at]),
            distance=int(self.distance[at]),
            timeliness=timeliness,
            language=int(self.language[at]),
            load=int(arrays.load[self.positions[at]]),
            no_local=self.no_local,
        )


@dataclass(frozen=True)
class _Scored:
    """The specialists eligible for one request, with every part of their scores."""

    fixed: _Fixed
    timeliness: Ints

    @property
    def positions(self) -> Ints:
        return self.fixed.positions

    @property
    def km(self) -> Floats:
        return self.fixed.km

    def totals(self, arrays: Arrays) -> Ints:
        return self.fixed.totals(arrays) + self.timeliness

    def breakdown(self, arrays: Arrays, at: int) -> ScoreBreakdown:
        return self.fixed.breakdown(arrays, at, int(self.timeliness[at]))


def _window_us(request: RequestInfo, now: datetime) -> int:
    if request.urgency == "planned" and request.latest_date is not None:
        latest = datetime.combine(request.latest_date, datetime.max.time(), tzinfo=now.tzinfo)
        window = max(latest - now, timedelta(hours=1))
    else:
        window = URGENCY_WINDOW.get(request.urgency, URGENCY_WINDOW["planned"])
    return window // timedelta(microseconds=1)


def _fixed(arrays: Arrays, request: RequestInfo) -> _Fixed | None:
    """The eligible specialists for ``request`` and the fixed parts of their scores."""
    origin = arrays.index.get(request.origin)
    if request.area not in arrays.by_area or origin is None:
        return None
    positions, levels, km = arrays.serving(
        request.area, origin, co_handling=request.kind == CO_HANDLING
    )
    mask = arrays.open_[positions]
    if request.named_specialist is not None:
        mask &= arrays.ids[positions] == request.named_specialist
    if request.kind in MEETING_KINDS:
        mask &= (arrays.modes[positions] & MODE_BITS.get(request.mode, 0)) != 0
        if request.mode == "on_site":
            mask &= km <= arrays.max_travel[positions]
    positions, levels, km = positions[mask], levels[mask], km[mask]
    weights = arrays.weights
    reach = weights.distance_on_site if request.mode == "on_site" else weights.distance_remote
    closeness = np.maximum(0.0, 1.0 - km / weights.distance_scale_km)
    return _Fixed(
        positions=positions,
        km=km,
        level=weights.level * levels,
        distance=np.rint(reach * closeness).astype(np.int64),
        language=np.where(arrays.speaks(request.language)[positions], weights.language, 0),
        no_local=0 if arrays.local[request.area][origin] else weights.no_local,
    )


def _timeliness(weights: Weights, free: Ints, window: Ints | int, now: int) -> Ints:
    """The timeliness part of meetings' scores, elementwise: specialists next free at
    ``free`` for requests to be met within ``window`` (microseconds; one, or one per
    specialist) of ``now``; the reference's float operations."""
    wait = np.maximum(free - now, 0)
    found = np.full(len(free), weights.timeliness, dtype=np.int64)
    late = wait > window  # (so waits of at least a microsecond)
    if late.any():
        within = window[late] if isinstance(window, np.ndarray) else window
        found[late] = np.rint((weights.timeliness * within) / wait[late]).astype(np.int64)
    found[free == NO_SLOT] = 0
    found[free == UNKNOWN] = weights.timeliness
    return found


def _timeliness_of(arrays: Arrays, request: RequestInfo, positions: Ints, now: datetime) -> Ints:
    if request.kind == "written":
        return np.full(len(positions), arrays.weights.timeliness, dtype=np.int64)
    free = arrays.next_free[positions]
    return _timeliness(arrays.weights, free, _window_us(request, now), _us(now))


def _score(arrays: Arrays, request: RequestInfo, now: datetime) -> _Scored | None:
    """The eligible specialists for ``request`` and the parts of their scores."""
    fixed = _fixed(arrays, request)
    if fixed is None:
        return None
    return _Scored(fixed, _timeliness_of(arrays, request, fixed.positions, now))


def suggest_fast(
    request: RequestInfo,
    arrays: Arrays,
    *,
    now: datetime,
    k: int = 5,
    exclude: Collection[int] = (),
) -> list[Suggestion]:
    """The ``k`` best eligible specialists but ``exclude``, best first, ties to the
    lower id: as :func:`network.graph.matching.suggest`."""
    scored = _score(arrays, request, now)
    if scored is None or len(scored.positions) == 0:
        return []
    order = _ranked(arrays, scored, k, exclude)
    ids = arrays.ids[scored.positions]
    return [
        Suggestion(
            specialist=int(ids[at]),
            rank=rank,
            breakdown=scored.breakdown(arrays, int(at)),
            distance_km=round(float(scored.km[at]), 1),
        )
        for rank, at in enumerate(order, start=1)
    ]


def _ranked(arrays: Arrays, scored: _Scored, k: int, exclude: Collection[int]) -> Ints:
    """Indices into ``scored`` of the ``k`` best but ``exclude``: by total, then id."""
    totals = scored.totals(arrays)
    ids = arrays.ids[scored.positions]
    keep = np.arange(len(ids))
    if exclude:
        keep = keep[~np.isin(ids, np.fromiter(exclude, dtype=np.int64))]
    order: Ints = keep[np.lexsort((ids[keep], -totals[keep]))][:k]
    return order


def next_to_look_up(
    request: RequestInfo,
    arrays: Arrays,
    *,
    now: datetime,
    k: int = 5,
    exclude: Collection[int] = (),
) -> list[int]:
    """The specialists whose next free slot :func:`suggest_fast` still needs for an
    exact top ``k``; empty when it has all it needs.

    An unknown slot scores as the best possible, so the scores are upper bounds:
    when the ``k`` best hold no unknown slot, nobody further down can overtake them
    (their true scores are at most their bounds, and ties go to the lower id as
    before). Otherwise the unknown ones among the ``2k`` best are asked for next.
    """
    if request.kind not in MEETING_KINDS:
        return []
    scored = _score(arrays, request, now)
    if scored is None or len(scored.positions) == 0:
        return []
    unknown = arrays.next_free[scored.positions] == UNKNOWN
    if not unknown[_ranked(arrays, scored, k, exclude)].any():
        return []
    wider = _ranked(arrays, scored, 2 * k, exclude)
    return [int(i) for i in arrays.ids[scored.positions[wider[unknown[wider]]]]]


class _Breakdowns(Mapping[tuple[int, int], ScoreBreakdown]):
    """The score parts of a round's pairs, made when asked for (a national round has
    millions of pairs and needs the parts of the few thousand it places): each
    request's fixed parts, and the timeliness of its way of asking (one for all, or
    one per specialist)."""

    def __init__(self, arrays: Arrays, found: dict[int, tuple[_Fixed, Ints | int]]) -> None:
        self._arrays = arrays
        self._found = found
        self._sorted: dict[int, tuple[Ints, Ints]] = {}  # by fixed: ids sorted, order

    def _at(self, fixed: _Fixed, specialist: int) -> int | None:
        if id(fixed) not in self._sorted:
            ids = self._arrays.ids[fixed.positions]
            order = np.argsort(ids, kind="stable")
            self._sorted[id(fixed)] = (ids[order], order)
        ids, order = self._sorted[id(fixed)]
        at = int(np.searchsorted(ids, specialist))
        return int(order[at]) if at < len(ids) and ids[at] == specialist else None

    def __getitem__(self, key: tuple[int, int]) -> ScoreBreakdown:
        request_id, specialist = key
        fixed, timeliness = self._found[request_id]
        at = self._at(fixed, specialist)
        if at is None:
            raise KeyError(key)
        part = timeliness if isinstance(timeliness, int) else int(timeliness[at])
        return fixed.breakdown(self._arrays, at, part)

    def __iter__(self) -> Iterator[tuple[int, int]]:
        for request_id, (fixed, _) in self._found.items():
            for specialist in self._arrays.ids[fixed.positions].tolist():
                yield request_id, specialist

    def __len__(self) -> int:
        return sum(len(fixed.positions) for fixed, _ in self._found.values())


@dataclass(frozen=True)
class RoundPairs:
    """The eligible pairs of a round's requests, with the parts of their scores that
    do not depend on when the specialists are next free: worked out once for each
    way of asking (a national round's 5,204 requests ask in 1,699 ways)."""

    requests: tuple[RequestInfo, ...]
    fixed: tuple[_Fixed | None, ...]  # per request; requests that ask alike share one

    def specialists(self, arrays: Arrays, *, meetings_only: bool = False) -> set[int]:
        """The ids of the specialists eligible for at least one request (meeting)."""
        chosen = {
            id(fixed): fixed.positions
            for request, fixed in zip(self.requests, self.fixed, strict=True)
            if fixed is not None and (request.kind in MEETING_KINDS or not meetings_only)
        }
        if not chosen:
            return set()
        return set(arrays.ids[np.unique(np.concatenate(list(chosen.values())))].tolist())


def round_pairs(requests: Iterable[RequestInfo], arrays: Arrays) -> RoundPairs:
    wanted = tuple(requests)
    known: dict[Asks, _Fixed | None] = {}
    for request in wanted:
        asks = _asks(request)
        if asks not in known:
            known[asks] = _fixed(arrays, request)
    return RoundPairs(wanted, tuple(known[_asks(r)] for r in wanted))


def build_problem_fast(
    requests: Iterable[RequestInfo],
    arrays: Arrays,
    *,
    now: datetime,
    pairs: RoundPairs | None = None,
) -> RoundProblem:
    """Every eligible (request, specialist) pair with its score, as
    :func:`network.graph.assignment.build_problem`; ``pairs``: the requests' pairs
    worked out already (:func:`round_pairs`, before their next free slots were)."""
    wanted = pairs or round_pairs(requests, arrays)
    at: list[int] = []
    present: list[tuple[RequestInfo, _Fixed]] = []
    for i, (request, fixed) in enumerate(zip(wanted.requests, wanted.fixed, strict=True)):
        if fixed is not None and len(fixed.positions):
            at.append(i)
            present.append((request, fixed))
    scored: dict[tuple[int, int], Ints] = {}
    fixed_of: dict[tuple[int, int], _Fixed] = {}
    timely: dict[tuple[int, int], Ints | int] = {}
    keys: list[tuple[int, int]] = []
    if present:
        # Requests that ask alike, and must be met within as long, score alike:
        # their scores are worked out once, then laid out for each request.
        now_us = _us(now)
        for request, fixed in present:
            window = _window_us(request, now) if request.kind in MEETING_KINDS else -1
            key = (id(fixed), window)
            if key not in scored:
                fixed_of[key] = fixed
                if window < 0:
                    timeliness: Ints | int = arrays.weights.timeliness
                else:
                    free = arrays.next_free[fixed.positions]
                    timeliness = _timeliness(arrays.weights, free, window, now_us)
                scored[key] = fixed.totals(arrays) + timeliness
                timely[key] = timeliness
            keys.append(key)
        lengths = np.fromiter((len(f.positions) for _, f in present), np.int64, len(present))
        positions = np.concatenate([f.positions for _, f in present])
        # Columns (column-major, each written and read whole): request, specialist, score.
        columns = np.empty((3, len(positions)), dtype=np.int64)
        request_ids = np.fromiter((r.id for r, _ in present), np.int64, len(present))
        columns[0] = np.repeat(request_ids, lengths)
        np.take(arrays.ids, positions, out=columns[1])
        np.concatenate([scored[key] for key in keys], out=columns[2])
        edge_array = columns.T
        rows = np.repeat(np.asarray(at, dtype=np.int64), lengths)
        # Requests with the same pairs at the same scores share a label (those without
        # pairs have their own): asked alike, or differently to the same effect.
        digests: dict[bytes, int] = {}
        label = {
            key: digests.setdefault(
                hashlib.blake2b(
                    arrays.ids[fixed_of[key].positions].tobytes() + scores.tobytes(),
                    digest_size=16,
                ).digest(),
                len(digests),
            )
            for key, scores in scored.items()
        }
        alike = len(label) + np.arange(len(wanted.requests))
        alike[at] = [label[key] for key in keys]
    else:
        alike = np.arange(len(wanted.requests))
        positions = rows = np.zeros(0, dtype=np.int64)
        edge_array = np.zeros((0, 3), dtype=np.int64)
    # The specialists of the pairs, by id; each pair's place among them.
    taken = np.flatnonzero(np.bincount(positions, minlength=len(arrays.ids)))
    taken = taken[np.argsort(arrays.ids[taken], kind="stable")]
    column_of = np.full(len(arrays.ids), -1, dtype=np.int64)
    column_of[taken] = np.arange(len(taken))
    remaining = np.maximum(arrays.capacity - arrays.used, 0)
    return RoundProblem(
        requests=tuple(r.id for r in wanted.requests),
        capacities=dict(zip(arrays.ids[taken].tolist(), remaining[taken].tolist(), strict=True)),
        edges=EdgeRows(edge_array),
        breakdowns=_Breakdowns(
            arrays, {r.id: (f, timely[k]) for (r, f), k in zip(present, keys, strict=True)}
        ),
        edge_array=edge_array,
        pair_index=(rows, column_of[positions]),
        alike=alike,
    )
