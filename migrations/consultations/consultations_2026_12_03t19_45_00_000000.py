"""Row-level security: a requester without a place to read (a specialist asking a
colleague) sees the offers, bookings and messages of the requests they asked.

``network.kernel.case_scope`` names those requests in ``network.requests`` (the ids
of the requests whose requester is the asking user); the policies of ``assignment``,
``booking`` and ``consultation_message`` let them through too. A social worker sees
them already through their municipality.
"""

from typing import Any

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-12-03T19:45:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "row-level security: requesters see the offers, bookings, messages they asked"

ALL = "current_setting('network.scope', true) = 'all'"
IN_MUNICIPALITIES = (
    "origin_municipality = ANY (string_to_array("
    "NULLIF(current_setting('network.municipalities', true), ''), ',')::integer[])"
)
USER = "NULLIF(current_setting('network.user_id', true), '')::integer"
SPECIALIST = "NULLIF(current_setting('network.specialist_id', true), '')::integer"
ASKED = (
    "request = ANY (string_to_array("
    "NULLIF(current_setting('network.requests', true), ''), ',')::integer[])"
)

# (table, the condition before, the condition now)
POLICIES = (
    (
        "assignment",
        f"{ALL} OR {IN_MUNICIPALITIES} OR specialist = {SPECIALIST}",
    ),
    (
        "booking",
        f"{ALL} OR {IN_MUNICIPALITIES} OR specialist = {SPECIALIST}",
    ),
    (
        "consultation_message",
        f"{ALL} OR {IN_MUNICIPALITIES} OR author = {USER} "
        "OR EXISTS (SELECT 1 FROM assignment a WHERE a.request = consultation_message.request "
        f"AND a.specialist = {SPECIALIST})",
    ),
)


async def _alter(engine: Any, *, widened: bool) -> None:
    if engine.engine_type != "postgres":
        return  # SQLite has no row-level security
    for table, before in POLICIES:
        condition = f"{before} OR {ASKED}" if widened else before
        await engine.run_ddl(
            f'ALTER POLICY "{table}_case_scope" ON "{table}" '
            f"USING ({condition}) WITH CHECK ({condition})"
        )


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="consultations", description=DESCRIPTION)

    async def apply() -> None:
        await _alter(engine_finder(), widened=True)

    async def revert() -> None:
        await _alter(engine_finder(), widened=False)

    manager.add_raw(apply)
    manager.add_raw_backwards(revert)
    return manager
