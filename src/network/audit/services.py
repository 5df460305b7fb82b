"""Writing the append-only audit log. Never pass case text in ``detail``.

Inside a unit of work (:mod:`network.kernel.unit`) a record is collected and written
with the change it records, in one insert for all of the change's records, just
before the change commits (a change that rolls back leaves none). Outside one, for
instance a refusal audited after its transaction has rolled back, it is written at
once.
"""

from __future__ import annotations

from typing import Any

from network.audit.tables import AuditEvent
from network.db import insert_columns
from network.kernel.context import Actor
from network.kernel.unit import current_unit
from network.lib import clock
from network.lib.vocab import AuditOutcome

__all__ = ("record",)


async def record(
    actor: Actor,
    action: str,
    object_type: str,
    object_id: str | int | None = None,
    *,
    municipality: str | None = None,
    county: str | None = None,
    outcome: AuditOutcome = AuditOutcome.ALLOWED,
    detail: dict[str, Any] | None = None,
) -> None:
    """Append one audit row: with the open unit of work's change, else at once."""
    row = (
        clock.now(),
        actor.user_id,
        actor.email,
        actor.role,
        action,
        object_type,
        None if object_id is None else str(object_id),
        municipality,
        county,
        actor.client_addr,
        actor.request_id,
        str(outcome),
        detail or {},
    )
    unit = current_unit()
    if unit is None:
        await _write([row])
    else:
        unit.collect(_write, row)


# The columns a record fills, in the order of its values.
_COLUMNS = (
    AuditEvent.at,
    AuditEvent.actor_id,
    AuditEvent.actor_email,
    AuditEvent.role,
    AuditEvent.action,
    AuditEvent.object_type,
    AuditEvent.object_id,
    AuditEvent.municipality_code,
    AuditEvent.county_code,
    AuditEvent.client_addr,
    AuditEvent.request_id,
    AuditEvent.outcome,
    AuditEvent.detail,
)


async def _write(rows: list[tuple[Any, ...]]) -> None:
    """Insert the records in one statement (PostgreSQL; in chunks on SQLite), their
    values as they are: no ORM object per record."""
    await insert_columns(AuditEvent, dict(zip(_COLUMNS, zip(*rows, strict=True), strict=True)))
