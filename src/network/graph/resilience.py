"""The network's weak points: specialists whose loss would leave municipalities
uncovered in an area, and municipalities whose coverage hangs on one agreement.

Pure: coverage cells in, findings out, the most population at stake first.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from network.graph.coverage import Cell, Status

__all__ = ("Dependence", "single_agreements", "single_specialists")


@dataclass(frozen=True, slots=True)
class Dependence:
    """Cells (municipality, area) that only ``holder`` keeps covered."""

    holder: int  # a specialist id, or an agreement id
    cells: tuple[tuple[str, str], ...]
    population: int  # summed over the cells

    @property
    def municipalities(self) -> tuple[str, ...]:
        return tuple(sorted({m for m, _ in self.cells}))

    @property
    def areas(self) -> tuple[str, ...]:
        return tuple(sorted({a for _, a in self.cells}))


def _ranked(groups: dict[int, list[Cell]]) -> list[Dependence]:
    found = [
        Dependence(
            holder,
            tuple(sorted((c.municipality, c.area) for c in cells)),
            sum(c.population for c in cells),
        )
        for holder, cells in groups.items()
    ]
    return sorted(found, key=lambda d: (-d.population, d.holder))


def single_specialists(cells: Iterable[Cell]) -> list[Dependence]:
    """Single points of failure: covered cells that exactly one specialist serves."""
    groups: dict[int, list[Cell]] = defaultdict(list)
    for cell in cells:
        if cell.status is Status.NONE:
            continue
        serving = cell.specialists
        if len(serving) == 1:
            groups[next(iter(serving))].append(cell)
    return _ranked(groups)


def single_agreements(cells: Iterable[Cell]) -> list[Dependence]:
    """Cells without a local specialist that only one agreement covers."""
    groups: dict[int, list[Cell]] = defaultdict(list)
    for cell in cells:
        if cell.status is Status.SHARED and len(cell.agreements) == 1:
            groups[next(iter(cell.agreements))].append(cell)
    return _ranked(groups)
