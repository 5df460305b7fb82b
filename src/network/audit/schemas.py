"""API shapes of the audit log."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

import msgspec

from network.lib.schema import Schema

__all__ = ("AuditEntry", "AuditPage", "Finding", "Review", "ReviewComplete", "ReviewStart")


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


class ReviewStart(Schema):
    month: Annotated[str, msgspec.Meta(pattern=r"^\d{4}-\d{2}$", description="YYYY-MM")]
    size: Annotated[int, msgspec.Meta(ge=1, le=200)] = 20
    municipality: Annotated[str, msgspec.Meta(pattern=r"^\d{4}$")] | None = None
    county: Annotated[str, msgspec.Meta(pattern=r"^\d{2}$")] | None = None


class Finding(Schema):
    event_id: Annotated[int, msgspec.Meta(ge=1, le=2**63 - 1)]
    ok: bool
    note: Annotated[str, msgspec.Meta(max_length=500)] = ""


class ReviewComplete(Schema):
    findings: Annotated[list[Finding], msgspec.Meta(max_length=200)]


class Review(Schema):
    id: int
    reviewer_email: str
    municipality_code: str | None
    county_code: str | None
    period_start: date
    period_end: date
    population: int
    status: str
    sample: list[AuditEntry]
    findings: list[Finding]
