"""Coverage for the people who may read it: scoped, cached, audited.

Analysts, coordinators and administrators read coverage for the municipalities of
their role bindings (a county binding: the whole county). The cells are computed
from the graph once per day, service and version of the network's data and shared
through the app's cache (Redis when configured); demand is read from the requests
(times, codes and statuses, never text) and cached for a minute. Every read is
written to the audit log.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import msgspec

from network.audit.services import record
from network.conferences.tables import ConferenceSeries
from network.consultations.tables import ConsultationRequest
from network.coverage.history import supply_points
from network.coverage.loader import active_conferences, load_graph
from network.coverage.tables import WorkforceIndicator
from network.directory.tables import Municipality, SharingAgreement
from network.directory.versions import network_token
from network.graph.coverage import Cell, CountySummary, Service, county_summaries, coverage
from network.graph.demand import Demand, MonthPoint, RequestFact, demand, monthly
from network.graph.history import SupplyPoint
from network.graph.placement import (
    Candidate,
    Fragility,
    Pressure,
    Step,
    Weights,
    agreement_candidates,
    by_site,
    exact,
    gap_weights,
    greedy,
    specialist_candidates,
    steps,
    total,
    uncovered_by_area,
    uncovered_people,
)
from network.graph.resilience import Dependence, single_agreements, single_specialists
from network.kernel.cache import Cache
from network.kernel.case_scope import system_scope
from network.kernel.context import Context
from network.kernel.policy import Action, Principal, visible_scope
from network.lib.clock import today
from network.lib.errors import Forbidden, InvalidInput
from network.lib.vocab import ConsultationKind, ConsultationStatus
from network.scheduling import STOCKHOLM
from network.specialists.services import specialist_names

__all__ = (
    "Places",
    "Recommendation",
    "Report",
    "Row",
    "Trend",
    "WeakPoints",
    "boundaries",
    "fragility_of",
    "places_for",
    "recommend",
    "report",
    "series_titles",
    "trends",
    "weak_points",
)

CELLS_TTL = 300  # seconds; a change to the network's data drops them at once anyway
DEMAND_TTL = 60
REFERENCE_TTL = 3600
EXACT_LIMIT = 400  # candidates up to which the exact optimum is computed as a check
UNPLACED = (ConsultationStatus.OPEN, ConsultationStatus.OFFERED, ConsultationStatus.EXPIRED)


@dataclass(frozen=True, slots=True)
class Places:
    """The municipalities a reader may see, with names and counties."""

    names: dict[str, str]  # code → name, of every municipality (for providers' names)
    county_of: dict[str, str]
    population: dict[str, int]
    allowed: frozenset[str]

    def within(self, county: str | None) -> frozenset[str]:
        if county is None:
            return self.allowed
        found = frozenset(m for m in self.allowed if self.county_of[m] == county)
        if not found:
            raise Forbidden(
                f"county {county} is outside your scope", field="county", source="query"
            )
        return found

    @property
    def counties(self) -> list[str]:
        return sorted({self.county_of[m] for m in self.allowed})


async def places_for(principal: Principal) -> Places:
    scope = visible_scope(principal, Action.COVERAGE_READ)
    if scope.empty:
        raise Forbidden("no role of yours may read coverage")
    rows = await Municipality.select(
        Municipality.code,
        Municipality.name,
        Municipality.population,
        Municipality.county._.code.as_alias("county"),
    )
    allowed = frozenset(
        r["code"]
        for r in rows
        if r["code"] in scope.municipalities or r["county"] in scope.counties
    )
    return Places(
        names={r["code"]: r["name"] for r in rows},
        county_of={r["code"]: r["county"] for r in rows},
        population={r["code"]: r["population"] for r in rows},
        allowed=allowed,
    )


async def _cached(
    cache: Cache, key: str, compute: Callable[[], Awaitable[Any]], kind: Any, ttl: int
) -> Any:
    found = await cache.cached(await network_token(), key, _encoded(compute), ttl=ttl)
    return msgspec.json.decode(found, type=kind)


async def cells_on(cache: Cache, day: date, service: Service) -> list[Cell]:
    """Every municipality × area, computed once per day, service and data version."""

    async def compute() -> list[Cell]:
        _, graph = await load_graph(day)
        return coverage(graph, service, await active_conferences(day))

    found: list[Cell] = await _cached(
        cache, f"cells:{day.isoformat()}:{service.value}", compute, list[Cell], CELLS_TTL
    )
    return found


async def _facts(
    cache: Cache, start: datetime, end: datetime, service: Service = Service.CONSULTATION
) -> list[RequestFact]:
    """The requests opened in [start, end): every request for the consultation
    service, only the requests for co-handling (engagement requests) for co-handling."""

    async def compute() -> list[RequestFact]:
        origin = ConsultationRequest.origin_municipality
        where = (
            ConsultationRequest.opened_at.is_not_null()
            & (ConsultationRequest.opened_at >= start)
            & (ConsultationRequest.opened_at < end)
        )
        if service is Service.CO_HANDLING:
            where &= ConsultationRequest.kind == ConsultationKind.CO_HANDLING
        async with system_scope(ConsultationRequest._meta.db):
            rows = await ConsultationRequest.select(
                origin._.code.as_alias("municipality"),
                ConsultationRequest.area._.code.as_alias("area"),
                ConsultationRequest.opened_at,
                ConsultationRequest.meeting_at,
                ConsultationRequest.status,
            ).where(where)
        return [
            RequestFact(
                municipality=r["municipality"],
                area=r["area"],
                opened_at=r["opened_at"],
                meeting_at=r["meeting_at"],
                unplaced=r["status"] in UNPLACED,
            )
            for r in rows
        ]

    found: list[RequestFact] = await _cached(
        cache,
        f"facts:{start.date().isoformat()}:{end.date().isoformat()}:{service.value}",
        compute,
        list[RequestFact],
        DEMAND_TTL,
    )
    return found


def _period(months: int) -> tuple[datetime, datetime]:
    if not 1 <= months <= 36:
        raise InvalidInput("must be between 1 and 36", field="months", source="query")
    end_day = today() + timedelta(days=1)
    end = datetime.combine(end_day, datetime.min.time(), STOCKHOLM).astimezone(UTC)
    return end - timedelta(days=round(months * 30.44)), end


@dataclass(frozen=True, slots=True)
class Row:
    cell: Cell
    name: str
    demand: Demand | None


@dataclass(frozen=True)
class Report:
    day: date
    service: Service
    county: str | None
    area: str | None
    start: datetime
    end: datetime
    rows: list[Row]
    summaries: list[CountySummary]
    names: dict[str, str]


def _select(cells: list[Cell], codes: frozenset[str], area: str | None) -> list[Cell]:
    return [c for c in cells if c.municipality in codes and (area is None or c.area == area)]


async def report(
    ctx: Context,
    *,
    county: str | None = None,
    area: str | None = None,
    service: Service = Service.CONSULTATION,
    months: int = 12,
) -> Report:
    """Coverage and demand per municipality × area in the reader's scope."""
    where = await places_for(ctx.principal)
    codes = where.within(county)
    day = today()
    cells = await cells_on(ctx.runtime.cache, day, service)
    if area is not None and not any(c.area == area for c in cells):
        raise InvalidInput(f"unknown or inactive area {area!r}", field="area", source="query")
    chosen = _select(cells, codes, area)
    start, end = _period(months)
    figures = demand(
        (
            f
            for f in await _facts(ctx.runtime.cache, start, end, service)
            if f.municipality in codes
        ),
        where.population,
    )
    rows = [
        Row(c, where.names[c.municipality], figures.get((c.municipality, c.area))) for c in chosen
    ]
    await record(
        ctx.actor,
        "coverage.read",
        "coverage",
        None,
        county=county,
        detail={"area": area, "service": service.value, "cells": len(rows)},
    )
    return Report(
        day=day,
        service=service,
        county=county,
        area=area,
        start=start,
        end=end,
        rows=rows,
        summaries=county_summaries(chosen),
        names=where.names,
    )


