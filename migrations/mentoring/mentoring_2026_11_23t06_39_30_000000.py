"""Constraints of the mentoring tables that the database enforces.

Declared with :mod:`network.lib.ddl` so that they exist on SQLite too (as unique
indexes and triggers) and not only on PostgreSQL.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

from network.lib.ddl import Check, apply_constraints, revert_constraints

ID = "2026-11-23T06:39:30:000000"
VERSION = "1.38.0"
DESCRIPTION = "mentoring constraints"

CONSTRAINTS = (
    Check("mentoring_programme", "mentoring_programme_period_in_order", "end_date >= start_date"),
)


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="mentoring", description=DESCRIPTION)

    async def apply() -> None:
        await apply_constraints(engine_finder(), CONSTRAINTS)

    async def revert() -> None:
        await revert_constraints(engine_finder(), CONSTRAINTS)

    manager.add_raw(apply)
    manager.add_raw_backwards(revert)
    return manager
