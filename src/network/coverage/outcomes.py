"""Outcome reports for FoU analysts: what the consultations' close-out surveys say,
per area, county, municipality or month of one year, in the reader's scope.

Reads codes, months and the survey's closed answers (never case text) in a system
scope, as the demand figures do; the figures and their suppression are
:func:`network.graph.outcomes.outcome_table`. Every read is audited.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import StrEnum

from network.audit.services import record
from network.consultations.tables import ConsultationRequest, Feedback
from network.coverage.services import places_for
from network.directory.services import list_areas, list_counties
from network.graph.outcomes import Closeout, OutcomeRow, outcome_table
from network.kernel.case_scope import system_scope
from network.kernel.context import Context
from network.lib.clock import now, today
from network.lib.errors import InvalidInput
from network.lib.vocab import ConsultationKind, ConsultationStatus, Referral
from network.scheduling import STOCKHOLM

__all__ = ("Dimension", "Outcomes", "outcomes")

FIRST_YEAR = 2020


class Dimension(StrEnum):
    """What an outcome report's rows are."""

    AREA = "area"
    COUNTY = "county"
    MUNICIPALITY = "municipality"
    MONTH = "month"


@dataclass(frozen=True)
class Outcomes:
    by: Dimension
    year: int
    county: str | None
    area: str | None
    rows: list[OutcomeRow]
    total: OutcomeRow
    labels: dict[str, str]  # a row's key → its name (Swedish; months as YYYY-MM)
    county_of: dict[str, str]  # municipality → county code (for municipality rows)
    county_names: dict[str, str]
    day: date


def _bounds(year: int) -> tuple[datetime, datetime]:
    return (
        datetime(year, 1, 1, tzinfo=STOCKHOLM).astimezone(UTC),
        datetime(year + 1, 1, 1, tzinfo=STOCKHOLM).astimezone(UTC),
    )


def _month(moment: datetime) -> str:
    return moment.astimezone(STOCKHOLM).strftime("%Y-%m")


async def _closeouts(year: int, codes: frozenset[str], area: str | None) -> list[Closeout]:
    """The year's surveys and the consultations still due one, from ``codes``."""
    start, end = _bounds(year)
    cutoff = min(end, now())
    origin = ConsultationRequest.origin_municipality
    async with system_scope(ConsultationRequest._meta.db):
        answered = await Feedback.select(
            Feedback.request._.origin_municipality._.code.as_alias("municipality"),
            Feedback.request._.origin_municipality._.county._.code.as_alias("county"),
            Feedback.request._.area._.code.as_alias("area"),
            Feedback.created_at,
            Feedback.helpful,
            Feedback.changed_risk_assessment,
            Feedback.escalation_avoided,
            Feedback.placement_avoided,
            Feedback.referral_avoided,
            Feedback.referral_made,
        ).where((Feedback.created_at >= start) & (Feedback.created_at < end))
        waiting = await ConsultationRequest.select(
            origin._.code.as_alias("municipality"),
            origin._.county._.code.as_alias("county"),
            ConsultationRequest.area._.code.as_alias("area"),
            ConsultationRequest.kind,
            ConsultationRequest.meeting_at,
            ConsultationRequest.first_answer_at,
        ).where(
            ConsultationRequest.status.is_in(
                [ConsultationStatus.ACCEPTED, ConsultationStatus.BOOKED]
            )
            & (
                (
                    (ConsultationRequest.kind == ConsultationKind.WRITTEN)
                    & (ConsultationRequest.first_answer_at >= start)
                    & (ConsultationRequest.first_answer_at < cutoff)
                )
                | (
                    (ConsultationRequest.kind != ConsultationKind.WRITTEN)
                    & (ConsultationRequest.status == ConsultationStatus.BOOKED)
                    & (ConsultationRequest.meeting_at >= start)
                    & (ConsultationRequest.meeting_at < cutoff)
                )
            )
        )
    found = [
        Closeout(
            municipality=r["municipality"],
            county=r["county"],
            area=r["area"],
            month=_month(r["created_at"]),
            responded=True,
            helpful_score=r["helpful"],
            risk_changed=bool(r["changed_risk_assessment"]),
            escalation_avoided=bool(r["escalation_avoided"]),
            placement_avoided=bool(r["placement_avoided"]),
            referral_avoided=bool(r["referral_avoided"]),
            referral_made=r["referral_made"] not in (None, Referral.NONE),
        )
        for r in answered
    ]
    found += [
        Closeout(
            municipality=r["municipality"],
            county=r["county"],
            area=r["area"],
            month=_month(
                r["first_answer_at"] if r["kind"] == ConsultationKind.WRITTEN else r["meeting_at"]
            ),
            responded=False,
        )
        for r in waiting
    ]
    return [f for f in found if f.municipality in codes and (area is None or f.area == area)]


async def outcomes(
    ctx: Context,
    *,
    by: Dimension = Dimension.AREA,
    county: str | None = None,
    area: str | None = None,
    year: int | None = None,
) -> Outcomes:
    """The close-out surveys of ``year`` (default: this one) in the reader's scope,
    one row per ``by``, with the total; counts of 1–4 and what could give them away
    suppressed."""
    this_year = today().year
    year = this_year if year is None else year
    if not FIRST_YEAR <= year <= this_year:
        raise InvalidInput(
            f"must be between {FIRST_YEAR} and {this_year}", field="year", source="query"
        )
    where = await places_for(ctx.principal)
    codes = where.within(county)
    areas = {a.code: a.name_sv for a in await list_areas()}
    if area is not None and area not in areas:
        raise InvalidInput(f"unknown or inactive area {area!r}", field="area", source="query")
    county_names = {c.code: c.name for c in await list_counties()}
    labels: dict[str, str]
    if by is Dimension.AREA:
        labels = areas if area is None else {area: areas[area]}
    elif by is Dimension.COUNTY:
        labels = {c: county_names[c] for c in sorted({where.county_of[m] for m in codes})}
    elif by is Dimension.MUNICIPALITY:
        labels = {m: where.names[m] for m in sorted(codes)}
    else:
        last = today().month if year == this_year else 12
        labels = {f"{year}-{m:02d}": f"{year}-{m:02d}" for m in range(1, last + 1)}
    table = outcome_table(await _closeouts(year, codes, area), by.value, list(labels))
    await record(
        ctx.actor,
        "coverage.outcomes",
        "coverage",
        None,
        county=county,
        detail={"area": area, "by": by.value, "year": year},
    )
    return Outcomes(
        by=by,
        year=year,
        county=county,
        area=area,
        rows=table.rows,
        total=table.total,
        labels=labels,
        county_of={m: where.county_of[m] for m in codes},
        county_names=county_names,
        day=today(),
    )
