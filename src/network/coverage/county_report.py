"""One county's report for an FoU unit to hand on: coverage and its gaps, the trends,
the outcomes of a year, the workforce and where to act, each figure with its source
and the day it was taken.

Built from the same use cases as the pages (:func:`services.report`,
:func:`services.trends`, :func:`outcomes.outcomes`, :func:`workforce.list_workforce`,
:func:`services.recommend`), so the report, the pages and the API agree, small
numbers suppressed alike. Each of them audits its read; the report is audited once
more as a whole (``coverage.county_report``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from network.audit.services import record
from network.coverage import outcomes, services, workforce
from network.coverage.schemas import WorkforceOut
from network.directory.services import list_counties
from network.graph.coverage import Service
from network.graph.placement import Weights
from network.kernel.context import Context
from network.lib.clock import now
from network.lib.errors import InvalidInput

__all__ = ("TREND_MONTHS", "CountyReport", "county_report")

TREND_MONTHS = 18
RECOMMENDATIONS = 5


@dataclass(frozen=True)
class CountyReport:
    county: str
    county_name: str
    year: int  # the outcomes' year
    area: str | None  # the outcomes' and trends' area (None: every area)
    generated_at: datetime
    coverage: services.Report  # every municipality × area of the county, today
    trends: list[services.Trend]
    outcomes_by_area: outcomes.Outcomes
    outcomes_by_municipality: outcomes.Outcomes
    outcomes_by_month: outcomes.Outcomes
    workforce: list[WorkforceOut]  # the latest reported year of each municipality
    workforce_year: int | None
    recommendation: services.Recommendation

    @property
    def gaps_by_municipality(self) -> list[tuple[str, str, int, list[str]]]:
        """``(code, name, inhabitants, areas without coverage)`` per municipality with
        a gap, most inhabitants first: each municipality once."""
        found: dict[str, tuple[str, int, list[str]]] = {}
        for row in self.gaps:
            entry = found.setdefault(row.cell.municipality, (row.name, row.cell.population, []))
            entry[2].append(row.cell.area)
        return [(code, name, people, areas) for code, (name, people, areas) in found.items()]

    @property
    def conference_gaps(self) -> dict[str, list[str]]:
        """Municipality → its gap areas that an active group case conference reaches."""
        found: dict[str, list[str]] = {}
        for row in self.gaps:
            if row.cell.conferences:
                found.setdefault(row.cell.municipality, []).append(row.cell.area)
        return found

    @property
    def gaps(self) -> list[services.Row]:
        """Municipality × area without coverage (in the report's area, if one), most
        inhabitants first."""
        return sorted(
            (
                r
                for r in self.coverage.rows
                if not r.cell.covered and (self.area is None or r.cell.area == self.area)
            ),
            key=lambda r: (-r.cell.population, r.cell.municipality, r.cell.area),
        )


async def county_report(
    ctx: Context,
    *,
    county: str,
    year: int | None = None,
    area: str | None = None,
    weights: Weights | None = None,
) -> CountyReport:
    """The report of ``county`` (which must be in the reader's scope)."""
    names = {c.code: c.name for c in await list_counties()}
    if county not in names:
        raise InvalidInput(f"unknown county {county!r}", field="county", source="query")
    found = await services.report(ctx, county=county, service=Service.CONSULTATION)
    months = await services.trends(ctx, county=county, area=area, months=TREND_MONTHS)
    by_area = await outcomes.outcomes(
        ctx, by=outcomes.Dimension.AREA, county=county, area=area, year=year
    )
    by_municipality = await outcomes.outcomes(
        ctx, by=outcomes.Dimension.MUNICIPALITY, county=county, area=area, year=by_area.year
    )
    by_month = await outcomes.outcomes(
        ctx, by=outcomes.Dimension.MONTH, county=county, area=area, year=by_area.year
    )
    every = await workforce.list_workforce(ctx, county=county)
    latest: dict[str, WorkforceOut] = {}
    for row in every:  # newest year first
        latest.setdefault(row.municipality, row)
    advice = await services.recommend(
        ctx, county=county, kind="specialists", k=RECOMMENDATIONS, weights=weights
    )
    await record(
        ctx.actor,
        "coverage.county_report",
        "coverage",
        None,
        county=county,
        detail={"year": by_area.year, "area": area},
    )
    return CountyReport(
        county=county,
        county_name=names[county],
        year=by_area.year,
        area=area,
        generated_at=now(),
        coverage=found,
        trends=months,
        outcomes_by_area=by_area,
        outcomes_by_municipality=by_municipality,
        outcomes_by_month=by_month,
        workforce=sorted(latest.values(), key=lambda r: r.municipality),
        workforce_year=max((r.year for r in latest.values()), default=None),
        recommendation=advice,
    )
