"""Coverage history: the monthly snapshots, written by the periodic job (and
``network snapshot``), read for the supply-over-time charts.

The current month's rows are replaced at most once a day, in one transaction, so
a month keeps the state of the last day it was taken; earlier months are never
touched. Snapshots hold aggregates only (statuses, inhabitants, specialists and
hours per municipality × area), nothing about requests or people.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

import anyio.to_thread

from network.coverage.loader import load_graph
from network.coverage.tables import CoverageSnapshot
from network.db import insert_columns, write_transaction
from network.graph.coverage import Service, Status, coverage
from network.graph.history import SnapshotFact, SupplyPoint, facts_of, supply_by_month
from network.lib import clock
from network.scheduling import STOCKHOLM

__all__ = ("snapshot_if_due", "supply_points", "take_snapshot")


def _month(day: date) -> str:
    return day.strftime("%Y-%m")


async def take_snapshot(day: date) -> int:
    """Replace the snapshot of ``day``'s month with the network as it stands on ``day``;
    returns the number of rows written."""
    network, graph = await load_graph(day)
    weekly = {s.id: s.weekly_hours for s in network.specialists.values()}
    # Seconds of work at the national scale, once a day: in a worker thread, so the
    # process goes on answering requests meanwhile.
    facts = await anyio.to_thread.run_sync(
        lambda: facts_of(_month(day), coverage(graph, Service.CONSULTATION), weekly)
    )
    async with write_transaction(CoverageSnapshot._meta.db):
        await CoverageSnapshot.delete().where(CoverageSnapshot.month == _month(day))
        # One statement on PostgreSQL (5,510 rows nationally), no ORM object per row.
        await insert_columns(
            CoverageSnapshot,
            {
                CoverageSnapshot.month: [f.month for f in facts],
                CoverageSnapshot.taken_on: [day] * len(facts),
                CoverageSnapshot.municipality: [f.municipality for f in facts],
                CoverageSnapshot.county: [f.county for f in facts],
                CoverageSnapshot.area: [f.area for f in facts],
                CoverageSnapshot.status: [f.status.value for f in facts],
                CoverageSnapshot.population: [f.population for f in facts],
                CoverageSnapshot.local_specialists: [f.local_specialists for f in facts],
                CoverageSnapshot.local_hours: [f.local_hours for f in facts],
                CoverageSnapshot.reachable_hours: [f.reachable_hours for f in facts],
            },
        )
    return len(facts)


async def snapshot_if_due(now: datetime | None = None) -> int:
    """Take today's snapshot unless this month's was already taken today (the
    periodic job calls this every pass; it costs one query when there is nothing to do)."""
    day = (now or clock.now()).astimezone(STOCKHOLM).date()
    done = await CoverageSnapshot.exists().where(
        (CoverageSnapshot.month == _month(day)) & (CoverageSnapshot.taken_on >= day)
    )
    return 0 if done else await take_snapshot(day)


async def supply_points(
    codes: Iterable[str], area: str | None, months: list[str]
) -> list[SupplyPoint | None]:
    """Supply in ``months`` for the municipalities ``codes`` (one area, or every area)."""
    wanted = sorted(set(codes))
    query = CoverageSnapshot.select(
        CoverageSnapshot.month,
        CoverageSnapshot.municipality,
        CoverageSnapshot.county,
        CoverageSnapshot.area,
        CoverageSnapshot.status,
        CoverageSnapshot.population,
        CoverageSnapshot.local_specialists,
        CoverageSnapshot.local_hours,
        CoverageSnapshot.reachable_hours,
    ).where(
        CoverageSnapshot.month.is_in(months or [""])
        & CoverageSnapshot.municipality.is_in(wanted or [""])
    )
    if area is not None:
        query = query.where(CoverageSnapshot.area == area)
    facts = [SnapshotFact(**{**row, "status": Status(row["status"])}) for row in await query]
    return supply_by_month(facts, months)
