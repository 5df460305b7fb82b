"""Group case conferences: a series, the municipalities it serves, its sessions (each
one a booking in the hub's calendar), sign-ups with attendance, the de-identified
cases presented at a session with the hub's recommendation, applications to a full
series (or one opened by application) and the group-placement rounds that place them."""

from __future__ import annotations

from piccolo.columns import (
    JSON,
    BigInt,
    Boolean,
    ForeignKey,
    Serial,
    SmallInt,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.columns.base import OnDelete
from piccolo.table import Table

from network.accounts.tables import User
from network.consultations.tables import Booking
from network.directory.tables import CompetenceArea, Municipality
from network.lib.vocab import (
    ApplicationStatus,
    Cadence,
    ConferenceKind,
    GroupPartFormat,
    MeetingMode,
    RoundStatus,
)
from network.mentoring.tables import MentoringProgramme
from network.specialists.tables import SpecialistProfile

__all__ = (
    "ConferenceApplication",
    "ConferenceCase",
    "ConferencePlacement",
    "ConferenceSeries",
    "ConferenceSession",
    "ConferenceSignup",
    "SeriesMunicipality",
)


class ConferenceSeries(Table):
    """A hub specialist's recurring case conference for one competence area."""

    id: Serial

    title = Varchar(length=200)
    # A case conference (social workers of the served municipalities), a peer network's
    # meetings (the area's specialists) or a programme's group part (its cohort).
    kind = Varchar(length=24, choices=ConferenceKind, default=ConferenceKind.CASE_CONFERENCE)
    # The mentoring programme whose cohort an introduction series is for.
    programme = ForeignKey(MentoringProgramme, on_delete=OnDelete.cascade, null=True)
    # An introduction series' format: theme meetings or group supervision (else null).
    part_format = Varchar(length=24, choices=GroupPartFormat, null=True, default=None)
    area = ForeignKey(CompetenceArea, on_delete=OnDelete.restrict, null=False)
    hub = ForeignKey(SpecialistProfile, on_delete=OnDelete.restrict, null=False, index=True)
    # The hub's home municipality when the series was made: the giver in the settlement.
    home_municipality = ForeignKey(Municipality, on_delete=OnDelete.restrict, null=False)
    cadence = Varchar(length=16, choices=Cadence, default=Cadence.MONTHLY)
    duration_minutes = SmallInt(default=90)
    mode = Varchar(length=16, choices=MeetingMode, default=MeetingMode.VIDEO)
    capacity = SmallInt(default=12)  # seats per session
    # The language the group works in (ISO 639-1), for group placement.
    language = Varchar(length=8, default="sv")
    # Seats are given by group placement (applications), not first come first served.
    by_application = Boolean(default=False)
    created_by = ForeignKey(User, on_delete=OnDelete.set_null, null=True)
    created_at = Timestamptz()


class SeriesMunicipality(Table):
    """A municipality whose social workers may sign up for the series' sessions."""

    id: Serial

    series = ForeignKey(ConferenceSeries, on_delete=OnDelete.cascade, null=False, index=True)
    municipality = ForeignKey(Municipality, on_delete=OnDelete.restrict, null=False)


class ConferenceSession(Table):
    """One dated occurrence of a series, with its short teaching topic.

    ``booking`` is the live :class:`~network.consultations.tables.Booking` that holds
    the hub's time, so consultation bookings, free slots and the weekly capacity see it.
    """

    id: Serial

    series = ForeignKey(ConferenceSeries, on_delete=OnDelete.cascade, null=False, index=True)
    starts_at = Timestamptz()
    ends_at = Timestamptz()
    topic = Varchar(length=300)
    booking = ForeignKey(Booking, on_delete=OnDelete.set_null, null=True)
    attendance_recorded_at = Timestamptz(null=True, default=None)
    created_at = Timestamptz()
    # Cancelled (its booking too): by whoever manages the series, or because the hub
    # is away with nobody free to stand in (``cancel_reason``: a SessionCancelReason).
    cancelled_at = Timestamptz(null=True, default=None)
    cancel_reason = Varchar(length=24, null=True, default=None)
    # The specialist who leads the session in the hub's place (``booking`` is theirs).
    stand_in = ForeignKey(SpecialistProfile, on_delete=OnDelete.set_null, null=True)
    # When the reminder before the session went out (set once, in the same
    # transaction as its notifications: ``network.conferences.reminders``).
    reminded_at = Timestamptz(null=True, default=None)


class ConferenceSignup(Table):
    """A social worker's seat at a session; ``attended`` once the hub has recorded it."""

    id: Serial

    session = ForeignKey(ConferenceSession, on_delete=OnDelete.cascade, null=False, index=True)
    user = ForeignKey(User, on_delete=OnDelete.cascade, null=False, index=True)
    municipality = ForeignKey(Municipality, on_delete=OnDelete.restrict, null=False)
    attended = Boolean(null=True, default=None)
    created_at = Timestamptz()


class ConferenceCase(Table):
    """A de-identified case presented at a session, and the hub's recommendation.

    Case data: row-level security on PostgreSQL (the presenter's municipality as
    ``origin_municipality``, the presenter, the hub as ``specialist``)."""

    id: Serial

    session = ForeignKey(ConferenceSession, on_delete=OnDelete.cascade, null=False, index=True)
    presenter = ForeignKey(User, on_delete=OnDelete.set_null, null=True, index=True)
    origin_municipality = ForeignKey(Municipality, on_delete=OnDelete.restrict, null=True)
    specialist = ForeignKey(SpecialistProfile, on_delete=OnDelete.restrict, null=True)
    question = Varchar(length=300)
    presentation = Text()
    recommendation = Text(null=True, default=None)
    recommended_at = Timestamptz(null=True, default=None)
    created_at = Timestamptz()


class ConferenceApplication(Table):
    """A social worker's application for a seat in a series' upcoming sessions, when the
    series is opened by application or full; group placement answers it."""

    id: Serial

    series = ForeignKey(ConferenceSeries, on_delete=OnDelete.cascade, null=False, index=True)
    user = ForeignKey(User, on_delete=OnDelete.cascade, null=False, index=True)
    municipality = ForeignKey(Municipality, on_delete=OnDelete.restrict, null=False)
    languages = Varchar(length=64, default="sv")  # ISO 639-1 codes, the preferred first
    rank = SmallInt(default=1)  # the applicant's order among their applications
    status = Varchar(
        length=16, choices=ApplicationStatus, default=ApplicationStatus.WAITING, index=True
    )
    created_at = Timestamptz()
    placed_at = Timestamptz(null=True, default=None)


class ConferencePlacement(Table):
    """A group-placement round over one or more series: its settings, the solution
    kept as a preview (who goes where and why) until committed or discarded."""

    id: Serial

    status = Varchar(length=16, choices=RoundStatus, default=RoundStatus.PREVIEW, index=True)
    series = JSON(default="[]")  # the series ids placed into
    max_per_municipality = SmallInt(null=True, default=None)
    min_municipalities = SmallInt(default=1)
    total_score = BigInt(default=0)
    result = JSON(default="{}")  # method, status, bound, placements, explanations
    created_by = ForeignKey(User, on_delete=OnDelete.set_null, null=True)
    created_at = Timestamptz()
    committed_at = Timestamptz(null=True, default=None)
