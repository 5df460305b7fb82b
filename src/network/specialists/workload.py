"""A specialist's load in case points: one weekly budget over every kind of work.

The work of some specialists that is active in a week ([start, end) of an ISO
week, Europe/Stockholm) is read by :func:`work_of`, one hand-written statement
(UNION ALL, one branch per kind of work, the same on SQLite and PostgreSQL), each
piece with what its points depend on (kind, urgency, area, the county or
programme whose rows apply). The load is the sum of their points from the points
table (:class:`~network.specialists.tables.WorkPoints`, looked up by
:class:`~network.specialists.points_model.PointsTable`). A new kind of work adds
one branch to the statement (``tests/support/points_sources.py`` keeps the
per-kind Piccolo queries it replaced, which the tests compare it with).

- consultations: accepted by the specialist and not yet completed or cancelled
  (accepted, or booked), accepted before the week ends; a consultation counts
  from its acceptance until it is closed, whatever week its meeting falls in;
- co-handling engagements: held by the specialist (a handover moves them to the
  stand-in) from their opening until they are closed;
- standing support series: agreed and running in the week (a mentor's standing
  time with a mentee weighs as the mentee, not twice);
- mentees: matched with a mentor offer of the specialist's user, matched before
  the week ends.

Taking work (accepting an offer, opening an engagement with it, agreeing to a
standing series, matching a mentor, committing a round) checks the
remaining points with :func:`take_points` inside the taker's transaction, with the
specialist's row locked (:func:`~network.specialists.services.locked_profile`:
``SELECT … FOR UPDATE`` on PostgreSQL; SQLite has one writer at a time), so two
takers of one specialist's last points queue up and the second is refused.

Bookings and consultations are case data under row-level security on PostgreSQL:
these reads run in :func:`~network.kernel.case_scope.system_scope` and select
ids, kinds, urgencies and areas only.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time

from network.consultations.tables import Assignment
from network.db import among, fetch, one_of
from network.kernel.case_scope import system_scope
from network.lib.errors import Conflict, NotFound
from network.lib.vocab import (
    AssignmentStatus,
    ConsultationKind,
    ConsultationStatus,
    MentoringStatus,
    StandingStatus,
    Urgency,
    WorkKind,
)
from network.scheduling import STOCKHOLM
from network.specialists.capacity import week_bounds
from network.specialists.points_model import PointsTable
from network.specialists.services import locked_profile
from network.specialists.tables import SpecialistProfile, WorkPoints

__all__ = (
    "ACTIVE_CONSULTATION",
    "SOURCES",
    "PointsLoad",
    "Source",
    "Work",
    "by_kind",
    "consultation_points",
    "load_points_table",
    "points_capacities",
    "points_load",
    "take_points",
    "work_of",
    "work_points",
)

# A consultation uses its specialist's points while it is in one of these.
ACTIVE_CONSULTATION = (ConsultationStatus.ACCEPTED, ConsultationStatus.BOOKED)


@dataclass(frozen=True, slots=True)
class Work:
    """One piece of a specialist's active work, with what its points depend on."""

    specialist: int
    kind: WorkKind
    urgency: str
    area: str  # competence area code, "" for none
    county: str | None  # the county whose rows apply (the origin's)
    programme: int | None = None  # the mentoring programme whose rows apply
    ref: str = ""  # what it is, e.g. "consultation:12" (for the week's list)


Source = Callable[[Sequence[int], datetime, datetime], Awaitable[list[Work]]]


