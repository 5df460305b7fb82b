"""Constraints of the directory tables that the database enforces.

Declared with :mod:`network.lib.ddl` so that they exist on SQLite too (as unique
indexes and triggers) and not only on PostgreSQL.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from network.lib.ddl import Check, Unique, constraint_migration

ID = "2026-11-23T06:39:30:000000"
VERSION = "1.38.0"
DESCRIPTION = "directory constraints"

CONSTRAINTS = (
    Check("municipality", "municipality_population_not_negative", "population >= 0"),
    Check(
        "sharing_agreement",
        "sharing_agreement_period_in_order",
        "valid_to IS NULL OR valid_to >= valid_from",
    ),
    Unique(
        "agreement_municipality", "agreement_municipality_unique", ("agreement", "municipality")
    ),
    Unique("agreement_area", "agreement_area_unique", ("agreement", "area")),
)


async def forwards() -> MigrationManager:
    return constraint_migration(ID, "directory", DESCRIPTION, CONSTRAINTS)
