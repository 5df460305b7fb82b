"""Constraints of the specialists tables that the database enforces.

Declared with :mod:`network.lib.ddl` so that they exist on SQLite too (as unique
indexes and triggers) and not only on PostgreSQL.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from network.lib.ddl import Check, Unique, constraint_migration

ID = "2026-11-23T06:39:30:000000"
VERSION = "1.38.0"
DESCRIPTION = "specialists constraints"

CONSTRAINTS = (
    Check(
        "specialist_profile",
        "specialist_profile_capacity_in_range",
        "consultations_per_week >= 0 AND consultations_per_week <= 60 AND mentees_capacity >= 0 AND mentees_capacity <= 20",
    ),
    Check(
        "specialist_profile",
        "specialist_profile_slot_in_range",
        "slot_minutes >= 15 AND slot_minutes <= 240 AND buffer_minutes >= 0 AND buffer_minutes <= 120 AND max_travel_km >= 0 AND max_travel_km <= 2000",
    ),
    Check(
        "specialist_competence", "specialist_competence_level_in_range", "level >= 1 AND level <= 3"
    ),
    Unique("specialist_competence", "specialist_competence_unique_area", ("specialist", "area")),
    Check(
        "availability_rule", "availability_rule_weekday_in_range", "weekday >= 0 AND weekday <= 6"
    ),
    Check("availability_rule", "availability_rule_interval_in_order", "end_time > start_time"),
    Check(
        "availability_override",
        "availability_override_closed_or_interval",
        "(closed AND start_time IS NULL AND end_time IS NULL) OR (NOT closed AND start_time IS NOT NULL AND end_time IS NOT NULL AND end_time > start_time)",
    ),
    Check("absence", "absence_period_in_order", "ends_at > starts_at"),
)


async def forwards() -> MigrationManager:
    return constraint_migration(ID, "specialists", DESCRIPTION, CONSTRAINTS)
