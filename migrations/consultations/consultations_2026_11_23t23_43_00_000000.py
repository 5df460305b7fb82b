"""Row-level security on the messages of written consultations (PostgreSQL): visible
to the request's municipalities, their author, and the specialists it was offered to."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from network.lib.ddl import RowSecurity, constraint_migration

ID = "2026-11-23T23:43:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "row-level security on consultation messages"

ALL = "current_setting('network.scope', true) = 'all'"
IN_MUNICIPALITIES = (
    "origin_municipality = ANY (string_to_array("
    "NULLIF(current_setting('network.municipalities', true), ''), ',')::integer[])"
)
USER = "NULLIF(current_setting('network.user_id', true), '')::integer"
SPECIALIST = "NULLIF(current_setting('network.specialist_id', true), '')::integer"

CONSTRAINTS = (
    RowSecurity(
        "consultation_message",
        f"{ALL} OR {IN_MUNICIPALITIES} OR author = {USER} "
        "OR EXISTS (SELECT 1 FROM assignment a WHERE a.request = consultation_message.request "
        f"AND a.specialist = {SPECIALIST})",
    ),
)


async def forwards() -> MigrationManager:
    return constraint_migration(ID, "consultations", DESCRIPTION, CONSTRAINTS)