@dataclass(frozen=True)
class Recommendation:
    kind: str  # specialists or agreements
    k: int
    weights: Weights
    # inhabitants of the municipalities in scope without coverage in at least one of
    # the areas asked about: each municipality counted once
    uncovered_population: int
    uncovered_by_area: list[tuple[str, int, int]]  # (area, municipalities, inhabitants)
    steps: list[Step]  # one per place, each place at most once
    people_reached: int  # inhabitants the steps reach in at least one area, each once
    score: int  # the steps' weighted gain (what the greedy maximises)
    exact_total: int | None  # the optimum of the same, when the instance was small enough
    candidates: int
    start: datetime  # the period the demand figures come from
    end: datetime


async def _pressure(
    cache: Cache, codes: frozenset[str], population: dict[str, int]
) -> dict[tuple[str, str], Pressure]:
    """Demand of the last 12 months per municipality × area, small numbers suppressed."""
    start, end = _period(12)
    figures = demand(
        (f for f in await _facts(cache, start, end) if f.municipality in codes), population
    )
    return {
        key: Pressure(d.requests, d.per_10k, d.unplaced, d.median_days_to_meeting)
        for key, d in figures.items()
    }


async def fragility_of(codes: frozenset[str]) -> dict[str, Fragility]:
    """Each municipality's share of new staff and turnover in its latest reported year."""
    rows = await WorkforceIndicator.select(
        WorkforceIndicator.municipality,
        WorkforceIndicator.year,
        WorkforceIndicator.new_share,
        WorkforceIndicator.turnover,
    ).where(WorkforceIndicator.municipality.is_in(sorted(codes) or [""]))
    found: dict[str, Fragility] = {}
    for row in sorted(rows, key=lambda r: (r["municipality"], r["year"])):
        if row["new_share"] is None and row["turnover"] is None:
            continue
        found[row["municipality"]] = Fragility(row["year"], row["new_share"], row["turnover"])
    return found


