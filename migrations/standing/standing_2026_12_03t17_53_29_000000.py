"""Constraints of the standing support tables.

Declared with :mod:`network.lib.ddl` so that they exist on SQLite too. No row-level
security: a series holds no case text (a specialist, a municipality, perhaps a named
social worker and a weekly time); its occurrences are bookings, which have it.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from network.lib.ddl import Check, Unique, constraint_migration

ID = "2026-12-03T17:53:29:000000"
VERSION = "1.38.0"
DESCRIPTION = "standing support constraints: one occurrence a date, bounded times"

CONSTRAINTS = (
    Unique("standing_occurrence", "standing_occurrence_once", ("series", "on_date")),
    Check("standing_series", "standing_series_weekday_range", "weekday BETWEEN 0 AND 6"),
    Check(
        "standing_series",
        "standing_series_duration_range",
        "duration_minutes BETWEEN 15 AND 240",
    ),
    Check(
        "standing_series",
        "standing_series_dates_in_order",
        "end_date IS NULL OR end_date >= first_date",
    ),
)


async def forwards() -> MigrationManager:
    return constraint_migration(ID, "standing", DESCRIPTION, CONSTRAINTS)
