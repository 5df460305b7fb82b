"""API shapes of specialists and their free slots."""

from __future__ import annotations

from datetime import datetime, time
from typing import Annotated, Literal

import msgspec

from network.lib.schema import PLAIN_TEXT, AreaCode, Id, Instant, Schema
from network.lib.vocab import Urgency, WorkKind

__all__ = (
    "AbsenceCreate",
    "AbsenceOut",
    "CalendarFeedCreated",
    "CalendarFeedOut",
    "Competence",
    "CompetenceIn",
    "HoursIn",
    "Interval",
    "MeetingDetails",
    "MeetingDetailsIn",
    "ProfileIn",
    "ProfileOut",
    "Slot",
    "Specialist",
    "WorkPointsEntry",
    "WorkPointsIn",
    "WorkPointsOut",
    "WorkPointsRow",
)


class Competence(Schema):
    area: str
    level: int


class Specialist(Schema):
    id: int
    name: str
    title: str
    home_municipality: str
    home_municipality_name: str
    county: str
    languages: list[str]
    modes: list[str]
    max_travel_km: int
    consultations_per_week: int
    mentees_capacity: int
    accepts_new: bool
    competences: list[Competence]
    points_capacity: int = 0  # case points a week over every kind of work


class Slot(Schema):
    start: datetime
    end: datetime


Level = Annotated[int, msgspec.Meta(ge=1, le=3)]
Language = Annotated[str, msgspec.Meta(pattern=r"^[a-z]{2,3}$")]


class CompetenceIn(Schema):
    area: AreaCode
    level: Level
    note: Annotated[str, msgspec.Meta(max_length=500)] = ""


class ProfileIn(Schema):
    """The whole editable profile; ``version`` is the one read (lost-update check)."""

    version: Id
    title: Annotated[str, msgspec.Meta(max_length=120, pattern=PLAIN_TEXT)] = ""
    languages: Annotated[list[Language], msgspec.Meta(max_length=20)] = []
    modes: Annotated[list[Literal["phone", "video", "on_site"]], msgspec.Meta(max_length=3)] = []
    max_travel_km: Annotated[int, msgspec.Meta(ge=0, le=2000)] = 0
    consultations_per_week: Annotated[int, msgspec.Meta(ge=0, le=60)] = 4
    mentees_capacity: Annotated[int, msgspec.Meta(ge=0, le=20)] = 0
    # Case points a week over every kind of work (network.specialists.workload);
    # left out: kept as it is.
    points_capacity: Annotated[int, msgspec.Meta(ge=0, le=1000)] | None = None
    slot_minutes: Annotated[int, msgspec.Meta(ge=15, le=240)] = 45
    buffer_minutes: Annotated[int, msgspec.Meta(ge=0, le=120)] = 15
    accepts_new: bool = True
    competences: Annotated[list[CompetenceIn], msgspec.Meta(max_length=19)] = []


class Interval(Schema):
    weekday: Annotated[int, msgspec.Meta(ge=0, le=6, description="0 = Monday")]
    start: time
    end: time


class HoursIn(Schema):
    hours: Annotated[list[Interval], msgspec.Meta(max_length=50)]


class AbsenceCreate(Schema):
    starts_at: Instant
    ends_at: Instant
    reason: Literal["holiday", "sick_leave", "parental_leave", "training", "other"] = "other"
    stand_in: Id | None = None


class AbsenceOut(Schema):
    id: int
    starts_at: datetime
    ends_at: datetime
    reason: str
    stand_in: int | None


class MeetingDetailsIn(Schema):
    """The specialist's default meeting details; an empty text clears one. Checked
    further by :mod:`network.lib.meeting` (https link, phone number, plain place)."""

    video_url: Annotated[str, msgspec.Meta(max_length=300)] = ""
    phone: Annotated[str, msgspec.Meta(max_length=40)] = ""
    place: Annotated[str, msgspec.Meta(max_length=200)] = ""


class MeetingDetails(Schema):
    """How to meet the specialist, by mode (``None``: not given)."""

    video_url: str | None = None
    phone: str | None = None
    place: str | None = None


class ProfileOut(Schema):
    """Everything the profile editor shows, including what only the specialist and
    their coordinators see (absences with reasons)."""

    specialist: Specialist
    version: int
    slot_minutes: int
    buffer_minutes: int
    hours: list[Interval]
    absences: list[AbsenceOut]
    notes: dict[str, str] = {}  # competence area → the specialist's note on it
    meeting: MeetingDetails = msgspec.field(default_factory=MeetingDetails)


class CalendarFeedOut(Schema):
    """Whether the specialist has a live calendar feed (its address is shown only once)."""

    active: bool
    created_at: datetime | None
    last_read_at: datetime | None


class CalendarFeedCreated(Schema):
    """A new feed address: add it to Outlook or Google Calendar; keep it secret."""

    url: str
    created_at: datetime


class WorkPointsRow(Schema):
    """The case points of one kind of work at one urgency, in one area or (``""``)
    every area."""

    kind: WorkKind
    points: Annotated[int, msgspec.Meta(ge=0, le=100)]
    urgency: Urgency = Urgency.PLANNED
    area: Annotated[str, msgspec.Meta(max_length=48, pattern=r"^[a-z0-9_]*$")] = ""


class WorkPointsIn(Schema):
    """A scope's own rows, replacing those it had (the national rows fill the rest)."""

    rows: Annotated[list[WorkPointsRow], msgspec.Meta(max_length=500)]


class WorkPointsEntry(Schema):
    kind: str
    urgency: str
    area: str
    points: int  # what applies in the scope
    national: int | None  # the national default's row, if it has one
    own: bool  # the scope's own row (else the points come from the national rows)


class WorkPointsOut(Schema):
    scope: str  # "national", a county code, or "programme:<id>"
    editable: bool  # whether the asker may change this scope's rows
    rows: list[WorkPointsEntry]
