"""Reading the audit log: the use cases the API and the administrator's page share.

Both check the filters the same way (naming the field), audit the reading itself,
and see only what :func:`network.audit.queries.audit_page` lets the reader see
(their own entries, and an administrator those about the places they administer)."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

from network.audit import schemas
from network.audit.queries import AuditFilter, audit_page, csv_pieces
from network.audit.services import record
from network.kernel.context import Context
from network.kernel.policy import Action, decide
from network.lib.errors import Forbidden, InvalidInput
from network.lib.vocab import AuditOutcome

__all__ = ("EXPORT_LIMIT", "check_filter", "export_log", "read_log")

EXPORT_LIMIT = 1_000_000  # rows of one CSV file (streamed: never whole in memory)
_NAME = re.compile(r"^[a-z][a-z0-9_.]{0,63}$")


def check_filter(wanted: AuditFilter) -> None:
    """Refuse a filter that cannot match by its shape, naming the field."""
    if wanted.since is not None and wanted.until is not None and wanted.until <= wanted.since:
        raise InvalidInput("must be after 'since'", field="until", source="query")
    if wanted.outcome and wanted.outcome not in {o.value for o in AuditOutcome}:
        raise InvalidInput(
            f"must be one of {', '.join(o.value for o in AuditOutcome)}",
            field="outcome",
            source="query",
        )
    for field in ("action", "object_type"):
        value = getattr(wanted, field)
        if value and not _NAME.match(value):
            raise InvalidInput(
                "Invalid value: lower-case letters, digits, '_' and '.'",
                field=field,
                source="query",
            )
    if wanted.actor and len(wanted.actor) > 254:
        raise InvalidInput("Expected `str` of length <= 254", field="actor", source="query")
    if wanted.object_id and len(wanted.object_id) > 64:
        raise InvalidInput("Expected `str` of length <= 64", field="object", source="query")


def _may_read(ctx: Context) -> None:
    if not decide(ctx.principal, Action.AUDIT_READ):
        raise Forbidden("the audit log is for administrators")


def _described(wanted: AuditFilter) -> dict[str, str]:
    """The filter as the audit entry of the reading keeps it."""
    return {
        name: value.isoformat() if hasattr(value, "isoformat") else str(value)
        for name in AuditFilter.__slots__
        if (value := getattr(wanted, name)) is not None and value != ""
    }


async def read_log(
    ctx: Context, wanted: AuditFilter, *, limit: int, offset: int
) -> schemas.AuditPage:
    """A page of the entries the reader may see, newest first."""
    _may_read(ctx)
    check_filter(wanted)
    page = await audit_page(ctx.principal, wanted, limit=limit, offset=offset)
    await record(
        ctx.actor,
        "audit.read",
        "audit_log",
        detail={"count": len(page.items), **_described(wanted)},
    )
    return page


async def export_log(ctx: Context, wanted: AuditFilter) -> AsyncIterator[str]:
    """All such entries as CSV in pieces; access is decided, and the export audited,
    before the first piece."""
    _may_read(ctx)
    check_filter(wanted)
    await record(ctx.actor, "audit.export", "audit_log", detail=_described(wanted))
    return csv_pieces(ctx.principal, wanted, limit=EXPORT_LIMIT)
