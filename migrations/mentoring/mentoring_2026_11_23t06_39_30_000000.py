"""Constraints of the mentoring tables that the database enforces.

Declared with :mod:`network.lib.ddl` so that they exist on SQLite too (as unique
indexes and triggers) and not only on PostgreSQL.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from network.lib.ddl import Check, constraint_migration

ID = "2026-11-23T06:39:30:000000"
VERSION = "1.38.0"
DESCRIPTION = "mentoring constraints"

CONSTRAINTS = (
    Check("mentoring_programme", "mentoring_programme_period_in_order", "end_date >= start_date"),
)


async def forwards() -> MigrationManager:
    return constraint_migration(ID, "mentoring", DESCRIPTION, CONSTRAINTS)
