"""Standing support series and the planned dates (occurrences) they hold.

A series carries no case text: it names a specialist, the municipality served (and
the social worker, when one is named), a weekly time and its cadence. Its
occurrences are live :class:`~network.consultations.tables.Booking` rows (case data
under row-level security, with the served municipality as ``origin_municipality``);
:class:`StandingOccurrence` links each planned date to its booking, or records why
the date was skipped, so the Booking table itself is not changed.
"""

from __future__ import annotations

from piccolo.columns import (
    Boolean,
    Date,
    ForeignKey,
    Serial,
    SmallInt,
    Time,
    Timestamptz,
    Varchar,
)
from piccolo.columns.base import OnDelete
from piccolo.table import Table

from network.accounts.tables import User
from network.consultations.tables import Booking
from network.directory.tables import Municipality
from network.lib.vocab import MeetingMode, OccurrenceOutcome, StandingCadence, StandingStatus
from network.mentoring.tables import MentoringRequest
from network.specialists.tables import SpecialistProfile

__all__ = ("StandingOccurrence", "StandingSeries")


class StandingSeries(Table):
    """A standing weekly or fortnightly time of a specialist with a social worker (or,
    ``social_worker`` empty, with a unit of ``municipality``).

    ``weekday`` (0 Monday … 6 Sunday) and ``start_time`` are Europe/Stockholm local
    time. ``generated_until`` is the last date whose occurrence has been planned.
    ``mentoring`` names the mentoring pair when the series is a mentor's meetings."""

    id: Serial

    specialist = ForeignKey(SpecialistProfile, on_delete=OnDelete.restrict, null=False, index=True)
    social_worker = ForeignKey(User, on_delete=OnDelete.set_null, null=True, index=True)
    municipality = ForeignKey(Municipality, on_delete=OnDelete.restrict, null=False, index=True)
    unit = Varchar(length=120, null=True, default=None)
    mentoring = ForeignKey(MentoringRequest, on_delete=OnDelete.set_null, null=True)
    cadence = Varchar(length=16, choices=StandingCadence, default=StandingCadence.WEEKLY)
    weekday = SmallInt()
    start_time = Time()
    duration_minutes = SmallInt(default=45)
    mode = Varchar(length=16, choices=MeetingMode, default=MeetingMode.VIDEO)
    first_date = Date()
    end_date = Date(null=True, default=None)
    status = Varchar(length=16, choices=StandingStatus, default=StandingStatus.PROPOSED, index=True)
    proposed_by = ForeignKey(User, on_delete=OnDelete.set_null, null=True)
    by_specialist = Boolean(default=False)  # the specialist proposed it
    answered_by = ForeignKey(User, on_delete=OnDelete.set_null, null=True)
    answered_at = Timestamptz(null=True, default=None)
    ended_at = Timestamptz(null=True, default=None)
    generated_until = Date(null=True, default=None)
    created_at = Timestamptz()


class StandingOccurrence(Table):
    """One planned date of a series: its live booking, or why it was skipped."""

    id: Serial

    series = ForeignKey(StandingSeries, on_delete=OnDelete.cascade, null=False, index=True)
    on_date = Date()  # the planned date (the series' weekday)
    booking = ForeignKey(Booking, on_delete=OnDelete.set_null, null=True, index=True)
    outcome = Varchar(length=24, choices=OccurrenceOutcome, default=OccurrenceOutcome.BOOKED)
    moved = Boolean(default=False)  # moved from its planned time
    created_at = Timestamptz()
