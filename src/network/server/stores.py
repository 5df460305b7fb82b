"""Litestar stores and channels: in-process by default, Redis when configured."""

from __future__ import annotations

from litestar.channels import ChannelsPlugin
from litestar.channels.backends.base import ChannelsBackend
from litestar.channels.backends.memory import MemoryChannelsBackend
from litestar.channels.backends.redis import RedisChannelsPubSubBackend
from litestar.stores.memory import MemoryStore
from litestar.stores.redis import RedisStore
from litestar.stores.registry import StoreRegistry
from redis.asyncio import Redis

__all__ = ("make_channels", "make_store_registry")


def make_store_registry(redis: Redis | None) -> StoreRegistry:
    """Named stores (``sessions``, ``rate_limit``, ``cache``) sharing one backend."""
    if redis is None:
        return StoreRegistry(default_factory=lambda name: MemoryStore())
    root = RedisStore(redis, namespace="network", handle_client_shutdown=False)
    return StoreRegistry(default_factory=root.with_namespace)


def make_channels(redis: Redis | None) -> ChannelsPlugin:
    """Channels for notifications; Redis pub/sub so that they cross processes."""
    backend: ChannelsBackend = (
        MemoryChannelsBackend(history=0)
        if redis is None
        else RedisChannelsPubSubBackend(redis=redis)
    )
    return ChannelsPlugin(
        backend=backend, arbitrary_channels_allowed=True, create_ws_route_handlers=False
    )
