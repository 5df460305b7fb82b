"""The audit log: your own entries, and (administrators) those of your scope; CSV export."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath, JSONBody, QueryParameter

from network.accounts.guards import ACTION_KEY, Ctx
from network.audit import reviews, schemas
from network.audit.queries import audit_page, to_csv
from network.audit.services import record
from network.audit.tables import AuditEvent, AuditReview
from network.kernel.policy import Action
from network.lib.errors import InvalidInput, NotFound

__all__ = ("AuditController", "ReviewController")

EXPORT_LIMIT = 50_000

Since = Annotated[datetime | None, QueryParameter(description="from (inclusive), ISO 8601")]
Until = Annotated[datetime | None, QueryParameter(description="to (exclusive), ISO 8601")]


def _check_period(since: datetime | None, until: datetime | None) -> None:
    if since is not None and until is not None and until <= since:
        raise InvalidInput("must be after 'since'", field="until", source="query")


class AuditController(Controller):
    path = "/api/v1/audit"
    tags = ["audit"]
    opt = {ACTION_KEY: Action.AUDIT_READ}

    @get("/", operation_id="listAudit")
    async def list_entries(
        self,
        ctx: Ctx,
        request: Request[Any, Any, Any],
        since: Since = None,
        until: Until = None,
        limit: Annotated[int, QueryParameter(ge=1, le=500)] = 100,
        offset: Annotated[int, QueryParameter(ge=0, le=10_000_000)] = 0,
    ) -> schemas.AuditPage:
        """Audit entries you may see, newest first."""
        _check_period(since, until)
        page = await audit_page(ctx.principal, since=since, until=until, limit=limit, offset=offset)
        await record(
            ctx.actor,
            "audit.read",
            "audit_log",
            detail={"count": len(page.items)},
        )
        return page

    @get("/export.csv", operation_id="exportAudit", media_type="text/csv")
    async def export(
        self,
        ctx: Ctx,
        request: Request[Any, Any, Any],
        since: Since = None,
        until: Until = None,
    ) -> Response[str]:
        """The same entries as CSV (at most 50,000 per file; narrow the period for more)."""
        _check_period(since, until)
        page = await audit_page(
            ctx.principal, since=since, until=until, limit=EXPORT_LIMIT, offset=0
        )
        await record(
            ctx.actor,
            "audit.export",
            "audit_log",
            detail={"count": len(page.items)},
        )
        return Response(
            to_csv(page.items),
            media_type="text/csv",
            headers={"content-disposition": 'attachment; filename="audit.csv"'},
        )


class ReviewController(Controller):
    """The coordinator's monthly sample review of accesses to their cases."""

    path = "/api/v1/audit/reviews"
    tags = ["audit"]
    opt = {ACTION_KEY: Action.AUDIT_REVIEW}

    @post("/", operation_id="startAuditReview")
    async def start(
        self, ctx: Ctx, request: Request[Any, Any, Any], data: JSONBody[schemas.ReviewStart]
    ) -> schemas.Review:
        """Draw a random sample of the month's accesses to case data in your scope."""
        review_id = await reviews.start_review(
            ctx,
            month=data.month,
            size=data.size,
            municipality=data.municipality,
            county=data.county,
        )
        return await _review(ctx.principal.user_id, review_id)

    @get("/{review_id:int}", operation_id="getAuditReview")
    async def show(
        self, ctx: Ctx, request: Request[Any, Any, Any], review_id: FromPath[int]
    ) -> schemas.Review:
        """One of your reviews with its sampled entries and findings."""
        return await _review(ctx.principal.user_id, review_id)

    @post("/{review_id:int}/complete", operation_id="completeAuditReview", status_code=200)
    async def complete(
        self,
        ctx: Ctx,
        request: Request[Any, Any, Any],
        review_id: FromPath[int],
        data: JSONBody[schemas.ReviewComplete],
    ) -> schemas.Review:
        """Record your verdict on every sampled entry; the review is then closed."""
        await reviews.complete_review(
            ctx,
            review_id,
            [msgspec.to_builtins(f) for f in data.findings],
        )
        return await _review(ctx.principal.user_id, review_id)


async def _review(user_id: int, review_id: int) -> schemas.Review:
    row = (
        await AuditReview.select()
        .where((AuditReview.id == review_id) & (AuditReview.reviewer_id == user_id))
        .output(load_json=True)
        .first()
    )
    if row is None:
        raise NotFound("no such review of yours", field="review_id", source="path")
    entries = (
        await AuditEvent.select()
        .where(AuditEvent.id.is_in(row["sample"] or [0]))
        .order_by(AuditEvent.id)
        .output(load_json=True)
    )
    return schemas.Review(
        id=row["id"],
        reviewer_email=row["reviewer_email"],
        municipality_code=row["municipality_code"],
        county_code=row["county_code"],
        period_start=row["period_start"],
        period_end=row["period_end"],
        population=row["population"],
        status=row["status"],
        sample=msgspec.convert(entries, list[schemas.AuditEntry]),
        findings=msgspec.convert(row["findings"], list[schemas.Finding]),
    )
