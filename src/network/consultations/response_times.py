"""How quickly requests are answered: time from opening to the first answer, to
acceptance and to the meeting, per competence area and municipality.

The first-answer target is 1 working day for acute requests and 3 for the rest
(Monday–Friday; public holidays are not subtracted, which errs on the strict
side). Aggregates only, never case text; a group with fewer than
``MIN_GROUP`` requests shows its count as suppressed and no times, so a rare
case in a small municipality cannot be singled out.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from network.audit.services import record
from network.consultations.tables import Assignment, ConsultationRequest
from network.kernel.case_scope import system_scope
from network.kernel.context import Context
from network.kernel.policy import Action, visible_scope
from network.lib.errors import Forbidden, InvalidInput
from network.lib.vocab import AssignmentStatus, ConsultationKind, Urgency
from network.privacy.small_numbers import MIN_GROUP
from network.scheduling import STOCKHOLM

__all__ = (
    "MIN_GROUP",
    "Opened",
    "ResponseTimes",
    "answer_deadline",
    "response_times",
    "response_times_for",
    "specialist_response_times",
)

TARGET_WORKING_DAYS = {Urgency.ACUTE: 1, Urgency.SOON: 3, Urgency.PLANNED: 3}


@dataclass(frozen=True, slots=True)
class Opened:
    """One opened request, with its times (aware datetimes, None when not reached)."""

    area: str
    municipality: str
    urgency: str
    written: bool
    opened_at: datetime
    first_answer_at: datetime | None
    accepted_at: datetime | None
    meeting_at: datetime | None


@dataclass(frozen=True, slots=True)
class ResponseTimes:
    area: str
    municipality: str
    requests: int | None  # None: fewer than MIN_GROUP (suppressed)
    median_hours_to_first_answer: float | None
    median_hours_to_accepted: float | None
    median_hours_to_meeting: float | None
    answered_within_target: float | None  # share of written requests answered in time


def answer_deadline(opened_at: datetime, urgency: str) -> datetime:
    """``opened_at`` plus the target's working days (weekends skipped), same clock time."""
    remaining = TARGET_WORKING_DAYS.get(Urgency(urgency), 3)
    moment = opened_at.astimezone(STOCKHOLM)
    while remaining:
        moment += timedelta(days=1)
        if moment.weekday() < 5:
            remaining -= 1
    return moment


def _median_hours(spans: list[timedelta]) -> float | None:
    if not spans:
        return None
    return round(statistics.median(s.total_seconds() for s in spans) / 3600, 1)


def response_times(opened: Iterable[Opened]) -> list[ResponseTimes]:
    """One row per (area, municipality), sorted; small groups suppressed."""
    groups: dict[tuple[str, str], list[Opened]] = defaultdict(list)
    for item in opened:
        groups[(item.area, item.municipality)].append(item)
    rows = []
    for (area, municipality), items in sorted(groups.items()):
        if len(items) < MIN_GROUP:
            rows.append(ResponseTimes(area, municipality, None, None, None, None, None))
            continue
        written = [i for i in items if i.written]
        answered_in_time = [
            i
            for i in written
            if i.first_answer_at is not None
            and i.first_answer_at <= answer_deadline(i.opened_at, i.urgency)
        ]
        rows.append(
            ResponseTimes(
                area=area,
                municipality=municipality,
                requests=len(items),
                median_hours_to_first_answer=_median_hours(
                    [i.first_answer_at - i.opened_at for i in written if i.first_answer_at]
                ),
                median_hours_to_accepted=_median_hours(
                    [i.accepted_at - i.opened_at for i in items if i.accepted_at]
                ),
                median_hours_to_meeting=_median_hours(
                    [i.meeting_at - i.opened_at for i in items if i.meeting_at]
                ),
                answered_within_target=(
                    round(len(answered_in_time) / len(written), 3) if written else None
                ),
            )
        )
    return rows


MAX_PERIOD = timedelta(days=366)


def _opened(row: dict[str, Any]) -> Opened:
    return Opened(
        area=row["area"],
        municipality=row["municipality"],
        urgency=row["urgency"],
        written=row["kind"] == ConsultationKind.WRITTEN,
        opened_at=row["opened_at"],
        first_answer_at=row["first_answer_at"],
        accepted_at=row["accepted_at"],
        meeting_at=row["meeting_at"],
    )


async def response_times_for(
    ctx: Context,
    *,
    start: datetime,
    end: datetime,
    county: str | None = None,
    area: str | None = None,
) -> list[ResponseTimes]:
    """Response times of requests opened in [start, end) from the municipalities the
    ctx.principal may see aggregates of (their municipality or county)."""
    if end <= start:
        raise InvalidInput("must be after 'from'", field="to", source="query")
    if end - start > MAX_PERIOD:
        raise InvalidInput("at most a year after 'from'", field="to", source="query")
    scope = visible_scope(ctx.principal, Action.COVERAGE_READ)
    if scope.empty:
        raise Forbidden("no role of yours may read response times")
    origin = ConsultationRequest.origin_municipality
    condition = (
        ConsultationRequest.opened_at.is_not_null()
        & (ConsultationRequest.opened_at >= start)
        & (ConsultationRequest.opened_at < end)
        & (
            origin._.code.is_in(sorted(scope.municipalities) or [""])
            | origin._.county._.code.is_in(sorted(scope.counties) or [""])
        )
    )
    if county is not None:
        condition = condition & (origin._.county._.code == county)
    if area is not None:
        condition = condition & (ConsultationRequest.area._.code == area)
    async with system_scope(ConsultationRequest._meta.db):
        rows = await ConsultationRequest.select(
            ConsultationRequest.area._.code.as_alias("area"),
            origin._.code.as_alias("municipality"),
            ConsultationRequest.urgency,
            ConsultationRequest.kind,
            ConsultationRequest.opened_at,
            ConsultationRequest.first_answer_at,
            ConsultationRequest.accepted_at,
            ConsultationRequest.meeting_at,
        ).where(condition)
    await record(
        ctx.actor,
        "response_times.read",
        "consultation",
        None,
        county=county,
        detail={"requests": len(rows), "area": area},
    )
    return response_times(_opened(row) for row in rows)


async def specialist_response_times(specialist_id: int, *, now: datetime) -> ResponseTimes:
    """One specialist's own figures over the last 90 days, all areas together (shown on
    their page; the same suppression of small numbers applies)."""

    start = now - timedelta(days=90)
    async with system_scope(ConsultationRequest._meta.db):
        rows = await Assignment.select(
            Assignment.request._.urgency.as_alias("urgency"),
            Assignment.request._.kind.as_alias("kind"),
            Assignment.request._.opened_at.as_alias("opened_at"),
            Assignment.request._.first_answer_at.as_alias("first_answer_at"),
            Assignment.request._.accepted_at.as_alias("accepted_at"),
            Assignment.request._.meeting_at.as_alias("meeting_at"),
        ).where(
            (Assignment.specialist == specialist_id)
            & (Assignment.status == AssignmentStatus.ACCEPTED)
            & Assignment.request._.opened_at.is_not_null()
            & (Assignment.request._.opened_at >= start)
        )
    found = response_times(_opened({**row, "area": "all", "municipality": "all"}) for row in rows)
    return found[0] if found else ResponseTimes("all", "all", None, None, None, None, None)
