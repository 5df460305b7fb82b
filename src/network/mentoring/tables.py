"""Mentoring programmes, their cohorts and mentors, the requests of new social
workers for a mentor (which become the pairs), rounds, meetings and the ladder."""

from __future__ import annotations

from piccolo.columns import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Serial,
    SmallInt,
    Timestamptz,
    Varchar,
)
from piccolo.columns.base import OnDelete
from piccolo.table import Table

from network.accounts.tables import User
from network.directory.tables import County, Municipality
from network.lib.vocab import MeetingMode, MentoringConstraint, MentoringStatus

__all__ = (
    "LadderSignoff",
    "MentorOffer",
    "MentoringCohort",
    "MentoringMeeting",
    "MentoringProgramme",
    "MentoringRequest",
    "MentoringRound",
    "ProgrammeMunicipality",
)


class MentoringProgramme(Table):
    """A regional introduction programme with its competence ladder.

    Run by a county (``county``: every municipality of it) or by a group of
    municipalities (the rows of :class:`ProgrammeMunicipality`).
    """

    id: Serial

    name = Varchar(length=200)
    county = ForeignKey(County, on_delete=OnDelete.restrict, null=True, index=True)
    start_date = Date()
    end_date = Date()
    steps = JSON(default="[]")  # the ladder: step titles, first to last
    stale_weeks = SmallInt(default=6)  # a pair that has not met for this long is flagged
    created_by = ForeignKey(User, on_delete=OnDelete.set_null, null=True)
    created_at = Timestamptz()


class ProgrammeMunicipality(Table):
    """A participating municipality of a programme run by a group of municipalities."""

    id: Serial

    programme = ForeignKey(MentoringProgramme, on_delete=OnDelete.cascade, null=False, index=True)
    municipality = ForeignKey(Municipality, on_delete=OnDelete.restrict, null=False)


class MentoringCohort(Table):
    """A group of new social workers who start a programme together."""

    id: Serial

    programme = ForeignKey(MentoringProgramme, on_delete=OnDelete.cascade, null=False, index=True)
    name = Varchar(length=120)
    start_date = Date()
    end_date = Date()
    created_at = Timestamptz()


class MentorOffer(Table):
    """A specialist or an experienced social worker mentoring inside a programme."""

    id: Serial

    programme = ForeignKey(MentoringProgramme, on_delete=OnDelete.cascade, null=False, index=True)
    user = ForeignKey(User, on_delete=OnDelete.cascade, null=False, index=True)
    municipality = ForeignKey(Municipality, on_delete=OnDelete.restrict, null=False)
    capacity = SmallInt(default=2)  # mentees at a time
    areas = JSON(default="[]")  # area codes
    languages = JSON(default='["sv"]')
    modes = JSON(default='["video"]')
    ranking = JSON(default="[]")  # mentoring request ids, best first
    active = Boolean(default=True)
    created_at = Timestamptz()


class MentoringRequest(Table):
    """A new social worker's request for a mentor; matched, it is the pair."""

    id: Serial

    programme = ForeignKey(MentoringProgramme, on_delete=OnDelete.cascade, null=True, index=True)
    # No index on the two columns added later: SQLite cannot drop an indexed column
    # when the migration is rolled back (the tables are small per programme anyway).
    cohort = ForeignKey(MentoringCohort, on_delete=OnDelete.set_null, null=True)
    mentee = ForeignKey(User, on_delete=OnDelete.cascade, null=False, index=True)
    municipality = ForeignKey(Municipality, on_delete=OnDelete.restrict, null=True)
    areas = JSON(default="[]")
    language = Varchar(length=8, default="sv")
    mode = Varchar(length=16, choices=MeetingMode, default=MeetingMode.VIDEO)
    match_constraint = Varchar(
        length=32, choices=MentoringConstraint, default=MentoringConstraint.NONE
    )
    wishes = JSON(default="[]")  # mentor offer ids, best first
    status = Varchar(length=16, choices=MentoringStatus, default=MentoringStatus.OPEN, index=True)
    offer = ForeignKey(MentorOffer, on_delete=OnDelete.set_null, null=True)
    created_at = Timestamptz()
    matched_at = Timestamptz(null=True, default=None)


class MentoringRound(Table):
    """A matching round of a cohort: both answers previewed, one committed."""

    id: Serial

    cohort = ForeignKey(MentoringCohort, on_delete=OnDelete.cascade, null=False, index=True)
    status = Varchar(length=16, default="preview")  # preview, committed, discarded
    chosen = Varchar(length=16, null=True, default=None)  # welfare or stable
    result = JSON(default="{}")
    created_by = ForeignKey(User, on_delete=OnDelete.set_null, null=True)
    created_at = Timestamptz()
    committed_at = Timestamptz(null=True, default=None)


class MentoringMeeting(Table):
    """A meeting of a pair as the mentor records it: when, how long, which themes
    (codes from a fixed list: no case text)."""

    id: Serial

    request = ForeignKey(MentoringRequest, on_delete=OnDelete.cascade, null=False, index=True)
    held_on = Date()
    minutes = SmallInt()
    themes = JSON(default="[]")
    recorded_by = ForeignKey(User, on_delete=OnDelete.set_null, null=True)
    created_at = Timestamptz()


class LadderSignoff(Table):
    """A step of the programme's ladder signed off by the pair's mentor."""

    id: Serial

    request = ForeignKey(MentoringRequest, on_delete=OnDelete.cascade, null=False, index=True)
    step = SmallInt()  # 1-based
    signed_by = ForeignKey(User, on_delete=OnDelete.set_null, null=True)
    signed_at = Timestamptz()
