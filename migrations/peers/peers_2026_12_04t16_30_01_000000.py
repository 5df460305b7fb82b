"""Row-level security of the peer groups' threads.

Declared with :mod:`network.lib.ddl` (a no-op on SQLite, where the application's own
checks are the only line). A post or reply is visible, and writable, only to a
specialist competent in its area (``network.specialist_id``, set by
``network.kernel.case_scope``), or to a system transaction. The texts' lengths are
bounded by the API's Structs.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from network.lib.ddl import RowSecurity, constraint_migration

ID = "2026-12-04T16:30:01:000000"
VERSION = "1.38.0"
DESCRIPTION = "peer threads under RLS: only the area's specialists"

ALL = "current_setting('network.scope', true) = 'all'"
SPECIALIST = "NULLIF(current_setting('network.specialist_id', true), '')::integer"


def _of_area(table: str) -> str:
    return (
        f"{ALL} OR EXISTS (SELECT 1 FROM specialist_competence sc "
        f"WHERE sc.specialist = {SPECIALIST} AND sc.area = {table}.area)"
    )


CONSTRAINTS = (
    RowSecurity("peer_post", _of_area("peer_post")),
    RowSecurity("peer_reply", _of_area("peer_reply")),
)


async def forwards() -> MigrationManager:
    return constraint_migration(ID, "peers", DESCRIPTION, CONSTRAINTS)
