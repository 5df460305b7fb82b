"""API shapes of consultations and their bookings."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

import msgspec

from network.lib.schema import PLAIN_TEXT, AreaCode, Id, Instant, Schema
from network.lib.vocab import Referral

__all__ = (
    "BookingCancel",
    "BookingCreate",
    "BookingMeetingDetails",
    "BookingOut",
    "BookingReschedule",
    "Consultation",
    "ConsultationCreate",
    "ConsultationDraft",
    "ConsultationItem",
    "ConsultationUpdate",
    "Message",
    "MessageCreate",
    "OfferIn",
    "Reason",
    "ReasonIn",
    "ResponseTimesOut",
    "RoundAssignment",
    "RoundIn",
    "RoundOut",
    "RoundSummary",
    "Settlement",
    "SettlementLineOut",
    "SuggestionOut",
    "Survey",
    "TimeLog",
    "Unplaced",
)

Reason = Annotated[str, msgspec.Meta(min_length=1, max_length=500, pattern=PLAIN_TEXT)]


class BookingCreate(Schema):
    """Book the meeting of an accepted consultation at one of the specialist's free slots."""

    request: Id
    start: Annotated[Instant, msgspec.Meta(description="ISO 8601 with offset, a free slot")]
    mode: Literal["phone", "video", "on_site"] | None = None


class BookingCancel(Schema):
    reason: Reason


class BookingReschedule(Schema):
    start: Instant
    reason: Reason


class BookingMeetingDetails(Schema):
    """How to meet for the booking's mode: an https video link, a phone number or a
    place (empty: none given). Only the booking's specialist changes it."""

    details: Annotated[str, msgspec.Meta(max_length=300)] = ""


class BookingOut(Schema):
    id: int
    specialist: int
    specialist_name: str | None
    request: int | None
    area: str | None
    area_name_sv: str | None
    area_name_en: str | None
    mode: str
    starts_at: datetime
    ends_at: datetime
    status: str
    origin_municipality: str | None
    origin_municipality_name: str | None
    meeting_details: str | None = None


Summary = Annotated[
    str,
    msgspec.Meta(
        min_length=1,
        max_length=2000,
        pattern=PLAIN_TEXT,
        description="The de-identified question: no names, identity numbers, phone "
        "numbers or e-mail addresses (refused, naming the kind and position)",
    ),
]
Kind = Annotated[
    Literal["written", "meeting", "co_handling"],
    msgspec.Meta(
        description="co_handling: the specialist co-handles an investigation (an "
        "engagement with phases and meetings); refused unless an agreement allows it"
    ),
]
UrgencyIn = Literal["acute", "soon", "planned"]
ModeIn = Literal["written", "phone", "video", "on_site"]
LanguageIn = Annotated[str, msgspec.Meta(pattern=r"^[a-z]{2,3}$")]
MunicipalityCode = Annotated[str, msgspec.Meta(pattern=r"^\d{4}$")]


class ConsultationDraft(Schema):
    """A request as the social worker writes it; ``submit`` opens it at once."""

    area: AreaCode
    summary: Summary
    kind: Kind = "meeting"
    urgency: UrgencyIn = "planned"
    mode: ModeIn = "video"
    language: LanguageIn = "sv"
    latest_date: date | None = None
    municipality: MunicipalityCode | None = None
    named_specialist: Id | None = None


class ConsultationCreate(ConsultationDraft, kw_only=True):
    submit: bool = False


class ConsultationUpdate(ConsultationDraft, kw_only=True):
    version: Id


class Consultation(Schema):
    id: int
    status: str
    area: str
    area_name_sv: str
    area_name_en: str
    kind: str
    urgency: str
    mode: str
    language: str
    summary: str
    latest_date: date | None
    municipality: str
    municipality_name: str
    requester: int | None
    named_specialist: int | None
    offered_to: int | None
    accepted_by: int | None
    created_at: datetime
    opened_at: datetime | None
    first_answer_at: datetime | None
    accepted_at: datetime | None
    meeting_at: datetime | None
    closed_at: datetime | None
    minutes_spent: int | None
    version: int
    summary_warnings: Annotated[
        list[str],
        msgspec.Meta(
            description="likely names of people in the summary: a warning to check that "
            "none is a client's (never a refusal)"
        ),
    ] = []


