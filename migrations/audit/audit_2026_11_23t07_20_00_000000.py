"""The audit log is append-only, enforced by the database on both engines."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from network.lib.ddl import AppendOnly, constraint_migration

ID = "2026-11-23T07:20:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "audit_event append-only"

CONSTRAINTS = (AppendOnly("audit_event"),)


async def forwards() -> MigrationManager:
    return constraint_migration(ID, "audit", DESCRIPTION, CONSTRAINTS)
