"""The occurrences of standing series: real bookings, planned for a rolling horizon.

Each planned date of an agreed series becomes a live
:class:`~network.consultations.tables.Booking` of the specialist (no request; the
served municipality as its origin), written the way consultation bookings and
conference sessions are: after locking the specialist's profile row (``SELECT … FOR
UPDATE`` on PostgreSQL; SQLite has one writer at a time), against their other
bookings (buffer included), absences and weekly capacity. So free slots, the weekly
budget, "my week" and the calendar feed all see it.

A date that cannot be booked is not forced: it is recorded as skipped (the specialist
away, another meeting then, the week full) and both parties are told. When the series
is agreed a full week refuses the agreement instead, naming the week. The periodic
job (:func:`refresh`) plans further ahead as time passes, and skips booked dates that
an absence registered later now covers.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from typing import Any

from network.consultations.bookings import save_booking
from network.consultations.tables import Booking
from network.kernel.case_scope import system_scope
from network.kernel.context import Runtime
from network.lib import clock
from network.lib.errors import Conflict, NotFound
from network.lib.vocab import (
    BookingStatus,
    NotificationKind,
    OccurrenceOutcome,
    StandingStatus,
)
from network.notifications.services import notify
from network.scheduling import STOCKHOLM, local_period, planned_dates
from network.scheduling.slots import iso_week
from network.specialists.capacity import booked_times, week_used
from network.specialists.services import locked_profile
from network.specialists.tables import Absence, SpecialistProfile
from network.standing.access import SeriesRow, series_rows
from network.standing.tables import StandingOccurrence, StandingSeries

__all__ = (
    "HORIZON_WEEKS",
    "SKIP_NOTICES",
    "active_series",
    "book_time",
    "cancel_booking",
    "plan_ahead",
    "refresh",
    "standing_bookings",
    "tell",
)

HORIZON_WEEKS = 8

SKIP_NOTICES = {
    OccurrenceOutcome.SKIPPED_ABSENCE: NotificationKind.STANDING_SKIPPED_ABSENCE,
    OccurrenceOutcome.SKIPPED_CLASH: NotificationKind.STANDING_SKIPPED_CLASH,
    OccurrenceOutcome.SKIPPED_CAPACITY: NotificationKind.STANDING_SKIPPED_CAPACITY,
}


async def tell(row: SeriesRow, kind: NotificationKind, *, start: datetime | None = None) -> None:
    """Tell both parties of ``row`` (a fixed sentence; at most the meeting time)."""
    await notify(
        row.parties,
        kind,
        object_type="standing_series",
        object_id=row.id,
        link=f"/standing/{row.id}",
        params={"start": start.isoformat()} if start is not None else None,
    )


async def _obstacle(
    specialist: dict[str, Any], start: datetime, end: datetime
) -> OccurrenceOutcome | None:
    """Why [start, end) cannot be booked for the (locked) ``specialist``, if it cannot."""
    away = await Absence.exists().where(
        (Absence.specialist == specialist["id"])
        & (Absence.starts_at < end)
        & (Absence.ends_at > start)
    )
    if away:
        return OccurrenceOutcome.SKIPPED_ABSENCE
    buffer = timedelta(minutes=specialist["buffer_minutes"])
    taken = await booked_times([specialist["id"]], start - buffer, end + buffer)
    if taken.get(specialist["id"]):
        return OccurrenceOutcome.SKIPPED_CLASH
    used = await week_used([specialist["id"]], start.astimezone(STOCKHOLM).date())
    if used.get(specialist["id"], 0) >= specialist["consultations_per_week"]:
        return OccurrenceOutcome.SKIPPED_CAPACITY
    return None


def _refusal(outcome: OccurrenceOutcome, start: datetime, field: str) -> Conflict:
    if outcome is OccurrenceOutcome.SKIPPED_ABSENCE:
        return Conflict("falls in the specialist's absence", field=field)
    if outcome is OccurrenceOutcome.SKIPPED_CLASH:
        return Conflict("is taken (or too close to another meeting)", field=field)
    year, week = iso_week(start)
    return Conflict(
        f"falls in week {week} of {year}, when the specialist's capacity is used up",
        field=field,
    )


async def _lock(row: SeriesRow) -> dict[str, Any]:
    return await locked_profile(
        row.specialist,
        SpecialistProfile.buffer_minutes,
        SpecialistProfile.consultations_per_week,
        missing=NotFound("the specialist no longer exists", field="specialist"),
    )


async def _insert(
    row: SeriesRow, start: datetime, end: datetime, user_id: int | None, now: datetime
) -> int:
    booking = Booking(
        specialist=row.specialist,
        request=None,
        origin_municipality=row.municipality_id,
        starts_at=start.astimezone(UTC),
        ends_at=end.astimezone(UTC),
        mode=row.mode,
        status=BookingStatus.BOOKED,
        created_by=user_id,
        created_at=now,
    )
    return await save_booking(booking)


async def book_time(
    row: SeriesRow, start: datetime, user_id: int | None, now: datetime, *, field: str
) -> int:
    """A live booking for one occurrence of ``row`` at ``start`` (a moved one), or a
    :class:`Conflict` naming ``field`` and why not."""
    specialist = await _lock(row)
    end = start + timedelta(minutes=row.duration_minutes)
    if start <= now:
        raise Conflict("is in the past", field=field)
    outcome = await _obstacle(specialist, start, end)
    if outcome is not None:
        raise _refusal(outcome, start, field)
    return await _insert(row, start, end, user_id, now)


async def cancel_booking(booking_id: int, reason: str, now: datetime) -> None:
    async with system_scope(Booking._meta.db):
        await Booking.update(
            {
                Booking.status: BookingStatus.CANCELLED,
                Booking.cancelled_at: now,
                Booking.cancel_reason: reason,
            }
        ).where((Booking.id == booking_id) & (Booking.status == BookingStatus.BOOKED))


async def plan_ahead(
    row: SeriesRow,
    *,
    user_id: int | None,
    now: datetime,
    strict: bool,
    weeks: int = HORIZON_WEEKS,
) -> dict[OccurrenceOutcome, int]:
    """Plan the dates of ``row`` not yet planned up to ``weeks`` weeks ahead: book each
    one, or record it as skipped and tell both parties. ``strict`` (when the series is
    agreed): a week whose capacity is used up refuses the whole as a
    :class:`Conflict` naming the week, instead of being skipped. How many of each."""
    today = now.astimezone(STOCKHOLM).date()
    until = today + timedelta(weeks=weeks)
    begin = row.first_date
    if row.generated_until is not None:
        begin = max(begin, row.generated_until + timedelta(days=1))
    begin = max(begin, today)
    counts: dict[OccurrenceOutcome, int] = {}
    if begin > until:
        return counts
    specialist = await _lock(row)
    planned = await StandingOccurrence.select(StandingOccurrence.on_date).where(
        StandingOccurrence.series == row.id
    )
    known = {r["on_date"] for r in planned}
    days = planned_dates(
        row.first_date, row.weekday, row.every_weeks, start=begin, until=until, end=row.end_date
    )
    for day in days:
        start, end = local_period(day, row.start_time, row.duration_minutes)
        if day in known or start <= now:
            continue
        outcome = await _obstacle(specialist, start, end)
        if outcome is OccurrenceOutcome.SKIPPED_CAPACITY and strict:
            year, week = iso_week(start)
            raise Conflict(
                f"week {week} of {year}: the specialist's capacity would be exceeded",
                field="first_date",
            )
        booking_id = None
        if outcome is None:
            booking_id = await _insert(row, start, end, user_id, now)
            outcome = OccurrenceOutcome.BOOKED
        else:
            await tell(row, SKIP_NOTICES[outcome], start=start)
        await StandingOccurrence(
            series=row.id, on_date=day, booking=booking_id, outcome=outcome, created_at=now
        ).save()
        counts[outcome] = counts.get(outcome, 0) + 1
    await StandingSeries.update({StandingSeries.generated_until: until}).where(
        StandingSeries.id == row.id
    )
    return counts


def _utc(moment: datetime) -> datetime:
    """An instant read back from either engine, as an aware datetime."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


