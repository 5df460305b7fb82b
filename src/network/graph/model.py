"""The network as plain data: places, sharing agreements, specialists and requests.

Frozen dataclasses with no framework imports; the services build them from the
database and pass them to the pure algorithms (matching, assignment, coverage).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

__all__ = (
    "Agreement",
    "Network",
    "Place",
    "RequestInfo",
    "SpecialistInfo",
    "distance_km",
)

EARTH_RADIUS_KM = 6371.0


@dataclass(frozen=True, slots=True)
class Place:
    """A municipality: its kommunkod, county, centroid and population."""

    code: str
    county: str
    latitude: float
    longitude: float
    population: int = 0


def distance_km(a: Place, b: Place) -> float:
    """Great-circle distance between two municipalities' centroids (haversine)."""
    lat1, lat2 = math.radians(a.latitude), math.radians(b.latitude)
    return _haversine(lat1, math.cos(lat1), lat2, math.cos(lat2), b.longitude - a.longitude)


def distance_table(places: Sequence[Place]) -> list[list[float]]:
    """:func:`distance_km` between every two of ``places``, to the last bit, with
    each place's latitude worked out once (290 municipalities make 41,905 pairs)."""
    lats = [math.radians(p.latitude) for p in places]
    cosines = [math.cos(lat) for lat in lats]
    table = [[0.0] * len(places) for _ in places]
    for i, a in enumerate(places):
        for j in range(i + 1, len(places)):
            # The haversine is symmetric to the last bit (its products commute).
            table[i][j] = table[j][i] = _haversine(
                lats[i], cosines[i], lats[j], cosines[j], places[j].longitude - a.longitude
            )
    return table


def _haversine(lat1: float, cos1: float, lat2: float, cos2: float, degrees_east: float) -> float:
    dlon = math.radians(degrees_east)
    h = math.sin((lat2 - lat1) / 2) ** 2 + cos1 * cos2 * math.sin(dlon / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


@dataclass(frozen=True, slots=True)
class Agreement:
    """Municipalities whose specialists may serve each other in ``areas`` while valid.

    Members are listed municipalities, or every municipality of the listed counties
    (a county-wide agreement)."""

    id: int
    areas: frozenset[str]
    valid_from: date
    valid_to: date | None = None
    municipalities: frozenset[str] = frozenset()
    counties: frozenset[str] = frozenset()
    co_handling: bool = False

    def valid_on(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)

    def includes(self, place: Place) -> bool:
        return place.code in self.municipalities or place.county in self.counties


@dataclass(frozen=True, slots=True)
class SpecialistInfo:
    """What matching needs to know about one specialist."""

    id: int
    home: str
    competences: Mapping[str, int]  # area code → level 1–3
    languages: frozenset[str] = frozenset({"sv"})
    modes: frozenset[str] = frozenset({"phone", "video"})  # phone, video, on_site
    max_travel_km: int = 0
    capacity: int = 4  # meetings and consultations a week
    used: int = 0  # used of it in the week that matters
    absent: bool = False
    accepts_new: bool = True
    next_free: datetime | None = None  # the first free slot, for meetings
    weekly_hours: float = 0.0  # hours a week in the specialist's weekly schedule

    @property
    def remaining(self) -> int:
        return max(self.capacity - self.used, 0)


@dataclass(frozen=True, slots=True)
class RequestInfo:
    """What matching needs to know about one consultation request."""

    id: int
    area: str
    origin: str
    urgency: str = "planned"  # acute, soon, planned
    kind: str = "meeting"  # meeting, written, co_handling (a series of meetings)
    mode: str = "video"  # written, phone, video, on_site
    language: str = "sv"
    named_specialist: int | None = None
    latest_date: date | None = None


@dataclass(frozen=True)
class Network:
    """Places, agreements and specialists, with the lookups matching asks often."""

    places: Mapping[str, Place]
    agreements: tuple[Agreement, ...] = ()
    specialists: Mapping[int, SpecialistInfo] = field(default_factory=dict)
    _local: dict[str, frozenset[str]] = field(init=False, repr=False, compare=False)
    _agreement_places: dict[int, frozenset[str]] | None = field(
        init=False, default=None, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        local: dict[str, set[str]] = defaultdict(set)
        for specialist in self.specialists.values():
            for area in specialist.competences:
                local[area].add(specialist.home)
        object.__setattr__(self, "_local", {a: frozenset(m) for a, m in local.items()})

    @classmethod
    def of(
        cls,
        places: Iterable[Place],
        agreements: Iterable[Agreement] = (),
        specialists: Iterable[SpecialistInfo] = (),
    ) -> Network:
        return cls(
            places={p.code: p for p in places},
            agreements=tuple(agreements),
            specialists={s.id: s for s in specialists},
        )

    def homes_serving(self, asks: Iterable[tuple[str, str]]) -> frozenset[str]:
        """The places whose specialists may serve one of ``asks`` (area, origin) on a
        day the agreements here are valid: each origin, and every member of an
        agreement covering the area and the origin. A round or a suggestion needs
        the specialists of these places only (a county's are a tenth of the
        country's)."""
        members = self._members()
        found: set[str] = set()
        for area, origin in set(asks):
            found.add(origin)
            for agreement in self.agreements:
                if area in agreement.areas and origin in members[agreement.id]:
                    found |= members[agreement.id]
        return frozenset(found)

    def _members(self) -> dict[int, frozenset[str]]:
        """Each agreement's places (worked out once: a kept network answers many)."""
        if self._agreement_places is None:
            found = {
                agreement.id: frozenset(
                    code for code, place in self.places.items() if agreement.includes(place)
                )
                for agreement in self.agreements
            }
            object.__setattr__(self, "_agreement_places", found)
            return found
        return self._agreement_places

    def has_local_specialist(self, municipality: str, area: str) -> bool:
        """Whether a specialist competent in ``area`` works in ``municipality``."""
        return municipality in self._local.get(area, frozenset())

    def sharing_agreement(
        self, home: str, origin: str, area: str, day: date, *, co_handling: bool = False
    ) -> Agreement | None:
        """A valid agreement that lets a specialist of ``home`` serve ``origin`` in
        ``area`` on ``day`` (the one with the lowest id when several do); with
        ``co_handling``, only one whose scope allows co-handling."""
        a, b = self.places.get(home), self.places.get(origin)
        if a is None or b is None:
            return None
        for agreement in self.agreements:
            if (
                area in agreement.areas
                and (agreement.co_handling or not co_handling)
                and agreement.valid_on(day)
                and agreement.includes(a)
                and agreement.includes(b)
            ):
                return agreement
        return None

    def may_serve(
        self, home: str, origin: str, area: str, day: date, *, co_handling: bool = False
    ) -> bool:
        """Own municipality, or a valid sharing agreement covering both and the area
        (with ``co_handling``: one that allows co-handling)."""
        return (
            home == origin
            or self.sharing_agreement(home, origin, area, day, co_handling=co_handling) is not None
        )

    def distance(self, a: str, b: str) -> float:
        if a == b:
            return 0.0
        return distance_km(self.places[a], self.places[b])