class ConsultationItem(Schema):
    """A request in a list (no summary: lists are for finding, not reading)."""

    id: int
    status: str
    area: str
    kind: str
    urgency: str
    municipality: str
    created_at: datetime
    latest_date: date | None


class ReasonIn(Schema):
    reason: Reason


class MessageCreate(Schema):
    body: Annotated[str, msgspec.Meta(min_length=1, max_length=4000, pattern=PLAIN_TEXT)]


class Message(Schema):
    id: int
    from_specialist: bool
    author_name: str | None
    body: str
    created_at: datetime


class TimeLog(Schema):
    minutes: Annotated[int, msgspec.Meta(ge=1, le=6000)]


class Survey(Schema):
    """The close-out survey, mandatory when the requester completes a consultation."""

    helpful: Annotated[int, msgspec.Meta(ge=1, le=5, description="1 (not at all) – 5 (very)")]
    changed_risk_assessment: bool
    escalation_avoided: bool | None = None
    placement_avoided: bool | None = None
    referral_avoided: bool | None = None
    referral_made: Referral = Referral.NONE


class SettlementLineOut(Schema):
    """One line; for a reader who does not invoice it (an FoU analyst), a line of 1–4
    consultations has its figures null (``suppressed``)."""

    giver: str
    receiver: str
    area: str
    consultations: int | None
    minutes: int | None
    hours: float | None
    amount: int | None
    suppressed: bool = False


class Settlement(Schema):
    """Hours given (by the specialist's home municipality) and received (by the
    request's municipality), per area, and what they cost at the hourly rate (SEK)."""

    month: str
    hourly_rate: int
    lines: list[SettlementLineOut]


class ResponseTimesOut(Schema):
    """Response times of one area in one municipality; ``requests`` is null (and the
    times too) when fewer than 5 requests would single out a case."""

    area: str
    municipality: str
    requests: int | None
    median_hours_to_first_answer: float | None
    median_hours_to_accepted: float | None
    median_hours_to_meeting: float | None
    answered_within_target: float | None


class SuggestionOut(Schema):
    """One suggested specialist and why: each part of the score (docs/architecture.md)."""

    specialist: int
    rank: int
    name: str
    title: str
    home_municipality: str
    home_municipality_name: str
    score: int
    parts: dict[str, int]
    distance_km: float
    next_free: datetime | None
    agreement: int | None  # the sharing agreement that lets them serve (None: own municipality)


class OfferIn(Schema):
    """Offer to this specialist (their stand-in while they are away), or to the best one."""

    specialist: Id | None = None


class RoundIn(Schema):
    """Place the waiting requests of a county or municipality (default: your own);
    ``commit`` offers the result at once instead of keeping it as a preview."""

    county: Annotated[str, msgspec.Meta(pattern=r"^\d{2}$")] | None = None
    municipality: MunicipalityCode | None = None
    commit: bool = False


class RoundAssignment(Schema):
    request: int
    specialist: int
    score: int
    breakdown: dict[str, int]
    status: str


class Unplaced(Schema):
    request: int
    reason: Literal["no_eligible_specialist", "capacity_exhausted"]
    # What would help (network.graph.unplaced.Cause), with the partner municipality
    # (kommunkod) or the latest date it names; absent on rounds made before.
    cause: str | None = None
    partner: str | None = None
    deadline: date | None = None


class RoundSummary(Schema):
    """One round of a coordinator's round history."""

    id: int
    status: str
    created_at: datetime
    committed_at: datetime | None
    created_by: str | None  # the display name of who ran it
    county: str | None
    municipality: str | None
    total_score: int
    placed: int
    unplaced: int


class RoundOut(Schema):
    id: int
    status: str
    county: str | None
    municipality: str | None
    total_score: int
    created_at: datetime
    committed_at: datetime | None
    assignments: list[RoundAssignment]
    unplaced: list[Unplaced]
    # What the solver proved (network.graph.gap): no assignment totals more than
    # ``bound``; ``gap`` is (bound - total_score) / bound; ``solver`` is ``flow``
    # (exact), ``optimal`` (proven), ``feasible`` (best in the time limit) or
    # ``fallback`` (the flow-based warm start).
    bound: int = 0
    gap: float = 0.0
    solver: str = "flow"
