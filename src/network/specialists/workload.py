"""A specialist's load in case points: one weekly budget over every kind of work.

Each kind of work has one *source*: an async function that lists the pieces of
work of some specialists that are active in a week ([start, end) of an ISO week,
Europe/Stockholm), each with what its points depend on (kind, urgency, area, the
county or programme whose rows apply). The load is the sum of their points from
the points table (:class:`~network.specialists.tables.WorkPoints`, looked up by
:class:`~network.specialists.points_model.PointsTable`). A new kind of work (a
co-handling engagement, a standing support series) adds one source to
:data:`SOURCES`; nothing else here changes.

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
from datetime import date, datetime

from network.consultations.tables import Assignment
from network.db import among, as_instant, one_of
from network.engagements.workload import open_engagements
from network.kernel.case_scope import system_scope
from network.lib.errors import Conflict, NotFound
from network.lib.vocab import (
    AssignmentStatus,
    ConsultationKind,
    ConsultationStatus,
    Urgency,
    WorkKind,
)
from network.mentoring.tables import MentoringRequest
from network.specialists.capacity import week_bounds
from network.specialists.points_model import PointsTable
from network.specialists.services import locked_profile
from network.specialists.tables import SpecialistProfile, WorkPoints
from network.standing.occurrences import active_series
from network.standing.tables import StandingSeries

__all__ = (
    "ACTIVE_CONSULTATION",
    "SOURCES",
    "PointsLoad",
    "Source",
    "Work",
    "by_kind",
    "consultation_points",
    "consultation_work",
    "engagement_work",
    "load_points_table",
    "mentee_work",
    "points_capacities",
    "points_load",
    "standing_work",
    "take_points",
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


async def consultation_work(
    specialists: Sequence[int], start: datetime, end: datetime
) -> list[Work]:
    """Consultations the specialists accepted before ``end`` and still hold."""
    if not specialists:
        return []
    request = Assignment.request._
    async with system_scope(Assignment._meta.db):
        rows = await Assignment.select(
            Assignment.specialist,
            Assignment.request,
            request.kind.as_alias("kind"),
            request.urgency.as_alias("urgency"),
            request.area._.code.as_alias("area"),
            request.origin_municipality._.county._.code.as_alias("county"),
        ).where(
            among(Assignment.specialist, list(specialists))
            & (Assignment.status == AssignmentStatus.ACCEPTED)
            & request.status.is_in(list(ACTIVE_CONSULTATION))
            & (request.accepted_at < end)
            # Co-handling weighs on whoever holds its engagement (handover moves it).
            & (request.kind != ConsultationKind.CO_HANDLING)
        )
    return [
        Work(
            specialist=row["specialist"],
            kind=WorkKind(row["kind"]),
            urgency=row["urgency"],
            area=row["area"] or "",
            county=row["county"],
            ref=f"consultation:{row['request']}",
        )
        for row in rows
    ]


# The mentees of the specialists' users, in one statement; ``{}``: the ids' condition.
_MENTEES_SQL = (
    "SELECT p.id AS specialist, m.id AS id, m.programme AS programme, "
    "m.matched_at AS matched_at, c.code AS county "
    "FROM mentoring_request m "
    "JOIN mentor_offer o ON o.id = m.offer "
    'JOIN specialist_profile p ON p."user" = o."user" '
    "LEFT JOIN mentoring_programme g ON g.id = o.programme "
    "LEFT JOIN county c ON c.id = g.county "
    "WHERE m.status = 'matched' AND p.id {}"
)


async def mentee_work(specialists: Sequence[int], start: datetime, end: datetime) -> list[Work]:
    """Mentees matched before ``end`` with a mentor offer of the specialists' users."""
    if not specialists:
        return []
    engine = MentoringRequest._meta.db
    wanted, args = one_of(engine, list(specialists), "bigint")
    async with system_scope(engine):
        rows = await MentoringRequest.raw(_MENTEES_SQL.format(wanted), *args)
    return [
        Work(
            specialist=row["specialist"],
            kind=WorkKind.MENTEE,
            urgency=Urgency.PLANNED.value,
            area="",
            county=row["county"],
            programme=row["programme"],
            ref=f"mentee:{row['id']}",
        )
        for row in rows
        if row["matched_at"] is None or as_instant(row["matched_at"]) < end
    ]


async def engagement_work(specialists: Sequence[int], start: datetime, end: datetime) -> list[Work]:
    """Co-handling engagements the specialists hold in the week (after any handover:
    the stand-in carries them), from their opening until they are closed."""
    return [
        Work(
            specialist=held.specialist,
            kind=WorkKind.CO_HANDLING,
            urgency=held.urgency,
            area=held.area,
            county=held.county,
            ref=f"engagement:{held.engagement}",
        )
        for held in await open_engagements(specialists, start, end)
    ]


async def standing_work(specialists: Sequence[int], start: datetime, end: datetime) -> list[Work]:
    """Agreed standing support series active in the week (a mentor's standing time
    with a mentee is the mentee's points, not a second weight)."""
    active = await active_series(specialists, start, end)
    if not active:
        return []
    rows = await StandingSeries.select(
        StandingSeries.id,
        StandingSeries.mentoring,
        StandingSeries.municipality._.county._.code.as_alias("county"),
    ).where(StandingSeries.id.is_in(sorted({series for _, series in active})))
    found = {row["id"]: row for row in rows}
    return [
        Work(
            specialist=specialist,
            kind=WorkKind.STANDING,
            urgency=Urgency.PLANNED.value,
            area="",
            county=found[series]["county"],
            ref=f"standing:{series}",
        )
        for specialist, series in active
        if series in found and found[series]["mentoring"] is None
    ]


# One source per kind of work.
SOURCES: tuple[Source, ...] = (consultation_work, engagement_work, standing_work, mentee_work)


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
