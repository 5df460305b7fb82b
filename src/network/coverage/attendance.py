"""Attendance at group case conferences for FoU analysts: per case-conference series
and municipality in the reader's scope, the sessions held in a period, the seats
taken and how many attended, small counts suppressed with the coverage pages' rule
(:mod:`network.graph.attendance`). Aggregates only; scoped and audited like the
other coverage reads. docs/coverage.md describes the rule.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from network.audit.services import record
from network.conferences.tables import (
    ConferenceSeries,
    ConferenceSession,
    ConferenceSignup,
    SeriesMunicipality,
)
from network.coverage.loader import active_areas
from network.coverage.services import _period, places_for
from network.graph.attendance import Seat, SeriesAttendance
from network.graph.attendance import attendance as protected_attendance
from network.kernel.context import Context
from network.lib import clock
from network.lib.errors import InvalidInput
from network.lib.vocab import ConferenceKind

__all__ = ("Attendance", "SeriesFigures", "attendance")


@dataclass(frozen=True, slots=True)
class SeriesFigures:
    """One series: what it is, and its protected figures (rows in the view only)."""

    series: int
    title: str
    area: str
    hub_municipality: str
    figures: SeriesAttendance


@dataclass(frozen=True)
class Attendance:
    county: str | None
    area: str | None
    months: int
    start: datetime
    end: datetime
    series: list[SeriesFigures]
    names: dict[str, str]  # municipality code → name
    county_of: dict[str, str]


async def attendance(
    ctx: Context, *, county: str | None = None, area: str | None = None, months: int = 12
) -> Attendance:
    """Case-conference attendance per series and municipality of the reader's scope
    (``county``: only that county's rows are shown; each series' figures and total
    are protected over the whole scope, so a narrower view reveals nothing more)."""
    where = await places_for(ctx.principal)
    shown = where.within(county)
    if area is not None and area not in await active_areas():
        raise InvalidInput(f"unknown or inactive area {area!r}", field="area", source="query")
    start, end = _period(months)
    held_before = min(end, clock.now())
    condition: Any = ConferenceSeries.kind == ConferenceKind.CASE_CONFERENCE
    if area is not None:
        condition &= ConferenceSeries.area._.code == area
    series_rows = await ConferenceSeries.select(
        ConferenceSeries.id,
        ConferenceSeries.title,
        ConferenceSeries.area._.code.as_alias("area"),
        ConferenceSeries.home_municipality._.code.as_alias("hub_municipality"),
    ).where(condition)
    ids = [r["id"] for r in series_rows] or [0]
    served: dict[int, set[str]] = defaultdict(set)
    for row in await SeriesMunicipality.select(
        SeriesMunicipality.series, SeriesMunicipality.municipality._.code.as_alias("code")
    ).where(SeriesMunicipality.series.is_in(ids)):
        served[row["series"]].add(row["code"])
    sessions: dict[int, int] = defaultdict(int)
    for row in await ConferenceSession.select(ConferenceSession.series).where(
        ConferenceSession.series.is_in(ids)
        & (ConferenceSession.starts_at >= start)
        & (ConferenceSession.starts_at < held_before)
    ):
        sessions[row["series"]] += 1
    seats = [
        Seat(r["series"], r["code"], bool(r["attended"]))
        for r in await ConferenceSignup.select(
            ConferenceSignup.session._.series.as_alias("series"),
            ConferenceSignup.municipality._.code.as_alias("code"),
            ConferenceSignup.attended,
        ).where(
            ConferenceSignup.session._.series.is_in(ids)
            & (ConferenceSignup.session._.starts_at >= start)
            & (ConferenceSignup.session._.starts_at < held_before)
        )
    ]
    # every municipality of the scope that the series serves or that took a seat
    places: dict[int, set[str]] = defaultdict(set)
    for series, codes in served.items():
        places[series] |= codes & where.allowed
    for seat in seats:
        if seat.municipality in where.allowed:
            places[seat.series].add(seat.municipality)
    figures = {f.series: f for f in protected_attendance(seats, sessions, places)}
    found = []
    for row in sorted(series_rows, key=lambda r: (r["area"], r["title"], r["id"])):
        full = figures.get(row["id"])
        if full is None:
            continue
        rows = tuple(r for r in full.rows if r.municipality in shown)
        if not rows:
            continue
        found.append(
            SeriesFigures(
                series=row["id"],
                title=row["title"],
                area=row["area"],
                hub_municipality=row["hub_municipality"],
                figures=SeriesAttendance(full.series, full.sessions, rows, full.total),
            )
        )
    await record(
        ctx.actor,
        "coverage.attendance",
        "coverage",
        None,
        county=county,
        detail={"area": area, "months": months, "series": len(found)},
    )
    return Attendance(
        county=county,
        area=area,
        months=months,
        start=start,
        end=end,
        series=found,
        names=where.names,
        county_of=where.county_of,
    )
