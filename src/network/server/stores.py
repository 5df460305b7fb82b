"""Litestar stores and channels: in-process by default, Redis when configured."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncGenerator, Iterable
from typing import Any

from litestar.channels import ChannelsPlugin
from litestar.channels.backends.base import ChannelsBackend
from litestar.channels.backends.memory import MemoryChannelsBackend
from litestar.channels.backends.redis import RedisChannelsPubSubBackend
from litestar.stores.memory import MemoryStore
from litestar.stores.redis import RedisStore
from litestar.stores.registry import StoreRegistry
from redis.asyncio import Redis
from redis.exceptions import RedisError

__all__ = ("ResilientPubSubBackend", "make_channels", "make_store_registry")

logger = logging.getLogger("network.channels")
RECONNECT_SECONDS = (0.1, 0.5, 1.0, 2.0)  # waits between tries while Redis is away


class ResilientPubSubBackend(RedisChannelsPubSubBackend):
    """Redis pub/sub that lives through a Redis outage.

    Litestar's backend lets a connection error end its publishing and listening
    tasks for good, so a process would never push a notification again after Redis
    came back. Here a push that fails is logged and dropped (the notification itself
    is in the database, in the inbox), and listening resumes, resubscribed, once
    Redis answers again.
    """

    async def publish(self, data: bytes, channels: Iterable[str]) -> None:
        try:
            await super().publish(data, channels)
        except RedisError as error:
            logger.warning("notification push dropped, Redis unavailable: %s", error)

    async def stream_events(self) -> AsyncGenerator[tuple[str, Any], None]:
        failures = 0
        while True:
            try:
                async for event in super().stream_events():
                    failures = 0
                    yield event
            except RedisError as error:
                wait = RECONNECT_SECONDS[min(failures, len(RECONNECT_SECONDS) - 1)]
                if failures == 0:
                    logger.warning("notification stream lost, Redis unavailable: %s", error)
                failures += 1
                await asyncio.sleep(wait)


def make_store_registry(redis: Redis | None) -> StoreRegistry:
    """Named stores (``sessions``, ``rate_limit``, ``cache``) sharing one backend."""
    if redis is None:
        return StoreRegistry(default_factory=lambda name: MemoryStore())
    root = RedisStore(redis, namespace="network", handle_client_shutdown=False)
    return StoreRegistry(default_factory=root.with_namespace)


def make_channels(redis: Redis | None) -> ChannelsPlugin:
    """Channels for notifications; Redis pub/sub so that they cross processes."""
    backend: ChannelsBackend = (
        MemoryChannelsBackend(history=0) if redis is None else ResilientPubSubBackend(redis=redis)
    )
    return ChannelsPlugin(
        backend=backend, arbitrary_channels_allowed=True, create_ws_route_handlers=False
    )
