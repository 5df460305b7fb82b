"""The append-only audit log."""

from __future__ import annotations

from piccolo.columns import JSON, Date, Integer, Serial, SmallInt, Timestamptz, Varchar
from piccolo.table import Table

from network.lib.vocab import AuditOutcome

__all__ = ("AuditEvent", "AuditReview")


class AuditEvent(Table):
    """Who did what to which object, when and from where.

    Rows are only ever inserted. ``actor_id`` is not a foreign key on purpose:
    the log outlives the accounts it names.
    """

    id: Serial

    at = Timestamptz(index=True)
    actor_id = Integer(null=True, default=None, index=True)
    actor_email = Varchar(length=254, null=True, default=None)
    role = Varchar(length=32, null=True, default=None)
    action = Varchar(length=64)
    object_type = Varchar(length=64)
    object_id = Varchar(length=64, null=True, default=None)
    municipality_code = Varchar(length=4, null=True, default=None, index=True)
    county_code = Varchar(length=2, null=True, default=None)
    client_addr = Varchar(length=64, null=True, default=None)
    request_id = Varchar(length=64, null=True, default=None)
    outcome = Varchar(length=16, choices=AuditOutcome, default=AuditOutcome.ALLOWED)
    detail = JSON(default="{}")


class AuditReview(Table):
    """A coordinator's sample review of accesses to their cases in one month.

    ``sample`` holds the audit-event ids drawn; ``findings`` the reviewer's verdict
    on each (``{"event_id", "ok", "note"}``), written once when the review completes.
    """

    id: Serial

    reviewer_id = Integer(index=True)
    reviewer_email = Varchar(length=254)
    municipality_code = Varchar(length=4, null=True, default=None)
    county_code = Varchar(length=2, null=True, default=None)
    period_start = Date()
    period_end = Date()
    sample_size = SmallInt()
    population = Integer()
    sample = JSON(default="[]")
    findings = JSON(default="[]")
    status = Varchar(length=16, default="open")
    created_at = Timestamptz()
    completed_at = Timestamptz(null=True, default=None)
