"""API shapes of co-handling engagements."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

import msgspec

from network.consultations.schemas import BookingOut, Message, Survey
from network.lib.schema import PLAIN_TEXT, Instant, Schema

__all__ = (
    "EngagementDetail",
    "EngagementItem",
    "EngagementMeetingIn",
    "EngagementMessageIn",
    "EngagementOpen",
    "EngagementSettlementLine",
    "ExpectedEndIn",
    "Handover",
    "PhaseChange",
    "PhaseIn",
    "TimeEntry",
    "TimeIn",
)

PhaseValue = Literal[
    "investigation_opened", "risk_assessment", "parent_communication", "decision", "closed"
]
Note = Annotated[
    str,
    msgspec.Meta(
        max_length=500,
        pattern=PLAIN_TEXT,
        description="De-identified: no names, identity numbers, phone numbers or e-mail",
    ),
]


class PhaseIn(Schema):
    """Move the engagement to its next phase (``closed`` only through the close-out)."""

    phase: PhaseValue


class ExpectedEndIn(Schema):
    expected_end: date


class EngagementMeetingIn(Schema):
    """Book one meeting of the engagement at one of the specialist's free slots."""

    start: Annotated[Instant, msgspec.Meta(description="ISO 8601 with offset, a free slot")]
    mode: Literal["phone", "video", "on_site"] | None = None


class EngagementMessageIn(Schema):
    body: Annotated[str, msgspec.Meta(min_length=1, max_length=4000, pattern=PLAIN_TEXT)]


class TimeIn(Schema):
    """Time the specialist worked on the engagement on one day."""

    minutes: Annotated[int, msgspec.Meta(ge=1, le=1440)]
    worked_on: date | None = None  # default: today (Europe/Stockholm)
    note: Note = ""


class PhaseChange(Schema):
    phase: str
    changed_at: datetime
    changed_by_name: str | None


class TimeEntry(Schema):
    id: int
    worked_on: date
    minutes: int
    note: str
    specialist: int


class Handover(Schema):
    from_specialist: int
    to_specialist: int
    handed_over_at: datetime


class EngagementItem(Schema):
    """An engagement in a list (no texts)."""

    id: int
    request: int
    phase: str
    area: str
    area_name_sv: str
    area_name_en: str
    municipality: str
    municipality_name: str
    specialist: int
    specialist_name: str | None
    opened_at: datetime
    expected_end: date
    closed_at: datetime | None


class EngagementDetail(EngagementItem, kw_only=True):
    """One engagement with everything its page shows (reading it is audited)."""

    summary: str
    urgency: str
    mode: str
    next_phases: list[str]
    phases: list[PhaseChange]
    meetings: list[BookingOut]
    messages: list[Message]
    time: list[TimeEntry]
    minutes_logged: int
    handovers: list[Handover]
    survey: Survey | None
    requester_side: bool
    specialist_side: bool


class EngagementSettlementLine(Schema):
    """One line of co-handling time given and received; for a reader who does not
    invoice it, a line of 1–4 engagements has its figures null (``suppressed``)."""

    giver: str
    receiver: str
    area: str
    engagements: int | None
    minutes: int | None
    hours: float | None
    amount: int | None
    suppressed: bool = False


class EngagementOpen(Schema):
    """Accept the co-handling request offered to you: its engagement opens."""

    request: Annotated[int, msgspec.Meta(ge=1, le=2**31 - 1)]
