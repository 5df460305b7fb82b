"""Attendance at group case conferences per series and municipality, with small
numbers suppressed (:mod:`network.privacy.small_numbers`).

Per series, over the sessions held in the period:

- ``sessions``: the sessions held (a fact of the series, about no one);
- per municipality: ``seats`` taken by its social workers and how many of them
  ``attended``;
- the series' ``total`` over the municipalities given.

Each series' columns (seats, attended) are protected against differencing with the
same rule as the coverage pages' demand: a count of 1–4 is hidden, and further cells
until none can come back as the total minus the cells shown, or the total is hidden.
A municipality whose seats are hidden has its attended count hidden too. The
municipalities given are all of the reader's scope, so a narrower view (one county)
shows a subset of the same protected figures and never a total of its own.

Pure: seats in, rows out.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from network.privacy.small_numbers import protect

__all__ = ("AttendanceRow", "Seat", "SeriesAttendance", "attendance")


@dataclass(frozen=True, slots=True)
class Seat:
    """One seat taken at a session held: the series, the seat holder's municipality
    and whether the hub recorded them present."""

    series: int
    municipality: str
    attended: bool


@dataclass(frozen=True, slots=True)
class AttendanceRow:
    """One municipality's figures in one series (``municipality`` None: the total);
    ``None`` is suppressed."""

    municipality: str | None
    seats: int | None
    attended: int | None

    @property
    def suppressed(self) -> bool:
        return self.seats is None or self.attended is None


@dataclass(frozen=True, slots=True)
class SeriesAttendance:
    series: int
    sessions: int
    rows: tuple[AttendanceRow, ...]  # by municipality code
    total: AttendanceRow


def attendance(
    seats: Iterable[Seat],
    sessions: Mapping[int, int],
    places: Mapping[int, Iterable[str]],
) -> list[SeriesAttendance]:
    """Every series of ``places`` (series → the municipalities to show, each with a
    row even when it took no seat), sorted by id; seats elsewhere are left out."""
    wanted = {series: sorted(set(codes)) for series, codes in places.items()}
    taken: Counter[tuple[int, str]] = Counter()
    present: Counter[tuple[int, str]] = Counter()
    for seat in seats:
        if seat.municipality in wanted.get(seat.series, ()):
            taken[(seat.series, seat.municipality)] += 1
            present[(seat.series, seat.municipality)] += seat.attended
    found = []
    for series, codes in sorted(wanted.items()):
        if not codes:
            continue
        seat_column = {code: taken[(series, code)] for code in codes}
        came_column = {code: present[(series, code)] for code in codes}
        seats_cut = protect(seat_column)
        came_cut = protect(
            came_column, forced=seats_cut.hidden, total_hidden=seats_cut.total_hidden
        )
        rows = tuple(
            AttendanceRow(
                municipality=code,
                seats=None if code in seats_cut.hidden else seat_column[code],
                attended=None
                if code in seats_cut.hidden or code in came_cut.hidden
                else came_column[code],
            )
            for code in codes
        )
        total = AttendanceRow(
            municipality=None,
            seats=None if seats_cut.total_hidden else sum(seat_column.values()),
            attended=None if came_cut.total_hidden else sum(came_column.values()),
        )
        found.append(SeriesAttendance(series, sessions.get(series, 0), rows, total))
    return found
