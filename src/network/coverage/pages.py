"""Pages for FoU analysts (and coordinators): the county overview with the map, the
gaps, where to act and the weak points. Aggregates only, like the API."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import urlencode

from litestar import Controller, Request, get
from litestar.params import QueryParameter
from litestar.response import Template

from network.accounts.guards import ACTION_KEY, Ctx
from network.coverage import outcomes, services
from network.coverage.svgmap import svg_map
from network.directory.services import list_areas, list_counties
from network.graph.coverage import Service, Status
from network.graph.history import SupplyPoint
from network.graph.outcomes import MEASURES
from network.kernel.policy import Action
from network.lib.clock import today
from network.lib.errors import DomainError
from network.web.forms import refused
from network.web.render import render

__all__ = ("CoveragePages", "bars")

AnyRequest = Request[Any, Any, Any]
Text = Annotated[str | None, QueryParameter(max_length=48)]
CHART_WIDTH, CHART_HEIGHT = 560, 140


@dataclass(frozen=True, slots=True)
class Bar:
    label: str
    value: float | None  # None: suppressed or no figure
    x: float
    y: float
    height: float


def bars(months: list[str], values: list[float | None], top: float | None = None) -> list[Bar]:
    """Bars for a month chart, scaled to the chart's height (to ``top``, else the largest)."""
    top = top or max((v for v in values if v is not None), default=0) or 1
    step = CHART_WIDTH / max(len(months), 1)
    found = []
    for index, (month, value) in enumerate(zip(months, values, strict=True)):
        height = 0.0 if value is None else round(value / top * (CHART_HEIGHT - 20), 1)
        found.append(Bar(month, value, round(index * step + 2, 1), CHART_HEIGHT - height, height))
    return found


def _percent(point: SupplyPoint | None) -> float | None:
    return None if point is None else round(point.covered_share * 100, 1)


def _scope(common: dict[str, Any]) -> dict[str, Any]:
    """The reader, the county, the area and the service the page's filters chose."""
    return {
        "county": common["county"],
        "area": common["area"],
        "service": common["service"],
    }


def _service(value: str | None) -> Service:
    try:
        return Service(value or Service.CONSULTATION)
    except ValueError:
        return Service.CONSULTATION


