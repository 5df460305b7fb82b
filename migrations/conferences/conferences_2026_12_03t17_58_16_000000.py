"""Constraints of the group-placement tables: one application per person and series,
bounded ranks, languages and settings (unique indexes and triggers on SQLite too, see
:mod:`network.lib.ddl`). Applications hold no case text: no row-level security."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from network.lib.ddl import Check, Unique, constraint_migration

ID = "2026-12-03T17:58:16:000000"
VERSION = "1.38.0"
DESCRIPTION = "group placement constraints: one application each, bounded settings"

CONSTRAINTS = (
    Unique("conference_application", "conference_application_once", ("series", "user")),
    Check("conference_application", "conference_application_rank_range", "rank BETWEEN 1 AND 20"),
    Check(
        "conference_placement",
        "conference_placement_floor_range",
        "min_municipalities BETWEEN 1 AND 10",
    ),
    Check(
        "conference_placement",
        "conference_placement_limit_range",
        "max_per_municipality IS NULL OR max_per_municipality BETWEEN 1 AND 100",
    ),
)


async def forwards() -> MigrationManager:
    return constraint_migration(ID, "conferences", DESCRIPTION, CONSTRAINTS)
