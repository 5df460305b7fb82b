"""The audit log: your own entries, and (administrators) those of your scope; CSV export."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, get, post
from litestar.params import FromPath, JSONBody, QueryParameter
from litestar.response import Stream

from network.accounts.guards import ACTION_KEY, Ctx
from network.audit import log, reviews, schemas
from network.audit.queries import AuditFilter
from network.audit.tables import AuditEvent, AuditReview
from network.kernel.policy import Action
from network.lib.errors import NotFound

__all__ = ("AuditController", "ReviewController")

Since = Annotated[datetime | None, QueryParameter(description="from (inclusive), ISO 8601")]
Until = Annotated[datetime | None, QueryParameter(description="to (exclusive), ISO 8601")]
Actor = Annotated[
    str | None, QueryParameter(description="the actor's e-mail address", max_length=254)
]
ActionName = Annotated[
    str | None, QueryParameter(description="an action, e.g. user.disable", max_length=64)
]
Outcome = Annotated[str | None, QueryParameter(description="allowed, denied or failed")]
ObjectType = Annotated[
    str | None, QueryParameter(description="an object type, e.g. user", max_length=64)
]
ObjectId = Annotated[str | None, QueryParameter(description="an object's id", max_length=64)]


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
        actor: Actor = None,
        action: ActionName = None,
        outcome: Outcome = None,
        object_type: ObjectType = None,
        object_id: ObjectId = None,
        limit: Annotated[int, QueryParameter(ge=1, le=500)] = 100,
        offset: Annotated[int, QueryParameter(ge=0, le=10_000_000)] = 0,
    ) -> schemas.AuditPage:
        """Audit entries you may see, newest first, narrowed by the filters given."""
        wanted = AuditFilter(since, until, actor, action, outcome, object_type, object_id)
        return await log.read_log(ctx, wanted, limit=limit, offset=offset)

    @get("/export.csv", operation_id="exportAudit", media_type="text/csv")
    async def export(
        self,
        ctx: Ctx,
        request: Request[Any, Any, Any],
        since: Since = None,
        until: Until = None,
        actor: Actor = None,
        action: ActionName = None,
        outcome: Outcome = None,
        object_type: ObjectType = None,
        object_id: ObjectId = None,
    ) -> Stream:
        """The same entries as CSV, streamed (newest first, up to a million rows)."""
        wanted = AuditFilter(since, until, actor, action, outcome, object_type, object_id)
        return Stream(
            await log.export_log(ctx, wanted),
            media_type="text/csv; charset=utf-8",
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
