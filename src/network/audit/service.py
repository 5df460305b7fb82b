"""Writing the append-only audit log. Never pass case text in ``detail``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from network.audit.tables import AuditEvent
from network.lib import clock
from network.lib.vocab import AuditOutcome

__all__ = ("Actor", "record")


@dataclass(frozen=True, slots=True)
class Actor:
    """Who acts, from where: taken from the request by the caller."""

    user_id: int | None = None
    email: str | None = None
    role: str | None = None
    client_addr: str | None = None
    request_id: str | None = None


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
    """Append one audit row (inside the caller's transaction, if there is one)."""
    await AuditEvent.insert(
        AuditEvent(
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
    )