# The active work of some specialists in a week, every kind in one statement (the
# same on both engines: typed NULLs by ``CAST``); ``{ids}``: the ids' condition, the
# other ``{}`` the parameters :func:`work_of` passes, in order.
_WORK_SQL = (
    # Consultations accepted by the specialist before the week ends and still held
    # (co-handling weighs on whoever holds its engagement: a handover moves it).
    "SELECT 0 AS n, x.specialist AS specialist, r.id AS id, r.kind AS kind, "
    "r.urgency AS urgency, COALESCE(a.code, '') AS area, c.code AS county, "
    "CAST(NULL AS integer) AS programme "
    "FROM assignment x JOIN consultation_request r ON r.id = x.request "
    "LEFT JOIN competence_area a ON a.id = r.area "
    "LEFT JOIN municipality m ON m.id = r.origin_municipality "
    "LEFT JOIN county c ON c.id = m.county "
    "WHERE x.specialist {ids} AND x.status = {} AND r.status IN ({}, {}) "
    "AND r.accepted_at < {} AND r.kind <> {} "
    "UNION ALL "
    # Co-handling engagements held (after any handover), opened before the week
    # ends and not closed before it starts.
    "SELECT 1, e.specialist, e.id, CAST({} AS varchar), e.urgency, a.code, c.code, "
    "CAST(NULL AS integer) "
    "FROM engagement e "
    "LEFT JOIN competence_area a ON a.id = e.area "
    "LEFT JOIN municipality m ON m.id = e.origin_municipality "
    "LEFT JOIN county c ON c.id = m.county "
    "WHERE e.specialist {ids} AND e.opened_at < {} "
    "AND (e.closed_at IS NULL OR e.closed_at >= {}) "
    "UNION ALL "
    # Agreed standing series running in the week (Stockholm dates): begun before
    # it ends, not ended (last date, or ended the day of ``ended_at``) before it
    # starts; a mentor's standing time with a mentee weighs as the mentee.
    "SELECT 2, s.specialist, s.id, CAST({} AS varchar), CAST({} AS varchar), '', c.code, "
    "CAST(NULL AS integer) "
    "FROM standing_series s "
    "LEFT JOIN municipality m ON m.id = s.municipality "
    "LEFT JOIN county c ON c.id = m.county "
    "WHERE s.specialist {ids} AND s.status IN ({}, {}) AND s.answered_at IS NOT NULL "
    "AND s.mentoring IS NULL AND s.first_date < {} "
    "AND (s.end_date IS NULL OR s.end_date >= {}) "
    "AND (s.ended_at IS NULL OR s.ended_at >= {}) "
    "UNION ALL "
    # Mentees matched (before the week ends) with a mentor offer of the user.
    "SELECT 3, p.id, q.id, CAST({} AS varchar), CAST({} AS varchar), '', c.code, "
    "q.programme "
    "FROM mentoring_request q "
    "JOIN mentor_offer o ON o.id = q.offer "
    'JOIN specialist_profile p ON p."user" = o."user" '
    "LEFT JOIN mentoring_programme g ON g.id = o.programme "
    "LEFT JOIN county c ON c.id = g.county "
    "WHERE p.id {ids} AND q.status = {} AND (q.matched_at IS NULL OR q.matched_at < {}) "
    "ORDER BY n, specialist, id"
)

# What ``ref`` a row of each kind (``n``) gets.
_REFS = ("consultation", "engagement", "standing", "mentee")


async def work_of(specialists: Sequence[int], start: datetime, end: datetime) -> list[Work]:
    """The specialists' work active in [start, end) (see the module's docstring), in
    one statement per two thousand specialists: each specialist's consultations,
    engagements, standing series, mentees, each kind by id."""
    if not specialists or end <= start:
        return []
    found: list[Work] = []
    for chunk in range(0, len(specialists), _WORK_CHUNK):
        found += await _work_of(specialists[chunk : chunk + _WORK_CHUNK], start, end)
    return found


# Ids in one statement of :func:`work_of` (SQLite: four IN lists of them).
_WORK_CHUNK = 2000


async def _work_of(specialists: Sequence[int], start: datetime, end: datetime) -> list[Work]:
    engine = Assignment._meta.db
    wanted, ids = one_of(engine, list(specialists), "bigint")
    # A series ended on the week's first (Stockholm) day still runs in it.
    first = start.astimezone(STOCKHOLM).date()
    first_midnight = datetime.combine(first, time(0), tzinfo=STOCKHOLM)
    args = [
        *ids,
        AssignmentStatus.ACCEPTED.value,
        *(status.value for status in ACTIVE_CONSULTATION),
        end,
        ConsultationKind.CO_HANDLING.value,
        WorkKind.CO_HANDLING.value,
        *ids,
        end,
        start,
        WorkKind.STANDING.value,
        Urgency.PLANNED.value,
        *ids,
        StandingStatus.ACTIVE.value,
        StandingStatus.ENDED.value,
        end.astimezone(STOCKHOLM).date(),
        first,
        first_midnight,
        WorkKind.MENTEE.value,
        Urgency.PLANNED.value,
        *ids,
        MentoringStatus.MATCHED.value,
        end,
    ]
    sql = _WORK_SQL.replace("{ids}", wanted)
    async with system_scope(engine):  # bookings' and consultations' ids and codes only
        rows = await fetch(engine, sql, *args)
    return [
        Work(
            specialist=row["specialist"],
            kind=WorkKind(row["kind"]),
            urgency=row["urgency"],
            area=row["area"],
            county=row["county"],
            programme=row["programme"],
            ref=f"{_REFS[row['n']]}:{row['id']}",
        )
        for row in rows
    ]


