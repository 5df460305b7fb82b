"""The network graph, built from the database in one place.

Places and the agreements valid on the day come from the same queries matching
uses (:mod:`network.consultations.network_loader`); here every specialist is read
with their home, competences and weekly hours.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, time

import networkx as nx

from network.consultations.network_loader import agreements_on, places
from network.directory.tables import CompetenceArea
from network.graph.build import network_graph
from network.graph.model import Network, SpecialistInfo
from network.specialists.tables import AvailabilityRule, SpecialistCompetence, SpecialistProfile

__all__ = ("active_areas", "load_graph", "load_network")


async def active_areas() -> list[str]:
    rows = await CompetenceArea.select(CompetenceArea.code).where(CompetenceArea.active.eq(True))
    return sorted(row["code"] for row in rows)


def _hours(start: time, end: time) -> float:
    return max((end.hour * 60 + end.minute) - (start.hour * 60 + start.minute), 0) / 60


async def _specialists() -> list[SpecialistInfo]:
    competences: dict[int, dict[str, int]] = defaultdict(dict)
    for row in await SpecialistCompetence.select(
        SpecialistCompetence.specialist,
        SpecialistCompetence.area._.code.as_alias("area"),
        SpecialistCompetence.level,
    ):
        competences[row["specialist"]][row["area"]] = row["level"]
    hours: dict[int, float] = defaultdict(float)
    for row in await AvailabilityRule.select(
        AvailabilityRule.specialist, AvailabilityRule.start_time, AvailabilityRule.end_time
    ):
        hours[row["specialist"]] += _hours(row["start_time"], row["end_time"])
    profiles = await SpecialistProfile.select(
        SpecialistProfile.id,
        SpecialistProfile.home_municipality._.code.as_alias("home"),
    )
    return [
        SpecialistInfo(
            id=p["id"],
            home=p["home"],
            competences=competences.get(p["id"], {}),
            weekly_hours=round(hours.get(p["id"], 0.0), 2),
        )
        for p in profiles
    ]


async def load_network(day: date) -> Network:
    """Every municipality and specialist, and the agreements valid on ``day``."""
    return Network.of(await places(), await agreements_on(day), await _specialists())


async def load_graph(day: date) -> tuple[Network, nx.Graph]:
    """The network and its graph with every active area."""
    network = await load_network(day)
    return network, network_graph(network, await active_areas(), day)
