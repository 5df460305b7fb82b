"""A co-handling engagement, its phase history, the time logged against it and its
handovers to stand-ins.

The engagement is one-to-one with the accepted co-handling request
(:class:`~network.consultations.tables.ConsultationRequest` of kind ``co_handling``):
its meetings are :class:`~network.consultations.tables.Booking` rows of that request,
its written thread is the request's
:class:`~network.consultations.tables.ConsultationMessage` rows and its close-out
survey the request's :class:`~network.consultations.tables.Feedback`.

Case data: row-level security on PostgreSQL (the request's municipality as
``origin_municipality``, the requester, the engagement's current specialist).
"""

from __future__ import annotations

from piccolo.columns import (
    Date,
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
from network.consultations.tables import ConsultationRequest
from network.directory.tables import CompetenceArea, Municipality
from network.lib.vocab import EngagementPhase, Urgency
from network.specialists.tables import SpecialistProfile

__all__ = ("Engagement", "EngagementHandover", "EngagementPhaseChange", "EngagementTime")


class Engagement(Table):
    """A specialist co-handling one investigation with the requesting unit."""

    id: Serial

    request = ForeignKey(ConsultationRequest, on_delete=OnDelete.cascade, null=False, unique=True)
    origin_municipality = ForeignKey(
        Municipality, on_delete=OnDelete.restrict, null=False, index=True
    )
    requester = ForeignKey(User, on_delete=OnDelete.set_null, null=True, index=True)
    specialist = ForeignKey(SpecialistProfile, on_delete=OnDelete.restrict, null=False, index=True)
    area = ForeignKey(CompetenceArea, on_delete=OnDelete.restrict, null=False)
    urgency = Varchar(length=16, choices=Urgency, default=Urgency.PLANNED)
    phase = Varchar(
        length=32, choices=EngagementPhase, default=EngagementPhase.INVESTIGATION_OPENED, index=True
    )
    opened_at = Timestamptz()
    expected_end = Date()
    closed_at = Timestamptz(null=True, default=None)


class EngagementPhaseChange(Table):
    """The engagement entered ``phase`` at ``changed_at`` (the first row: opened)."""

    id: Serial

    engagement = ForeignKey(Engagement, on_delete=OnDelete.cascade, null=False, index=True)
    origin_municipality = ForeignKey(Municipality, on_delete=OnDelete.restrict, null=False)
    phase = Varchar(length=32, choices=EngagementPhase)
    changed_at = Timestamptz()
    changed_by = ForeignKey(User, on_delete=OnDelete.set_null, null=True)


class EngagementTime(Table):
    """Minutes a specialist worked on the engagement on one day; ``note`` has passed
    the de-identification guard. ``giver`` is the specialist's home municipality when
    logged: the giver in the settlement between municipalities."""

    id: Serial

    engagement = ForeignKey(Engagement, on_delete=OnDelete.cascade, null=False, index=True)
    origin_municipality = ForeignKey(Municipality, on_delete=OnDelete.restrict, null=False)
    specialist = ForeignKey(SpecialistProfile, on_delete=OnDelete.restrict, null=False)
    giver = ForeignKey(Municipality, on_delete=OnDelete.restrict, null=False)
    worked_on = Date()
    minutes = SmallInt()
    note = Text(default="")
    created_at = Timestamptz()


class EngagementHandover(Table):
    """The engagement passed from an absent specialist to their stand-in."""

    id: Serial

    engagement = ForeignKey(Engagement, on_delete=OnDelete.cascade, null=False, index=True)
    origin_municipality = ForeignKey(Municipality, on_delete=OnDelete.restrict, null=False)
    from_specialist = ForeignKey(SpecialistProfile, on_delete=OnDelete.restrict, null=False)
    to_specialist = ForeignKey(SpecialistProfile, on_delete=OnDelete.restrict, null=False)
    handed_over_at = Timestamptz()
    handed_over_by = ForeignKey(User, on_delete=OnDelete.set_null, null=True)