# Where the work is read from: one statement for every kind (a new kind of work is
# one more branch of it).
SOURCES: tuple[Source, ...] = (work_of,)


async def load_points_table() -> PointsTable:
    """The points table as it is stored (a few dozen rows)."""
    rows = await WorkPoints.select(
        WorkPoints.scope, WorkPoints.kind, WorkPoints.urgency, WorkPoints.area, WorkPoints.points
    )
    if not rows:
        return PointsTable.default()
    return PointsTable.of(
        (r["scope"], r["kind"], r["urgency"], r["area"], r["points"]) for r in rows
    )


def work_points(table: PointsTable, work: Work) -> int:
    """The points one piece of work weighs."""
    return table.points(
        work.kind.value,
        work.urgency,
        work.area,
        county=work.county,
        programme=work.programme,
    )


def consultation_points(
    table: PointsTable, *, kind: str, urgency: str, area: str, county: str | None
) -> int:
    """The points a consultation request of ``kind`` (its ``ConsultationKind``, whose
    values are work kinds) weighs for the specialist who takes it."""
    return table.points(WorkKind(kind).value, urgency, area, county=county)


@dataclass(frozen=True, slots=True)
class PointsLoad:
    """One specialist's budget of case points in one week, and what uses it."""

    capacity: int
    used: int
    items: tuple[tuple[Work, int], ...] = ()

    @property
    def remaining(self) -> int:
        return max(self.capacity - self.used, 0)

    @property
    def percent(self) -> int:
        """The share of the budget in use, in whole per cent (0 budget: 0 or 100+)."""
        if self.capacity <= 0:
            return 0 if self.used == 0 else 999
        return round(100 * self.used / self.capacity)

    @property
    def over(self) -> bool:
        """More in use than the budget (the pages warn)."""
        return self.used > self.capacity


async def points_capacities(specialist_ids: Iterable[int]) -> dict[int, int]:
    """Each specialist's budget of case points a week."""
    ids = sorted(set(specialist_ids))
    if not ids:
        return {}
    rows = await SpecialistProfile.select(
        SpecialistProfile.id, SpecialistProfile.points_capacity
    ).where(among(SpecialistProfile.id, ids))
    return {row["id"]: row["points_capacity"] for row in rows}


async def points_load(
    specialist_ids: Iterable[int],
    day: date,
    *,
    table: PointsTable | None = None,
    capacities: Mapping[int, int] | None = None,
    sources: Sequence[Source] = SOURCES,
) -> dict[int, PointsLoad]:
    """Each specialist's points budget and its use in the ISO week holding ``day``
    (``table`` and ``capacities``: as the caller read them, else read here)."""
    ids = sorted(set(specialist_ids))
    if not ids:
        return {}
    start, end = week_bounds(day)
    table = table or await load_points_table()
    items: dict[int, list[tuple[Work, int]]] = defaultdict(list)
    for source in sources:
        for work in await source(ids, start, end):
            items[work.specialist].append((work, work_points(table, work)))
    if capacities is None or any(i not in capacities for i in ids):
        capacities = await points_capacities(ids)
    return {
        specialist: PointsLoad(
            capacity=capacities[specialist],
            used=sum(points for _, points in items[specialist]),
            items=tuple(items[specialist]),
        )
        for specialist in ids
        if specialist in capacities
    }


async def take_points(
    specialist_id: int,
    points: int,
    day: date,
    *,
    field: str = "specialist",
    table: PointsTable | None = None,
) -> PointsLoad:
    """Check, inside the caller's transaction and with the specialist's row locked,
    that ``points`` more fit their budget in the week holding ``day``; the load
    before taking them. A :class:`Conflict` naming the points when they do not:
    exactly full is allowed, one point over is not."""
    await locked_profile(specialist_id, missing=NotFound("no such specialist", field=field))
    load = (await points_load([specialist_id], day, table=table))[specialist_id]
    if load.used + points > load.capacity:
        raise Conflict(
            f"takes {points} case points, but only {load.remaining} of the specialist's "
            f"{load.capacity} points a week are left ({load.used} in use)",
            field=field,
        )
    return load


def by_kind(load: PointsLoad) -> list[tuple[str, int]]:
    """The points in use summed per kind of work, heaviest first (no case data)."""
    totals: dict[str, int] = defaultdict(int)
    for work, points in load.items:
        totals[work.kind.value] += points
    return sorted(totals.items(), key=lambda item: (-item[1], item[0]))
