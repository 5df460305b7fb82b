"""Today's date where the municipalities are: Europe/Stockholm, not the server's zone."""

from __future__ import annotations

from datetime import date, datetime

from network.scheduling import STOCKHOLM

__all__ = ("today",)


def today() -> date:
    """The current date in Europe/Stockholm."""
    return datetime.now(STOCKHOLM).date()
