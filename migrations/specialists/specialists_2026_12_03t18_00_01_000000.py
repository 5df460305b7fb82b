"""Case points: the points table's constraints, its national rows of the default
model, and each specialist's points budget derived from their meetings capacity
(``network.specialists.points_model``; docs/workload.md)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

from network.lib.ddl import Check, Counted, Unique, apply_constraints, revert_constraints
from network.specialists.points_model import default_points_capacity_sql, default_rows

ID = "2026-12-03T18:00:01:000000"
VERSION = "1.38.0"
DESCRIPTION = "case points: constraints, default rows, budgets"

CONSTRAINTS = (
    Unique("work_points", "work_points_one_per_key", ("scope", "kind", "urgency", "area")),
    Check("work_points", "work_points_in_range", "points >= 0 AND points <= 100"),
    Check(
        "specialist_profile",
        "specialist_points_capacity_in_range",
        "points_capacity >= 0 AND points_capacity <= 1000",
    ),
    # The area snapshots keep the points table: a change raises their data version.
    Counted("work_points", "network"),
)


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="specialists", description=DESCRIPTION)

    async def apply() -> None:
        engine = engine_finder()
        await apply_constraints(engine, CONSTRAINTS)
        await engine.run_ddl(
            f"UPDATE specialist_profile SET points_capacity = {default_points_capacity_sql()}"
        )
        for scope, kind, urgency, area, points in default_rows():
            await engine.run_ddl(
                "INSERT INTO work_points (scope, kind, urgency, area, points, updated_at) "
                f"VALUES ('{scope}', '{kind}', '{urgency}', '{area}', {points}, "
                "CURRENT_TIMESTAMP)"
            )

    async def revert() -> None:
        engine = engine_finder()
        await revert_constraints(engine, CONSTRAINTS)
        await engine.run_ddl("DELETE FROM work_points")

    manager.add_raw(apply)
    manager.add_raw_backwards(revert)
    return manager
