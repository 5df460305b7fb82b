"""The audit log is append-only, enforced by the database on both engines."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

from network.lib.ddl import AppendOnly, apply_constraints, revert_constraints

ID = "2026-11-23T07:20:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "audit_event append-only"

CONSTRAINTS = (AppendOnly("audit_event"),)


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="audit", description=DESCRIPTION)

    async def apply() -> None:
        await apply_constraints(engine_finder(), CONSTRAINTS)

    async def revert() -> None:
        await revert_constraints(engine_finder(), CONSTRAINTS)

    manager.add_raw(apply)
    manager.add_raw_backwards(revert)
    return manager
