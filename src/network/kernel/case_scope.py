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
from contextvars import ContextVar
from typing import Any

from piccolo.engine.postgres import PostgresEngine

from network.db import fetch, write_transaction
from network.kernel.policy import Action, Principal, visible_scope

__all__ = (
    "CASE_TABLES",
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
    "conference_case",
    "engagement",
    "engagement_phase_change",
    "engagement_time",
    "engagement_handover",
    "peer_post",
    "peer_reply",
)


async def _apply_case_scope(engine: PostgresEngine, principal: Principal) -> None:
    """Name who is asking (PostgreSQL), in one statement: the ids of the
    municipalities whose cases ``principal`` may see (looked up from their codes in
    the same statement), their user id and their specialist id; for a specialist
    who may ask colleagues, the ids of the requests they asked (a second statement)."""
    scope = visible_scope(principal, Action.CONSULTATION_READ)
    await fetch(
        engine,
        (
            "SELECT set_config('network.scope', '', true), "
            "set_config('network.municipalities', COALESCE(("
            "SELECT string_agg(m.id::text, ',' ORDER BY m.id) FROM municipality m "
            "JOIN county c ON c.id = m.county "
            "WHERE m.code = ANY({}::varchar[]) OR c.code = ANY({}::varchar[])), ''), true), "
            "set_config('network.user_id', {}, true), "
            "set_config('network.specialist_id', {}, true)"
        ),
        sorted(scope.municipalities),
        sorted(scope.counties),
        str(principal.user_id),
        "" if principal.specialist_id is None else str(principal.specialist_id),
    )
    if scope.own_user_id is not None and principal.specialist_id is not None:
        # A specialist asking a colleague has no place whose cases they read: the
        # requests they asked (visible as theirs now that ``network.user_id`` is
        # set) name the offers, bookings and messages they see of them (migration
        # ``consultations`` 2026-12-03T19:45).
        await fetch(
            engine,
            (
                "SELECT set_config('network.requests', COALESCE(("
                "SELECT string_agg(r.id::text, ',' ORDER BY r.id) "
                "FROM consultation_request r WHERE r.requester = {}), ''), true)"
            ),
            principal.user_id,
        )


# The ``network.scope`` a transaction has set, as (that transaction, the scope):
# lets :func:`system_scope` skip asking the database, and nest for free.
_scope: ContextVar[tuple[object, str] | None] = ContextVar("network_scope", default=None)

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
    async with write_transaction(engine):
        if not isinstance(engine, PostgresEngine):
            yield
            return
        await _apply_case_scope(engine, principal)
        token = _scope.set((engine.current_transaction.get(), ""))
        try:
            yield
        finally:
            _scope.reset(token)


@asynccontextmanager
async def system_transaction(engine: Any) -> AsyncIterator[None]:
    """A write transaction acting for the whole network (system jobs only)."""
    async with write_transaction(engine):
        if not isinstance(engine, PostgresEngine):
            yield
            return
        await _apply(engine, {"network.scope": "all"})
        token = _scope.set((engine.current_transaction.get(), "all"))
        try:
            yield
        finally:
            _scope.reset(token)


@asynccontextmanager
async def system_scope(engine: Any) -> AsyncIterator[None]:
    """See every case row for the block only, then restore the caller's scope.

    For reads that must count all of a specialist's bookings (free slots, weekly
    capacity) whoever asks; callers select only times and ids, never case text.
    Inside a :func:`case_transaction` it widens that transaction for the block;
    outside one it opens a short transaction of its own. Inside a block that sees
    everything already (a system transaction, an enclosing ``system_scope``) it
    costs nothing.
    """
    if not isinstance(engine, PostgresEngine):
        yield
        return
    transaction = engine.current_transaction.get()
    if transaction is None:
        async with engine.transaction():
            await _apply(engine, {"network.scope": "all"})
            token = _scope.set((engine.current_transaction.get(), "all"))
            try:
                yield
            finally:
                _scope.reset(token)
        return
    known = _scope.get()
    if known is not None and known[0] is transaction:
        previous = known[1]
    else:
        rows = await engine.run_ddl("SELECT current_setting('network.scope', true) AS scope")
        previous = (rows[0]["scope"] if rows else "") or ""
    if previous == "all":
        yield
        return
    await _apply(engine, {"network.scope": "all"})
    token = _scope.set((transaction, "all"))
    try:
        yield
    finally:
        _scope.reset(token)
        await _apply(engine, {"network.scope": previous})
