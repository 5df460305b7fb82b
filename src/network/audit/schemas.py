"""API shapes of the audit log."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from network.lib.schema import Schema

__all__ = ("AuditEntry", "AuditPage")


class AuditEntry(Schema):
    id: int
    at: datetime
    actor_id: int | None
    actor_email: str | None
    role: str | None
    action: str
    object_type: str
    object_id: str | None
    municipality_code: str | None
    county_code: str | None
    client_addr: str | None
    request_id: str | None
    outcome: str
    detail: dict[str, Any]


class AuditPage(Schema):
    items: list[AuditEntry]
    total: int
    limit: int
    offset: int
