"""Constraints of the consultations tables that the database enforces.

Declared with :mod:`network.lib.ddl` so that they exist on SQLite too (as unique
indexes and triggers) and not only on PostgreSQL.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from network.lib.ddl import Check, Unique, constraint_migration

ID = "2026-11-23T06:39:30:000000"
VERSION = "1.38.0"
DESCRIPTION = "consultations constraints"

CONSTRAINTS = (
    Check(
        "consultation_request",
        "consultation_request_minutes_in_range",
        "minutes_spent IS NULL OR (minutes_spent >= 0 AND minutes_spent <= 6000)",
    ),
    Check("booking", "booking_period_in_order", "ends_at > starts_at"),
    Unique(
        "booking",
        "booking_one_live_per_start",
        ("specialist", "starts_at"),
        where="status = 'booked'",
    ),
    Check("feedback", "feedback_helpful_in_range", "helpful >= 1 AND helpful <= 5"),
)


async def forwards() -> MigrationManager:
    return constraint_migration(ID, "consultations", DESCRIPTION, CONSTRAINTS)
