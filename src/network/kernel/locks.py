"""Named locks that one process at a time may hold: a Redis lock when Redis is
configured (so they hold across processes and machines), else an in-process lock.

Taking a busy lock does not wait: it refuses with :class:`~network.lib.errors.Conflict`,
so a second coordinator starting a round sees "a round is running" at once.

A Redis lock lives ``NETWORK_LOCK_SECONDS`` (default 30) and its holder renews it
every third of that while it works, so a round that takes long keeps its lock,
and the lock of a process that was killed is free again within that time.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress

from redis.asyncio import Redis
from redis.asyncio.lock import Lock
from redis.exceptions import LockError, RedisError

from network.lib.errors import Conflict

__all__ = ("DEFAULT_LOCK_SECONDS", "Locks", "key_of")

logger = logging.getLogger("network.locks")
DEFAULT_LOCK_SECONDS = 30


def key_of(name: str) -> str:
    """The Redis key of lock ``name``."""
    return f"network:lock:{name}"


class Locks:
    """The app's named locks: on ``redis`` when given, else in this process."""

    def __init__(self, redis: Redis | None, seconds: int = DEFAULT_LOCK_SECONDS) -> None:
        self.redis = redis
        self.seconds = seconds
        self._local: dict[str, asyncio.Lock] = {}

    @asynccontextmanager
    async def exclusive(self, name: str, *, busy: str) -> AsyncIterator[None]:
        """Hold lock ``name`` for the block, or raise :class:`Conflict` with ``busy``."""
        if self.redis is None:
            lock = self._local.setdefault(name, asyncio.Lock())
            if lock.locked():
                raise Conflict(busy)
            async with lock:
                yield
            return
        remote = self.redis.lock(key_of(name), timeout=self.seconds, blocking=False)
        if not await remote.acquire():
            raise Conflict(busy)
        renewal = asyncio.create_task(self._renew(remote, name))
        try:
            yield
        finally:
            renewal.cancel()
            with suppress(asyncio.CancelledError):
                await renewal
            try:
                await remote.release()
            except (LockError, RedisError) as error:  # it expires by itself
                logger.warning("lock %s not released: %s", name, error)

    async def _renew(self, lock: Lock, name: str) -> None:
        while True:
            await asyncio.sleep(self.seconds / 3)
            try:
                await lock.reacquire()
            except (LockError, RedisError) as error:
                logger.error("lock %s could not be renewed: %s", name, error)
