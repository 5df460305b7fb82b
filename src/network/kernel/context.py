"""Who acts, with what: the context every use case takes.

:class:`Runtime` is the app's shared services, made once from the settings by the
composition root (:func:`network.bootstrap.build_runtime`); :class:`Context` is one
signed-in person's request against it, made by the ``ctx`` dependency of every
handler that needs one (:func:`network.accounts.guards.provide_context`). A use case
that changes case data opens its unit of work with :meth:`Context.work`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from redis.asyncio import Redis

from network.kernel.cache import Cache
from network.kernel.case_scope import case_transaction, system_transaction
from network.kernel.kept import Kept
from network.kernel.locks import Locks
from network.kernel.outbox import Outbox
from network.kernel.policy import Principal
from network.kernel.unit import UnitOfWork, unit_of_work
from network.settings import Settings

__all__ = ("Actor", "Context", "Runtime")


@dataclass(frozen=True, slots=True)
class Actor:
    """Who acts, from where, as the audit log records it (taken from the request)."""

    user_id: int | None = None
    email: str | None = None
    role: str | None = None
    client_addr: str | None = None
    request_id: str | None = None


@dataclass(frozen=True, slots=True, eq=False)
class Runtime:
    """The app's services: its database engine (every table is bound to it), Redis
    (``None`` on the embedded default), the derived-data cache, the named locks, the
    outbox of notifications, and what the process keeps between requests."""

    settings: Settings
    engine: Any  # piccolo.engine.base.Engine
    redis: Redis | None
    cache: Cache
    locks: Locks
    outbox: Outbox
    kept: Kept = field(default_factory=Kept)

    @asynccontextmanager
    async def system_work(self) -> AsyncIterator[UnitOfWork]:
        """A unit of work acting for the whole network (system jobs only)."""
        async with unit_of_work(self.outbox, lambda: system_transaction(self.engine)) as unit:
            yield unit


@dataclass(frozen=True, slots=True)
class Context:
    """One signed-in person's request: who (``principal``), as the audit log names
    them (``actor``), against the app's services (``runtime``)."""

    principal: Principal
    actor: Actor
    runtime: Runtime

    @asynccontextmanager
    async def work(self) -> AsyncIterator[UnitOfWork]:
        """A unit of work in a transaction that sees exactly this person's case rows."""
        async with unit_of_work(
            self.runtime.outbox, lambda: case_transaction(self.runtime.engine, self.principal)
        ) as unit:
            yield unit
