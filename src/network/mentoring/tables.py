"""Mentoring programmes and the requests of new social workers for a mentor."""

from __future__ import annotations

from piccolo.columns import JSON, Date, ForeignKey, Serial, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.table import Table

from network.accounts.tables import User
from network.directory.tables import County
from network.lib.vocab import MeetingMode, MentoringConstraint, MentoringStatus
from network.specialists.tables import SpecialistProfile

__all__ = ("MentoringProgramme", "MentoringRequest")


class MentoringProgramme(Table):
    """A regional introduction programme (a cohort) with its competence ladder."""

    id: Serial

    name = Varchar(length=200)
    county = ForeignKey(County, on_delete=OnDelete.restrict, null=True, index=True)
    start_date = Date()
    end_date = Date()
    steps = JSON(default="[]")
    created_by = ForeignKey(User, on_delete=OnDelete.set_null, null=True)
    created_at = Timestamptz()


class MentoringRequest(Table):
    """A new social worker's request for a mentor."""

    id: Serial

    programme = ForeignKey(MentoringProgramme, on_delete=OnDelete.cascade, null=True, index=True)
    mentee = ForeignKey(User, on_delete=OnDelete.cascade, null=False, index=True)
    areas = JSON(default="[]")
    language = Varchar(length=8, default="sv")
    mode = Varchar(length=16, choices=MeetingMode, default=MeetingMode.VIDEO)
    match_constraint = Varchar(
        length=32, choices=MentoringConstraint, default=MentoringConstraint.NONE
    )
    status = Varchar(length=16, choices=MentoringStatus, default=MentoringStatus.OPEN, index=True)
    mentor = ForeignKey(SpecialistProfile, on_delete=OnDelete.set_null, null=True)
    created_at = Timestamptz()
    matched_at = Timestamptz(null=True, default=None)
