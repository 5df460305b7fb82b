"""Constraints and row-level security of the case conference tables.

Declared with :mod:`network.lib.ddl` so that they exist on SQLite too (as unique
indexes and triggers) and not only on PostgreSQL. The presented cases are case data:
visible only to the presenter's municipality (its case readers), the presenter and the
hub (see ``network.kernel.case_scope``).
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from network.lib.ddl import Check, RowSecurity, Unique, constraint_migration

ID = "2026-12-03T14:41:47:000000"
VERSION = "1.38.0"
DESCRIPTION = "conference constraints: one seat each, bounded sizes; case rows under RLS"

ALL = "current_setting('network.scope', true) = 'all'"
IN_MUNICIPALITIES = (
    "origin_municipality = ANY (string_to_array("
    "NULLIF(current_setting('network.municipalities', true), ''), ',')::integer[])"
)
USER = "NULLIF(current_setting('network.user_id', true), '')::integer"
SPECIALIST = "NULLIF(current_setting('network.specialist_id', true), '')::integer"

CONSTRAINTS = (
    Unique("series_municipality", "series_municipality_once", ("series", "municipality")),
    Unique("conference_signup", "conference_signup_once", ("session", "user")),
    Check("conference_series", "conference_series_capacity_range", "capacity BETWEEN 2 AND 100"),
    Check(
        "conference_series",
        "conference_series_duration_range",
        "duration_minutes BETWEEN 30 AND 240",
    ),
    Check("conference_session", "conference_session_in_order", "ends_at > starts_at"),
    RowSecurity(
        "conference_case",
        f"{ALL} OR {IN_MUNICIPALITIES} OR presenter = {USER} OR specialist = {SPECIALIST}",
    ),
)


async def forwards() -> MigrationManager:
    return constraint_migration(ID, "conferences", DESCRIPTION, CONSTRAINTS)
