"""API shapes of standing support: a proposed series, the answer to it, one moved
occurrence, the end of a series, and a series with its occurrences."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Annotated, Literal

import msgspec

from network.lib.schema import Id, Instant, Label, Schema
from network.lib.vocab import OccurrenceOutcome, StandingCadence, StandingStatus

__all__ = (
    "AnswerIn",
    "MoveIn",
    "OccurrenceOut",
    "SeriesIn",
    "SeriesOut",
)

Kommunkod = Annotated[str, msgspec.Meta(pattern=r"^\d{4}$")]
Weekday = Annotated[int, msgspec.Meta(ge=0, le=6, description="0 Monday … 6 Sunday")]
Minutes = Annotated[int, msgspec.Meta(ge=15, le=240)]


class SeriesIn(Schema):
    """A proposed standing time. The specialist proposes to a named social worker
    (``social_worker``, a user id) or to a unit of a municipality (``municipality``,
    optionally ``unit``); a social worker proposes to a specialist (``specialist``)
    for themself, a coordinator for a unit of their municipality. ``start_time`` is
    Stockholm time on ``weekday``; the first meeting is on the first such weekday on
    or after ``first_date``. ``mentoring`` names a mentoring pair whose mentor is the
    specialist and whose mentee is the social worker."""

    weekday: Weekday
    start_time: Annotated[time, msgspec.Meta(description="HH:MM:SS, Stockholm time")]
    first_date: date
    cadence: StandingCadence = StandingCadence.WEEKLY
    duration_minutes: Minutes = 45
    mode: Literal["phone", "video", "on_site"] = "video"
    end_date: date | None = None
    specialist: Id | None = None
    social_worker: Id | None = None
    municipality: Kommunkod | None = None
    unit: Label | None = None
    mentoring: Id | None = None


class AnswerIn(Schema):
    """The other party's answer to a proposed series."""

    agree: bool


class MoveIn(Schema):
    """A new start for one occurrence (the series keeps its time)."""

    start: Annotated[Instant, msgspec.Meta(description="ISO 8601 with offset")]


class OccurrenceOut(Schema):
    id: int
    on_date: date
    outcome: OccurrenceOutcome
    booking: int | None
    starts_at: datetime | None
    ends_at: datetime | None
    moved: bool


class SeriesOut(Schema):
    id: int
    status: StandingStatus
    specialist: int
    specialist_name: str
    social_worker: int | None
    social_worker_name: str | None
    municipality: str
    municipality_name: str
    unit: str | None
    mentoring: int | None
    cadence: StandingCadence
    weekday: int
    start_time: time
    duration_minutes: int
    mode: str
    first_date: date
    first_meeting: date  # the first ``weekday`` on or after ``first_date``
    end_date: date | None
    proposed_by_specialist: bool
    may_answer: bool
    may_manage: bool
    occurrences: list[OccurrenceOut]
