"""The cyclic garbage collector in a process that keeps large values.

An app process keeps what is costly to build between requests (:class:`Kept`: the
area snapshots, the slot rules and hours), at national scale hundreds of thousands of
objects. CPython's full collections scan every object the collector tracks, so with
those kept each full pass took 0.1-0.4 s of CPU, and meanwhile the event loop
answered nobody: under load, a few suggestions in every hundred waited that long.

So once what is kept has changed (a new snapshot after an edit of the network, on
the first requests after a start), one pass, a few seconds later and off the request
path, collects what the change left behind and freezes what survives
(:func:`gc.freeze`): later full passes skip the frozen objects. The pass first
unfreezes what an earlier pass froze, so a replaced snapshot is collected as before.
"""

from __future__ import annotations

import asyncio
import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from network.kernel.background import in_background
from network.kernel.kept import Kept

__all__ = ("SETTLE_SECONDS", "settle", "settling")

# How long after a change to what is kept its pass runs (a burst of loads, as after a
# start, settles once).
SETTLE_SECONDS = 10.0


def settle() -> None:
    """Collect everything (what an earlier pass froze too), then freeze what is left."""
    gc.unfreeze()
    gc.collect()
    gc.freeze()


@asynccontextmanager
async def settling(kept: Kept, seconds: float = SETTLE_SECONDS) -> AsyncIterator[None]:
    """While open: every ``seconds``, :func:`settle` if ``kept`` changed since the
    last pass (one pass a few seconds after a start, then only after changes)."""

    async def loop() -> None:
        seen = -1
        while True:
            await asyncio.sleep(seconds)
            if kept.changes != seen:
                seen = kept.changes
                settle()

    async with in_background(loop):
        yield
