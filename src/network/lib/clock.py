"""The one clock: instants in UTC (as stored), dates in Europe/Stockholm (as people
see them), whatever the server's zone. ``STOCKHOLM`` is the one time zone object
(defined by the pure core's scheduling, re-exported here for everyone else)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from network.scheduling import STOCKHOLM

__all__ = ("STOCKHOLM", "now", "today")


def now() -> datetime:
    """The current instant, timezone-aware in UTC (what is stored)."""
    return datetime.now(UTC)


def today() -> date:
    """The current date in Europe/Stockholm."""
    return datetime.now(STOCKHOLM).date()