async def _skip_absent(row: SeriesRow, now: datetime) -> int:
    """Cancel the booked future occurrences of ``row`` that an absence now covers,
    telling both parties; how many."""
    rows = await StandingOccurrence.select(
        StandingOccurrence.id,
        StandingOccurrence.booking,
        StandingOccurrence.booking._.starts_at.as_alias("starts_at"),
        StandingOccurrence.booking._.ends_at.as_alias("ends_at"),
    ).where(
        (StandingOccurrence.series == row.id)
        & (StandingOccurrence.outcome == OccurrenceOutcome.BOOKED)
        & (StandingOccurrence.booking._.starts_at > now)
    )
    if not rows:
        return 0
    absences = await Absence.select(Absence.starts_at, Absence.ends_at).where(
        (Absence.specialist == row.specialist) & (Absence.ends_at > now)
    )
    skipped = 0
    for occurrence in rows:
        start, end = _utc(occurrence["starts_at"]), _utc(occurrence["ends_at"])
        if not any(_utc(a["starts_at"]) < end and _utc(a["ends_at"]) > start for a in absences):
            continue
        await cancel_booking(occurrence["booking"], "the specialist is away", now)
        await StandingOccurrence.update(
            {StandingOccurrence.outcome: OccurrenceOutcome.SKIPPED_ABSENCE}
        ).where(StandingOccurrence.id == occurrence["id"])
        await tell(row, NotificationKind.STANDING_SKIPPED_ABSENCE, start=start)
        skipped += 1
    return skipped


