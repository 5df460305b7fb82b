"""Coverage history: one snapshot of every municipality × area per month."""

from __future__ import annotations

from piccolo.columns import Date, DoublePrecision, Integer, Serial, Varchar
from piccolo.table import Table

__all__ = ("CoverageSnapshot",)


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
