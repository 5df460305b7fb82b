"""The closed vocabularies of the domain, shared by tables, schemas and algorithms,
with the words people read for them.

Plain ``StrEnum`` s with no framework imports. Each vocabulary that a page shows has
its labels here, beside it (``*_LABELS``, English source text marked with ``N_``
for the Babel catalogues, which translate it where it is shown): a member without a
label is an error at import (:func:`labelled`), so a new status cannot reach a page
as a raw code.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import TypeVar

__all__ = (
    "ABSENCE_REASON_LABELS",
    "AGREEMENT_SCOPE_LABELS",
    "ASSIGNMENT_LABELS",
    "CADENCE_LABELS",
    "CONSTRAINT_LABELS",
    "KIND_LABELS",
    "LEGAL_FORM_LABELS",
    "MENTORING_STATUS_LABELS",
    "MODE_LABELS",
    "NOTICE_LABELS",
    "N_",
    "REFERRAL_LABELS",
    "ROLE_LABELS",
    "ROUND_STATUS_LABELS",
    "SPOKEN_LANGUAGES",
    "STATUS_LABELS",
    "URGENCY_LABELS",
    "WORK_KIND_LABELS",
    "AbsenceReason",
    "AgreementScope",
    "AssignmentStatus",
    "AuditOutcome",
    "BookingStatus",
    "Cadence",
    "ConsultationKind",
    "ConsultationStatus",
    "LegalForm",
    "MeetingMode",
    "MentoringConstraint",
    "MentoringStatus",
    "NotificationKind",
    "Referral",
    "Role",
    "RoundKind",
    "RoundStatus",
    "Urgency",
    "WorkKind",
    "labelled",
)


E = TypeVar("E", bound=StrEnum)


def N_(message: str) -> str:
    """Mark English text for the catalogues; it is translated where it is shown."""
    return message


def labelled(vocabulary: type[E], labels: Mapping[E, str]) -> dict[str, str]:
    """``labels`` by value, refused at import unless every member of ``vocabulary`` has
    exactly one label."""
    missing = [m.value for m in vocabulary if m not in labels]
    extra = [str(k) for k in labels if not isinstance(k, vocabulary)]
    if missing or extra:
        raise ValueError(f"{vocabulary.__name__} labels: missing {missing}, unknown {extra}")
    return {member.value: labels[member] for member in vocabulary}


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
    CONFERENCE_ANSWER = "conference.answer"  # the hub's recommendation on a presented case


class Cadence(StrEnum):
    """How often a group case conference series meets."""

    MONTHLY = "monthly"
    FORTNIGHTLY = "fortnightly"


class WorkKind(StrEnum):
    """A kind of work that uses a specialist's weekly budget of case points."""

    WRITTEN = "written"  # a written consultation
    MEETING = "meeting"  # a consultation with a meeting
    CO_HANDLING = "co_handling"  # co-handling (medhandläggning) of a case, for weeks
    STANDING = "standing"  # a standing support series with one social worker
    MENTEE = "mentee"  # a matched mentee


class Referral(StrEnum):
    """Where the close-out survey says a case was referred."""

    NONE = "none"
    BARNAHUS = "barnahus"
    NATIONAL_TEAM_HBV = "national_team_hbv"
    BUP = "bup"
    POLICE = "police"
    OTHER = "other"


