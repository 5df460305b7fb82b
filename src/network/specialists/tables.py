"""Specialists: profile, competences, weekly hours, overrides and absences."""

from __future__ import annotations

from piccolo.columns import (
    Array,
    Boolean,
    Date,
    ForeignKey,
    Integer,
    Serial,
    SmallInt,
    Time,
    Timestamptz,
    Varchar,
)
from piccolo.columns.base import OnDelete
from piccolo.table import Table

from network.accounts.tables import User
from network.directory.tables import CompetenceArea, Municipality
from network.lib.vocab import AbsenceReason, Urgency, WorkKind

__all__ = (
    "Absence",
    "AvailabilityOverride",
    "AvailabilityRule",
    "CalendarFeed",
    "SpecialistCompetence",
    "SpecialistProfile",
    "UserCalendarFeed",
    "WorkPoints",
)


class SpecialistProfile(Table):
    """A specialist social worker who can be shared across municipal borders."""

    id: Serial

    user = ForeignKey(User, on_delete=OnDelete.cascade, null=False, unique=True)
    home_municipality = ForeignKey(
        Municipality, on_delete=OnDelete.restrict, null=False, index=True
    )
    title = Varchar(length=120, default="")
    languages = Array(base_column=Varchar(length=8), default=list)
    offers_phone = Boolean(default=True)
    offers_video = Boolean(default=True)
    offers_on_site = Boolean(default=False)
    max_travel_km = SmallInt(default=0)
    consultations_per_week = SmallInt(default=4)
    mentees_capacity = SmallInt(default=0)
    # The weekly budget of case points over every kind of work
    # (:mod:`network.specialists.workload`).
    points_capacity = SmallInt(default=32)
    slot_minutes = SmallInt(default=45)
    buffer_minutes = SmallInt(default=15)
    accepts_new = Boolean(default=True)
    # Default meeting details, copied to a booking of that mode (the specialist's work
    # contacts, never client data): an https video-meeting link, a phone number for
    # meetings, a place or address for meetings on site.
    meeting_video_url = Varchar(length=300, null=True, default=None)
    meeting_phone = Varchar(length=40, null=True, default=None)
    meeting_place = Varchar(length=200, null=True, default=None)
    created_at = Timestamptz()
    updated_at = Timestamptz()
    version = Integer(default=1)


class SpecialistCompetence(Table):
    """A competence area a specialist covers, at level 1 (basic) to 3 (expert)."""

    id: Serial

    specialist = ForeignKey(SpecialistProfile, on_delete=OnDelete.cascade, null=False, index=True)
    area = ForeignKey(CompetenceArea, on_delete=OnDelete.restrict, null=False, index=True)
    level = SmallInt(default=1)
    note = Varchar(length=500, default="")


class AvailabilityRule(Table):
    """Recurring weekly hours, in Europe/Stockholm local time (weekday 0 = Monday)."""

    id: Serial

    specialist = ForeignKey(SpecialistProfile, on_delete=OnDelete.cascade, null=False, index=True)
    weekday = SmallInt()
    start_time = Time()
    end_time = Time()


class AvailabilityOverride(Table):
    """A date whose hours differ from the weekly rule: extra hours, or closed."""

    id: Serial

    specialist = ForeignKey(SpecialistProfile, on_delete=OnDelete.cascade, null=False, index=True)
    on_date = Date()
    closed = Boolean(default=False)
    start_time = Time(null=True, default=None)
    end_time = Time(null=True, default=None)


class Absence(Table):
    """A period away (holiday, sick leave, ...), optionally with a named stand-in."""

    id: Serial

    specialist = ForeignKey(SpecialistProfile, on_delete=OnDelete.cascade, null=False, index=True)
    starts_at = Timestamptz()
    ends_at = Timestamptz()
    reason = Varchar(length=32, choices=AbsenceReason, default=AbsenceReason.OTHER)
    stand_in = ForeignKey(SpecialistProfile, on_delete=OnDelete.set_null, null=True)
    created_at = Timestamptz()


class CalendarFeed(Table):
    """A specialist's private iCalendar feed. Only a SHA-256 hash of its secret token
    is kept; revoking it (or making a new one) kills the old address at once."""

    id: Serial

    specialist = ForeignKey(SpecialistProfile, on_delete=OnDelete.cascade, null=False, index=True)
    token_hash = Varchar(length=64, unique=True, index=True)
    created_at = Timestamptz()
    revoked_at = Timestamptz(null=True, default=None)
    last_read_at = Timestamptz(null=True, default=None)


class UserCalendarFeed(Table):
    """A signed-in person's own private iCalendar feed (their bookings as requester,
    their standing support times, their conference sessions). Only a SHA-256 hash of
    its secret token is kept, as for :class:`CalendarFeed`."""

    id: Serial

    user = ForeignKey(User, on_delete=OnDelete.cascade, null=False, index=True)
    token_hash = Varchar(length=64, unique=True, index=True)
    created_at = Timestamptz()
    revoked_at = Timestamptz(null=True, default=None)
    last_read_at = Timestamptz(null=True, default=None)


class WorkPoints(Table):
    """The case points one piece of work weighs (the Göteborg-style table).

    ``scope`` is ``national`` (the default every place falls back to), a county code
    (``14``) or ``programme:<id>`` (a mentoring programme); ``area`` is a competence
    area code or empty for every area. The most specific row wins
    (:func:`network.specialists.workload.points_of`)."""

    id: Serial

    scope = Varchar(length=32, default="national", index=True)
    kind = Varchar(length=16, choices=WorkKind)
    urgency = Varchar(length=16, choices=Urgency, default=Urgency.PLANNED)
    area = Varchar(length=64, default="")
    points = SmallInt(default=1)
    updated_at = Timestamptz()
    updated_by = ForeignKey(User, on_delete=OnDelete.set_null, null=True)
