"""The shared cache steps aside while Redis cannot be reached: values are computed
afresh, and recording a change does not fail the (already committed) write."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest
from litestar.stores.redis import RedisStore
from redis.asyncio import Redis

from network.kernel.cache import Cache
from tests.support.server import free_port


@pytest.fixture
def unreachable() -> Iterator[Cache]:
    """A cache on a Redis store whose server does not answer (a port nobody serves)."""
    client = Redis.from_url(f"redis://127.0.0.1:{free_port()}/0", socket_connect_timeout=1)
    try:
        yield Cache(RedisStore(client, namespace="network-test"))
    finally:
        asyncio.run(client.aclose())


def test_values_are_computed_and_changes_do_not_fail(unreachable: Cache) -> None:
    cache = unreachable
    calls: list[int] = []

    async def compute() -> bytes:
        calls.append(1)
        return b"fresh"

    async def run() -> list[bytes]:
        first = await cache.cached("v1", "k", compute, ttl=60)
        second = await cache.cached("v1", "k", compute, ttl=60)
        return [first, second]

    assert asyncio.run(run()) == [b"fresh", b"fresh"]
    assert len(calls) == 2  # nothing was kept


def test_with_a_store_values_are_kept_until_the_data_version_changes() -> None:
    calls: list[int] = []

    async def compute() -> bytes:
        calls.append(1)
        return str(len(calls)).encode()

    async def run() -> list[bytes]:
        first = await cache.cached("v1", "k", compute, ttl=60)
        again = await cache.cached("v1", "k", compute, ttl=60)
        after = await cache.cached("v2", "k", compute, ttl=60)  # the data changed
        return [first, again, after]

    cache = Cache()  # in process memory
    assert asyncio.run(run()) == [b"1", b"1", b"2"]
