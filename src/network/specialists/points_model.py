"""The default model of case points (ärendepoäng) and how a piece of work finds its
points in a table of rows. Pure: no I/O, so migrations, the demo and tests share it.

Modelled on the approach Göteborg's social services published for weighing case
load by case points rather than counting cases: a case weighs more when it is
heavier to handle. Here that is three steps, each documented in docs/workload.md:

1. a base per kind of work, for planned work: a written consultation 2, a
   consultation meeting 3, a standing support series 4, a mentee 3, co-handling of
   a case 8 (it runs for weeks);
2. urgency on top of consultations and co-handling: soon +1, acute +3 (an acute
   case takes the day it arrives);
3. the heaviest areas on top of that: LVU investigations, honour-based violence
   and child or forced marriage +2, child sexual abuse +1.

The figures are this project's calibration, not Göteborg's own: each county or
programme sets its own rows, which win over these national ones.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from network.lib.vocab import Urgency, WorkKind

__all__ = (
    "AREA_EXTRA",
    "BASE_POINTS",
    "NATIONAL",
    "URGENCY_EXTRA",
    "PointsKey",
    "PointsTable",
    "default_points_capacity",
    "default_points_capacity_sql",
    "default_rows",
    "programme_scope",
)

NATIONAL = "national"

BASE_POINTS: Mapping[WorkKind, int] = {
    WorkKind.WRITTEN: 2,
    WorkKind.MEETING: 3,
    WorkKind.CO_HANDLING: 8,
    WorkKind.STANDING: 4,
    WorkKind.MENTEE: 3,
}
# Urgency weighs on the kinds of work that answer a case (not on a series or a mentee).
URGENCY_EXTRA: Mapping[Urgency, int] = {Urgency.PLANNED: 0, Urgency.SOON: 1, Urgency.ACUTE: 3}
URGENT_KINDS = (WorkKind.WRITTEN, WorkKind.MEETING, WorkKind.CO_HANDLING)
AREA_EXTRA: Mapping[str, int] = {
    "lvu_investigation": 2,
    "honour_based_violence": 2,
    "child_forced_marriage": 2,
    "child_sexual_abuse": 1,
}

# (scope, kind, urgency, area) — area "" for every area.
PointsKey = tuple[str, str, str, str]


def programme_scope(programme_id: int) -> str:
    """The ``scope`` of a mentoring programme's own rows."""
    return f"programme:{programme_id}"


def default_rows() -> list[tuple[str, str, str, str, int]]:
    """The national rows of the default model: (scope, kind, urgency, area, points)."""
    rows: list[tuple[str, str, str, str, int]] = []
    for kind, base in BASE_POINTS.items():
        urgencies = list(Urgency) if kind in URGENT_KINDS else [Urgency.PLANNED]
        for urgency in urgencies:
            extra = URGENCY_EXTRA[urgency] if kind in URGENT_KINDS else 0
            rows.append((NATIONAL, kind.value, urgency.value, "", base + extra))
            if kind in URGENT_KINDS:
                rows.extend(
                    (NATIONAL, kind.value, urgency.value, area, base + extra + more)
                    for area, more in AREA_EXTRA.items()
                )
    return rows


def default_points_capacity(consultations_per_week: int, mentees_capacity: int) -> int:
    """A budget in points derived from the meetings capacity. A consultation holds its
    points from acceptance until it is closed, about two weeks, so about twice the
    week's meetings are open at once, at about four points each (a planned meeting's
    three and room for heavier ones): eight points a weekly meeting, and a mentee's
    three points for each mentee place."""
    return min(8 * consultations_per_week + 3 * mentees_capacity, 1000)


def default_points_capacity_sql() -> str:
    """:func:`default_points_capacity` as an SQL expression over the profile's columns."""
    points = "8 * consultations_per_week + 3 * mentees_capacity"
    return f"CASE WHEN {points} > 1000 THEN 1000 ELSE {points} END"


@dataclass(frozen=True)
class PointsTable:
    """The rows of the points table, and the lookup of one piece of work's points."""

    rows: Mapping[PointsKey, int]

    @classmethod
    def of(cls, rows: Iterable[tuple[str, str, str, str, int]]) -> PointsTable:
        return cls({(s, k, u, a): p for s, k, u, a, p in rows})

    @classmethod
    def default(cls) -> PointsTable:
        return cls.of(default_rows())

    def points(
        self,
        kind: str,
        urgency: str,
        area: str = "",
        *,
        county: str | None = None,
        programme: int | None = None,
    ) -> int:
        """The points of one piece of work: the most specific row wins — one for the
        area over one for every area, then one for the urgency over planned — and of
        equally specific rows a programme's over a county's over the national. No
        row: the default model's figure."""
        scopes = [
            *([programme_scope(programme)] if programme is not None else []),
            *([county] if county else []),
            NATIONAL,
        ]
        urgencies = [urgency] if urgency == Urgency.PLANNED else [urgency, Urgency.PLANNED.value]
        for where in [area, ""] if area else [""]:
            for level in urgencies:
                for scope in scopes:
                    found = self.rows.get((scope, kind, level, where))
                    if found is not None:
                        return found
        return BASE_POINTS.get(WorkKind(kind), 1) if kind in set(WorkKind) else 1
