"""Reading the audit log within what the policy lets a principal see, narrowed by
filters (who, what, outcome, period, object); a page of it, or all of it as CSV in
pieces."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import msgspec

from network.audit import schemas
from network.audit.tables import AuditEvent
from network.kernel.policy import Action, Principal, visible_scope
from network.lib.csvsafe import csv_text

__all__ = (
    "CSV_BATCH",
    "CSV_COLUMNS",
    "AuditFilter",
    "audit_page",
    "csv_pieces",
    "distinct_values",
)

CSV_BATCH = 2_000  # rows read (and written) per piece of a streamed CSV

CSV_COLUMNS = (
    "id",
    "at",
    "actor_id",
    "actor_email",
    "role",
    "action",
    "object_type",
    "object_id",
    "municipality_code",
    "county_code",
    "client_addr",
    "request_id",
    "outcome",
)


@dataclass(frozen=True, slots=True)
class AuditFilter:
    """What to narrow the log to; ``None`` is no narrowing. ``actor`` is an e-mail
    address (any case); ``since`` inclusive, ``until`` exclusive."""

    since: datetime | None = None
    until: datetime | None = None
    actor: str | None = None
    action: str | None = None
    outcome: str | None = None
    object_type: str | None = None
    object_id: str | None = None


def _scope(principal: Principal) -> Any:
    """Own entries, plus (for administrators) entries about places in their scope."""
    scope = visible_scope(principal, Action.AUDIT_READ)
    condition: Any = AuditEvent.actor_id == principal.user_id
    if scope.municipalities:
        condition = condition | AuditEvent.municipality_code.is_in(sorted(scope.municipalities))
    if scope.counties:
        condition = condition | AuditEvent.county_code.is_in(sorted(scope.counties))
    return condition


def _where(principal: Principal, wanted: AuditFilter) -> Any:
    condition = _scope(principal)
    if wanted.since is not None:
        condition = condition & (AuditEvent.at >= wanted.since)
    if wanted.until is not None:
        condition = condition & (AuditEvent.at < wanted.until)
    if wanted.actor:
        condition = condition & (AuditEvent.actor_email == wanted.actor.strip().lower())
    if wanted.action:
        condition = condition & (AuditEvent.action == wanted.action)
    if wanted.outcome:
        condition = condition & (AuditEvent.outcome == wanted.outcome)
    if wanted.object_type:
        condition = condition & (AuditEvent.object_type == wanted.object_type)
    if wanted.object_id:
        condition = condition & (AuditEvent.object_id == wanted.object_id)
    return condition


async def audit_page(
    principal: Principal,
    wanted: AuditFilter,
    *,
    limit: int,
    offset: int,
) -> schemas.AuditPage:
    where = _where(principal, wanted)
    rows = (
        await AuditEvent.select()
        .where(where)
        .order_by(AuditEvent.id, ascending=False)
        .limit(limit)
        .offset(offset)
        .output(load_json=True)
    )
    total = await AuditEvent.count().where(where)
    return schemas.AuditPage(
        items=msgspec.convert(rows, list[schemas.AuditEntry]),
        total=total,
        limit=limit,
        offset=offset,
    )


async def distinct_values(principal: Principal, column: str) -> list[str]:
    """The values of ``column`` (``action`` or ``object_type``) in the entries the
    principal may see, sorted: the choices of a filter."""
    field = {"action": AuditEvent.action, "object_type": AuditEvent.object_type}[column]
    rows = await AuditEvent.select(field).where(_scope(principal)).distinct()
    return sorted({row[column] for row in rows if row[column]})


def _cells(entry: dict[str, Any]) -> list[object]:
    return [
        value.isoformat() if isinstance(value, datetime) else value
        for value in (entry[column] for column in CSV_COLUMNS)
    ]


async def csv_pieces(
    principal: Principal, wanted: AuditFilter, *, limit: int
) -> AsyncIterator[str]:
    """The filtered entries as CSV, newest first, in pieces of :data:`CSV_BATCH` rows
    (read by id, never all in memory): the header first, at most ``limit`` rows."""
    yield csv_text(CSV_COLUMNS, ())
    where = _where(principal, wanted)
    below: int | None = None
    left = limit
    while left > 0:
        batch = where if below is None else where & (AuditEvent.id < below)
        rows = (
            await AuditEvent.select(*(getattr(AuditEvent, c) for c in CSV_COLUMNS))
            .where(batch)
            .order_by(AuditEvent.id, ascending=False)
            .limit(min(CSV_BATCH, left))
        )
        if not rows:
            return
        yield csv_text(CSV_COLUMNS, (_cells(r) for r in rows), with_header=False)
        below = rows[-1]["id"]
        left -= len(rows)
