"""One live calendar feed per user (a revoked feed frees the place)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from network.lib.ddl import Unique, constraint_migration

ID = "2026-12-04T16:21:01:000000"
VERSION = "1.38.0"
DESCRIPTION = "user calendar feed constraints"

CONSTRAINTS = (
    Unique(
        "user_calendar_feed",
        "user_calendar_feed_one_live_per_user",
        ("user",),
        where="revoked_at IS NULL",
    ),
)


async def forwards() -> MigrationManager:
    return constraint_migration(ID, "specialists", DESCRIPTION, CONSTRAINTS)
