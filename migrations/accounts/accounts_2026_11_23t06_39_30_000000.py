"""Constraints of the accounts tables that the database enforces.

Declared with :mod:`network.lib.ddl` so that they exist on SQLite too (as unique
indexes and triggers) and not only on PostgreSQL.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from network.lib.ddl import Check, Unique, constraint_migration

ID = "2026-11-23T06:39:30:000000"
VERSION = "1.38.0"
DESCRIPTION = "accounts constraints"

CONSTRAINTS = (
    Check(
        "app_user",
        "app_user_years_in_range",
        "years_in_profession IS NULL OR (years_in_profession >= 0 AND years_in_profession <= 60)",
    ),
    Check(
        "role_binding",
        "role_binding_exactly_one_scope",
        "(municipality IS NULL) <> (county IS NULL)",
    ),
    Unique(
        "role_binding",
        "role_binding_unique_municipality",
        ("user", "role", "municipality"),
        where="municipality IS NOT NULL",
    ),
    Unique(
        "role_binding",
        "role_binding_unique_county",
        ("user", "role", "county"),
        where="county IS NOT NULL",
    ),
)


async def forwards() -> MigrationManager:
    return constraint_migration(ID, "accounts", DESCRIPTION, CONSTRAINTS)