class CoveragePages(Controller):
    path = "/coverage"
    include_in_schema = False
    opt = {ACTION_KEY: Action.COVERAGE_READ}

    async def _common(
        self, ctx: Ctx, request: AnyRequest, county: str | None, area: str | None
    ) -> dict[str, Any]:
        where = await services.places_for(ctx.principal)
        counties = {c.code: c for c in await list_counties() if c.code in where.counties}
        chosen = county if county in counties else next(iter(counties), None)
        areas = {a.code: a for a in await list_areas()}
        return {
            "counties": counties,
            "county": chosen,
            "areas": areas,
            "area": area if area in areas else None,
            "service": _service(request.query_params.get("service")),
            "statuses": list(Status),
        }

    @staticmethod
    def _query(common: dict[str, Any], **changes: Any) -> str:
        values = {
            "county": common["county"],
            "area": common["area"],
            "service": common["service"].value,
        }
        values.update(changes)
        return urlencode({k: v for k, v in values.items() if v})

    @get("/", name="coverage")
    async def overview(
        self,
        ctx: Ctx,
        request: AnyRequest,
        county: Text = None,
        area: Text = None,
        m: Text = None,
    ) -> Template:
        """The county: coverage per area, the map for one area, a municipality's details
        and the monthly demand."""
        try:
            common = await self._common(ctx, request, county, area)
            report = await services.report(
                ctx,
                county=common["county"],
                service=common["service"],
            )
        except DomainError as error:
            return await refused(request, error)
        summaries = {s.area: s for s in report.summaries}
        # the map shows the chosen area, else the one covering the least population
        area_code = common["area"] or min(
            summaries, key=lambda a: (summaries[a].population_share, a), default=None
        )
        rows = [r for r in report.rows if r.cell.area == area_code]
        shapes = svg_map(
            await services.boundaries(
                ctx.runtime.cache, frozenset(r.cell.municipality for r in rows)
            )
        )
        selected = next((r for r in rows if r.cell.municipality == m), None)
        points = await services.trends(ctx, county=common["county"], area=area_code)
        months = [p.demand.month for p in points]
        return await render(
            request,
            "coverage/overview.html.j2",
            **common,
            map_area=area_code,
            report=report,
            summaries=summaries,
            rows={r.cell.municipality: r for r in rows},
            shapes=shapes,
            selected=selected,
            points=points,
            request_bars=bars(months, [p.demand.requests for p in points]),
            wait_bars=bars(months, [p.demand.median_days_to_meeting for p in points]),
            covered_bars=bars(months, [_percent(p.supply) for p in points], top=100),
            hour_bars=bars(months, [p.supply.local_hours if p.supply else None for p in points]),
            chart=(CHART_WIDTH, CHART_HEIGHT),
            query=lambda **changes: self._query(common, **{"area": area_code, **changes}),
        )

    @get("/gaps", name="coverage-gaps")
    async def gaps(
        self, ctx: Ctx, request: AnyRequest, county: Text = None, area: Text = None
    ) -> Template:
        """Municipalities without coverage in an area, most inhabitants first."""
        try:
            common = await self._common(ctx, request, county, area)
            report = await services.report(
                ctx,
                **_scope(common),
            )
        except DomainError as error:
            return await refused(request, error)
        uncovered = sorted(
            (r for r in report.rows if not r.cell.covered),
            key=lambda r: (-r.cell.population, r.cell.municipality, r.cell.area),
        )
        return await render(
            request,
            "coverage/gaps.html.j2",
            **common,
            report=report,
            uncovered=uncovered,
            query=lambda **changes: self._query(common, **changes),
        )

    @get("/act", name="coverage-act")
    async def act(
        self,
        ctx: Ctx,
        request: AnyRequest,
        county: Text = None,
        area: Text = None,
        kind: Text = None,
        k: Annotated[int, QueryParameter(ge=1, le=20)] = 3,
    ) -> Template:
        """Where to act: the recommender's answer for new specialists or agreements."""
        chosen_kind = kind if kind in ("specialists", "agreements") else "specialists"
        try:
            common = await self._common(ctx, request, county, area)
            found = await services.recommend(ctx, **_scope(common), kind=chosen_kind, k=k)
        except DomainError as error:
            return await refused(request, error)
        where = await services.places_for(ctx.principal)
        return await render(
            request,
            "coverage/act.html.j2",
            **common,
            kind=chosen_kind,
            k=k,
            found=found,
            names=where.names,
            covered=sum(p.gain for p in found.picks),
            query=lambda **changes: self._query(common, **changes),
        )

    @get("/weak-points", name="coverage-weak-points")
    async def weak(
        self, ctx: Ctx, request: AnyRequest, county: Text = None, area: Text = None
    ) -> Template:
        """Single points of failure: specialists and agreements coverage hangs on."""
        try:
            common = await self._common(ctx, request, county, area)
            found = await services.weak_points(
                ctx,
                **_scope(common),
            )
        except DomainError as error:
            return await refused(request, error)
        where = await services.places_for(ctx.principal)
        return await render(
            request,
            "coverage/weak.html.j2",
            **common,
            found=found,
            names=where.names,
            query=lambda **changes: self._query(common, **changes),
        )

    @get("/outcomes", name="coverage-outcomes")
    async def outcome_report(
        self,
        ctx: Ctx,
        request: AnyRequest,
        county: Text = None,
        area: Text = None,
        by: Text = None,
        year: Annotated[int | None, QueryParameter(ge=2000, le=2100)] = None,
    ) -> Template:
        """What the close-out surveys say, per area, county, municipality or month."""
        try:
            dimension = outcomes.Dimension(by or outcomes.Dimension.AREA)
        except ValueError:
            dimension = outcomes.Dimension.AREA
        try:
            common = await self._common(ctx, request, county, area)
            found = await outcomes.outcomes(
                ctx, by=dimension, county=common["county"], area=common["area"], year=year
            )
        except DomainError as error:
            return await refused(request, error)
        export = urlencode(
            {
                k: v
                for k, v in {
                    "county": common["county"],
                    "area": common["area"],
                    "year": found.year,
                }.items()
                if v
            }
        )
        return await render(
            request,
            "coverage/outcomes.html.j2",
            **common,
            found=found,
            by=dimension,
            dimensions=list(outcomes.Dimension),
            measures=MEASURES,
            years=list(range(today().year, outcomes.FIRST_YEAR - 1, -1)),
            export=export,
            query=lambda **changes: self._query(common, **changes),
        )
