"""Consultation requests, the rounds and assignments that place them, bookings, feedback."""

from __future__ import annotations

from piccolo.columns import (
    JSON,
    BigInt,
    Boolean,
    Bytea,
    Date,
    ForeignKey,
    Integer,
    Real,
    Serial,
    SmallInt,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.columns.base import OnDelete
from piccolo.table import Table

from network.accounts.tables import User
from network.directory.tables import CompetenceArea, County, Municipality
from network.lib.vocab import (
    AssignmentStatus,
    BookingStatus,
    ConsultationKind,
    ConsultationStatus,
    MeetingMode,
    RoundKind,
    RoundStatus,
    Urgency,
)
from network.specialists.tables import SpecialistProfile

__all__ = (
    "Assignment",
    "AssignmentRound",
    "Booking",
    "ConsultationMessage",
    "ConsultationRequest",
    "Feedback",
)


class ConsultationRequest(Table):
    """A de-identified question from a social worker to a specialist.

    ``summary`` has passed the de-identification guard before it is stored.
    """

    id: Serial

    area = ForeignKey(CompetenceArea, on_delete=OnDelete.restrict, null=False, index=True)
    origin_municipality = ForeignKey(
        Municipality, on_delete=OnDelete.restrict, null=False, index=True
    )
    requester = ForeignKey(User, on_delete=OnDelete.set_null, null=True, index=True)
    named_specialist = ForeignKey(SpecialistProfile, on_delete=OnDelete.set_null, null=True)
    kind = Varchar(length=16, choices=ConsultationKind, default=ConsultationKind.MEETING)
    urgency = Varchar(length=16, choices=Urgency, default=Urgency.PLANNED)
    mode = Varchar(length=16, choices=MeetingMode, default=MeetingMode.VIDEO)
    language = Varchar(length=8, default="sv")
    summary = Text(default="")
    latest_date = Date(null=True, default=None)
    status = Varchar(
        length=16, choices=ConsultationStatus, default=ConsultationStatus.DRAFT, index=True
    )
    created_at = Timestamptz(index=True)
    opened_at = Timestamptz(null=True, default=None)
    first_answer_at = Timestamptz(null=True, default=None)
    accepted_at = Timestamptz(null=True, default=None)
    meeting_at = Timestamptz(null=True, default=None)
    closed_at = Timestamptz(null=True, default=None)
    minutes_spent = SmallInt(null=True, default=None)
    version = Integer(default=1)


class AssignmentRound(Table):
    """A batch round: its problem instance, its solution and whether it was committed."""

    id: Serial

    kind = Varchar(length=16, choices=RoundKind, default=RoundKind.CONSULTATION)
    status = Varchar(length=16, choices=RoundStatus, default=RoundStatus.PREVIEW, index=True)
    county = ForeignKey(County, on_delete=OnDelete.restrict, null=True)
    municipality = ForeignKey(Municipality, on_delete=OnDelete.restrict, null=True)
    created_by = ForeignKey(User, on_delete=OnDelete.set_null, null=True)
    created_at = Timestamptz()
    committed_at = Timestamptz(null=True, default=None)
    total_score = BigInt(default=0)
    # What the solver proved: an upper bound on any assignment's total, the relative
    # gap (bound - total) / bound, and how it was solved (``network.graph.gap``).
    bound = BigInt(default=0)
    gap = Real(default=0.0)
    solver = Varchar(length=16, default="flow")
    problem = JSON(default="{}")
    # The problem's pairs, packed (``network.graph.assignment.pack_pairs``); rounds
    # kept before they were packed hold them in ``problem``.
    pairs = Bytea(null=True, default=None)
    unplaced = JSON(default="[]")


class Assignment(Table):
    """A request placed with a specialist, with the score parts that explain why."""

    id: Serial

    request = ForeignKey(ConsultationRequest, on_delete=OnDelete.cascade, null=False, index=True)
    specialist = ForeignKey(SpecialistProfile, on_delete=OnDelete.cascade, null=False, index=True)
    # The request's origin, repeated so that row-level security needs no join.
    origin_municipality = ForeignKey(Municipality, on_delete=OnDelete.restrict, null=True)
    batch_round = ForeignKey(AssignmentRound, on_delete=OnDelete.set_null, null=True, index=True)
    score = Integer(default=0)
    breakdown = JSON(default="{}")
    status = Varchar(
        length=16, choices=AssignmentStatus, default=AssignmentStatus.OFFERED, index=True
    )
    created_at = Timestamptz()
    expires_at = Timestamptz(null=True, default=None)
    responded_at = Timestamptz(null=True, default=None)
    decline_reason = Varchar(length=500, null=True, default=None)


class Booking(Table):
    """A meeting slot booked with a specialist.

    A partial unique index (migration ``consultations`` 0002) keeps one live
    booking per specialist and start time, also under concurrent requests.
    """

    id: Serial

    specialist = ForeignKey(SpecialistProfile, on_delete=OnDelete.restrict, null=False, index=True)
    request = ForeignKey(ConsultationRequest, on_delete=OnDelete.cascade, null=True, index=True)
    # The request's origin, repeated so that row-level security needs no join.
    origin_municipality = ForeignKey(Municipality, on_delete=OnDelete.restrict, null=True)
    starts_at = Timestamptz()
    ends_at = Timestamptz()
    mode = Varchar(length=16, choices=MeetingMode, default=MeetingMode.VIDEO)
    status = Varchar(length=16, choices=BookingStatus, default=BookingStatus.BOOKED)
    created_by = ForeignKey(User, on_delete=OnDelete.set_null, null=True)
    created_at = Timestamptz()
    cancelled_at = Timestamptz(null=True, default=None)
    cancel_reason = Varchar(length=500, null=True, default=None)
    # How to meet, for the booking's mode (a video link, a phone number or a place):
    # copied from the specialist's profile at booking, editable by the specialist.
    meeting_details = Varchar(length=300, null=True, default=None)


class Feedback(Table):
    """The requester's close-out survey of one consultation (no free text)."""

    id: Serial

    request = ForeignKey(ConsultationRequest, on_delete=OnDelete.cascade, null=False, unique=True)
    # The request's origin, repeated so that row-level security needs no join.
    origin_municipality = ForeignKey(Municipality, on_delete=OnDelete.restrict, null=True)
    author = ForeignKey(User, on_delete=OnDelete.set_null, null=True)
    helpful = SmallInt()
    changed_risk_assessment = Boolean(null=True, default=None)
    escalation_avoided = Boolean(null=True, default=None)
    placement_avoided = Boolean(null=True, default=None)
    referral_avoided = Boolean(null=True, default=None)
    referral_made = Varchar(length=64, null=True, default=None)
    created_at = Timestamptz()


class ConsultationMessage(Table):
    """One message of a written consultation's short threaded exchange.

    ``body`` has passed the de-identification guard before it is stored.
    """

    id: Serial

    request = ForeignKey(ConsultationRequest, on_delete=OnDelete.cascade, null=False, index=True)
    # The request's origin, repeated so that row-level security needs no join.
    origin_municipality = ForeignKey(Municipality, on_delete=OnDelete.restrict, null=True)
    author = ForeignKey(User, on_delete=OnDelete.set_null, null=True)
    from_specialist = Boolean(default=False)
    body = Text()
    created_at = Timestamptz()
