"""A shared cache of derived data, keyed by the data version it was computed under.

One rule drops stale entries, and no writer can forget it: the caller names the
*version token* of the data an entry derives from — the database's own counters
(``directory.versions``: triggers raise them with every insert, update or delete,
whoever writes) — and every entry's key holds it. A change of the data makes a new
token, so older entries are never read again (they expire by their TTL). There is
nothing for a writer to call.

The composition root (:mod:`network.bootstrap`) makes one :class:`Cache` per app
over the app's store (one namespace per database): Redis when configured, so
every process shares the entries; in-process memory otherwise. While Redis cannot be
reached the cache steps aside: entries are computed afresh and not kept.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Awaitable, Callable

from litestar.stores.base import Store
from litestar.stores.memory import MemoryStore
from redis.exceptions import RedisError

__all__ = ("Cache", "store_name")

logger = logging.getLogger("network.cache")


def store_name(database_url: str) -> str:
    """The app's store for a cache: one per database."""
    return f"cache-{hashlib.sha256(database_url.encode()).hexdigest()[:12]}"


class Cache:
    """Entries kept in ``store`` (see :func:`store_name`); process memory by default."""

    def __init__(self, store: Store | None = None) -> None:
        self.store: Store = store if store is not None else MemoryStore()

    async def cached(
        self, version: str, key: str, compute: Callable[[], Awaitable[bytes]], *, ttl: int
    ) -> bytes:
        """The entry for ``key`` under the data ``version`` it derives from, computed on
        a miss and kept for ``ttl`` seconds."""
        full = f"{version}:{key}"
        try:
            found = await self.store.get(full)
        except RedisError as error:
            logger.warning("cache skipped, Redis unavailable: %s", error)
            return await compute()
        if found is not None:
            return found
        value = await compute()
        try:
            await self.store.set(full, value, expires_in=ttl)
        except RedisError as error:
            logger.warning("cache entry not kept, Redis unavailable: %s", error)
        return value
