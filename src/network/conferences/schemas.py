"""API shapes of group case conferences: series, sessions, sign-ups, presented cases,
recommendations, attendance, the settlement by attendance, applications and group
placement."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

import msgspec

from network.lib.schema import PLAIN_TEXT, AreaCode, Id, Instant, Schema
from network.lib.vocab import Cadence

__all__ = (
    "ApplicationIn",
    "ApplicationOut",
    "AreaChoice",
    "AttendanceIn",
    "CaseIn",
    "CaseOut",
    "GroupsIn",
    "HubChoice",
    "MeetingDetailsIn",
    "Place",
    "PlacementGroup",
    "PlacementIn",
    "PlacementLine",
    "PlacementOut",
    "PlanIn",
    "PlanOut",
    "PlanSkipped",
    "RecommendationIn",
    "SeriesIn",
    "SeriesOptions",
    "SeriesOut",
    "SessionDetail",
    "SessionIn",
    "SessionMeetingOut",
    "SessionOut",
    "SettlementLineOut",
    "SignupOut",
    "TopicIn",
)

Title = Annotated[str, msgspec.Meta(min_length=1, max_length=200, pattern=PLAIN_TEXT)]
Topic = Annotated[str, msgspec.Meta(min_length=1, max_length=300, pattern=PLAIN_TEXT)]
# A topic that may be left for later (planned sessions).
OptionalTopic = Annotated[str, msgspec.Meta(max_length=300, pattern=PLAIN_TEXT)]
Question = Annotated[str, msgspec.Meta(min_length=1, max_length=300, pattern=PLAIN_TEXT)]
CaseText = Annotated[str, msgspec.Meta(min_length=1, max_length=4000, pattern=PLAIN_TEXT)]
Kommunkod = Annotated[str, msgspec.Meta(pattern=r"^\d{4}$")]
Language = Annotated[str, msgspec.Meta(pattern=r"^[a-z]{2,3}$")]


class SeriesIn(Schema):
    """A conference series: the hub (a specialist; their own id when a specialist makes
    it), the area, how often and how long, video or on site, seats per session and the
    municipalities served (the hub's own, or under an agreement with it)."""

    title: Title
    area: AreaCode
    municipalities: Annotated[list[Kommunkod], msgspec.Meta(min_length=1, max_length=60)]
    cadence: Cadence = Cadence.MONTHLY
    duration_minutes: Annotated[int, msgspec.Meta(ge=30, le=240)] = 90
    mode: Literal["video", "on_site"] = "video"
    capacity: Annotated[int, msgspec.Meta(ge=2, le=100)] = 12
    hub: Id | None = None
    language: Language = "sv"
    by_application: bool = False


class HubChoice(Schema):
    id: int
    name: str | None
    home: Place


class AreaChoice(Schema):
    code: str
    name_sv: str
    name_en: str


class SeriesOptions(Schema):
    """What a new series may be set up with: the hubs the asker may name (themself, or
    the specialists of the places they coordinate), and for the chosen hub the areas it
    is competent in and the municipalities it may serve (its own, and those under a
    sharing agreement valid today)."""

    hubs: list[HubChoice]
    hub: int | None
    areas: list[AreaChoice]
    municipalities: list[Place]


class SessionIn(Schema):
    """One dated session with its short teaching topic; it books the hub's time."""

    start: Annotated[Instant, msgspec.Meta(description="ISO 8601 with offset")]
    topic: Topic


class PlanIn(Schema):
    """The next ``count`` sessions by the series' cadence from ``first`` (its date and
    time of day: monthly on the same weekday of the month, e.g. the 2nd Tuesday, or
    every other week), each with its teaching topic (optional, in order; later ones
    may be set afterwards)."""

    first: Annotated[Instant, msgspec.Meta(description="ISO 8601 with offset")]
    count: Annotated[int, msgspec.Meta(ge=1, le=12)] = 6
    topics: Annotated[list[OptionalTopic], msgspec.Meta(max_length=12)] = msgspec.field(
        default_factory=list
    )


class PlanSkipped(Schema):
    """A planned date that could not be booked, and why (the scheduling rule's words)."""

    start: datetime
    reason: str


class TopicIn(Schema):
    topic: OptionalTopic


class CaseIn(Schema):
    """A de-identified case to present at a session (the guard applies to both texts)."""

    question: Question
    presentation: CaseText


class RecommendationIn(Schema):
    recommendation: CaseText


class AttendanceIn(Schema):
    """The users who attended; every other sign-up of the session did not."""

    present: Annotated[list[Id], msgspec.Meta(max_length=100)]


class Place(Schema):
    code: str
    name: str


class SessionOut(Schema):
    id: int
    series: int
    starts_at: datetime
    ends_at: datetime
    topic: str
    seats_taken: int
    seats_left: int
    cases: int
    signed_up: bool  # the asking user
    attendance_recorded: bool
    attended: bool | None = None  # the asking user's attendance, once recorded
    cancelled: bool = False
    cancel_reason: str | None = None  # a SessionCancelReason
    stand_in: int | None = None  # the specialist leading it in the hub's place
    stand_in_name: str | None = None


class PlanOut(Schema):
    """The sessions booked and the dates skipped."""

    booked: list[SessionOut]
    skipped: list[PlanSkipped]


class SeriesOut(Schema):
    id: int
    title: str
    area: str
    area_name_sv: str
    area_name_en: str
    hub: int
    hub_name: str | None
    home_municipality: Place
    cadence: Cadence
    duration_minutes: int
    mode: str
    capacity: int
    municipalities: list[Place]
    sessions: list[SessionOut]
    may_manage: bool
    may_join: bool
    language: str = "sv"
    by_application: bool = False
    waiting: int = 0  # applications waiting for group placement
    applied: str | None = None  # the asking user's application status, if any
    kind: str = "case_conference"  # case_conference, peer_network, introduction
    programme: int | None = None  # the mentoring programme of a group part
    part_format: str | None = None  # a group part's: theme_meeting, group_supervision


class SignupOut(Schema):
    user: int
    name: str | None
    municipality: Place
    attended: bool | None


class CaseOut(Schema):
    id: int
    session: int
    presenter: int | None
    presenter_name: str | None
    municipality: Place | None
    question: str
    presentation: str
    recommendation: str | None
    recommended_at: datetime | None
    created_at: datetime


class SessionDetail(Schema):
    """A session as its reader may see it: the roster and every case for the hub and
    those who manage the series; a social worker's own seat and cases otherwise."""

    session: SessionOut
    series: int
    series_title: str
    area: str
    hub: int
    hub_name: str | None
    mode: str
    signups: list[SignupOut]
    cases: list[CaseOut]
    may_manage: bool
    is_hub: bool
    may_join: bool
    # How to meet (the session booking's details for the series' mode), and whether
    # the session is cancelled (its booking is no longer live).
    meeting_details: str | None = None
    cancelled: bool = False


class MeetingDetailsIn(Schema):
    """How to meet at a session, for its series' mode: an https video link, a phone
    number or a place (empty: none given)."""

    details: Annotated[str, msgspec.Meta(max_length=300)] = ""


class SessionMeetingOut(Schema):
    session: int
    mode: str
    meeting_details: str | None


class SettlementLineOut(Schema):
    """Conference time given by the hub's municipality to an attendee's, in a month."""

    giver: str
    receiver: str
    area: str
    # Empty, and ``suppressed``, for a line of 1-4 attendances read by someone who
    # invoices neither side (small numbers: docs/security.md).
    attendances: int | None
    minutes: int | None
    hours: float | None
    amount: int | None
    suppressed: bool = False


class ApplicationIn(Schema):
    """An application for a seat in a series' upcoming sessions (a series opened by
    application, or one whose next session is full): the languages you work in, the
    preferred first, and how you rank this series among your applications (1 = first)."""

    languages: Annotated[list[Language], msgspec.Meta(min_length=1, max_length=5)] = msgspec.field(
        default_factory=lambda: ["sv"]
    )
    rank: Annotated[int, msgspec.Meta(ge=1, le=20)] = 1


class ApplicationOut(Schema):
    id: int
    series: int
    user: int
    name: str | None
    municipality: Place
    languages: list[str]
    rank: int
    status: str
    created_at: datetime


class PlacementIn(Schema):
    """A group-placement round over one or more series (groups) you manage: at most
    ``max_per_municipality`` from one municipality in a group (default: half its seats)
    and at least ``min_municipalities`` municipalities in every group that runs."""

    series: Annotated[list[Id], msgspec.Meta(min_length=1, max_length=50)]
    max_per_municipality: Annotated[int, msgspec.Meta(ge=1, le=100)] | None = None
    min_municipalities: Annotated[int, msgspec.Meta(ge=1, le=10)] = 1


class PlacementLine(Schema):
    """One applicant: the group they are placed in (or none) and why."""

    user: int
    name: str | None
    municipality: Place
    series: int | None
    reason: str
    score: int | None
    parts: dict[str, int] | None
    km: float | None
    passed_over: list[int]
    eligible: int


class PlacementGroup(Schema):
    series: int
    title: str
    area: str
    seats: int  # free in every upcoming session when previewed
    placed: int


class PlacementOut(Schema):
    id: int
    status: str
    series: list[int]
    max_per_municipality: int | None
    min_municipalities: int
    method: str  # "flow" or "cp-sat"
    solver_status: str  # "optimal" or "feasible"
    objective: int
    bound: int
    gap: float
    total_score: int
    applicants: int
    placed: int
    groups: list[PlacementGroup]
    lines: list[PlacementLine]
    created_at: datetime
    committed_at: datetime | None


class GroupsIn(Schema):
    """Parallel groups: one series per hub, all of one area and the same served
    municipalities, opened by application, each with its first session."""

    title: Title
    area: AreaCode
    municipalities: Annotated[list[Kommunkod], msgspec.Meta(min_length=1, max_length=60)]
    hubs: Annotated[list[Id], msgspec.Meta(min_length=1, max_length=20)]
    start: Instant
    topic: Topic
    cadence: Cadence = Cadence.MONTHLY
    duration_minutes: Annotated[int, msgspec.Meta(ge=30, le=240)] = 90
    mode: Literal["video", "on_site"] = "video"
    capacity: Annotated[int, msgspec.Meta(ge=2, le=100)] = 12
    language: Language = "sv"
