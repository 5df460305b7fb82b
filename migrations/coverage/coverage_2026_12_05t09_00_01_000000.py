"""Constraints of the workforce indicators that the database enforces.

Declared with :mod:`network.lib.ddl` so that they exist on SQLite too (as unique
indexes and triggers) and not only on PostgreSQL.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from network.lib.ddl import Check, Unique, constraint_migration

ID = "2026-12-05T09:00:01:000000"
VERSION = "1.38.0"
DESCRIPTION = "workforce indicator constraints"

CONSTRAINTS = (
    Unique("workforce_indicator", "workforce_indicator_unique", ("municipality", "year")),
    Check(
        "workforce_indicator",
        "workforce_indicator_year_plausible",
        "year BETWEEN 2000 AND 2100",
    ),
    Check(
        "workforce_indicator",
        "workforce_indicator_counts_not_negative",
        "COALESCE(social_workers, 0) >= 0 AND COALESCE(vacancies, 0) >= 0"
        " AND COALESCE(agency_consultants, 0) >= 0 AND COALESCE(case_points, 0) >= 0",
    ),
    Check(
        "workforce_indicator",
        "workforce_indicator_percentages",
        "COALESCE(new_share, 0) BETWEEN 0 AND 100 AND COALESCE(turnover, 0) BETWEEN 0 AND 100"
        " AND COALESCE(sick_leave, 0) BETWEEN 0 AND 100",
    ),
)


async def forwards() -> MigrationManager:
    return constraint_migration(ID, "coverage", DESCRIPTION, CONSTRAINTS)