async def refresh(runtime: Runtime, *, now: datetime | None = None) -> dict[str, int]:
    """One pass of the periodic job over every agreed series: skip booked dates that an
    absence now covers, end series past their last day, and plan ahead to the horizon.
    What it did (nothing: an empty dict, which the job does not log)."""
    now = now or clock.now()
    today = now.astimezone(STOCKHOLM).date()
    done: dict[str, int] = {}
    async with runtime.system_work(), system_scope(Booking._meta.db):
        for row in await series_rows(StandingSeries.status == StandingStatus.ACTIVE):
            skipped = await _skip_absent(row, now)
            if skipped:
                done["skipped_absence"] = done.get("skipped_absence", 0) + skipped
            if row.end_date is not None and row.end_date < today:
                await StandingSeries.update(
                    {StandingSeries.status: StandingStatus.ENDED, StandingSeries.ended_at: now}
                ).where(StandingSeries.id == row.id)
                done["ended"] = done.get("ended", 0) + 1
                continue
            for outcome, count in (
                await plan_ahead(row, user_id=None, now=now, strict=False)
            ).items():
                done[outcome.value] = done.get(outcome.value, 0) + count
    return done


async def active_series(
    specialist_ids: Iterable[int], start: datetime | date, end: datetime | date
) -> list[tuple[int, int]]:
    """``(specialist_id, series_id)`` of every agreed series of ``specialist_ids`` that
    is active during [start, end): agreed, begun before ``end`` and not ended before
    ``start`` (datetimes are read as Stockholm dates). For the weekly budget."""
    ids = sorted(set(specialist_ids))
    if not ids:
        return []
    first = start.astimezone(STOCKHOLM).date() if isinstance(start, datetime) else start
    stop = end.astimezone(STOCKHOLM).date() if isinstance(end, datetime) else end
    rows = await StandingSeries.select(
        StandingSeries.id,
        StandingSeries.specialist,
        StandingSeries.weekday,
        StandingSeries.first_date,
        StandingSeries.end_date,
        StandingSeries.ended_at,
    ).where(
        StandingSeries.specialist.is_in(ids)
        & StandingSeries.status.is_in([StandingStatus.ACTIVE, StandingStatus.ENDED])
        & StandingSeries.answered_at.is_not_null()
        & (StandingSeries.first_date < stop)
    )
    found = []
    for row in rows:
        last = row["end_date"]
        if row["ended_at"] is not None:
            ended = row["ended_at"].astimezone(STOCKHOLM).date()
            last = ended if last is None else min(last, ended)
        if last is not None and last < first:
            continue
        found.append((row["specialist"], row["id"]))
    return sorted(found)


async def standing_bookings(booking_ids: Iterable[int]) -> dict[int, int]:
    """Which of ``booking_ids`` hold an occurrence of a standing series: booking id to
    series id (for "my week" and the calendar feed)."""
    ids = sorted(set(booking_ids))
    if not ids:
        return {}
    rows = await StandingOccurrence.select(
        StandingOccurrence.booking, StandingOccurrence.series
    ).where(StandingOccurrence.booking.is_in(ids))
    return {row["booking"]: row["series"] for row in rows}
