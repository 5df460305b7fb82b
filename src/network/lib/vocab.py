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
    "APPLICATION_LABELS",
    "ASSIGNMENT_LABELS",
    "CADENCE_LABELS",
    "CONFERENCE_KIND_LABELS",
    "CONSTRAINT_LABELS",
    "GROUP_PART_LABELS",
    "KIND_LABELS",
    "LEGAL_FORM_LABELS",
    "MENTORING_STATUS_LABELS",
    "MODE_LABELS",
    "NOTICE_LABELS",
    "N_",
    "OCCURRENCE_LABELS",
    "PHASE_LABELS",
    "REFERRAL_LABELS",
    "ROLE_LABELS",
    "ROUND_STATUS_LABELS",
    "SPOKEN_LANGUAGES",
    "STANDING_CADENCE_LABELS",
    "STANDING_STATUS_LABELS",
    "STATUS_LABELS",
    "URGENCY_LABELS",
    "WORK_KIND_LABELS",
    "AbsenceReason",
    "AgreementScope",
    "ApplicationStatus",
    "AssignmentStatus",
    "AuditOutcome",
    "BookingStatus",
    "Cadence",
    "ConferenceKind",
    "ConsultationKind",
    "ConsultationStatus",
    "EngagementPhase",
    "GroupPartFormat",
    "LegalForm",
    "MeetingMode",
    "MentoringConstraint",
    "MentoringStatus",
    "NotificationKind",
    "OccurrenceOutcome",
    "Referral",
    "Role",
    "RoundKind",
    "RoundStatus",
    "SessionCancelReason",
    "StandingCadence",
    "StandingStatus",
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
    CO_HANDLING = "co_handling"  # co-handling (medhandläggning) of an investigation


class EngagementPhase(StrEnum):
    """The phases of a co-handled investigation, in order (``engagements.lifecycle``)."""

    INVESTIGATION_OPENED = "investigation_opened"
    RISK_ASSESSMENT = "risk_assessment"
    PARENT_COMMUNICATION = "parent_communication"
    DECISION = "decision"  # decision, or application to the administrative court
    CLOSED = "closed"


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
    BOOKING_DETAILS = "booking.details"  # the specialist changed how to meet
    MESSAGE_NEW = "message.new"
    MENTOR_MATCHED = "mentoring.matched"
    ROLE_GRANTED = "role.granted"  # a role that reads case data, to the place's administrators
    TEST = "test"
    CONFERENCE_ANSWER = "conference.answer"  # the hub's recommendation on a presented case
    CONFERENCE_PLACED = "conference.placed"  # a seat given by group placement
    STANDING_PROPOSED = "standing.proposed"  # a standing series waits for your answer
    STANDING_AGREED = "standing.agreed"
    STANDING_DECLINED = "standing.declined"
    STANDING_ENDED = "standing.ended"
    STANDING_MOVED = "standing.moved"  # one occurrence moved
    STANDING_SKIPPED_ABSENCE = "standing.skipped_absence"
    STANDING_SKIPPED_CLASH = "standing.skipped_clash"
    STANDING_SKIPPED_CAPACITY = "standing.skipped_capacity"
    ENGAGEMENT_HANDOVER = "engagement.handover"  # a co-handling engagement, to its stand-in
    CONFERENCE_CANCELLED = "conference.cancelled"  # a session you take part in
    CONFERENCE_STAND_IN = "conference.stand_in"  # a session led by the hub's stand-in
    PEER_QUESTION = "peer.question"  # a new post in a peer group's thread, to its members
    PEER_REPLY = "peer.reply"  # a reply to your post in a peer group's thread
    # Before a conference session: to each attendee, each presenter, and the hub.
    CONFERENCE_REMINDER = "conference.reminder"
    CONFERENCE_REMINDER_PRESENTER = "conference.reminder_presenter"
    CONFERENCE_REMINDER_HUB = "conference.reminder_hub"
    # A programme's mentee, enrolled in a session of one of its group parts.
    PROGRAMME_ENROLLED = "programme.enrolled"


