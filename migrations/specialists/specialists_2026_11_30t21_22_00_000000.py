"""The ``network`` data version is raised by triggers with every change to the
specialists' profiles and competences too (see the directory app's migration)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from network.lib.ddl import Counted, constraint_migration

ID = "2026-11-30T21:22:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "network data version triggers (specialists)"

CONSTRAINTS = (
    Counted("specialist_profile", "network"),
    Counted("specialist_competence", "network"),
)


async def forwards() -> MigrationManager:
    return constraint_migration(ID, "specialists", DESCRIPTION, CONSTRAINTS)
