"""Reading standing series and deciding who may see, answer and change one.

A series is seen by its specialist, its named social worker, whoever proposed or
answered it, and coordinators of its municipality; a unit's series (no named social
worker) also by the municipality's social workers. Nobody else: another
municipality's users get the same 404 as for a series that does not exist.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time
from typing import Any

from network.consultations.access import Refusal, Refused, unseen
from network.kernel.policy import Action, Principal
from network.lib.vocab import Role, StandingCadence, StandingStatus
from network.standing.tables import StandingSeries

__all__ = (
    "SeriesRow",
    "load_series",
    "may_answer",
    "may_end",
    "may_move",
    "may_see",
    "refuse",
    "series_rows",
)


@dataclass(frozen=True, slots=True)
class SeriesRow:
    id: int
    specialist: int
    specialist_user: int | None
    specialist_name: str
    social_worker: int | None
    social_worker_name: str | None
    municipality_id: int
    municipality: str
    municipality_name: str
    county: str
    unit: str | None
    mentoring: int | None
    cadence: str
    weekday: int
    start_time: time
    duration_minutes: int
    mode: str
    first_date: date
    end_date: date | None
    status: str
    proposed_by: int | None
    by_specialist: bool
    answered_by: int | None
    generated_until: date | None

    @property
    def every_weeks(self) -> int:
        return 2 if self.cadence == StandingCadence.FORTNIGHTLY else 1

    @property
    def municipal_user(self) -> int | None:
        """The user on the municipality's side: the named social worker, else who
        proposed or answered the series from there."""
        if self.social_worker is not None:
            return self.social_worker
        return self.answered_by if self.by_specialist else self.proposed_by

    @property
    def parties(self) -> tuple[int | None, int | None]:
        """The users told of what happens to the series: the specialist and the
        municipality's side."""
        return (self.specialist_user, self.municipal_user)


async def series_rows(condition: Any = None) -> list[SeriesRow]:
    query = StandingSeries.select(
        StandingSeries.id,
        StandingSeries.specialist,
        StandingSeries.specialist._.user.as_alias("specialist_user"),
        StandingSeries.specialist._.user._.display_name.as_alias("specialist_name"),
        StandingSeries.social_worker,
        StandingSeries.social_worker._.display_name.as_alias("social_worker_name"),
        StandingSeries.municipality.as_alias("municipality_id"),
        StandingSeries.municipality._.code.as_alias("municipality"),
        StandingSeries.municipality._.name.as_alias("municipality_name"),
        StandingSeries.municipality._.county._.code.as_alias("county"),
        StandingSeries.unit,
        StandingSeries.mentoring,
        StandingSeries.cadence,
        StandingSeries.weekday,
        StandingSeries.start_time,
        StandingSeries.duration_minutes,
        StandingSeries.mode,
        StandingSeries.first_date,
        StandingSeries.end_date,
        StandingSeries.status,
        StandingSeries.proposed_by,
        StandingSeries.by_specialist,
        StandingSeries.answered_by,
        StandingSeries.generated_until,
    ).order_by(StandingSeries.id)
    if condition is not None:
        query = query.where(condition)
    return [
        SeriesRow(**{**row, "by_specialist": bool(row["by_specialist"])}) for row in await query
    ]


def _covers(principal: Principal, row: SeriesRow, *roles: Role) -> bool:
    return any(
        b.role in roles and b.covers(row.municipality, row.county) for b in principal.bindings
    )


def _municipal_party(principal: Principal, row: SeriesRow) -> bool:
    """Whether ``principal`` acts for the municipality's side of ``row``."""
    if row.social_worker is not None and principal.user_id == row.social_worker:
        return True
    if _covers(principal, row, Role.COORDINATOR):
        return True
    return row.social_worker is None and _covers(principal, row, Role.SOCIAL_WORKER)


def may_see(principal: Principal, row: SeriesRow) -> bool:
    return (
        principal.specialist_id == row.specialist
        or principal.user_id in (row.proposed_by, row.answered_by)
        or _municipal_party(principal, row)
    )


def may_answer(principal: Principal, row: SeriesRow) -> bool:
    """The other party of a proposed series: the municipality's side when the
    specialist proposed it (the named social worker, or for a unit its social workers
    and coordinators), else the specialist."""
    if row.status != StandingStatus.PROPOSED:
        return False
    if row.by_specialist:
        if row.social_worker is not None:
            return principal.user_id == row.social_worker
        return _municipal_party(principal, row)
    return principal.specialist_id == row.specialist


def may_end(principal: Principal, row: SeriesRow) -> bool:
    """Either party ends an agreed series or withdraws a proposal."""
    if row.status not in (StandingStatus.PROPOSED, StandingStatus.ACTIVE):
        return False
    return principal.specialist_id == row.specialist or _municipal_party(principal, row)


def may_move(principal: Principal, row: SeriesRow) -> bool:
    """Either party moves one occurrence of an agreed series."""
    return row.status == StandingStatus.ACTIVE and (
        principal.specialist_id == row.specialist or _municipal_party(principal, row)
    )


async def load_series(
    principal: Principal, series_id: int, action: Action, *, field: str = "series_id"
) -> SeriesRow:
    """The series, or one 404 for a series that does not exist and for one that
    ``principal`` may not see (audited as denied when the caller's block runs in
    :func:`~network.consultations.access.case_work`)."""
    found = await series_rows(StandingSeries.id == series_id)
    if found and may_see(principal, found[0]):
        return found[0]
    raise unseen("no such standing series", "standing_series", series_id, action, field=field)


def refuse(message: str, row: SeriesRow, action: Action) -> Refused:
    """A 403 about a series its reader may see but not change this way (audited)."""
    return Refused(
        message,
        Refusal("standing_series", row.id, action, message, row.municipality, row.county),
    )