class SessionCancelReason(StrEnum):
    """Why a conference session was cancelled."""

    CANCELLED = "cancelled"  # by the hub or a coordinator who manages the series
    HUB_AWAY = "hub_away"  # the hub is away and no stand-in was free to lead it


class ApplicationStatus(StrEnum):
    """Where an application to a case conference series stands."""

    WAITING = "waiting"
    PLACED = "placed"
    WITHDRAWN = "withdrawn"


class Cadence(StrEnum):
    """How often a group case conference series meets."""

    MONTHLY = "monthly"
    FORTNIGHTLY = "fortnightly"


class ConferenceKind(StrEnum):
    """What a conference series is: a hub's case conference for social workers, a
    competence area's network meetings for its specialists, or the group part of a
    mentoring programme (theme meetings and group supervision for its cohort)."""

    CASE_CONFERENCE = "case_conference"
    PEER_NETWORK = "peer_network"
    INTRODUCTION = "introduction"


class GroupPartFormat(StrEnum):
    """What a mentoring programme's group part is: theme meetings (a theme per session,
    taught to the cohort) or group supervision (the cohort's own cases, led by the host)."""

    THEME_MEETING = "theme_meeting"
    GROUP_SUPERVISION = "group_supervision"


class StandingCadence(StrEnum):
    """How often a standing support series meets (its own vocabulary: a conference
    series meets monthly or fortnightly, a standing support time weekly or fortnightly)."""

    WEEKLY = "weekly"
    FORTNIGHTLY = "fortnightly"


class StandingStatus(StrEnum):
    """A standing series: proposed by one party, agreed (active) or declined by the
    other, ended by either."""

    PROPOSED = "proposed"
    ACTIVE = "active"
    DECLINED = "declined"
    ENDED = "ended"


