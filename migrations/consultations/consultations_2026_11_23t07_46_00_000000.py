"""Row-level security on the tables that hold case data (PostgreSQL).

A row is visible only inside a transaction that names who is asking (see
``network.kernel.case_scope``): the municipalities whose cases they may see,
their user id, their specialist id, or the system scope ``all``. A query run
without these settings sees no case rows at all, even if code forgets a filter.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from network.lib.ddl import RowSecurity, constraint_migration

ID = "2026-11-23T07:46:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "row-level security on case tables"

ALL = "current_setting('network.scope', true) = 'all'"
IN_MUNICIPALITIES = (
    "origin_municipality = ANY (string_to_array("
    "NULLIF(current_setting('network.municipalities', true), ''), ',')::integer[])"
)
USER = "NULLIF(current_setting('network.user_id', true), '')::integer"
SPECIALIST = "NULLIF(current_setting('network.specialist_id', true), '')::integer"

CONSTRAINTS = (
    RowSecurity(
        "consultation_request",
        f"{ALL} OR {IN_MUNICIPALITIES} OR requester = {USER} OR named_specialist = {SPECIALIST} "
        "OR EXISTS (SELECT 1 FROM assignment a WHERE a.request = consultation_request.id "
        f"AND a.specialist = {SPECIALIST})",
    ),
    RowSecurity("assignment", f"{ALL} OR {IN_MUNICIPALITIES} OR specialist = {SPECIALIST}"),
    RowSecurity("booking", f"{ALL} OR {IN_MUNICIPALITIES} OR specialist = {SPECIALIST}"),
    RowSecurity("feedback", f"{ALL} OR {IN_MUNICIPALITIES} OR author = {USER}"),
)


async def forwards() -> MigrationManager:
    return constraint_migration(ID, "consultations", DESCRIPTION, CONSTRAINTS)
