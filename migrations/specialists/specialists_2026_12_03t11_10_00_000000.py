"""The ``hours`` data version: raised by triggers with every change to the
specialists' weekly hours, so that data derived from them (coverage's supply in
hours) is dropped by the same rule as the ``network`` version: no writer can forget.

It starts at the microseconds since the epoch, as ``network`` does.
"""

import time

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

from network.lib.ddl import Counted, apply_constraints, revert_constraints

ID = "2026-12-03T11:10:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "hours data version triggers"

CONSTRAINTS = (Counted("availability_rule", "hours"),)


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="specialists", description=DESCRIPTION)

    async def apply() -> None:
        engine = engine_finder()
        start = time.time_ns() // 1000
        await engine.run_ddl(f"INSERT INTO data_version (topic, version) VALUES ('hours', {start})")
        await apply_constraints(engine, CONSTRAINTS)

    async def revert() -> None:
        engine = engine_finder()
        await revert_constraints(engine, CONSTRAINTS)
        await engine.run_ddl("DELETE FROM data_version WHERE topic = 'hours'")

    manager.add_raw(apply)
    manager.add_raw_backwards(revert)
    return manager
