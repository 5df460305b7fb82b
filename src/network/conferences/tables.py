"""Group case conferences: a series, the municipalities it serves, its sessions (each
one a booking in the hub's calendar), sign-ups with attendance, and the de-identified
cases presented at a session with the hub's recommendation."""

from __future__ import annotations

from piccolo.columns import (
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
from network.lib.vocab import Cadence, MeetingMode
from network.specialists.tables import SpecialistProfile

__all__ = (
    "ConferenceCase",
    "ConferenceSeries",
    "ConferenceSession",
    "ConferenceSignup",
    "SeriesMunicipality",
)


class ConferenceSeries(Table):
    """A hub specialist's recurring case conference for one competence area."""

    id: Serial

    title = Varchar(length=200)
    area = ForeignKey(CompetenceArea, on_delete=OnDelete.restrict, null=False)
    hub = ForeignKey(SpecialistProfile, on_delete=OnDelete.restrict, null=False, index=True)
    # The hub's home municipality when the series was made: the giver in the settlement.
    home_municipality = ForeignKey(Municipality, on_delete=OnDelete.restrict, null=False)
    cadence = Varchar(length=16, choices=Cadence, default=Cadence.MONTHLY)
    duration_minutes = SmallInt(default=90)
    mode = Varchar(length=16, choices=MeetingMode, default=MeetingMode.VIDEO)
    capacity = SmallInt(default=12)  # seats per session
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