async def recommend(
    ctx: Context,
    *,
    county: str | None = None,
    area: str | None = None,
    kind: str = "specialists",
    k: int = 3,
    service: Service = Service.CONSULTATION,
    weights: Weights | None = None,
) -> Recommendation:
    """The k places (a municipality for new specialists, a pair or a county for new
    agreements) whose gaps weigh the most in scope, each place once with all its areas:
    greedy maximum coverage over gaps weighed by inhabitants, demand and the
    workforce's fragility (``weights``), checked against the exact optimum when small."""
    if kind not in ("specialists", "agreements"):
        raise InvalidInput("must be specialists or agreements", field="kind", source="query")
    if not 1 <= k <= 20:
        raise InvalidInput("must be between 1 and 20", field="k", source="query")
    chosen = weights or Weights()
    where = await places_for(ctx.principal)
    codes = where.within(county)
    day = today()
    start, end = _period(12)

    async def compute() -> Recommendation:
        network, graph = await load_graph(day)
        cells = [
            c
            for c in coverage(graph, service, await active_conferences(day))
            if area is None or c.area == area
        ]
        scope = set(codes)
        candidates: list[Candidate]
        if kind == "specialists":
            candidates = specialist_candidates(cells, graph, service=service, scope=scope)
        else:
            distances = {
                (a, b): network.distance(a, b) for a in scope for b in network.places if a != b
            }
            candidates = agreement_candidates(cells, distances, scope=scope)
        candidates = by_site(candidates)
        pressure = await _pressure(ctx.runtime.cache, codes, where.population)
        fragile = await fragility_of(codes)
        gaps = gap_weights(cells, scope=scope, pressure=pressure, fragility=fragile, weights=chosen)
        picks = greedy(candidates, gaps, k)
        optimum = total(exact(candidates, gaps, k)) if len(candidates) <= EXACT_LIMIT else None
        found = steps(picks, where.population, pressure=pressure, fragility=fragile)
        return Recommendation(
            kind=kind,
            k=k,
            weights=chosen,
            uncovered_population=uncovered_people(cells, scope),
            uncovered_by_area=uncovered_by_area(cells, scope),
            steps=found,
            people_reached=sum(
                where.population.get(m, 0) for m in {m for s in found for m in s.municipalities}
            ),
            score=total(picks),
            exact_total=optimum,
            candidates=len(candidates),
            start=start,
            end=end,
        )

    key = (
        f"act:{day}:{service.value}:{kind}:{k}:{area}:{chosen.demand}:{chosen.fragility}:"
        f"{','.join(sorted(codes))}"
    )
    found: Recommendation = await _cached(
        ctx.runtime.cache, key, compute, Recommendation, CELLS_TTL
    )
    await record(
        ctx.actor,
        "coverage.recommend",
        "coverage",
        None,
        county=county,
        detail={
            "area": area,
            "kind": kind,
            "k": k,
            "demand_weight": chosen.demand,
            "fragility_weight": chosen.fragility,
        },
    )
    return found


