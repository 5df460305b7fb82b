"""The unit of work: one change, committed with what it records and announces.

A use case opens one with :meth:`network.kernel.context.Context.work` (or a system
job with :meth:`network.kernel.context.Runtime.system_work`). Inside it:

- rows that go with the change but are written by another part of the app (the
  audit log's records) are *collected* (:meth:`UnitOfWork.collect`) and written
  together just before the transaction commits, in one insert per kind;
- what must only happen once the change is durable (a live push, an e-mail) is
  queued with :meth:`UnitOfWork.after_commit` and runs after the commit; a change
  that rolls back announces nothing.

Code deep in a use case finds the open unit with :func:`current_unit` (a context
variable, like the transaction Piccolo keeps), so a helper that records or
notifies needs no extra parameter; outside any unit it writes at once and pushes
nothing (a CLI pass, a test of a service alone).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from contextvars import ContextVar
from typing import Any

from network.kernel.outbox import Outbox

__all__ = ("UnitOfWork", "current_unit", "unit_of_work")

logger = logging.getLogger("network.unit")

Flush = Callable[[list[Any]], Awaitable[None]]


class UnitOfWork:
    """What one change collected: rows to write before commit, actions after it."""

    def __init__(self, outbox: Outbox) -> None:
        self.outbox = outbox
        self._collected: dict[Flush, list[Any]] = {}
        self._after: list[Callable[[], None]] = []

    def collect(self, flush: Flush, row: Any) -> None:
        """Keep ``row``; ``flush`` writes all rows collected for it before commit."""
        self._collected.setdefault(flush, []).append(row)

    def after_commit(self, action: Callable[[], None]) -> None:
        """Run ``action`` once the change has committed (never if it rolls back)."""
        self._after.append(action)

    async def flush(self) -> None:
        """Write what was collected (inside the transaction, before commit)."""
        while self._collected:
            flush, rows = next(iter(self._collected.items()))
            del self._collected[flush]
            await flush(rows)

    def committed(self) -> None:
        """The change is durable: run the queued actions (one failing stops none)."""
        actions, self._after = self._after, []
        for action in actions:
            try:
                action()
            except Exception:
                logger.exception("an action after commit failed")


_current: ContextVar[UnitOfWork | None] = ContextVar("network_unit", default=None)


def current_unit() -> UnitOfWork | None:
    """The unit of work open in this task, if any."""
    return _current.get()


@asynccontextmanager
async def unit_of_work(outbox: Outbox, transaction: Callable[[], Any]) -> AsyncIterator[UnitOfWork]:
    """Run the block in ``transaction()`` as one unit of work.

    Inside an open unit the block joins it (its rows and actions go with the
    outer change, which commits them); otherwise a new unit flushes before the
    transaction commits and runs its actions after.
    """
    outer = _current.get()
    if outer is not None:
        async with transaction():
            yield outer
        return
    unit = UnitOfWork(outbox)
    token = _current.set(unit)
    try:
        async with transaction():
            yield unit
            await unit.flush()
    finally:
        _current.reset(token)
    unit.committed()
