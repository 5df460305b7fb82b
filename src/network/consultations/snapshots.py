"""Each app keeps the static part of an area's network, ready for matching.

Suggestions are asked for often and over thousands of specialists; what they read
of the specialists' profiles, competences, places and agreements changes rarely.
The app keeps (in its runtime's :class:`~network.kernel.kept.Kept`), per area, that
part as a :class:`~network.graph.model.Network` and its matching arrays
(:func:`network.graph.fastmatch.prepare`), stamped with the ``network`` data
version read before loading it and the Stockholm day (agreements are valid by the
day). Every use reads the data version (one primary-key read) and
reloads when it moved: database triggers raise it with every change to those
tables, so a snapshot is never used after a change has committed, whoever made it.

What changes by the hour (this week's load, absences, next free slots) is not kept:
callers read it for each request (:func:`network.consultations.network_loader.current_state`).

Requests that find the same snapshot missing at once share one load.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime

import anyio.to_thread

from network.consultations.network_loader import (
    State,
    agreements_on,
    places,
    static_specialists,
)
from network.directory.versions import NETWORK, data_version
from network.graph.fastmatch import Arrays, prepare
from network.graph.model import Agreement, Network, Place, SpecialistInfo
from network.kernel.kept import Kept
from network.scheduling import STOCKHOLM
from network.specialists.points_model import PointsTable
from network.specialists.workload import load_points_table, points_capacities

__all__ = ("AreaSnapshot", "area_snapshot", "area_snapshots")


@dataclass(frozen=True)
class AreaSnapshot:
    """The specialists competent in ``area`` (without their changing state), the
    places and the agreements valid on ``day``, as of data ``version``."""

    area: str
    version: int
    day: date
    network: Network
    arrays: Arrays
    # The case points table and the area's specialists' budgets of points: both
    # raise the ``network`` version when they change (docs/workload.md).
    points: PointsTable = field(default_factory=PointsTable.default)
    points_capacity: dict[int, int] | None = None

    def specialist(
        self, specialist_id: int, state: State, next_free: datetime | None = None
    ) -> SpecialistInfo | None:
        """One specialist with their changing state filled in."""
        found = self.network.specialists.get(specialist_id)
        if found is None:
            return None
        return replace(
            found,
            used=state.used.get(specialist_id, 0),
            absent=specialist_id in state.absent,
            next_free=next_free,
        )


def _build(
    found: list[Place], agreements: list[Agreement], people: list[SpecialistInfo], day: date
) -> tuple[Network, Arrays]:
    network = Network.of(found, agreements, people)
    return network, prepare(network, day)


async def _load(kept: Kept, place: tuple[str, str], version: int, day: date) -> AreaSnapshot:
    area = place[1]
    rows = (await places(), await agreements_on(day), await static_specialists([area]))
    # A national area's arrays take a few hundred milliseconds to build: in a worker
    # thread, so the process goes on answering meanwhile.
    network, arrays = await anyio.to_thread.run_sync(_build, *rows, day)
    snapshot = AreaSnapshot(
        area=area,
        version=version,
        day=day,
        network=network,
        arrays=arrays,
        points=await load_points_table(),
        points_capacity=await points_capacities(network.specialists),
    )
    known = kept.values.get(place)
    if known is None or (known.version, known.day) <= (version, day):
        kept.keep(place, snapshot)
    return snapshot


async def area_snapshot(
    kept: Kept, area: str, now: datetime, *, version: int | None = None
) -> AreaSnapshot:
    """The current snapshot of ``area``, loaded if the data moved since it was kept
    (in ``kept``: the runtime's, ``ctx.runtime.kept``).

    The load runs in the caller's transaction (on its connection: waiting for
    another from the pool while holding one could exhaust the pool); callers that
    miss the same snapshot meanwhile wait for that load, and load it themselves if
    it did not finish (its caller gave up or failed). ``version``: the ``network``
    data version, when the caller has just read it in its transaction."""
    if version is None:
        version = await data_version(NETWORK)
    day = now.astimezone(STOCKHOLM).date()
    place = ("area-snapshot", area)
    pending = kept.loading()
    key = (*place, version, day)
    while True:
        known = kept.values.get(place)
        if isinstance(known, AreaSnapshot) and known.day == day and known.version >= version:
            return known  # (a newer one is as good: the data moved after we asked)
        loading = pending.get(key)
        if loading is None:
            break
        await loading.wait()
    done = pending[key] = asyncio.Event()
    try:
        return await _load(kept, place, version, day)
    finally:
        del pending[key]
        done.set()


async def area_snapshots(kept: Kept, areas: Iterable[str], now: datetime) -> list[AreaSnapshot]:
    """The current snapshots of ``areas`` (as :func:`area_snapshot` gives each), those
    missing loaded together: the places, agreements, points table and budgets once,
    and the specialists of all of them in one read (a round over many areas after a
    change to the network)."""
    wanted = sorted(set(areas))
    version = await data_version(NETWORK)
    day = now.astimezone(STOCKHOLM).date()
    found: dict[str, AreaSnapshot] = {}
    for area in wanted:
        known = kept.values.get(("area-snapshot", area))
        if isinstance(known, AreaSnapshot) and known.day == day and known.version >= version:
            found[area] = known
    missing = [area for area in wanted if area not in found]
    if len(missing) == 1:
        found[missing[0]] = await area_snapshot(kept, missing[0], now)
    elif missing:
        rows = (await places(), await agreements_on(day), await static_specialists(missing))
        table = await load_points_table()
        capacities = await points_capacities(s.id for s in rows[2])
        for area in missing:
            people = [s for s in rows[2] if area in s.competences]
            network, arrays = await anyio.to_thread.run_sync(_build, rows[0], rows[1], people, day)
            snapshot = found[area] = AreaSnapshot(
                area=area,
                version=version,
                day=day,
                network=network,
                arrays=arrays,
                points=table,
                points_capacity={s.id: capacities[s.id] for s in people if s.id in capacities},
            )
            place = ("area-snapshot", area)
            known = kept.values.get(place)
            if known is None or (known.version, known.day) <= (version, day):
                kept.keep(place, snapshot)
    return [found[area] for area in wanted]
