"""The per-kind Piccolo queries that :func:`network.specialists.workload.work_of`
replaced (one statement for all kinds): the reference it is compared with in
``tests/integration/test_points_statement.py`` and the "before" of ``python -m bench
points``. Pass ``sources=REFERENCE_SOURCES`` to ``points_load`` to read the load the
old way (five statements)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from network.consultations.tables import Assignment
from network.db import among, as_instant, one_of
from network.engagements.workload import open_engagements
from network.kernel.case_scope import system_scope
from network.lib.vocab import AssignmentStatus, ConsultationKind, Urgency, WorkKind
from network.mentoring.tables import MentoringRequest
from network.specialists.workload import ACTIVE_CONSULTATION, Source, Work
from network.standing.occurrences import active_series
from network.standing.tables import StandingSeries

__all__ = (
    "REFERENCE_SOURCES",
    "consultation_work",
    "engagement_work",
    "mentee_work",
    "standing_work",
)


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


REFERENCE_SOURCES: tuple[Source, ...] = (
    consultation_work,
    engagement_work,
    standing_work,
    mentee_work,
)
