"""A specialist's busy times, the one weekly capacity budget they use, and who takes
their offers while they are away.

Consultation meetings and mentoring meetings are both bookings, and a written
consultation uses the week in which the specialist accepted it; so one count per
ISO week (Europe/Stockholm) of live bookings plus accepted written consultations
is the budget everywhere: free slots, suggestions, offers, batch rounds and
booking itself read it from here.

Bookings are case data under row-level security on PostgreSQL; these reads need
every booking of a specialist whoever asks, so they run in
:func:`~network.kernel.case_scope.system_scope` and select times only.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from piccolo.query.functions.aggregate import Count
from piccolo.query.methods.select import Select

from network.consultations.tables import Assignment, Booking
from network.db import among
from network.kernel.case_scope import system_scope
from network.lib.vocab import (
    AssignmentStatus,
    BookingStatus,
    ConsultationKind,
    ConsultationStatus,
)
from network.scheduling import STOCKHOLM, Away, Busy, offer_recipient
from network.specialists.tables import Absence, SpecialistProfile

__all__ = (
    "WRITTEN_NOT_COUNTED",
    "WeekEntry",
    "WeekLoad",
    "booked_times",
    "offer_recipients",
    "week_bounds",
    "week_entries",
    "week_load",
    "week_used",
    "written_taken",
)

# A written consultation cancelled after acceptance gives its week back.
WRITTEN_NOT_COUNTED = (ConsultationStatus.CANCELLED,)


async def booked_times(
    specialist_ids: Iterable[int], start: datetime, end: datetime
) -> dict[int, list[Busy]]:
    """Live bookings of each specialist that overlap [start, end), as busy periods."""
    ids = sorted(set(specialist_ids))
    result: dict[int, list[Busy]] = defaultdict(list)
    if not ids:
        return result
    async with system_scope(Booking._meta.db):
        rows = (
            await Booking.select(Booking.specialist, Booking.starts_at, Booking.ends_at)
            .where(
                among(Booking.specialist, ids)
                & (Booking.status == BookingStatus.BOOKED)
                & (Booking.starts_at < end)
                & (Booking.ends_at > start)
            )
            .order_by(Booking.starts_at)
        )
    for row in rows:
        result[row["specialist"]].append(Busy(row["starts_at"], row["ends_at"]))
    return result


def _written_accepted(specialists: list[int] | Select[Any], start: datetime, end: datetime) -> Any:
    """The assignments of written consultations that ``specialists`` accepted in
    [start, end) and that still count (see :data:`WRITTEN_NOT_COUNTED`)."""
    return (
        (
            among(Assignment.specialist, specialists)
            if isinstance(specialists, list)
            else Assignment.specialist.is_in(specialists)
        )
        & (Assignment.status == AssignmentStatus.ACCEPTED)
        & (Assignment.request._.kind == ConsultationKind.WRITTEN)
        & Assignment.request._.status.not_in(list(WRITTEN_NOT_COUNTED))
        & (Assignment.request._.accepted_at >= start)
        & (Assignment.request._.accepted_at < end)
    )


async def written_taken(
    specialist_ids: Iterable[int], start: datetime, end: datetime
) -> dict[int, list[Busy]]:
    """Written consultations each specialist accepted in [start, end), as instants
    (``Busy`` of no length): they use the week's capacity but no slot."""
    ids = sorted(set(specialist_ids))
    result: dict[int, list[Busy]] = defaultdict(list)
    if not ids:
        return result
    async with system_scope(Assignment._meta.db):
        rows = await Assignment.select(
            Assignment.specialist, Assignment.request._.accepted_at.as_alias("at")
        ).where(_written_accepted(ids, start, end))
    for row in rows:
        result[row["specialist"]].append(Busy(row["at"], row["at"]))
    return result


def week_bounds(day: date) -> tuple[datetime, datetime]:
    """Monday 00:00 to the next Monday 00:00 (Stockholm) of the week holding ``day``."""
    monday = day - timedelta(days=day.weekday())
    start = datetime.combine(monday, time(0), tzinfo=STOCKHOLM)
    return start, datetime.combine(monday + timedelta(days=7), time(0), tzinfo=STOCKHOLM)


@dataclass(frozen=True, slots=True)
class WeekLoad:
    """The weekly budget of one specialist in one week."""

    capacity: int
    used: int

    @property
    def remaining(self) -> int:
        return max(self.capacity - self.used, 0)


def _booked_in(specialists: list[int] | Select[Any], start: datetime, end: datetime) -> Any:
    """The live bookings of ``specialists`` that start in [start, end): each uses one
    of its week's budget."""
    return (
        Booking.specialist.is_in(specialists)
        & (Booking.status == BookingStatus.BOOKED)
        & (Booking.starts_at >= start)
        & (Booking.starts_at < end)
    )


