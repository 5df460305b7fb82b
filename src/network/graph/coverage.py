"""Coverage per municipality × competence area, read off the network graph.

A municipality is covered in an area

- *locally* when a specialist competent in the area works there;
- *shared* when, failing that, a sharing agreement valid on the graph's day joins
  it with a municipality that has such a specialist, and the agreement covers the
  area (for co-handling, the agreement must also allow co-handling);
- otherwise not at all.

Apart from those statuses, a municipality may be *reached through a group case
conference*: an active case-conference series in the area serves it (see
:class:`Conference`). That is shared supply of a weaker kind, a separate source in
the cell (``conferences``) that never changes its status, its specialists or its
supply hours: a monthly group session is not a specialist to consult. A cell without
a specialist within reach but with such a series has :attr:`Cell.reach`
``conference`` (the pages, exports and API show that level beside the status).

Supply is the weekly hours of the distinct specialists who may serve the
municipality in the area (its own and those reachable through agreements), so a
specialist shared by five municipalities counts in each: it is what each of them
can draw on, not a division of the specialist's time.

Pure: plain data from :func:`network.graph.build.network_graph` in, cells and
county summaries out.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

import networkx as nx

__all__ = (
    "Cell",
    "Conference",
    "CountySummary",
    "Provider",
    "Reach",
    "Service",
    "Status",
    "county_summaries",
    "coverage",
)


class Status(StrEnum):
    LOCAL = "local"
    SHARED = "shared"
    NONE = "none"


class Reach(StrEnum):
    """How a municipality reaches the area, strongest first: the status, and between
    shared and none the weaker level of a group case conference only."""

    LOCAL = "local"
    SHARED = "shared"
    CONFERENCE = "conference"
    NONE = "none"


@dataclass(frozen=True, slots=True)
class Conference:
    """An active case-conference series that serves municipalities in one area: shared
    supply through its hub's sessions (the hub is counted as a specialist where they
    are within reach anyway, never again through the series)."""

    series: int
    area: str
    hub: int
    hub_municipality: str
    municipalities: tuple[str, ...]
    weekly_hours: float  # the sessions' length spread over the cadence


class Service(StrEnum):
    """What the municipality needs the specialist for: consultations only, or also
    co-handling of cases (which only some agreements allow)."""

    CONSULTATION = "consultation"
    CO_HANDLING = "co_handling"


@dataclass(frozen=True, slots=True)
class Provider:
    """A municipality whose specialists may serve another through ``agreements``."""

    municipality: str
    agreements: tuple[int, ...]
    specialists: tuple[int, ...]
    distance_km: float


@dataclass(frozen=True, slots=True)
class Cell:
    """The coverage of one municipality in one area."""

    municipality: str
    county: str
    area: str
    population: int
    status: Status
    local: tuple[int, ...]  # specialists working in the municipality
    providers: tuple[Provider, ...]  # other municipalities, nearest first
    supply_hours: float
    conferences: tuple[Conference, ...] = ()  # active series serving it in the area

    @property
    def reach(self) -> Reach:
        if self.status is not Status.NONE:
            return Reach(self.status.value)
        return Reach.CONFERENCE if self.conferences else Reach.NONE

    @property
    def specialists(self) -> frozenset[int]:
        """Everyone who may serve the municipality in the area."""
        found = set(self.local)
        for provider in self.providers:
            found.update(provider.specialists)
        return frozenset(found)

    @property
    def agreements(self) -> frozenset[int]:
        return frozenset(a for p in self.providers for a in p.agreements)

    @property
    def covered(self) -> bool:
        return self.status is not Status.NONE


def _local_specialists(
    graph: nx.Graph,
) -> tuple[dict[tuple[str, str], tuple[int, ...]], dict[tuple[str, str], float]]:
    """(municipality, area) → the specialists working there, and their summed hours."""
    # One pass over the raw adjacency (graph.adjacency() yields the inner dicts,
    # much faster than the views for 20,000 specialists).
    home: dict[int, str] = {}
    weekly: dict[int, float] = {}
    competent: list[tuple[int, str]] = []
    for node, neighbours in graph.adjacency():
        if node[0] != "s":
            continue
        weekly[node[1]] = graph.nodes[node].get("weekly_hours", 0.0)
        for neighbour, edge in neighbours.items():
            if edge["kind"] == "works_in":
                home[node[1]] = neighbour[1]
            elif edge["kind"] == "competent_in":
                competent.append((node[1], neighbour[1]))
    local: dict[tuple[str, str], list[int]] = defaultdict(list)
    hours: dict[tuple[str, str], float] = defaultdict(float)
    for specialist, area in competent:
        if specialist in home:
            key = (home[specialist], area)
            local[key].append(specialist)
            hours[key] += weekly[specialist]
    return {key: tuple(sorted(ids)) for key, ids in local.items()}, hours


def coverage(
    graph: nx.Graph,
    service: Service = Service.CONSULTATION,
    conferences: Iterable[Conference] = (),
) -> list[Cell]:
    """Every municipality × area of the graph, sorted by municipality then area.

    ``conferences``: the active case-conference series; they count for the
    consultation service only (a conference does not co-handle a case)."""
    local, hours = _local_specialists(graph)
    served: dict[tuple[str, str], list[Conference]] = defaultdict(list)
    if service is Service.CONSULTATION:
        for conference in sorted(conferences, key=lambda c: c.series):
            for municipality in conference.municipalities:
                served[(municipality, conference.area)].append(conference)
    areas = sorted(node[1] for node, d in graph.nodes(data=True) if d.get("kind") == "area")
    municipalities = sorted(
        (node[1], d) for node, d in graph.nodes(data=True) if d.get("kind") == "municipality"
    )
    cells = []
    for code, data in municipalities:
        # area → provider municipality → (agreements, distance)
        reach: dict[str, dict[str, tuple[list[int], float]]] = defaultdict(dict)
        for neighbour, edge in graph.adj[("m", code)].items():
            if edge["kind"] != "shares":
                continue
            other = neighbour[1]
            for agreement_id, (agreement_areas, co_handling) in sorted(edge["agreements"].items()):
                if service is Service.CO_HANDLING and not co_handling:
                    continue
                for area in agreement_areas:
                    if (other, area) not in local:
                        continue
                    entry = reach[area].setdefault(other, ([], edge["distance_km"]))
                    entry[0].append(agreement_id)
        for area in areas:
            own = local.get((code, area), ())
            providers = tuple(
                sorted(
                    (
                        Provider(
                            municipality=other,
                            agreements=tuple(agreement_ids),
                            specialists=local[(other, area)],
                            distance_km=distance,
                        )
                        for other, (agreement_ids, distance) in reach.get(area, {}).items()
                    ),
                    key=lambda p: (p.distance_km, p.municipality),
                )
            )
            # every specialist has one home, so the municipalities' hours add up
            supply = hours.get((code, area), 0.0) + sum(
                hours[(p.municipality, area)] for p in providers
            )
            status = Status.LOCAL if own else Status.SHARED if providers else Status.NONE
            cells.append(
                Cell(
                    municipality=code,
                    county=data["county"],
                    area=area,
                    population=data["population"],
                    status=status,
                    local=own,
                    providers=providers,
                    supply_hours=round(supply, 1),
                    conferences=tuple(served.get((code, area), ())),
                )
            )
    return cells


@dataclass(frozen=True, slots=True)
class CountySummary:
    """How much of a county is covered in one area."""

    county: str
    area: str
    municipalities: int
    local: int
    shared: int
    population: int
    covered_population: int
    # not covered, but reached through a group case conference (of the not covered)
    conference_only: int = 0

    @property
    def covered(self) -> int:
        return self.local + self.shared

    @property
    def covered_share(self) -> float:
        return round(self.covered / self.municipalities, 3) if self.municipalities else 0.0

    @property
    def population_share(self) -> float:
        return round(self.covered_population / self.population, 3) if self.population else 0.0


def county_summaries(cells: Iterable[Cell]) -> list[CountySummary]:
    """One summary per (county, area), sorted."""
    totals: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0, 0])
    for cell in cells:
        t = totals[(cell.county, cell.area)]
        t[0] += 1
        t[1] += cell.status is Status.LOCAL
        t[2] += cell.status is Status.SHARED
        t[3] += cell.population
        t[4] += cell.population if cell.covered else 0
        t[5] += cell.reach is Reach.CONFERENCE
    return [
        CountySummary(county, area, *values) for (county, area), values in sorted(totals.items())
    ]
