"""The network graph, built from the database in one place.

Places and the agreements valid on the day come from the same queries matching
uses (:mod:`network.consultations.network_loader`); here every specialist is read
with their home, competences and weekly hours; and the active case-conference series
(:func:`active_conferences`), which coverage counts as shared supply of a weaker kind.

A series is *active* on a day when it is a case conference (not a peer network's or a
programme's meetings) and has a session that starts at most ``ACTIVE_WEEKS`` weeks
before that day or any time after it: one held in the last two months or one planned.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime, time, timedelta

import networkx as nx

from network.conferences.tables import ConferenceSeries, ConferenceSession, SeriesMunicipality
from network.consultations.network_loader import agreements_on, places
from network.directory.tables import CompetenceArea
from network.graph.build import network_graph
from network.graph.coverage import Conference
from network.graph.model import Network, SpecialistInfo
from network.lib.vocab import Cadence, ConferenceKind
from network.scheduling import STOCKHOLM
from network.specialists.tables import AvailabilityRule, SpecialistCompetence, SpecialistProfile

__all__ = ("ACTIVE_WEEKS", "active_areas", "active_conferences", "load_graph", "load_network")

ACTIVE_WEEKS = 8
# sessions a week, per cadence: a monthly 90-minute series gives 90 / 60 / 4.35 hours
_PER_WEEK = {Cadence.MONTHLY: 12 / 52, Cadence.FORTNIGHTLY: 0.5}


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


async def active_conferences(day: date) -> list[Conference]:
    """The case-conference series active on ``day``, with the municipalities they serve."""
    since = datetime.combine(day - timedelta(weeks=ACTIVE_WEEKS), time.min, STOCKHOLM).astimezone(
        UTC
    )
    live = {
        row["series"]
        for row in await ConferenceSession.select(ConferenceSession.series).where(
            ConferenceSession.starts_at >= since
        )
    }
    if not live:
        return []
    rows = await ConferenceSeries.select(
        ConferenceSeries.id,
        ConferenceSeries.area._.code.as_alias("area"),
        ConferenceSeries.hub,
        ConferenceSeries.home_municipality._.code.as_alias("hub_municipality"),
        ConferenceSeries.cadence,
        ConferenceSeries.duration_minutes,
    ).where(
        ConferenceSeries.id.is_in(sorted(live))
        & (ConferenceSeries.kind == ConferenceKind.CASE_CONFERENCE)
    )
    served: dict[int, list[str]] = defaultdict(list)
    for row in await SeriesMunicipality.select(
        SeriesMunicipality.series, SeriesMunicipality.municipality._.code.as_alias("code")
    ).where(SeriesMunicipality.series.is_in([r["id"] for r in rows] or [0])):
        served[row["series"]].append(row["code"])
    return [
        Conference(
            series=r["id"],
            area=r["area"],
            hub=r["hub"],
            hub_municipality=r["hub_municipality"],
            municipalities=tuple(sorted(served.get(r["id"], []))),
            weekly_hours=round(
                r["duration_minutes"] / 60 * _PER_WEEK.get(Cadence(r["cadence"]), 12 / 52), 2
            ),
        )
        for r in sorted(rows, key=lambda r: r["id"])
        if served.get(r["id"])
    ]
