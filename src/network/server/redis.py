"""The Redis connection when ``NETWORK_REDIS_URL`` is set, and its start-up check."""

from __future__ import annotations

from redis.asyncio import Redis
from redis.asyncio.retry import Retry
from redis.backoff import ExponentialBackoff

from network.settings import Settings, SettingsError

__all__ = ("check_redis", "make_redis")


def make_redis(settings: Settings) -> Redis | None:
    """A lazily connecting client, or ``None`` for the embedded (in-process) mode."""
    if settings.redis_url is None:
        return None
    # One quick retry on a fresh connection (after Redis restarts, pooled sockets are
    # dead), then fail: a request answers 503 at once rather than waiting out an outage.
    return Redis.from_url(
        settings.redis_url,
        socket_connect_timeout=2,
        socket_timeout=5,
        health_check_interval=30,
        retry=Retry(ExponentialBackoff(cap=0.2, base=0.05), retries=1),
    )


async def check_redis(settings: Settings) -> None:
    """Raise :class:`SettingsError` naming ``NETWORK_REDIS_URL`` if Redis cannot be reached."""
    client = make_redis(settings)
    if client is None:
        return
    try:
        await client.ping()
    except Exception as error:
        raise SettingsError("NETWORK_REDIS_URL", f"cannot reach Redis ({error})") from error
    finally:
        await client.aclose()
