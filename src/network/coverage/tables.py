"""Coverage history (one snapshot of every municipality × area per month) and the
workforce indicators of each municipality's child and youth social care per year."""

from __future__ import annotations

from piccolo.columns import Boolean, Date, DoublePrecision, Integer, Serial, Timestamptz, Varchar
from piccolo.table import Table

__all__ = ("CoverageSnapshot", "WorkforceIndicator")


class CoverageSnapshot(Table):
    """Coverage of one municipality in one area (for consultation) in one month.

    The periodic job refreshes the current month's rows once a day, so a past
    month keeps the state of its last day. Codes rather than foreign keys: the
    reference data's codes are stable and history outlives any row.
    """

    id: Serial

    month = Varchar(length=7, index=True)  # YYYY-MM, Europe/Stockholm
    taken_on = Date()
    municipality = Varchar(length=4)
    county = Varchar(length=2)
    area = Varchar(length=48)
    status = Varchar(length=8)  # local, shared, none
    population = Integer()
    local_specialists = Integer()
    local_hours = DoublePrecision()  # weekly hours of the specialists working there
    reachable_hours = DoublePrecision()  # also through agreements


class WorkforceIndicator(Table):
    """One municipality's child and youth social care workforce in one year, as its
    coordinators report it (every figure may be unknown: null).

    Codes rather than foreign keys, like the history: the kommunkod is stable and
    joins Kolada and SCB tables. ``synthetic`` marks the demo's made-up figures.
    """

    id: Serial

    municipality = Varchar(length=4)
    year = Integer()
    social_workers = Integer(null=True, default=None)  # headcount in child and youth care
    new_share = DoublePrecision(null=True, default=None)  # % with under one year's experience
    turnover = DoublePrecision(null=True, default=None)  # % who left during the year
    vacancies = Integer(null=True, default=None)  # posts unfilled at the year's end
    agency_consultants = Integer(null=True, default=None)  # hired through staffing agencies
    sick_leave = DoublePrecision(null=True, default=None)  # % of working hours
    case_points = DoublePrecision(null=True, default=None)  # average per social worker
    source = Varchar(length=16, default="form")  # form, import, synthetic
    synthetic = Boolean(default=False)
    updated_at = Timestamptz()
