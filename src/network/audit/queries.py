"""Reading the audit log within what the policy lets a principal see."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

import msgspec

from network.audit import schemas
from network.audit.tables import AuditEvent
from network.kernel.policy import Action, Principal, visible_scope
from network.lib.csvsafe import csv_text

__all__ = ("CSV_COLUMNS", "audit_page", "to_csv")

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


def _where(principal: Principal, since: datetime | None, until: datetime | None) -> Any:
    """Own entries, plus (for administrators) entries about places in their scope."""
    scope = visible_scope(principal, Action.AUDIT_READ)
    condition: Any = AuditEvent.actor_id == principal.user_id
    if scope.municipalities:
        condition = condition | AuditEvent.municipality_code.is_in(sorted(scope.municipalities))
    if scope.counties:
        condition = condition | AuditEvent.county_code.is_in(sorted(scope.counties))
    if since is not None:
        condition = condition & (AuditEvent.at >= since)
    if until is not None:
        condition = condition & (AuditEvent.at < until)
    return condition


async def audit_page(
    principal: Principal,
    *,
    since: datetime | None,
    until: datetime | None,
    limit: int,
    offset: int,
) -> schemas.AuditPage:
    where = _where(principal, since, until)
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


def to_csv(entries: Iterable[schemas.AuditEntry]) -> str:
    return csv_text(
        CSV_COLUMNS,
        (
            [
                value.isoformat() if isinstance(value, datetime) else value
                for value in (getattr(entry, column) for column in CSV_COLUMNS)
            ]
            for entry in entries
        ),
    )