async def week_used(specialists: list[int] | Select[Any], day: date) -> dict[int, int]:
    """How much of their weekly capacity each of ``specialists`` (ids, or a query
    selecting them) has used in the ISO week holding ``day``; nobody listed: none.

    Counted in the database: what :func:`~network.scheduling.used_per_week` counts
    of :func:`booked_times` and :func:`written_taken` for that week (live bookings
    and accepted written consultations that start in it)."""
    if isinstance(specialists, list) and not specialists:
        return {}
    start, end = week_bounds(day)
    used: Counter[int] = Counter()
    async with system_scope(Booking._meta.db):
        booked = (
            Booking.select(Booking.specialist, Count(alias="n"))
            .where(_booked_in(specialists, start, end))
            .group_by(Booking.specialist)
        )
        written = (
            Assignment.select(Assignment.specialist, Count(alias="n"))
            .where(_written_accepted(specialists, start, end))
            .group_by(Assignment.specialist)
        )
        for row in [*await booked, *await written]:
            used[row["specialist"]] += row["n"]
    return dict(used)


async def week_load(specialist_ids: Iterable[int], day: date) -> dict[int, WeekLoad]:
    """Capacity and use in the ISO week holding ``day``, for each specialist found."""
    ids = sorted(set(specialist_ids))
    if not ids:
        return {}
    used = await week_used(ids, day)
    capacities = await SpecialistProfile.select(
        SpecialistProfile.id, SpecialistProfile.consultations_per_week
    ).where(among(SpecialistProfile.id, ids))
    return {
        row["id"]: WeekLoad(capacity=row["consultations_per_week"], used=used.get(row["id"], 0))
        for row in capacities
    }


@dataclass(frozen=True, slots=True)
class WeekEntry:
    """One thing that uses a week's budget, as "my week" lists it: a booked meeting
    (of a consultation, or of a group case conference when ``request`` is ``None``)
    or an accepted written consultation (``kind`` ``"written"``, at its acceptance,
    with no end). Names and times only, no case text."""

    kind: str  # "meeting", "conference" or "written"
    at: datetime
    ends_at: datetime | None
    request: int | None
    mode: str | None
    area: str | None
    area_name_sv: str | None
    area_name_en: str | None
    municipality_name: str | None
    meeting_details: str | None = None
    booking: int | None = None  # the booked meeting's id


async def week_entries(specialist_id: int, day: date) -> list[WeekEntry]:
    """Everything that :func:`week_used` counts for ``specialist_id`` in the ISO week
    holding ``day`` (the same conditions), in time order: the list a page shows
    next to the figure, so that the two always agree."""
    start, end = week_bounds(day)
    async with system_scope(Booking._meta.db):
        booked = await Booking.select(
            Booking.id,
            Booking.starts_at,
            Booking.ends_at,
            Booking.request,
            Booking.mode,
            Booking.meeting_details,
            Booking.request._.area._.code.as_alias("area"),
            Booking.request._.area._.name_sv.as_alias("area_name_sv"),
            Booking.request._.area._.name_en.as_alias("area_name_en"),
            Booking.origin_municipality._.name.as_alias("municipality_name"),
        ).where(_booked_in([specialist_id], start, end))
        written = await Assignment.select(
            Assignment.request,
            Assignment.request._.accepted_at.as_alias("at"),
            Assignment.request._.area._.code.as_alias("area"),
            Assignment.request._.area._.name_sv.as_alias("area_name_sv"),
            Assignment.request._.area._.name_en.as_alias("area_name_en"),
            Assignment.request._.origin_municipality._.name.as_alias("municipality_name"),
        ).where(_written_accepted([specialist_id], start, end))
    entries = [
        WeekEntry(
            kind="meeting" if row["request"] is not None else "conference",
            at=row["starts_at"],
            ends_at=row["ends_at"],
            request=row["request"],
            mode=row["mode"],
            area=row["area"],
            area_name_sv=row["area_name_sv"],
            area_name_en=row["area_name_en"],
            municipality_name=row["municipality_name"],
            meeting_details=row["meeting_details"],
            booking=row["id"],
        )
        for row in booked
    ] + [
        WeekEntry(
            kind="written",
            at=row["at"],
            ends_at=None,
            request=row["request"],
            mode=None,
            area=row["area"],
            area_name_sv=row["area_name_sv"],
            area_name_en=row["area_name_en"],
            municipality_name=row["municipality_name"],
        )
        for row in written
    ]
    return sorted(entries, key=lambda e: (e.at, e.kind, e.request or 0))


async def offer_recipients(specialist_ids: Iterable[int], at: datetime) -> dict[int, int | None]:
    """For each specialist, who receives a new offer meant for them at ``at``: themself,
    their stand-in while they are away, or ``None`` (away with nobody standing in)."""
    ids = sorted(set(specialist_ids))
    if not ids:
        return {}
    absences: dict[int, list[Away]] = defaultdict(list)
    queried: set[int] = set()
    frontier = ids
    # Follow stand-in chains: load the absences of each newly named stand-in too.
    while frontier:
        queried.update(frontier)
        rows = await Absence.select(
            Absence.specialist, Absence.starts_at, Absence.ends_at, Absence.stand_in
        ).where(
            Absence.specialist.is_in(frontier) & (Absence.starts_at <= at) & (Absence.ends_at > at)
        )
        for row in rows:
            absences[row["specialist"]].append(
                Away(row["starts_at"], row["ends_at"], row["stand_in"])
            )
        named = {row["stand_in"] for row in rows if row["stand_in"] is not None}
        frontier = sorted(named - queried)
    return {specialist: offer_recipient(specialist, absences, at) for specialist in ids}
