"""Named locks that one process at a time may hold: a Redis lock when Redis is
configured (so they hold across processes and machines), else an in-process lock.

Taking a busy lock does not wait: it refuses with :class:`~network.lib.errors.Conflict`,
so a second coordinator starting a round sees "a round is running" at once.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from redis.asyncio import Redis

from network.lib.errors import Conflict

__all__ = ("exclusive",)

_LOCAL: dict[str, asyncio.Lock] = {}
LOCK_SECONDS = 600  # a crashed holder's Redis lock expires after this


@asynccontextmanager
async def exclusive(name: str, redis: Redis | None, *, busy: str) -> AsyncIterator[None]:
    """Hold lock ``name`` for the block, or raise :class:`Conflict` with ``busy``."""
    if redis is None:
        lock = _LOCAL.setdefault(name, asyncio.Lock())
        if lock.locked():
            raise Conflict(busy)
        async with lock:
            yield
        return
    remote = redis.lock(f"network:lock:{name}", timeout=LOCK_SECONDS, blocking=False)
    if not await remote.acquire():
        raise Conflict(busy)
    try:
        yield
    finally:
        await remote.release()
