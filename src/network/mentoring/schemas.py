"""API shapes of mentoring: programmes, cohorts, mentors, requests, rounds, meetings
and the competence ladder."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Literal

import msgspec

from network.lib.schema import PLAIN_TEXT, AreaCode, Id, Schema
from network.lib.vocab import GroupPartFormat, MeetingMode, MentoringConstraint, MentoringStatus

__all__ = (
    "DEFAULT_LADDER",
    "CohortIn",
    "CohortOut",
    "CommitIn",
    "GroupPartIn",
    "GroupSessionOut",
    "MeetingIn",
    "MeetingOut",
    "Member",
    "OfferIn",
    "OfferOut",
    "PairOut",
    "ProgrammeIn",
    "ProgrammeOut",
    "RankingIn",
    "RequestIn",
    "RequestOut",
    "RoundOut",
    "SignoffIn",
    "SolutionOut",
    "Theme",
)

DEFAULT_LADDER = (
    "Medhandläggare",
    "Handläggare med stöd",
    "Självständig handläggning med handledning",
    "Självständig handläggning",
)
"""The default four-step competence ladder (kompetenstrappa): from co-handling to
independent case work."""

Name = Annotated[str, msgspec.Meta(min_length=1, max_length=200, pattern=PLAIN_TEXT)]
Language = Annotated[str, msgspec.Meta(pattern=r"^[a-z]{2,3}$")]
MunicipalityCode = Annotated[str, msgspec.Meta(pattern=r"^\d{4}$")]
Step = Annotated[str, msgspec.Meta(min_length=1, max_length=120, pattern=PLAIN_TEXT)]
Mode = Literal["video", "phone", "on_site"]


class Theme(StrEnum):
    """What a mentoring meeting was about: a fixed list, so that no case text is kept."""

    INVESTIGATION = "investigation_method"
    DOCUMENTATION = "documentation"
    TALKING_WITH_CHILDREN = "talking_with_children"
    LAW = "legal_framework"
    RISK = "risk_assessment"
    COLLABORATION = "collaboration"
    OWN_REACTIONS = "own_reactions"
    WORKLOAD = "workload_and_priorities"
    COURT = "court_and_lvu"


class Member(Schema):
    code: str
    name: str


class ProgrammeIn(Schema):
    """A programme run by a county (``county``) or by at least two ``municipalities``."""

    name: Name
    start_date: date
    end_date: date
    county: Annotated[str, msgspec.Meta(pattern=r"^\d{2}$")] | None = None
    municipalities: Annotated[list[MunicipalityCode], msgspec.Meta(max_length=290)] = []
    steps: Annotated[list[Step], msgspec.Meta(min_length=1, max_length=10)] = msgspec.field(
        default_factory=lambda: list(DEFAULT_LADDER)
    )
    stale_weeks: Annotated[int, msgspec.Meta(ge=1, le=52)] = 6


class CohortIn(Schema):
    name: Annotated[str, msgspec.Meta(min_length=1, max_length=120, pattern=PLAIN_TEXT)]
    start_date: date
    end_date: date


class CohortOut(Schema):
    id: int
    programme: int
    name: str
    start_date: date
    end_date: date
    requests: int
    matched: int


class ProgrammeOut(Schema):
    id: int
    name: str
    county: str | None
    county_name: str | None
    municipalities: list[Member]
    start_date: date
    end_date: date
    steps: list[str]
    stale_weeks: int
    cohorts: list[CohortOut]
    mentors: int
    may_manage: bool


class OfferIn(Schema):
    """Offer to mentor in a programme (``years``: your years in the profession)."""

    areas: Annotated[list[AreaCode], msgspec.Meta(min_length=1, max_length=19)]
    capacity: Annotated[int, msgspec.Meta(ge=1, le=10)] = 2
    languages: Annotated[list[Language], msgspec.Meta(min_length=1, max_length=10)] = msgspec.field(
        default_factory=lambda: ["sv"]
    )
    modes: Annotated[list[Mode], msgspec.Meta(min_length=1, max_length=3)] = msgspec.field(
        default_factory=lambda: ["video"]
    )
    years: Annotated[int, msgspec.Meta(ge=0, le=60)] | None = None
    active: bool = True


class OfferOut(Schema):
    id: int
    programme: int
    user: int
    name: str
    municipality: str
    municipality_name: str
    unit: str | None
    years: int | None
    capacity: int
    seats_left: int
    areas: list[str]
    languages: list[str]
    modes: list[str]
    ranking: list[int]
    active: bool
    specialist: bool


class RankingIn(Schema):
    """A mentor's ranking of the programme's applicants (request ids, best first)."""

    ranking: Annotated[list[int], msgspec.Meta(max_length=500)]


class RequestIn(Schema):
    """A new social worker's request for a mentor in a programme."""

    programme: Id
    cohort: Id | None = None
    areas: Annotated[list[AreaCode], msgspec.Meta(max_length=5)] = []
    language: Language = "sv"
    mode: MeetingMode = MeetingMode.VIDEO
    constraint: MentoringConstraint = MentoringConstraint.NONE
    wishes: Annotated[list[int], msgspec.Meta(max_length=5)] = []  # mentor offers, best first


