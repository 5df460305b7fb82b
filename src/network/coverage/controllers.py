"""The coverage API: the table (JSON, CSV, GeoJSON), county summaries, where to act,
weak points and monthly trends. Aggregates only; scoped and audited."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, Response, get, post, put
from litestar.params import JSONBody, QueryParameter

from network.accounts.guards import ACTION_KEY, Ctx
from network.coverage import attendance, exports, outcomes, schemas, services, workforce
from network.coverage.reasons import reason_text
from network.directory.services import list_areas, list_counties
from network.graph.coverage import Service
from network.graph.outcomes import MEASURES, OutcomeRow
from network.graph.placement import MAX_WEIGHT, Weights
from network.graph.resilience import Dependence
from network.kernel.policy import Action
from network.lib.clock import today
from network.lib.errors import InvalidInput
from network.lib.xlsx import XLSX
from network.web.i18n import translator

__all__ = (
    "CoverageController",
    "WorkforceController",
    "outcome_row_out",
    "recommendation_out",
    "report_out",
)

AnyRequest = Request[Any, Any, Any]
County = Annotated[str | None, QueryParameter(pattern=r"^\d{2}$", description="county code")]
Area = Annotated[str | None, QueryParameter(max_length=48, description="competence area code")]
ServiceParam = Annotated[
    Service,
    QueryParameter(
        description="consultation (any agreement, every request), or co_handling "
        "(agreements allowing it; demand: the requests for co-handling)"
    ),
]
Months = Annotated[int, QueryParameter(ge=1, le=36, description="demand period in months")]
Format = Annotated[
    str | None,
    QueryParameter(
        name="format",
        pattern=r"^(json|csv|geojson|xlsx)$",
        description="instead of the Accept header: json, csv, geojson or xlsx",
    ),
]
GEOJSON = "application/geo+json"
Year = Annotated[int | None, QueryParameter(ge=2000, le=2100, description="default: this year")]
Dialect = Annotated[
    str,
    QueryParameter(
        pattern=r"^(standard|sv)$",
        description="standard (comma, decimal point) or sv (semicolon, decimal comma)",
    ),
]


def _format(request: AnyRequest, explicit: str | None) -> str:
    if explicit:
        return explicit
    accept = request.headers.get("accept", "")
    if GEOJSON in accept:
        return "geojson"
    if "text/csv" in accept:
        return "csv"
    if XLSX in accept:
        return "xlsx"
    return "json"


def _dependence(found: Dependence, names: dict[int, str]) -> schemas.DependenceOut:
    return schemas.DependenceOut(
        id=found.holder,
        name=names.get(found.holder, str(found.holder)),
        municipalities=list(found.municipalities),
        areas=list(found.areas),
        population=found.population,
    )


async def recommendation_out(
    found: services.Recommendation, names: dict[str, str]
) -> schemas.RecommendationOut:
    """The recommendation as the API gives it, the reasons in Swedish."""
    words = translator("sv")
    areas = {a.code: a.name_sv for a in await list_areas()}
    return schemas.RecommendationOut(
        kind=found.kind,  # type: ignore[arg-type]
        k=found.k,
        demand_weight=found.weights.demand,
        fragility_weight=found.weights.fragility,
        uncovered_population=found.uncovered_population,
        uncovered_by_area=[
            schemas.UncoveredAreaOut(area=a, municipalities=n, population=p)
            for a, n, p in found.uncovered_by_area
        ],
        covered_by_picks=found.people_reached,
        score=found.score,
        exact_optimum=found.exact_total,
        candidates=found.candidates,
        picks=[
            schemas.PickOut(
                action=step.pick.candidate.action.value,
                areas=list(step.pick.candidate.areas),
                municipality=step.pick.candidate.municipality,
                partner=step.pick.candidate.partner,
                county=step.pick.candidate.county,
                distance_km=(
                    round(step.pick.candidate.distance_km, 1)
                    if step.pick.candidate.distance_km is not None
                    else None
                ),
                gain=step.pick.gain,
                population=step.people,
                municipalities=list(step.municipalities),
                by_area=[
                    schemas.AreaGainOut(
                        area=g.area, municipalities=list(g.municipalities), population=g.people
                    )
                    for g in step.by_area
                ],
                newly_covered=[list(c) for c in step.pick.newly_covered],
                reasons=[
                    schemas.ReasonOut(
                        kind=r.kind,  # type: ignore[arg-type]
                        text=reason_text(words.gettext, words.number, areas, names, r),
                        municipality=r.municipality,
                        area=r.area,
                        population=r.people,
                        count=r.count,
                        unplaced=r.unplaced,
                        days=r.days,
                        new_share=r.new_share,
                        turnover=r.turnover,
                        year=r.year,
                    )
                    for r in step.reasons
                ],
            )
            for step in found.steps
        ],
    )


def report_out(report: services.Report) -> list[schemas.CoverageOut]:
    out = []
    for row in report.rows:
        fields = exports.row_fields(row)
        fields["providers"] = [
            schemas.ProviderOut(
                municipality=p.municipality,
                name=report.names.get(p.municipality, p.municipality),
                agreements=list(p.agreements),
                specialists=len(p.specialists),
                distance_km=p.distance_km,
            )
            for p in row.cell.providers
        ]
        out.append(schemas.CoverageOut(**fields))
    return out


def outcome_row_out(row: OutcomeRow, name: str) -> schemas.OutcomeRowOut:
    fields: dict[str, Any] = {m: row.counts[m] for m in MEASURES}
    fields.update({f"{m}_share": row.shares[m] for m in MEASURES})
    return schemas.OutcomeRowOut(
        key=row.key or "total",
        name=name,
        due=row.due,
        responses=row.responses,
        response_rate=row.response_rate,
        helpful_mean=row.helpful_mean,
        suppressed=row.suppressed,
        **fields,
    )


class CoverageController(Controller):
    path = "/api/v1/coverage"
    tags = ["coverage"]
    opt = {ACTION_KEY: Action.COVERAGE_READ}

    @get("/", operation_id="getCoverage")
    async def get_coverage(
        self,
        ctx: Ctx,
        request: AnyRequest,
        county: County = None,
        area: Area = None,
        service: ServiceParam = Service.CONSULTATION,
        months: Months = 12,
        format_: Format = None,
        dialect: Dialect = "standard",
    ) -> Response[list[schemas.CoverageOut]]:
        """Coverage per municipality × area in your scope: local, shared (and by whom)
        or none; supply in specialist hours a week; demand over the last ``months``
        (requests, per 10,000 inhabitants, unplaced, median days to a meeting), with
        counts of 1–4 suppressed. ``Accept: text/csv``, ``application/geo+json`` or
        the XLSX type (or ``format=csv|geojson|xlsx``) for exports; ``dialect=sv`` for
        a CSV with semicolons and decimal commas. Every row names the municipality's
        code and name (the columns: docs/api.md)."""
        report = await services.report(
            ctx,
            county=county,
            area=area,
            service=service,
            months=months,
        )
        chosen = _format(request, format_)
        name = f"coverage-{county or 'all'}-{area or 'all'}-{report.day.isoformat()}"
        if chosen == "csv":
            return Response(
                exports.to_csv(report, dialect=dialect),  # type: ignore[arg-type]
                media_type="text/csv",
                headers={"Content-Disposition": f'attachment; filename="{name}.csv"'},
            )
        if chosen == "xlsx":
            return Response(
                exports.coverage_xlsx(report),  # type: ignore[arg-type]
                media_type=XLSX,
                headers={"Content-Disposition": f'attachment; filename="{name}.xlsx"'},
            )
        if chosen == "geojson":
            shapes = await services.boundaries(
                ctx.runtime.cache, frozenset(r.cell.municipality for r in report.rows)
            )
            return Response(
                msgspec.json.encode(exports.to_geojson(report, shapes)),  # type: ignore[arg-type]
                media_type=GEOJSON,
                headers={"Content-Disposition": f'attachment; filename="{name}.geojson"'},
            )
        return Response(report_out(report))

    @get("/counties", operation_id="getCoverageByCounty")
    async def get_counties(
        self,
        ctx: Ctx,
        request: AnyRequest,
        county: County = None,
        area: Area = None,
        service: ServiceParam = Service.CONSULTATION,
    ) -> list[schemas.CountySummaryOut]:
        """Per county and area: municipalities and population covered (local or
        shared), and their shares."""
        report = await services.report(ctx, county=county, area=area, service=service)
        return [
            schemas.CountySummaryOut(
                **asdict(s), covered_share=s.covered_share, population_share=s.population_share
            )
            for s in report.summaries
        ]

    @get("/recommendations", operation_id="getCoverageRecommendations")
    async def get_recommendations(
        self,
        ctx: Ctx,
        request: AnyRequest,
        county: County = None,
        area: Area = None,
        service: ServiceParam = Service.CONSULTATION,
        kind: Annotated[
            str,
            QueryParameter(
                pattern=r"^(specialists|agreements)$",
                description="new specialists, or new sharing agreements",
            ),
        ] = "specialists",
        k: Annotated[int, QueryParameter(ge=1, le=20, description="how many places")] = 3,
        demand_weight: Annotated[
            int,
            QueryParameter(
                ge=0, le=MAX_WEIGHT, description="how much demand raises a gap's weight (0–3)"
            ),
        ] = 1,
        fragility_weight: Annotated[
            int,
            QueryParameter(
                ge=0,
                le=MAX_WEIGHT,
                description="how much new staff and turnover raise a gap's weight (0–3)",
            ),
        ] = 1,
    ) -> schemas.RecommendationOut:
        """Where to act: the ``k`` places (a municipality for new specialists, a pair or a
        county for new agreements), each once with every area it would close, whose
        gaps weigh the most in your scope: inhabitants × (1 + demand weight × demand +
        fragility weight × fragility). Greedy maximum coverage (within 1 − 1/e of the
        best), the exact optimum alongside when small enough; each pick's reasons in
        Swedish with their figures."""
        found = await services.recommend(
            ctx,
            county=county,
            area=area,
            kind=kind,
            k=k,
            service=service,
            weights=Weights(demand=demand_weight, fragility=fragility_weight),
        )
        where = await services.places_for(ctx.principal)
        return await recommendation_out(found, where.names)

    @get("/weak-points", operation_id="getCoverageWeakPoints")
    async def get_weak_points(
        self,
        ctx: Ctx,
        request: AnyRequest,
        county: County = None,
        area: Area = None,
        service: ServiceParam = Service.CONSULTATION,
    ) -> schemas.WeakPointsOut:
        """Specialists whose loss would leave municipalities uncovered in an area, and
        agreements that alone keep municipalities covered; most population first."""
        found = await services.weak_points(ctx, county=county, area=area, service=service)
        return schemas.WeakPointsOut(
            specialists=[_dependence(d, found.specialist_names) for d in found.specialists],
            agreements=[_dependence(d, found.agreement_names) for d in found.agreements],
        )

    @get("/trends", operation_id="getCoverageTrends")
    async def get_trends(
        self,
        ctx: Ctx,
        request: AnyRequest,
        county: County = None,
        area: Area = None,
        months: Months = 12,
        service: ServiceParam = Service.CONSULTATION,
        format_: Annotated[
            str | None,
            QueryParameter(
                name="format", pattern=r"^(json|csv|xlsx)$", description="json, csv or xlsx"
            ),
        ] = None,
        dialect: Dialect = "standard",
    ) -> Response[list[schemas.MonthOut]]:
        """Per month: requests opened, unplaced and the median days to a meeting (counts
        of 1–4 suppressed), and supply from the month's coverage snapshot: the share of
        inhabitants covered (averaged over the areas), the specialists working in the
        municipalities and their weekly hours (summed over the areas). With
        ``service=co_handling`` the requests are those for co-handling. ``format=csv``
        (``dialect=sv``) or ``xlsx``: the same with the county's code and name in
        every row."""
        points = await services.trends(
            ctx, county=county, area=area, months=months, service=service
        )
        rows = [
            schemas.MonthOut(
                month=p.demand.month,
                requests=p.demand.requests,
                unplaced=p.demand.unplaced,
                median_days_to_meeting=p.demand.median_days_to_meeting,
                covered_share=p.supply.covered_share if p.supply else None,
                local_specialists=p.supply.local_specialists if p.supply else None,
                local_hours=p.supply.local_hours if p.supply else None,
            )
            for p in points
        ]
        if format_ in ("csv", "xlsx"):
            names = {c.code: c.name for c in await list_counties()}
            where = county or "all"
            lines = exports.trend_lines(rows, county, names.get(county or "", ""), area)
            name = f"trends-{where}-{area or 'all'}-{today().isoformat()}"
            if format_ == "csv":
                return Response(
                    exports.trends_csv(lines, dialect=dialect),  # type: ignore[arg-type]
                    media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{name}.csv"'},
                )
            return Response(
                exports.trends_xlsx(lines, today()),  # type: ignore[arg-type]
                media_type=XLSX,
                headers={"Content-Disposition": f'attachment; filename="{name}.xlsx"'},
            )
        return Response(rows)

    @get("/attendance", operation_id="getConferenceAttendance")
    async def get_attendance(
        self,
        ctx: Ctx,
        request: AnyRequest,
        county: County = None,
        area: Area = None,
        months: Months = 12,
        format_: Annotated[
            str | None,
            QueryParameter(
                name="format", pattern=r"^(json|csv|xlsx)$", description="json, csv or xlsx"
            ),
        ] = None,
        dialect: Dialect = "standard",
    ) -> Response[schemas.AttendanceOut]:
        """Group case conferences: per series and municipality of your scope, the
        sessions held in the last ``months``, the seats taken by the municipality's
        social workers and how many attended; each series' total over your scope.
        Counts of 1–4 are null, and so are those that the total and the other rows
        would give away. ``format=csv`` (``dialect=sv``) or ``xlsx``: the same rows."""
        found = await attendance.attendance(ctx, county=county, area=area, months=months)
        chosen = _format(request, format_)
        name = f"attendance-{county or 'all'}-{area or 'all'}-{today().isoformat()}"
        if chosen == "csv":
            return Response(
                exports.attendance_csv(found, dialect=dialect),  # type: ignore[arg-type]
                media_type="text/csv; charset=utf-8",
                headers={"Content-Disposition": f'attachment; filename="{name}.csv"'},
            )
        if chosen == "xlsx":
            return Response(
                exports.attendance_xlsx(found, today()),  # type: ignore[arg-type]
                media_type=XLSX,
                headers={"Content-Disposition": f'attachment; filename="{name}.xlsx"'},
            )
        return Response(
            schemas.AttendanceOut(
                county=found.county,
                area=found.area,
                months=found.months,
                start=found.start,
                end=found.end,
                rows=exports.attendance_rows(found),
            )
        )

    @get("/outcomes", operation_id="getOutcomes")
    async def get_outcomes(
        self,
        ctx: Ctx,
        request: AnyRequest,
        by: Annotated[
            outcomes.Dimension,
            QueryParameter(description="rows per area, county, municipality or month"),
        ] = outcomes.Dimension.AREA,
        county: County = None,
        area: Area = None,
        year: Year = None,
    ) -> schemas.OutcomesOut:
        """What the close-out surveys of a year say, in your scope: consultations due a
        close-out, responses and the response rate, mean helpfulness, and how many
        changed the risk assessment, avoided an escalation, a placement or a referral,
        or led to a referral, with their shares of the responses. Counts of 1–4 are
        null, and so are further cells where a hidden one could be derived as the
        total minus the others shown."""
        found = await outcomes.outcomes(ctx, by=by, county=county, area=area, year=year)
        return schemas.OutcomesOut(
            by=found.by.value,
            year=found.year,
            county=found.county,
            area=found.area,
            rows=[outcome_row_out(r, found.labels.get(r.key, r.key)) for r in found.rows],
            total=outcome_row_out(found.total, "Totalt"),
        )

    @get("/outcomes/export.csv", operation_id="exportOutcomes", media_type="text/csv")
    async def export_outcomes(
        self,
        ctx: Ctx,
        request: AnyRequest,
        county: County = None,
        area: Area = None,
        year: Year = None,
        dialect: Dialect = "standard",
    ) -> Response[str]:
        """The outcome report per municipality as CSV, the municipality's code and name
        in every row; ``dialect=sv`` for semicolons and decimal commas. Suppressed
        figures are empty fields."""
        found = await outcomes.outcomes(
            ctx, by=outcomes.Dimension.MUNICIPALITY, county=county, area=area, year=year
        )
        name = f"outcomes-{county or 'all'}-{area or 'all'}-{found.year}"
        return Response(
            exports.outcomes_csv(found, dialect=dialect),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{name}.csv"'},
        )

    @get("/outcomes/export.xlsx", operation_id="exportOutcomesXlsx", media_type=XLSX)
    async def export_outcomes_xlsx(
        self,
        ctx: Ctx,
        request: AnyRequest,
        county: County = None,
        area: Area = None,
        year: Year = None,
    ) -> Response[bytes]:
        """The outcome report per municipality as an XLSX workbook: the same rows as
        the CSV (suppressed figures empty), and a sheet naming the columns, the source
        and the date."""
        found = await outcomes.outcomes(
            ctx, by=outcomes.Dimension.MUNICIPALITY, county=county, area=area, year=year
        )
        name = f"outcomes-{county or 'all'}-{area or 'all'}-{found.year}"
        return Response(
            exports.outcomes_xlsx(found),
            media_type=XLSX,
            headers={"Content-Disposition": f'attachment; filename="{name}.xlsx"'},
        )


class WorkforceController(Controller):
    path = "/api/v1/workforce"
    tags = ["coverage"]

    @get("/", operation_id="getWorkforce", opt={ACTION_KEY: Action.COVERAGE_READ})
    async def get_workforce(
        self,
        ctx: Ctx,
        request: AnyRequest,
        county: County = None,
        year: Year = None,
        format_: Annotated[
            str | None, QueryParameter(name="format", pattern=r"^(json|csv|xlsx)$")
        ] = None,
        dialect: Dialect = "standard",
    ) -> Response[list[schemas.WorkforceOut]]:
        """Workforce indicators of child and youth social care per municipality and
        year in your scope (``synthetic``: the demo's made-up figures);
        ``format=csv`` (``dialect=sv`` for semicolons and decimal commas) or
        ``format=xlsx`` in the import layout, with the municipality's name."""
        rows = await workforce.list_workforce(ctx, county=county, year=year)
        if format_ == "csv":
            return Response(
                exports.workforce_csv(rows, dialect=dialect),  # type: ignore[arg-type]
                media_type="text/csv; charset=utf-8",
                headers={"Content-Disposition": 'attachment; filename="workforce.csv"'},
            )
        if format_ == "xlsx":
            return Response(
                exports.workforce_xlsx(rows, today()),  # type: ignore[arg-type]
                media_type=XLSX,
                headers={"Content-Disposition": 'attachment; filename="workforce.xlsx"'},
            )
        return Response(rows)

    @put("/", operation_id="putWorkforce", opt={ACTION_KEY: Action.WORKFORCE_EDIT})
    async def put_workforce(
        self, ctx: Ctx, request: AnyRequest, data: JSONBody[schemas.WorkforceIn]
    ) -> schemas.WorkforceOut:
        """Enter or correct one municipality's figures of one year (its coordinators)."""
        return await workforce.save_workforce(ctx, data)

    @post(
        "/import",
        operation_id="importWorkforce",
        opt={ACTION_KEY: Action.WORKFORCE_EDIT},
        status_code=200,
    )
    async def import_workforce(self, ctx: Ctx, request: AnyRequest) -> schemas.WorkforceImportOut:
        """A CSV body (``Content-Type: text/csv``) in the documented layout: saved all
        or nothing; a 400 names every problem's row and column."""
        body = await request.body()
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            raise InvalidInput("the file is not UTF-8 text", field="file") from None
        found = await workforce.import_csv(ctx, text)
        return schemas.WorkforceImportOut(saved=found.saved, years=found.years)
