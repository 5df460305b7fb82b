"""The audit log: your own entries, and (administrators) those of your scope; CSV export."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from litestar import Controller, Request, Response, get
from litestar.params import QueryParameter

from network.accounts.guards import ACTION_KEY, actor_of, current_principal
from network.accounts.policy import Action
from network.audit import schemas
from network.audit.queries import audit_page, to_csv
from network.audit.service import record
from network.lib.errors import InvalidInput

__all__ = ("AuditController",)

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
        request: Request[Any, Any, Any],
        since: Since = None,
        until: Until = None,
        limit: Annotated[int, QueryParameter(ge=1, le=500)] = 100,
        offset: Annotated[int, QueryParameter(ge=0, le=10_000_000)] = 0,
    ) -> schemas.AuditPage:
        """Audit entries you may see, newest first."""
        _check_period(since, until)
        principal = await current_principal(request)
        assert principal is not None
        page = await audit_page(principal, since=since, until=until, limit=limit, offset=offset)
        await record(
            actor_of(request, principal),
            "audit.read",
            "audit_log",
            detail={"count": len(page.items)},
        )
        return page

    @get("/export.csv", operation_id="exportAudit", media_type="text/csv")
    async def export(
        self, request: Request[Any, Any, Any], since: Since = None, until: Until = None
    ) -> Response[str]:
        """The same entries as CSV (at most 50,000 per file; narrow the period for more)."""
        _check_period(since, until)
        principal = await current_principal(request)
        assert principal is not None
        page = await audit_page(principal, since=since, until=until, limit=EXPORT_LIMIT, offset=0)
        await record(
            actor_of(request, principal),
            "audit.export",
            "audit_log",
            detail={"count": len(page.items)},
        )
        return Response(
            to_csv(page.items),
            media_type="text/csv; charset=utf-8",
            headers={"content-disposition": 'attachment; filename="audit.csv"'},
        )
