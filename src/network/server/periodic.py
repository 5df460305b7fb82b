"""Background jobs that run every so often while the app runs.

With several processes, a lock per job (:class:`~network.kernel.locks.Locks`) lets
one of them do each pass; the others skip it. A failing pass is logged and the next one tries again.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

from network.kernel.background import in_background
from network.kernel.locks import Locks
from network.lib.errors import Conflict

__all__ = ("periodic",)

logger = logging.getLogger("network.periodic")


@asynccontextmanager
async def periodic(
    name: str,
    interval_seconds: int,
    locks: Locks,
    work: Callable[[], Awaitable[object]],
) -> AsyncIterator[None]:
    """Run ``work`` every ``interval_seconds`` while the context is open (0: never).
    A result that is truthy is logged."""
    if interval_seconds <= 0:
        yield
        return

    async def loop() -> None:
        while True:
            await asyncio.sleep(interval_seconds)
            try:
                async with locks.exclusive(name, busy="busy"):
                    result = await work()
                if result:
                    logger.info("%s: %s", name, result)
            except Conflict:
                continue  # another process is doing this pass
            except Exception:  # keep the loop alive; the next pass tries again
                logger.exception("%s pass failed", name)

    async with in_background(loop):
        yield
