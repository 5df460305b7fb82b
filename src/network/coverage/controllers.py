"""The coverage API: the table (JSON, CSV, GeoJSON), county summaries, where to act,
weak points and monthly trends. Aggregates only; scoped and audited."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, Response, get, post, put
from litestar.params import JSONBody, QueryParameter

from network.accounts.guards import ACTION_KEY, Ctx
from network.coverage import exports, outcomes, schemas, services, workforce
from network.graph.coverage import Service
from network.graph.outcomes import MEASURES, OutcomeRow
from network.graph.resilience import Dependence
from network.kernel.policy import Action
from network.lib.errors import InvalidInput

__all__ = ("CoverageController", "WorkforceController", "outcome_row_out", "report_out")

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
        pattern=r"^(json|csv|geojson)$",
        description="instead of the Accept header: json, csv or geojson",
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
    return "json"


def _dependence(found: Dependence, names: dict[int, str]) -> schemas.DependenceOut:
    return schemas.DependenceOut(
        id=found.holder,
        name=names.get(found.holder, str(found.holder)),
        municipalities=list(found.municipalities),
        areas=list(found.areas),
        population=found.population,
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
    ) -> Response[list[schemas.CoverageOut]]:
        """Coverage per municipality × area in your scope: local, shared (and by whom)
        or none; supply in specialist hours a week; demand over the last ``months``
        (requests, per 10,000 inhabitants, unplaced, median days to a meeting), with
        counts of 1–4 suppressed. ``Accept: text/csv`` or ``application/geo+json``
        (or ``format=``) for exports."""
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
                exports.to_csv(report),  # type: ignore[arg-type]
                media_type="text/csv",
                headers={"Content-Disposition": f'attachment; filename="{name}.csv"'},
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
        k: Annotated[int, QueryParameter(ge=1, le=20, description="how many")] = 3,
    ) -> schemas.RecommendationOut:
        """Where to act: the ``k`` new specialists (municipality + area) or sharing
        agreements that would cover the most uncovered population in your scope, by
        greedy maximum coverage (within 1 − 1/e of the best), with the exact optimum
        alongside when the instance is small enough to solve."""
        found = await services.recommend(
            ctx,
            county=county,
            area=area,
            kind=kind,
            k=k,
            service=service,
        )
        return schemas.RecommendationOut(
            kind=found.kind,  # type: ignore[arg-type]
            k=found.k,
            uncovered_population=found.uncovered_population,
            covered_by_picks=sum(p.gain for p in found.picks),
            exact_optimum=found.exact_total,
            candidates=found.candidates,
            picks=[
                schemas.PickOut(
                    action=p.candidate.action.value,
                    areas=list(p.candidate.areas),
                    municipality=p.candidate.municipality,
                    partner=p.candidate.partner,
                    county=p.candidate.county,
                    distance_km=(
                        round(p.candidate.distance_km, 1)
                        if p.candidate.distance_km is not None
                        else None
                    ),
                    gain=p.gain,
                    newly_covered=[list(c) for c in p.newly_covered],
                )
                for p in found.picks
            ],
        )

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
    ) -> list[schemas.MonthOut]:
        """Per month: requests opened, unplaced and the median days to a meeting (counts
        of 1–4 suppressed), and supply from the month's coverage snapshot: the share of
        inhabitants covered (averaged over the areas), the specialists working in the
        municipalities and their weekly hours (summed over the areas). With
        ``service=co_handling`` the requests are those for co-handling."""
        points = await services.trends(
            ctx, county=county, area=area, months=months, service=service
        )
        return [
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
            str | None, QueryParameter(name="format", pattern=r"^(json|csv)$")
        ] = None,
        dialect: Dialect = "standard",
    ) -> Response[list[schemas.WorkforceOut]]:
        """Workforce indicators of child and youth social care per municipality and
        year in your scope (``synthetic``: the demo's made-up figures);
        ``format=csv`` (``dialect=sv`` for semicolons and decimal commas) in the
        import layout, with the municipality's name."""
        rows = await workforce.list_workforce(ctx, county=county, year=year)
        if format_ == "csv":
            return Response(
                exports.workforce_csv(rows, dialect=dialect),  # type: ignore[arg-type]
                media_type="text/csv; charset=utf-8",
                headers={"Content-Disposition": 'attachment; filename="workforce.csv"'},
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
