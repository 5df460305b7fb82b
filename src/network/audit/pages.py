"""The administrator's audit-log page: the entries of their scope (and their own),
filtered by who, action, outcome, period and object, a page at a time, and the
filtered rows as a streamed CSV file. The same use cases as the API
(:mod:`network.audit.log`)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any
from urllib.parse import urlencode

from litestar import Controller, Request, get
from litestar.response import Stream, Template

from network.accounts.guards import ACTION_KEY, Ctx
from network.audit import log
from network.audit.queries import AuditFilter, distinct_values
from network.kernel.policy import Action
from network.lib.clock import STOCKHOLM
from network.lib.errors import DomainError, Forbidden, InvalidInput
from network.lib.vocab import AuditOutcome, Role
from network.web.auditwords import ACTION_LABELS, OBJECT_LABELS, OTHER_ACTION, OUTCOME_LABELS
from network.web.paging import Paging
from network.web.parties import place_names
from network.web.render import render

__all__ = ("AuditPages",)

AnyRequest = Request[Any, Any, Any]
ROWS_PER_PAGE = 50
FILTERS = ("since", "until", "actor", "action", "outcome", "object_type", "object")


def _day(request: AnyRequest, field: str) -> date | None:
    raw = request.query_params.get(field, "").strip()
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise InvalidInput("Expected `date`", field=field, source="query") from None


def _filter_of(request: AnyRequest) -> AuditFilter:
    """The form's filters: whole days on the Stockholm clock, ``until`` inclusive."""
    since, until = _day(request, "since"), _day(request, "until")
    if since is not None and until is not None and until < since:
        raise InvalidInput("must be after 'since'", field="until", source="query")
    query = request.query_params

    def text(name: str) -> str | None:
        return query.get(name, "").strip() or None

    return AuditFilter(
        since=datetime.combine(since, time(), STOCKHOLM) if since else None,
        until=datetime.combine(until + timedelta(days=1), time(), STOCKHOLM) if until else None,
        actor=text("actor"),
        action=text("action"),
        outcome=text("outcome"),
        object_type=text("object_type"),
        object_id=text("object"),
    )


def _admin_only(ctx: Ctx) -> None:
    # The API lets everyone read their own entries; the page is the administrator's.
    if not ctx.principal.has(Role.ADMIN):
        raise Forbidden("the audit log page is for administrators")


class AuditPages(Controller):
    path = "/admin/audit"
    include_in_schema = False
    opt = {ACTION_KEY: Action.AUDIT_READ}

    @get("/", name="admin-audit")
    async def page(self, ctx: Ctx, request: AnyRequest) -> Template:
        """The audit log, filtered, newest first."""
        _admin_only(ctx)
        form = {name: request.query_params.get(name, "") for name in FILTERS}
        error: DomainError | None = None
        entries: list[Any] = []
        total = 0
        try:
            wanted = _filter_of(request)
            offset = Paging.offset_of(request, ROWS_PER_PAGE)
            found = await log.read_log(ctx, wanted, limit=ROWS_PER_PAGE, offset=offset)
            entries, total = found.items, found.total
        except InvalidInput as refused:
            error = refused
        query = urlencode([(k, v) for k, v in request.query_params.items() if k in FILTERS and v])
        template = await render(
            request,
            "admin/audit.html.j2",
            entries=entries,
            paging=Paging.of(request, per_page=ROWS_PER_PAGE, total=total)
            if error is None
            else None,
            form=form,
            error=error,
            actions=await distinct_values(ctx.principal, "action"),
            object_types=await distinct_values(ctx.principal, "object_type"),
            outcomes=[o.value for o in AuditOutcome],
            action_labels=ACTION_LABELS,
            object_labels=OBJECT_LABELS,
            other_action=OTHER_ACTION,
            outcome_labels=OUTCOME_LABELS,
            place_names=await place_names(),
            export_url="/admin/audit/export.csv" + (f"?{query}" if query else ""),
        )
        if error is not None:
            template.status_code = error.status_code
        return template

    @get("/export.csv", name="admin-audit-export", media_type="text/csv")
    async def export(self, ctx: Ctx, request: AnyRequest) -> Stream:
        """The filtered entries as CSV, streamed."""
        _admin_only(ctx)
        pieces = await log.export_log(ctx, _filter_of(request))
        return Stream(
            pieces,
            media_type="text/csv; charset=utf-8",
            headers={"content-disposition": 'attachment; filename="audit.csv"'},
        )
