"""The transaction in which case data is read or written.

On PostgreSQL the case tables have row-level security (migration ``consultations``
2026-11-23T07:46): a row is visible only when the transaction names who is
asking. :func:`case_transaction` sets those names with ``set_config(..., true)``
(local to the transaction) from the principal's scope under the policy;
:func:`system_transaction` is for jobs that act for the whole network (batch
rounds, retention). On SQLite both are plain write transactions and the
application's own filters are the only line.

Every service that touches a table in :data:`CASE_TABLES` uses one of them.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from piccolo.engine.postgres import PostgresEngine

from network.accounts.policy import Action, Principal, visible_scope
from network.db import write_transaction
from network.directory.tables import Municipality

__all__ = (
    "CASE_TABLES",
    "case_settings",
    "case_transaction",
    "system_scope",
    "system_transaction",
)

CASE_TABLES = (
    "consultation_request",
    "assignment",
    "booking",
    "feedback",
    "consultation_message",
)


async def case_settings(principal: Principal) -> dict[str, str]:
    """The ``network.*`` settings that let ``principal`` see their case rows."""
    scope = visible_scope(principal, Action.CONSULTATION_READ)
    ids: set[int] = set()
    if scope.municipalities or scope.counties:
        condition: Any = Municipality.code.is_in(sorted(scope.municipalities) or [""])
        condition = condition | Municipality.county._.code.is_in(sorted(scope.counties) or [""])
        ids = {row["id"] for row in await Municipality.select(Municipality.id).where(condition)}
    return {
        "network.scope": "",
        "network.municipalities": ",".join(str(i) for i in sorted(ids)),
        "network.user_id": str(principal.user_id),
        "network.specialist_id": ""
        if principal.specialist_id is None
        else str(principal.specialist_id),
    }


_SAFE = re.compile(r"[0-9a-z,]*")
_NAME = re.compile(r"network\.[a-z_]+")


async def _apply(engine: Any, settings: dict[str, str]) -> None:
    """Set them all in one statement (one round trip per case transaction)."""
    calls = []
    for name, value in settings.items():
        assert _NAME.fullmatch(name), name
        assert _SAFE.fullmatch(value), value  # ids and keywords only: nothing to quote
        calls.append(f"set_config('{name}', '{value}', true)")
    await engine.run_ddl(f"SELECT {', '.join(calls)}")


@asynccontextmanager
async def case_transaction(engine: Any, principal: Principal) -> AsyncIterator[None]:
    """A write transaction in which ``principal`` sees exactly their case rows."""
    settings = await case_settings(principal)
    async with write_transaction(engine):
        if isinstance(engine, PostgresEngine):
            await _apply(engine, settings)
        yield


@asynccontextmanager
async def system_transaction(engine: Any) -> AsyncIterator[None]:
    """A write transaction acting for the whole network (system jobs only)."""
    async with write_transaction(engine):
        if isinstance(engine, PostgresEngine):
            await _apply(engine, {"network.scope": "all"})
        yield


@asynccontextmanager
async def system_scope(engine: Any) -> AsyncIterator[None]:
    """See every case row for the block only, then restore the caller's scope.

    For reads that must count all of a specialist's bookings (free slots, weekly
    capacity) whoever asks; callers select only times and ids, never case text.
    Inside a :func:`case_transaction` it widens that transaction for the block;
    outside one it opens a short transaction of its own.
    """
    if not isinstance(engine, PostgresEngine):
        yield
        return
    if engine.current_transaction.get() is None:
        async with engine.transaction():
            await _apply(engine, {"network.scope": "all"})
            yield
        return
    rows = await engine.run_ddl("SELECT current_setting('network.scope', true) AS scope")
    previous = (rows[0]["scope"] if rows else "") or ""
    await _apply(engine, {"network.scope": "all"})
    try:
        yield
    finally:
        await _apply(engine, {"network.scope": previous})