class RequestOut(Schema):
    id: int
    programme: int
    programme_name: str
    cohort: int | None
    mentee: int
    mentee_name: str
    municipality: str | None
    municipality_name: str | None
    areas: list[str]
    language: str
    mode: str
    constraint: str
    wishes: list[int]
    status: MentoringStatus
    offer: int | None
    mentor_name: str | None
    matched_at: datetime | None


class PairScore(Schema):
    request: int
    offer: int
    score: int
    mentee_name: str
    mentor_name: str


class Unmatched(Schema):
    request: int
    mentee_name: str
    reason: str  # the first rule no mentor passed, or capacity_exhausted


class SolutionOut(Schema):
    pairs: list[PairScore]
    total_score: int
    first_choices: int
    blocking_pairs: list[list[int]]  # [request, offer]
    unmatched: list[Unmatched]


class RoundOut(Schema):
    id: int
    cohort: int
    status: str
    chosen: str | None
    ranked_by_both: bool
    welfare: SolutionOut
    stable: SolutionOut
    created_at: datetime
    committed_at: datetime | None


class CommitIn(Schema):
    mode: Literal["welfare", "stable"]


class MeetingIn(Schema):
    held_on: date
    minutes: Annotated[int, msgspec.Meta(ge=10, le=480)]
    themes: Annotated[list[Theme], msgspec.Meta(min_length=1, max_length=9)]


class MeetingOut(Schema):
    id: int
    held_on: date
    minutes: int
    themes: list[Theme]


class SignoffIn(Schema):
    step: Annotated[int, msgspec.Meta(ge=1, le=10)]


class SignoffOut(Schema):
    step: int
    title: str
    signed_at: datetime | None
    signed_by: str | None


class PairOut(Schema):
    """A matched mentee and mentor: the ladder, the meetings, whether it has gone quiet."""

    request: int
    programme: int
    programme_name: str
    cohort: int | None
    mentee: int
    mentee_name: str
    mentor: int
    mentor_name: str
    matched_at: datetime | None
    steps: list[SignoffOut]
    steps_signed: int
    meetings: list[MeetingOut]
    minutes: int
    last_met: date | None
    stale: bool  # no meeting for the programme's stale_weeks (since matching, if never)
    live: bool  # still a pair (not withdrawn)
    is_mentor: bool
    may_sign: int | None  # the next step the reader may sign off, if any
    # The programme's group parts (sessions with attendance recorded, where the mentee
    # had a seat): how many attended, how many held, and the ones missed.
    group_attended: int = 0
    group_held: int = 0
    group_missed: list[str] = msgspec.field(default_factory=list)


class GroupPartIn(Schema):
    """A group part of a programme: theme meetings or group supervision for its mentees,
    hosted by a specialist of a participating municipality (their time is booked)."""

    title: Name
    part_format: GroupPartFormat
    area: AreaCode
    host: Id  # a specialist profile id
    mode: Literal["video", "on_site"] = "video"
    duration_minutes: Annotated[int, msgspec.Meta(ge=30, le=240)] = 120
    capacity: Annotated[int, msgspec.Meta(ge=2, le=100)] = 30


class GroupSessionOut(Schema):
    """A session of a programme's group part as a mentee sees it."""

    session: int
    series: int
    programme: int
    title: str
    part_format: str | None
    host_name: str | None
    mode: str
    starts_at: datetime
    ends_at: datetime
    topic: str
    signed_up: bool
    attendance_recorded: bool
    attended: bool | None
