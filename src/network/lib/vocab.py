"""The closed vocabularies of the domain, shared by tables, schemas and algorithms.

Plain ``StrEnum`` s with no framework imports, so pure modules may use them too.
"""

from __future__ import annotations

from enum import StrEnum

__all__ = (
    "AbsenceReason",
    "AgreementScope",
    "AssignmentStatus",
    "AuditOutcome",
    "BookingStatus",
    "ConsultationKind",
    "ConsultationStatus",
    "LegalForm",
    "MeetingMode",
    "MentoringConstraint",
    "MentoringStatus",
    "NotificationKind",
    "Role",
    "RoundKind",
    "RoundStatus",
    "Urgency",
)


class Role(StrEnum):
    SOCIAL_WORKER = "social_worker"
    SPECIALIST = "specialist"
    COORDINATOR = "coordinator"
    ANALYST = "analyst"
    ADMIN = "admin"


class LegalForm(StrEnum):
    """How municipalities cooperate (kommunallagen)."""

    AGREEMENT = "avtalssamverkan"
    JOINT_COMMITTEE = "gemensam_namnd"
    FEDERATION = "kommunalforbund"


class AgreementScope(StrEnum):
    CONSULTATION = "consultation"
    CO_HANDLING = "co_handling"


class MeetingMode(StrEnum):
    WRITTEN = "written"
    PHONE = "phone"
    VIDEO = "video"
    ON_SITE = "on_site"


class ConsultationKind(StrEnum):
    WRITTEN = "written"
    MEETING = "meeting"


class Urgency(StrEnum):
    ACUTE = "acute"
    SOON = "soon"
    PLANNED = "planned"


class ConsultationStatus(StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    OFFERED = "offered"
    ACCEPTED = "accepted"
    BOOKED = "booked"
    COMPLETED = "completed"
    DECLINED = "declined"
    CANCELLED = "cancelled"
    EXPIRED = "expired"


class AssignmentStatus(StrEnum):
    PROPOSED = "proposed"
    OFFERED = "offered"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    EXPIRED = "expired"
    WITHDRAWN = "withdrawn"


class BookingStatus(StrEnum):
    BOOKED = "booked"
    CANCELLED = "cancelled"


class AbsenceReason(StrEnum):
    HOLIDAY = "holiday"
    SICK_LEAVE = "sick_leave"
    PARENTAL_LEAVE = "parental_leave"
    TRAINING = "training"
    OTHER = "other"


class RoundKind(StrEnum):
    CONSULTATION = "consultation"
    MENTORING = "mentoring"


class RoundStatus(StrEnum):
    PREVIEW = "preview"
    COMMITTED = "committed"
    DISCARDED = "discarded"


class MentoringConstraint(StrEnum):
    NONE = "none"
    NOT_OWN_UNIT = "not_own_unit"
    OWN_MUNICIPALITY_ONLY = "own_municipality_only"


class MentoringStatus(StrEnum):
    OPEN = "open"
    MATCHED = "matched"
    WITHDRAWN = "withdrawn"


class AuditOutcome(StrEnum):
    ALLOWED = "allowed"
    DENIED = "denied"
    FAILED = "failed"


class NotificationKind(StrEnum):
    """What a notification says; the sentence is fixed per kind (no case text)."""

    OFFER_NEW = "offer.new"
    OFFER_ACCEPTED = "offer.accepted"
    OFFER_DECLINED = "offer.declined"
    OFFER_EXPIRED = "offer.expired"
    BOOKING_CREATED = "booking.created"
    BOOKING_CANCELLED = "booking.cancelled"
    BOOKING_MOVED = "booking.moved"
    MESSAGE_NEW = "message.new"
    MENTOR_MATCHED = "mentoring.matched"
    ROLE_GRANTED = "role.granted"  # a role that reads case data, to the place's administrators
    TEST = "test"
