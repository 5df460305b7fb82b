"""The garbage collector's passes over what a process keeps (network.kernel.heap)."""

from __future__ import annotations

import asyncio
import gc
import weakref

from network.kernel.heap import settle, settling
from network.kernel.kept import Kept


class Node:
    """An object in a reference cycle: only the cyclic collector frees it."""

    def __init__(self) -> None:
        self.me = self


def test_settle_freezes_what_is_kept_and_collects_it_once_replaced() -> None:
    kept = Kept()
    first = Node()
    gone = weakref.ref(first)
    kept.keep("snapshot", first)
    del first
    try:
        settle()
        assert gc.get_freeze_count() > 0
        kept.keep("snapshot", Node())  # the first is now cyclic garbage, frozen
        gc.collect()
        assert gone() is not None  # a full pass skips frozen objects: the point
        settle()
        assert gone() is None  # the next settle unfreezes and collects it
    finally:
        gc.unfreeze()


def test_settling_passes_once_after_each_change() -> None:
    async def run() -> list[int]:
        kept = Kept()
        counts = []
        async with settling(kept, 0.02):
            await asyncio.sleep(0.1)  # the first pass (a start)
            counts.append(gc.get_freeze_count())
            gc.unfreeze()
            await asyncio.sleep(0.1)  # nothing kept changed: no pass
            counts.append(gc.get_freeze_count())
            kept.keep("snapshot", Node())
            await asyncio.sleep(0.1)
            counts.append(gc.get_freeze_count())
        gc.unfreeze()
        return counts

    first, unchanged, changed = asyncio.run(run())
    assert first > 0
    assert unchanged == 0
    assert changed > 0
