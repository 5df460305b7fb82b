"""One live calendar feed per specialist (a revoked feed frees the place)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from network.lib.ddl import Unique, constraint_migration

ID = "2026-11-23T23:33:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "calendar feed constraints"

CONSTRAINTS = (
    Unique(
        "calendar_feed",
        "calendar_feed_one_live_per_specialist",
        ("specialist",),
        where="revoked_at IS NULL",
    ),
)


async def forwards() -> MigrationManager:
    return constraint_migration(ID, "specialists", DESCRIPTION, CONSTRAINTS)
