"""Small numbers stay private: a count of 1 to ``MIN_GROUP - 1`` about a municipality
is never shown or exported, nor anything computed from so few requests, so that a
consultation about a rare situation in a small municipality cannot point to a
family. Zero is shown: it tells nothing about anyone.
"""

from __future__ import annotations

__all__ = ("MIN_GROUP", "shown")

MIN_GROUP = 5


def shown(count: int, min_group: int = MIN_GROUP) -> int | None:
    """``count``, or ``None`` (suppressed) when it is small but not zero."""
    return None if 0 < count < min_group else count
