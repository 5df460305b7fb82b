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
from network.db import insert_chunks
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
    row = AuditEvent(
        at=clock.now(),
        actor_id=actor.user_id,
        actor_email=actor.email,
        role=actor.role,
        action=action,
        object_type=object_type,
        object_id=None if object_id is None else str(object_id),
        municipality_code=municipality,
        county_code=county,
        client_addr=actor.client_addr,
        request_id=actor.request_id,
        outcome=outcome,
        detail=detail or {},
    )
    unit = current_unit()
    if unit is None:
        await AuditEvent.insert(row)
    else:
        unit.collect(_write, row)


async def _write(rows: list[AuditEvent]) -> None:
    for chunk in insert_chunks(AuditEvent, rows):
        await AuditEvent.insert(*chunk)
