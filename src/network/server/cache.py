"""A shared cache of derived data that is dropped when its inputs change.

Each *topic* (e.g. ``"network"``: specialists, competences, hours and agreements)
has a version token; writers call :func:`changed` after committing, and every
cached entry's key holds the token it was computed under, so a change makes all
older entries unreachable at once (they then expire by their TTL). The store is
the app's store (one namespace per database): Redis when configured, so every process sees the same
entries and the same changes; in-process memory otherwise.

While Redis cannot be reached the cache steps aside: entries are computed afresh
and not kept, and a change that cannot be recorded is logged (entries made before
it then live at most their TTL).
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from collections.abc import Awaitable, Callable

from litestar.stores.base import Store
from litestar.stores.memory import MemoryStore
from redis.exceptions import RedisError

__all__ = ("NETWORK", "cached", "changed", "configure", "store_name", "version")

# Specialists' homes, competences and hours, and sharing agreements: what coverage reads.
NETWORK = "network"

logger = logging.getLogger("network.cache")
_store: Store = MemoryStore()
VERSION_TTL = 30 * 24 * 3600


def store_name(database_url: str) -> str:
    """The app's store for this cache: one per database."""
    return f"cache-{hashlib.sha256(database_url.encode()).hexdigest()[:12]}"


def configure(store: Store | None) -> None:
    """Use ``store`` (see :func:`store_name`); ``None`` returns to process memory."""
    global _store  # one cache per process, set at start-up
    _store = store if store is not None else MemoryStore()


async def version(topic: str) -> str:
    """The topic's current version token (made on first use)."""
    key = f"version:{topic}"
    found = await _store.get(key)
    if found is not None:
        return found.decode()
    token = secrets.token_hex(8)
    await _store.set(key, token, expires_in=VERSION_TTL)
    return token


async def changed(topic: str) -> None:
    """The topic's inputs changed: entries computed before are not used again."""
    try:
        await _store.set(f"version:{topic}", secrets.token_hex(8), expires_in=VERSION_TTL)
    except RedisError as error:  # the change itself is committed; don't fail the request
        logger.error("cache topic %s not renewed, Redis unavailable: %s", topic, error)


async def cached(
    topic: str, key: str, compute: Callable[[], Awaitable[bytes]], *, ttl: int
) -> bytes:
    """The entry for ``key`` under the topic's current version, computed on a miss and
    kept for ``ttl`` seconds."""
    try:
        full = f"{topic}:{await version(topic)}:{key}"
        found = await _store.get(full)
    except RedisError as error:
        logger.warning("cache skipped, Redis unavailable: %s", error)
        return await compute()
    if found is not None:
        return found
    value = await compute()
    try:
        await _store.set(full, value, expires_in=ttl)
    except RedisError as error:
        logger.warning("cache entry not kept, Redis unavailable: %s", error)
    return value
