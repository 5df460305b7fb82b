"""Constraints of the coverage history that the database enforces.

Declared with :mod:`network.lib.ddl` so that they exist on SQLite too (as unique
indexes and triggers) and not only on PostgreSQL.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from network.lib.ddl import Check, Unique, constraint_migration

ID = "2026-11-30T15:27:50:000000"
VERSION = "1.38.0"
DESCRIPTION = "coverage history constraints"

CONSTRAINTS = (
    Unique("coverage_snapshot", "coverage_snapshot_unique", ("month", "municipality", "area")),
    Check(
        "coverage_snapshot",
        "coverage_snapshot_status_known",
        "status IN ('local', 'shared', 'none')",
    ),
    Check(
        "coverage_snapshot",
        "coverage_snapshot_figures_not_negative",
        "population >= 0 AND local_specialists >= 0 AND local_hours >= 0 AND reachable_hours >= 0",
    ),
)


async def forwards() -> MigrationManager:
    return constraint_migration(ID, "coverage", DESCRIPTION, CONSTRAINTS)
