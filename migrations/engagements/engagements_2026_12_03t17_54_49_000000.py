"""Constraints and row-level security of the co-handling engagement tables.

Declared with :mod:`network.lib.ddl` so that they exist on SQLite too (as unique
indexes and triggers) and not only on PostgreSQL. Every engagement table is case
data: visible only to the request's municipality (its case readers), the requester
and the engagement's current specialist (see ``network.kernel.case_scope``).
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from network.lib.ddl import Check, RowSecurity, constraint_migration

ID = "2026-12-03T17:54:49:000000"
VERSION = "1.38.0"
DESCRIPTION = "engagement constraints: bounded minutes; every engagement table under RLS"

ALL = "current_setting('network.scope', true) = 'all'"
IN_MUNICIPALITIES = (
    "origin_municipality = ANY (string_to_array("
    "NULLIF(current_setting('network.municipalities', true), ''), ',')::integer[])"
)
USER = "NULLIF(current_setting('network.user_id', true), '')::integer"
SPECIALIST = "NULLIF(current_setting('network.specialist_id', true), '')::integer"


def _of_engagement(table: str) -> str:
    return (
        f"{ALL} OR {IN_MUNICIPALITIES} OR EXISTS (SELECT 1 FROM engagement e "
        f"WHERE e.id = {table}.engagement AND (e.specialist = {SPECIALIST} "
        f"OR e.requester = {USER}))"
    )


CONSTRAINTS = (
    Check("engagement_time", "engagement_time_minutes_range", "minutes BETWEEN 1 AND 1440"),
    Check(
        "engagement",
        "engagement_closed_after_opened",
        "closed_at IS NULL OR closed_at >= opened_at",
    ),
    RowSecurity(
        "engagement",
        f"{ALL} OR {IN_MUNICIPALITIES} OR requester = {USER} OR specialist = {SPECIALIST}",
    ),
    RowSecurity("engagement_phase_change", _of_engagement("engagement_phase_change")),
    RowSecurity("engagement_time", _of_engagement("engagement_time")),
    RowSecurity(
        "engagement_handover",
        f"{_of_engagement('engagement_handover')} OR from_specialist = {SPECIALIST}",
    ),
)


async def forwards() -> MigrationManager:
    return constraint_migration(ID, "engagements", DESCRIPTION, CONSTRAINTS)
