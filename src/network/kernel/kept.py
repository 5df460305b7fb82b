"""What one app keeps in its process between requests: derived values too costly to
build per request (the consultations' area snapshots), each stamped by its owner with
the data version it was built under.

One :class:`Kept` per runtime (:class:`network.kernel.context.Runtime`), so two apps
in one process never share, and nothing is kept in a module. The owner of the values
decides when one is still good (its data version); this class holds them and the
loads under way, so that callers who miss the same value at once share one load.
"""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import Hashable
from typing import Any

__all__ = ("Kept",)


class Kept:
    """Values by key, and the loads under way by event loop (an event per load)."""

    def __init__(self) -> None:
        self.values: dict[Hashable, Any] = {}
        # Raised by every :meth:`keep`: what :mod:`network.kernel.heap` watches.
        self.changes = 0
        self._loading: weakref.WeakKeyDictionary[
            asyncio.AbstractEventLoop, dict[Hashable, asyncio.Event]
        ] = weakref.WeakKeyDictionary()

    def keep(self, key: Hashable, value: Any) -> None:
        """Keep ``value`` under ``key`` (a new value, or one that grew)."""
        self.values[key] = value
        self.changes += 1

    def loading(self) -> dict[Hashable, asyncio.Event]:
        """The loads under way on the running loop (an event belongs to one loop)."""
        return self._loading.setdefault(asyncio.get_running_loop(), {})