class OccurrenceOutcome(StrEnum):
    """What became of one planned date of a standing series."""

    BOOKED = "booked"  # a live booking holds it (moved or not)
    SKIPPED_ABSENCE = "skipped_absence"  # the specialist is away
    SKIPPED_CLASH = "skipped_clash"  # the specialist has another meeting then
    SKIPPED_CAPACITY = "skipped_capacity"  # the week's capacity is used up
    CANCELLED = "cancelled"  # the series ended before it


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
        ConsultationKind.CO_HANDLING: N_("Co-handling"),
    },
)
CONFERENCE_KIND_LABELS = labelled(
    ConferenceKind,
    {
        ConferenceKind.CASE_CONFERENCE: N_("Case conference"),
        ConferenceKind.PEER_NETWORK: N_("Network meetings"),
        ConferenceKind.INTRODUCTION: N_("Group part"),
    },
)
PHASE_LABELS = labelled(
    EngagementPhase,
    {
        EngagementPhase.INVESTIGATION_OPENED: N_("Investigation opened"),
        EngagementPhase.RISK_ASSESSMENT: N_("Risk assessment"),
        EngagementPhase.PARENT_COMMUNICATION: N_("Communication with the parents"),
        EngagementPhase.DECISION: N_("Decision or application to the administrative court"),
        EngagementPhase.CLOSED: N_("Closed"),
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
        NotificationKind.BOOKING_DETAILS: N_("How to meet was changed for {start}: {area}"),
        NotificationKind.MESSAGE_NEW: N_("New message in a written consultation: {area}"),
        NotificationKind.MENTOR_MATCHED: N_("You have a mentoring pair: see who and the ladder"),
        NotificationKind.ROLE_GRANTED: N_(
            "A role that reads case data was granted: {role} in {place}"
        ),
        NotificationKind.TEST: N_("Test notification: notifications reach you."),
        NotificationKind.CONFERENCE_ANSWER: N_(
            "The hub answered the case you presented at a case conference: {area}"
        ),
        NotificationKind.CONFERENCE_PLACED: N_(
            "You were given a seat in a case conference group: {area}"
        ),
        NotificationKind.STANDING_PROPOSED: N_("A standing support time was proposed to you"),
        NotificationKind.STANDING_AGREED: N_("Your standing support time was agreed"),
        NotificationKind.STANDING_DECLINED: N_("Your standing support time was declined"),
        NotificationKind.STANDING_ENDED: N_("A standing support time has ended"),
        NotificationKind.STANDING_MOVED: N_("A standing support meeting was moved to {start}"),
        NotificationKind.STANDING_SKIPPED_ABSENCE: N_(
            "No standing support meeting {start}: the specialist is away"
        ),
        NotificationKind.STANDING_SKIPPED_CLASH: N_(
            "No standing support meeting {start}: the specialist has another meeting then"
        ),
        NotificationKind.STANDING_SKIPPED_CAPACITY: N_(
            "No standing support meeting {start}: the specialist's week is full"
        ),
        NotificationKind.ENGAGEMENT_HANDOVER: N_(
            "A co-handling engagement was handed over to you as stand-in: {area}"
        ),
        NotificationKind.CONFERENCE_CANCELLED: N_("A conference session {start} was cancelled"),
        NotificationKind.CONFERENCE_STAND_IN: N_(
            "A conference session {start} is led by a stand-in while the hub is away"
        ),
        NotificationKind.PEER_QUESTION: N_("New post in your peer group's thread: {area}"),
        NotificationKind.PEER_REPLY: N_("Someone replied to your post in the peer group: {area}"),
        NotificationKind.CONFERENCE_REMINDER: N_("Reminder: group meeting {start}: {title}"),
        NotificationKind.CONFERENCE_REMINDER_PRESENTER: N_(
            "Reminder: you present a case at the group meeting {start}: {title}"
        ),
        NotificationKind.CONFERENCE_REMINDER_HUB: N_(
            "Reminder: you lead the group meeting {start}: {title}"
        ),
        NotificationKind.PROGRAMME_ENROLLED: N_(
            "You are enrolled in your introduction programme's group meeting {start}: {title}"
        ),
    },
)
APPLICATION_LABELS = labelled(
    ApplicationStatus,
    {
        ApplicationStatus.WAITING: N_("Waiting for placement"),
        ApplicationStatus.PLACED: N_("Given a seat"),
        ApplicationStatus.WITHDRAWN: N_("Withdrawn"),
    },
)
CADENCE_LABELS = labelled(
    Cadence,
    {
        Cadence.MONTHLY: N_("Monthly"),
        Cadence.FORTNIGHTLY: N_("Every other week"),
    },
)
GROUP_PART_LABELS = labelled(
    GroupPartFormat,
    {
        GroupPartFormat.THEME_MEETING: N_("Theme meetings"),
        GroupPartFormat.GROUP_SUPERVISION: N_("Group supervision"),
    },
)
STANDING_CADENCE_LABELS = labelled(
    StandingCadence,
    {
        StandingCadence.WEEKLY: N_("Every week"),
        StandingCadence.FORTNIGHTLY: N_("Every other week"),
    },
)
STANDING_STATUS_LABELS = labelled(
    StandingStatus,
    {
        StandingStatus.PROPOSED: N_("Proposed"),
        StandingStatus.ACTIVE: N_("Agreed"),
        StandingStatus.DECLINED: N_("Declined"),
        StandingStatus.ENDED: N_("Ended"),
    },
)
OCCURRENCE_LABELS = labelled(
    OccurrenceOutcome,
    {
        OccurrenceOutcome.BOOKED: N_("Booked"),
        OccurrenceOutcome.SKIPPED_ABSENCE: N_("Skipped: the specialist is away"),
        OccurrenceOutcome.SKIPPED_CLASH: N_("Skipped: another meeting then"),
        OccurrenceOutcome.SKIPPED_CAPACITY: N_("Skipped: the week is full"),
        OccurrenceOutcome.CANCELLED: N_("Cancelled"),
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
