"""The ``conferences`` data version: raised by triggers with every change to the
case-conference series, the municipalities they serve and their sessions, so that the
coverage cache (keyed by :func:`network.directory.versions.network_token`) drops its
cells when a series starts, stops or serves other municipalities.

It starts at the microseconds since the epoch, like the ``network`` version, so a
database made again later never repeats a version a running process may still hold.
"""

import time

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

from network.lib.ddl import Counted, apply_constraints, revert_constraints

ID = "2026-12-04T16:50:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "conferences data version triggers (series, served municipalities, sessions)"

CONSTRAINTS = tuple(
    Counted(table, "conferences")
    for table in ("conference_series", "series_municipality", "conference_session")
)


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="conferences", description=DESCRIPTION)

    async def apply() -> None:
        engine = engine_finder()
        start = time.time_ns() // 1000
        await engine.run_ddl(
            f"INSERT INTO data_version (topic, version) VALUES ('conferences', {start})"
        )
        await apply_constraints(engine, CONSTRAINTS)

    async def revert() -> None:
        engine = engine_finder()
        await revert_constraints(engine, CONSTRAINTS)
        await engine.run_ddl("DELETE FROM data_version WHERE topic = 'conferences'")

    manager.add_raw(apply)
    manager.add_raw_backwards(revert)
    return manager
