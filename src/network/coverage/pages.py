"""Pages for FoU analysts (and coordinators): the county overview with the map, the
gaps, where to act and the weak points. Aggregates only, like the API."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import urlencode

from litestar import Controller, Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.params import QueryParameter
from litestar.response import Redirect, Template

from network.accounts.guards import ACTION_KEY, Ctx
from network.coverage import attendance, outcomes, services, workforce
from network.coverage.county_report import CountyReport, county_report
from network.coverage.pdf import html_to_pdf
from network.coverage.reasons import step_reasons
from network.coverage.schemas import WorkforceIn
from network.coverage.svgmap import svg_map
from network.directory.services import list_areas, list_counties
from network.graph.coverage import Reach, Service
from network.graph.history import SupplyPoint
from network.graph.outcomes import MEASURES
from network.graph.placement import MAX_WEIGHT, Weights
from network.kernel.policy import Action, Target, decide
from network.lib.clock import today
from network.lib.errors import DomainError, Forbidden, InvalidInput
from network.lib.vocab import N_
from network.web import WEB_DIR
from network.web.forms import refused, to_struct
from network.web.i18n import negotiate, translator
from network.web.render import render

__all__ = ("Chart", "CoveragePages", "area_names", "bars", "chart", "report_charts")

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


@dataclass(frozen=True, slots=True)
class Chart:
    """A month chart and its figures, for an accessible SVG with the table beside it."""

    key: str
    title: str  # a msgid
    unit: str  # "", "%" or "d"
    bars: list[Bar]
    top: float

    @property
    def shown(self) -> list[float]:
        return [b.value for b in self.bars if b.value is not None]


def chart(key: str, title: str, months: list[str], values: list[float | None], **kw: Any) -> Chart:
    """A chart of ``values`` per month; ``top`` fixes the scale (percentages: 100)."""
    unit = kw.pop("unit", "")
    top = kw.get("top") or max((v for v in values if v is not None), default=0) or 1
    return Chart(key, title, unit, bars(months, values, **kw), float(top))


def _percent(point: SupplyPoint | None) -> float | None:
    return None if point is None else round(point.covered_share * 100, 1)


def _scope(common: dict[str, Any]) -> dict[str, Any]:
    """The reader, the county, the area and the service the page's filters chose."""
    return {
        "county": common["county"],
        "area": common["area"],
        "service": common["service"],
    }


def area_names(areas: dict[str, Any]) -> dict[str, dict[str, str]]:
    """Area code → name, per language."""
    return {
        "sv": {code: a.name_sv for code, a in areas.items()},
        "en": {code: a.name_en for code, a in areas.items()},
    }


def report_charts(found: CountyReport) -> list[Chart]:
    """The county report's charts: demand, waiting, coverage, outcomes."""
    points = found.trends
    months = [p.demand.month for p in points]
    risk = {r.key: r.shares.get("risk_changed") for r in found.outcomes_by_month.rows}
    outcome_months = list(found.outcomes_by_month.labels)
    return [
        chart(
            "requests",
            N_("Requests opened per month"),
            months,
            [p.demand.requests for p in points],
        ),
        chart(
            "wait",
            N_("Median days from request to meeting"),
            months,
            [p.demand.median_days_to_meeting for p in points],
            unit="d",
        ),
        chart(
            "covered",
            N_("Inhabitants covered (%)"),
            months,
            [_percent(p.supply) for p in points],
            top=100,
            unit="%",
        ),
        chart(
            "risk",
            N_("Responses saying the risk assessment changed (%)"),
            outcome_months,
            [
                None if risk.get(m) is None else round((risk[m] or 0) * 100, 1)
                for m in outcome_months
            ],
            top=100,
            unit="%",
        ),
    ]


MONTH_CHOICES = (3, 6, 12, 24, 36)