ROLE_LABELS = labelled(
    Role,
    {
        Role.SOCIAL_WORKER: N_("Social worker"),
        Role.SPECIALIST: N_("Specialist"),
        Role.COORDINATOR: N_("Coordinator"),
        Role.ANALYST: N_("R&D analyst"),
        Role.ADMIN: N_("Administrator"),
    },
)
MODE_LABELS = labelled(
    MeetingMode,
    {
        MeetingMode.WRITTEN: N_("Written"),
        MeetingMode.PHONE: N_("Phone"),
        MeetingMode.VIDEO: N_("Video"),
        MeetingMode.ON_SITE: N_("On site"),
    },
)
ABSENCE_REASON_LABELS = labelled(
    AbsenceReason,
    {
        AbsenceReason.HOLIDAY: N_("Holiday"),
        AbsenceReason.SICK_LEAVE: N_("Sick leave"),
        AbsenceReason.PARENTAL_LEAVE: N_("Parental leave"),
        AbsenceReason.TRAINING: N_("Training"),
        AbsenceReason.OTHER: N_("Other"),
    },
)
STATUS_LABELS = labelled(
    ConsultationStatus,
    {
        ConsultationStatus.DRAFT: N_("Draft"),
        ConsultationStatus.OPEN: N_("Waiting for a specialist"),
        ConsultationStatus.OFFERED: N_("Offered"),
        ConsultationStatus.ACCEPTED: N_("Accepted"),
        ConsultationStatus.BOOKED: N_("Meeting booked"),
        ConsultationStatus.COMPLETED: N_("Completed"),
        ConsultationStatus.DECLINED: N_("Declined"),
        ConsultationStatus.CANCELLED: N_("Withdrawn"),
        ConsultationStatus.EXPIRED: N_("Expired"),
    },
)
KIND_LABELS = labelled(
    ConsultationKind,
    {
        ConsultationKind.MEETING: N_("Meeting"),
        ConsultationKind.WRITTEN: N_("Written consultation"),
    },
)
URGENCY_LABELS = labelled(
    Urgency,
    {
        Urgency.ACUTE: N_("Acute (within 24 hours)"),
        Urgency.SOON: N_("Soon (within a week)"),
        Urgency.PLANNED: N_("Planned"),
    },
)
REFERRAL_LABELS = labelled(
    Referral,
    {
        Referral.NONE: N_("None"),
        Referral.BARNAHUS: N_("Barnahus"),
        Referral.NATIONAL_TEAM_HBV: N_("National team against honour-related violence"),
        Referral.BUP: N_("Child and adolescent psychiatry (BUP)"),
        Referral.POLICE: N_("Police"),
        Referral.OTHER: N_("Other"),
    },
)
LEGAL_FORM_LABELS = labelled(
    LegalForm,
    {
        LegalForm.AGREEMENT: N_("Agreement-based collaboration (avtalssamverkan)"),
        LegalForm.JOINT_COMMITTEE: N_("Joint committee (gemensam nämnd)"),
        LegalForm.FEDERATION: N_("Local federation (kommunalförbund)"),
    },
)
AGREEMENT_SCOPE_LABELS = labelled(
    AgreementScope,
    {
        AgreementScope.CONSULTATION: N_("Consultation only"),
        AgreementScope.CO_HANDLING: N_("Consultation and co-handling"),
    },
)
MENTORING_STATUS_LABELS = labelled(
    MentoringStatus,
    {
        MentoringStatus.OPEN: N_("Waiting for a mentor"),
        MentoringStatus.MATCHED: N_("Matched"),
        MentoringStatus.WITHDRAWN: N_("Withdrawn"),
    },
)
CONSTRAINT_LABELS = labelled(
    MentoringConstraint,
    {
        MentoringConstraint.NONE: N_("Anywhere in the programme"),
        MentoringConstraint.NOT_OWN_UNIT: N_("Not from my own unit"),
        MentoringConstraint.OWN_MUNICIPALITY_ONLY: N_("Only from my own municipality"),
    },
)
ROUND_STATUS_LABELS = labelled(
    RoundStatus,
    {
        RoundStatus.PREVIEW: N_("Preview"),
        RoundStatus.COMMITTED: N_("Committed"),
        RoundStatus.DISCARDED: N_("Discarded"),
    },
)
ASSIGNMENT_LABELS = labelled(
    AssignmentStatus,
    {
        AssignmentStatus.PROPOSED: N_("Proposed"),
        AssignmentStatus.OFFERED: N_("Offered"),
        AssignmentStatus.ACCEPTED: N_("Accepted"),
        AssignmentStatus.DECLINED: N_("Declined"),
        AssignmentStatus.EXPIRED: N_("Expired"),
        AssignmentStatus.WITHDRAWN: N_("Withdrawn"),
    },
)
# What a notification says; ``{area}``, ``{start}``, ``{role}`` and ``{place}`` are filled in.
NOTICE_LABELS = labelled(
    NotificationKind,
    {
        NotificationKind.OFFER_NEW: N_("New consultation offer: {area}"),
        NotificationKind.OFFER_ACCEPTED: N_("Your request was accepted: {area}"),
        NotificationKind.OFFER_DECLINED: N_("Your request was declined: {area}"),
        NotificationKind.OFFER_EXPIRED: N_("An offer was not answered in time: {area}"),
        NotificationKind.BOOKING_CREATED: N_("Meeting booked {start}: {area}"),
        NotificationKind.BOOKING_CANCELLED: N_("Meeting cancelled {start}: {area}"),
        NotificationKind.BOOKING_MOVED: N_("Meeting moved to {start}: {area}"),
        NotificationKind.MESSAGE_NEW: N_("New message in a written consultation: {area}"),
        NotificationKind.MENTOR_MATCHED: N_("You have a mentoring pair: see who and the ladder"),
        NotificationKind.ROLE_GRANTED: N_(
            "A role that reads case data was granted: {role} in {place}"
        ),
        NotificationKind.TEST: N_("Test notification: notifications reach you."),
        NotificationKind.CONFERENCE_ANSWER: N_(
            "The hub answered the case you presented at a case conference: {area}"
        ),
    },
)
CADENCE_LABELS = labelled(
    Cadence,
    {
        Cadence.MONTHLY: N_("Monthly"),
        Cadence.FORTNIGHTLY: N_("Every other week"),
    },
)
WORK_KIND_LABELS = labelled(
    WorkKind,
    {
        WorkKind.WRITTEN: N_("Written consultation"),
        WorkKind.MEETING: N_("Consultation meeting"),
        WorkKind.CO_HANDLING: N_("Co-handling"),
        WorkKind.STANDING: N_("Standing support"),
        WorkKind.MENTEE: N_("Mentee"),
    },
)


# The languages a consultation or a specialist's profile is picked from (ISO 639-1
# codes, as stored): Swedish, the national minority languages and the languages most
# often needed in Swedish social services. Pages show them by name in the page's
# language (Babel's names, ``web/i18n.Translator.language_name``); a stored code not
# listed here is still shown and kept.
SPOKEN_LANGUAGES = (
    "sv",
    "en",
    "ar",
    "so",
    "fa",
    "ps",
    "ti",
    "am",
    "ku",
    "ckb",
    "tr",
    "bs",
    "sr",
    "hr",
    "sq",
    "pl",
    "ro",
    "uk",
    "ru",
    "fi",
    "se",
    "yi",
    "rom",
    "es",
    "fr",
    "de",
    "th",
)
