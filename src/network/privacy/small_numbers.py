"""Small numbers stay private: a count of 1 to ``MIN_GROUP - 1`` about a municipality
is never shown or exported, nor anything computed from so few requests, so that a
consultation about a rare situation in a small municipality cannot point to a
family. Zero is shown: it tells nothing about anyone.

A table that shows its total needs more: a suppressed cell must not come back as the
total minus the cells shown (differencing). :func:`protect` suppresses further cells
(complementary suppression) until the hidden cells are at least two that are not
zero and add up to at least ``MIN_GROUP``, or hides the total when no cell is left.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from typing import Generic, TypeVar

__all__ = ("MIN_GROUP", "Protected", "protect", "shown", "small")

MIN_GROUP = 5

K = TypeVar("K", bound=Hashable)


def small(count: int, min_group: int = MIN_GROUP) -> bool:
    """Whether ``count`` is a small number: more than zero and under ``min_group``."""
    return 0 < count < min_group


def shown(count: int, min_group: int = MIN_GROUP) -> int | None:
    """``count``, or ``None`` (suppressed) when it is small but not zero."""
    return None if small(count, min_group) else count


@dataclass(frozen=True, slots=True)
class Protected(Generic[K]):
    """What :func:`protect` decided: the hidden cells and whether the total is hidden."""

    hidden: frozenset[K]
    total_hidden: bool


def protect(
    cells: Mapping[K, int],
    *,
    forced: Iterable[K] = (),
    total_hidden: bool = False,
    min_group: int = MIN_GROUP,
) -> Protected[K]:
    """The cells of one column to hide when the column's total is shown beside them.

    Hidden: every small cell, every ``forced`` one (hidden for another reason, e.g. it
    belongs to a suppressed group), and then, smallest first, as many more non-zero
    cells as it takes that the hidden ones cannot be told from the total: at least
    two of them non-zero, adding up to ``min_group`` or more. When no cell is left
    to hide, the total is hidden too. A total that is itself small is hidden.
    """
    hidden = {key for key, count in cells.items() if small(count, min_group)}
    hidden.update(key for key in forced if key in cells)
    total = sum(cells.values())
    if total_hidden or small(total, min_group):
        return Protected(frozenset(hidden), True)

    def exposed() -> bool:
        nonzero = [key for key in hidden if cells[key] > 0]
        return len(nonzero) == 1 or small(sum(cells[key] for key in nonzero), min_group)

    while exposed():
        spare = sorted(
            (key for key, count in cells.items() if key not in hidden and count > 0),
            key=lambda key: (cells[key], str(key)),
        )
        if not spare:
            return Protected(frozenset(hidden), True)
        hidden.add(spare[0])
    return Protected(frozenset(hidden), False)
