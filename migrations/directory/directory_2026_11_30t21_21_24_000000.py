"""The ``network`` data version: raised by triggers with every change to the places
and the sharing agreements (the specialists' tables follow in their own app).

It starts at the microseconds since the epoch, so a database made again later never
repeats a version that a running process may still hold data of.
"""

import time

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

from network.lib.ddl import Counted, apply_constraints, revert_constraints

ID = "2026-11-30T21:21:24:000000"
VERSION = "1.38.0"
DESCRIPTION = "network data version triggers (directory)"

CONSTRAINTS = tuple(
    Counted(table, "network")
    for table in (
        "county",
        "municipality",
        "sharing_agreement",
        "agreement_municipality",
        "agreement_area",
    )
)


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="directory", description=DESCRIPTION)

    async def apply() -> None:
        engine = engine_finder()
        start = time.time_ns() // 1000
        await engine.run_ddl(
            f"INSERT INTO data_version (topic, version) VALUES ('network', {start})"
        )
        await apply_constraints(engine, CONSTRAINTS)

    async def revert() -> None:
        engine = engine_finder()
        await revert_constraints(engine, CONSTRAINTS)
        await engine.run_ddl("DELETE FROM data_version WHERE topic = 'network'")

    manager.add_raw(apply)
    manager.add_raw_backwards(revert)
    return manager