@dataclass(frozen=True)
class WeakPoints:
    specialists: list[Dependence]
    agreements: list[Dependence]
    specialist_names: dict[int, str]
    agreement_names: dict[int, str]


async def weak_points(
    ctx: Context,
    *,
    county: str | None = None,
    area: str | None = None,
    service: Service = Service.CONSULTATION,
) -> WeakPoints:
    """Specialists and agreements that alone keep municipalities in scope covered."""
    where = await places_for(ctx.principal)
    codes = where.within(county)
    cells = _select(await cells_on(ctx.runtime.cache, today(), service), codes, area)
    people = single_specialists(cells)
    deals = single_agreements(cells)
    agreement_rows = await SharingAgreement.select(
        SharingAgreement.id, SharingAgreement.name
    ).where(SharingAgreement.id.is_in([d.holder for d in deals] or [0]))
    await record(
        ctx.actor,
        "coverage.weak_points",
        "coverage",
        None,
        county=county,
        detail={"area": area, "service": service.value},
    )
    return WeakPoints(
        specialists=people,
        agreements=deals,
        specialist_names=await specialist_names([d.holder for d in people]),
        agreement_names={r["id"]: r["name"] for r in agreement_rows},
    )


@dataclass(frozen=True, slots=True)
class Trend:
    """One month: demand (requests, suppressed alike) and supply (from the snapshot)."""

    demand: MonthPoint
    supply: SupplyPoint | None  # None: no snapshot was taken that month


async def trends(
    ctx: Context,
    *,
    county: str | None = None,
    area: str | None = None,
    months: int = 12,
    service: Service = Service.CONSULTATION,
) -> list[Trend]:
    """Per month: requests, unplaced requests and the median wait to a meeting, and the
    inhabitants covered and the specialists' hours from the monthly snapshots."""
    where = await places_for(ctx.principal)
    codes = where.within(county)
    start, end = _period(months)
    facts = [
        f
        for f in await _facts(ctx.runtime.cache, start, end, service)
        if f.municipality in codes and (area is None or f.area == area)
    ]
    first = start.astimezone(STOCKHOLM).date().replace(day=1)
    labels = []
    month = first
    while month <= today():
        labels.append(month.strftime("%Y-%m"))
        month = (month + timedelta(days=32)).replace(day=1)
    supply = await supply_points(codes, area, labels)
    await record(
        ctx.actor,
        "coverage.trends",
        "coverage",
        None,
        county=county,
        detail={"area": area, "service": service.value},
    )
    return [Trend(d, s) for d, s in zip(monthly(facts, labels), supply, strict=True)]


async def boundaries(cache: Cache, codes: frozenset[str]) -> dict[str, Any]:
    """GeoJSON geometries of the given municipalities (reference data, cached)."""

    async def compute() -> dict[str, Any]:
        rows = await Municipality.select(Municipality.code, Municipality.boundary)
        return {r["code"]: _geometry(r["boundary"]) for r in rows}

    every: dict[str, Any] = msgspec.json.decode(
        await cache.cached(
            await network_token(), "boundaries", _encoded(compute), ttl=REFERENCE_TTL
        )
    )
    return {code: every[code] for code in sorted(codes) if code in every}


async def series_titles(ids: list[int]) -> dict[int, str]:
    """Conference series id → title (series hold no case text)."""
    if not ids:
        return {}
    rows = await ConferenceSeries.select(ConferenceSeries.id, ConferenceSeries.title).where(
        ConferenceSeries.id.is_in(sorted(set(ids)))
    )
    return {r["id"]: r["title"] for r in rows}


def _geometry(value: Any) -> Any:
    return msgspec.json.decode(value) if isinstance(value, str | bytes) else value


def _encoded(compute: Callable[[], Awaitable[Any]]) -> Callable[[], Awaitable[bytes]]:
    async def encoded() -> bytes:
        return msgspec.json.encode(await compute())

    return encoded