def _months(value: str | None) -> int:
    if not value:
        return 12
    if not value.isdigit():
        raise InvalidInput("must be a whole number of months", field="months", source="query")
    return int(value)  # the use case checks the range


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
            "statuses": list(Reach),
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
        titles = await services.series_titles(
            [c.series for c in selected.cell.conferences] if selected else []
        )
        points = await services.trends(
            ctx, county=common["county"], area=area_code, service=common["service"]
        )
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
            conference_titles=titles,
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
        staff = await services.fragility_of(frozenset(r.cell.municipality for r in uncovered))
        return await render(
            request,
            "coverage/gaps.html.j2",
            **common,
            report=report,
            uncovered=uncovered,
            staff=staff,
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
        demand_weight: Annotated[int, QueryParameter(ge=0, le=MAX_WEIGHT)] = 1,
        fragility_weight: Annotated[int, QueryParameter(ge=0, le=MAX_WEIGHT)] = 1,
    ) -> Template:
        """Where to act: the recommender's answer for new specialists or agreements,
        gaps weighed by demand and the workforce's fragility, with each step's reasons."""
        chosen_kind = kind if kind in ("specialists", "agreements") else "specialists"
        weights = Weights(demand=demand_weight, fragility=fragility_weight)
        try:
            common = await self._common(ctx, request, county, area)
            found = await services.recommend(
                ctx, **_scope(common), kind=chosen_kind, k=k, weights=weights
            )
        except DomainError as error:
            return await refused(request, error)
        where = await services.places_for(ctx.principal)
        return await render(
            request,
            "coverage/act.html.j2",
            **common,
            kind=chosen_kind,
            k=k,
            weights=weights,
            weight_levels=range(MAX_WEIGHT + 1),
            found=found,
            names=where.names,
            area_names=area_names(common["areas"]),
            step_reasons=step_reasons,
            query=lambda **changes: self._query(common, **changes),
        )

    async def _report_context(
        self,
        ctx: Ctx,
        request: AnyRequest,
        county: str | None,
        area: str | None,
        year: int | None,
        weights: Weights,
    ) -> dict[str, Any]:
        common = await self._common(ctx, request, county, area)
        if county is not None and county != common["county"]:
            raise Forbidden(
                f"county {county} is outside your scope", field="county", source="query"
            )
        if common["county"] is None:
            raise InvalidInput("choose a county", field="county", source="query")
        found = await county_report(
            ctx, county=common["county"], year=year, area=common["area"], weights=weights
        )
        summaries = {s.area: s for s in found.coverage.summaries}
        map_area = common["area"] or min(
            summaries, key=lambda a: (summaries[a].population_share, a), default=None
        )
        rows = {r.cell.municipality: r for r in found.coverage.rows if r.cell.area == map_area}
        shapes = svg_map(await services.boundaries(ctx.runtime.cache, frozenset(rows)))
        query = {
            "county": common["county"],
            "area": common["area"],
            "year": found.year,
            "demand_weight": weights.demand,
            "fragility_weight": weights.fragility,
        }
        return {
            **common,
            "found": found,
            "summaries": summaries,
            "map_area": map_area,
            "rows": rows,
            "shapes": shapes,
            "charts": report_charts(found),
            "chart_size": (CHART_WIDTH, CHART_HEIGHT),
            "measures": MEASURES,
            "names": (await services.places_for(ctx.principal)).names,
            "area_names": area_names(common["areas"]),
            "step_reasons": step_reasons,
            "years": list(range(today().year, outcomes.FIRST_YEAR - 1, -1)),
            "report_css": (WEB_DIR / "static" / "css" / "report.css").read_text("utf-8"),
            "report_query": urlencode({k: v for k, v in query.items() if v is not None}),
            "query": lambda **changes: self._query(common, **changes),
        }

    @get("/report", name="coverage-report")
    async def county_report_page(
        self,
        ctx: Ctx,
        request: AnyRequest,
        county: Text = None,
        area: Text = None,
        year: Annotated[int | None, QueryParameter(ge=2000, le=2100)] = None,
        demand_weight: Annotated[int, QueryParameter(ge=0, le=MAX_WEIGHT)] = 1,
        fragility_weight: Annotated[int, QueryParameter(ge=0, le=MAX_WEIGHT)] = 1,
    ) -> Template:
        """One county's report, printable: coverage map, gaps, trends, outcomes,
        workforce and where to act, each figure with its source and date."""
        weights = Weights(demand=demand_weight, fragility=fragility_weight)
        try:
            context = await self._report_context(ctx, request, county, area, year, weights)
        except DomainError as error:
            return await refused(request, error)
        return await render(request, "coverage/report.html.j2", standalone=False, **context)

    @get("/report.pdf", name="coverage-report-pdf")
    async def county_report_pdf(
        self,
        ctx: Ctx,
        request: AnyRequest,
        county: Text = None,
        area: Text = None,
        year: Annotated[int | None, QueryParameter(ge=2000, le=2100)] = None,
        demand_weight: Annotated[int, QueryParameter(ge=0, le=MAX_WEIGHT)] = 1,
        fragility_weight: Annotated[int, QueryParameter(ge=0, le=MAX_WEIGHT)] = 1,
    ) -> Response[bytes] | Template:
        """The same report as a PDF (WeasyPrint), in the page's language."""
        weights = Weights(demand=demand_weight, fragility=fragility_weight)
        try:
            context = await self._report_context(ctx, request, county, area, year, weights)
        except DomainError as error:
            return await refused(request, error)
        language = negotiate(
            request.query_params.get("lang"),
            request.cookies,
            request.headers.get("accept-language"),
        )
        engine = request.app.template_engine
        if engine is None:  # pragma: no cover - the app always has its templates
            raise RuntimeError("no template engine")
        template = engine.get_template("coverage/report.html.j2")
        html = template.render(
            **translator(language).context(),
            **context,
            standalone=True,
            path=request.url.path,
        )
        found = context["found"]
        name = f"lansrapport-{found.county}-{found.generated_at:%Y-%m-%d}.pdf"
        return Response(
            await html_to_pdf(html),
            media_type="application/pdf",
            headers={
                "Content-Disposition": f'attachment; filename="{name}"',
                "Vary": "Accept-Language, Cookie",
            },
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

    @get("/attendance", name="coverage-attendance")
    async def attendance_page(
        self,
        ctx: Ctx,
        request: AnyRequest,
        county: Text = None,
        area: Text = None,
        months: Text = None,
    ) -> Template:
        """Group case conferences: seats and attendance per series and municipality."""
        try:
            common = await self._common(ctx, request, county, area)
            period = _months(months)
            found = await attendance.attendance(
                ctx, county=common["county"], area=common["area"], months=period
            )
        except DomainError as error:
            return await refused(request, error)
        export = urlencode(
            {
                k: v
                for k, v in {
                    "county": common["county"],
                    "area": common["area"],
                    "months": period,
                }.items()
                if v
            }
        )
        return await render(
            request,
            "coverage/attendance.html.j2",
            **common,
            found=found,
            months=period,
            month_choices=MONTH_CHOICES,
            export=export,
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

    async def _workforce_page(
        self,
        ctx: Ctx,
        request: AnyRequest,
        county: str | None,
        year: int | None,
        *,
        form: dict[str, Any] | None = None,
        error: DomainError | None = None,
        status_code: int = 200,
    ) -> Template:
        common = await self._common(ctx, request, county, None)
        # A refused form comes back without the coverage columns: reading coverage is
        # audited, and a refusal stores nothing.
        rows = [] if error else (await services.report(ctx, county=common["county"])).rows
        where = await services.places_for(ctx.principal)
        codes = sorted(where.within(common["county"]))
        every = await workforce.list_workforce(ctx, county=common["county"])
        years = sorted({r.year for r in every}, reverse=True)
        chosen = year if year is not None else (years[0] if years else today().year - 1)
        figures = {r.municipality: r for r in every if r.year == chosen}
        covered: dict[str, int] = {}
        areas_total: dict[str, int] = {}
        for row in rows:
            code = row.cell.municipality
            areas_total[code] = areas_total.get(code, 0) + 1
            covered[code] = covered.get(code, 0) + int(row.cell.covered)
        editable = [
            code
            for code in codes
            if decide(ctx.principal, Action.WORKFORCE_EDIT, Target(code, where.county_of[code]))
        ]
        template = await render(
            request,
            "coverage/workforce.html.j2",
            **common,
            year=chosen,
            years=sorted({*years, chosen, today().year - 1, today().year}, reverse=True),
            codes=codes,
            names=where.names,
            figures=figures,
            covered=covered,
            areas_total=areas_total,
            with_coverage=bool(rows),
            synthetic=any(r.synthetic for r in figures.values()),
            editable=editable,
            fields=workforce.FIELDS,
            columns=workforce.COLUMNS,
            form=form or {"year": chosen},
            error=error,
            query=lambda **changes: self._query(common, **changes),
        )
        template.status_code = status_code
        return template

    @get("/workforce", name="coverage-workforce")
    async def workforce_page(
        self,
        ctx: Ctx,
        request: AnyRequest,
        county: Text = None,
        year: Annotated[int | None, QueryParameter(ge=2000, le=2100)] = None,
    ) -> Template:
        """Workforce indicators per municipality beside its coverage; coordinators also
        get the form and the CSV import."""
        try:
            return await self._workforce_page(ctx, request, county, year)
        except DomainError as error:
            return await refused(request, error)

    @post("/workforce", name="coverage-workforce-save", opt={ACTION_KEY: Action.WORKFORCE_EDIT})
    async def workforce_save(self, ctx: Ctx, request: AnyRequest) -> Template | Redirect:
        """Save one municipality's figures of one year from the form."""
        form = {k: v for k, v in (await request.form()).items() if k != "_csrf_token"}
        county = form.pop("county", None)
        data = {
            k: (v.strip().replace(",", ".") if isinstance(v, str) else v) for k, v in form.items()
        }
        try:
            saved = await workforce.save_workforce(
                ctx, to_struct({k: v for k, v in data.items() if v != ""}, WorkforceIn)
            )
        except DomainError as error:
            try:
                return await self._workforce_page(
                    ctx, request, county, None, form=form, error=error, status_code=400
                )
            except DomainError as again:
                return await refused(request, again)
        return Redirect(
            f"/coverage/workforce?county={saved.county}&year={saved.year}&saved={saved.municipality}",
            status_code=303,
        )

    @post(
        "/workforce/import",
        name="coverage-workforce-import",
        opt={ACTION_KEY: Action.WORKFORCE_EDIT},
    )
    async def workforce_import(self, ctx: Ctx, request: AnyRequest) -> Template | Redirect:
        """Import a CSV file in the documented layout: all rows or none."""
        form = await request.form()
        county = form.get("county")
        upload = form.get("file")
        try:
            if not isinstance(upload, UploadFile):
                raise InvalidInput("choose a CSV file", field="file")
            content = await upload.read()
            try:
                text = content.decode("utf-8")
            except UnicodeDecodeError:
                raise InvalidInput("the file is not UTF-8 text", field="file") from None
            found = await workforce.import_csv(ctx, text)
        except DomainError as error:
            try:
                return await self._workforce_page(
                    ctx,
                    request,
                    county if isinstance(county, str) else None,
                    None,
                    error=error,
                    status_code=400,
                )
            except DomainError as again:
                return await refused(request, again)
        year = found.years[-1] if found.years else ""
        return Redirect(
            f"/coverage/workforce?county={county or ''}&year={year}&imported={found.saved}",
            status_code=303,
        )
