"""The network as a NetworkX graph: the one model coverage reads.

Nodes are municipalities ``("m", code)``, specialists ``("s", id)`` and competence
areas ``("a", code)``. Edges:

- ``works_in``: specialist → municipality;
- ``competent_in``: specialist → area, with the ``level`` 1–3;
- ``shares``: municipality ↔ municipality for every pair that a sharing agreement
  valid on the day joins, with ``distance_km`` between their centroids and
  ``agreements``: agreement id → (areas, whether co-handling is allowed).

Pure: built from :class:`~network.graph.model.Network` plain data.
"""

from __future__ import annotations

from datetime import date
from itertools import combinations

import networkx as nx

from network.graph.model import Network

__all__ = ("area_node", "municipality_node", "network_graph", "specialist_node")


def municipality_node(code: str) -> tuple[str, str]:
    return ("m", code)


def specialist_node(specialist_id: int) -> tuple[str, int]:
    return ("s", specialist_id)


def area_node(code: str) -> tuple[str, str]:
    return ("a", code)


def network_graph(network: Network, areas: list[str], day: date) -> nx.Graph:
    """Municipalities, specialists and ``areas``, with the agreements valid on ``day``."""
    graph = nx.Graph(day=day)
    graph.add_nodes_from(
        (
            municipality_node(p.code),
            {"kind": "municipality", "county": p.county, "population": p.population},
        )
        for p in network.places.values()
    )
    graph.add_nodes_from((area_node(a), {"kind": "area"}) for a in areas)
    known_areas = set(areas)
    graph.add_nodes_from(
        (specialist_node(s.id), {"kind": "specialist", "weekly_hours": s.weekly_hours})
        for s in network.specialists.values()
    )
    graph.add_edges_from(
        (specialist_node(s.id), municipality_node(s.home), {"kind": "works_in"})
        for s in network.specialists.values()
    )
    graph.add_edges_from(
        (specialist_node(s.id), area_node(area), {"kind": "competent_in", "level": level})
        for s in network.specialists.values()
        for area, level in s.competences.items()
        if area in known_areas
    )
    by_county: dict[str, list[str]] = {}
    for place in network.places.values():
        by_county.setdefault(place.county, []).append(place.code)
    for agreement in network.agreements:
        if not agreement.valid_on(day):
            continue
        members = set(agreement.municipalities) & network.places.keys()
        for county in agreement.counties:
            members.update(by_county.get(county, ()))
        terms = (frozenset(agreement.areas), agreement.co_handling)
        for a, b in combinations(sorted(members), 2):
            u, v = municipality_node(a), municipality_node(b)
            data = graph.get_edge_data(u, v)
            if data is None:
                graph.add_edge(
                    u,
                    v,
                    kind="shares",
                    distance_km=round(network.distance(a, b), 1),
                    agreements={agreement.id: terms},
                )
            else:
                data["agreements"][agreement.id] = terms
    return graph
