"""Loading a conference series or session and deciding who may manage or join it.

A series is seen by its hub and by anyone holding a role in its hub's home
municipality or in a municipality it serves (others get the same 404 as for a
missing id). It is managed by its hub and by coordinators of the hub's home
municipality (``conference.manage``), and joined by social workers of a served
municipality (``conference.join``).

A mentoring programme's group part (kind ``introduction``) is for the programme's
mentees instead (:mod:`network.mentoring.audience`): it is seen by its host, the
programme's coordinators and the users of the participating municipalities; managed
by its host and the programme's coordinators; joined by the mentees only (they are
enrolled when a session is scheduled, a late joiner signs up), whatever the served
municipalities say.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from piccolo.engine.postgres import PostgresEngine

from network.conferences.tables import ConferenceSeries, ConferenceSession, SeriesMunicipality
from network.kernel.policy import Action, Principal, Target, decide, holds_role_in
from network.lib.errors import Conflict, NotFound
from network.lib.vocab import ConferenceKind
from network.mentoring.audience import programme_mentees
from network.mentoring.programmes import Programme, load_programme

__all__ = (
    "Introduction",
    "SeriesRow",
    "joining_place",
    "leader",
    "load_series",
    "load_session",
    "lock_session",
    "may_manage",
    "may_see",
    "must_be_open",
    "series_rows",
)


@dataclass(frozen=True, slots=True)
class Introduction:
    """A programme's group part: the programme and its mentees (user id → municipality
    id and kommunkod of their request)."""

    programme: Programme
    mentees: dict[int, tuple[int, str]]


@dataclass(frozen=True, slots=True)
class SeriesRow:
    id: int
    title: str
    area_id: int
    area: str
    area_name_sv: str
    area_name_en: str
    hub: int
    hub_user: int | None
    hub_name: str | None
    home_id: int
    home: str
    home_name: str
    home_county: str
    cadence: str
    duration_minutes: int
    mode: str
    capacity: int
    language: str
    by_application: bool
    served: tuple[tuple[int, str, str, str], ...]  # (id, code, name, county)
    kind: str = ConferenceKind.CASE_CONFERENCE
    programme: int | None = None
    part_format: str | None = None
    intro: Introduction | None = None  # for a programme's group part

    def home_target(self) -> Target:
        return Target(
            municipality=self.home, county=self.home_county, specialist_ids=frozenset({self.hub})
        )

    def served_targets(self) -> list[Target]:
        return [Target(municipality=code, county=county) for _, code, _, county in self.served]


async def series_rows(condition: Any = None) -> list[SeriesRow]:
    """The series matching ``condition`` (every series when ``None``), with their places."""
    query = ConferenceSeries.select(
        ConferenceSeries.id,
        ConferenceSeries.title,
        ConferenceSeries.area.as_alias("area_id"),
        ConferenceSeries.area._.code.as_alias("area"),
        ConferenceSeries.area._.name_sv.as_alias("area_name_sv"),
        ConferenceSeries.area._.name_en.as_alias("area_name_en"),
        ConferenceSeries.hub,
        ConferenceSeries.hub._.user.as_alias("hub_user"),
        ConferenceSeries.hub._.user._.display_name.as_alias("hub_name"),
        ConferenceSeries.home_municipality.as_alias("home_id"),
        ConferenceSeries.home_municipality._.code.as_alias("home"),
        ConferenceSeries.home_municipality._.name.as_alias("home_name"),
        ConferenceSeries.home_municipality._.county._.code.as_alias("home_county"),
        ConferenceSeries.cadence,
        ConferenceSeries.duration_minutes,
        ConferenceSeries.mode,
        ConferenceSeries.capacity,
        ConferenceSeries.language,
        ConferenceSeries.by_application,
        ConferenceSeries.kind,
        ConferenceSeries.programme,
        ConferenceSeries.part_format,
    ).order_by(ConferenceSeries.id)
    if condition is not None:
        query = query.where(condition)
    rows = await query
    ids = [row["id"] for row in rows] or [0]
    served: dict[int, list[tuple[int, str, str, str]]] = {}
    for place in (
        await SeriesMunicipality.select(
            SeriesMunicipality.series,
            SeriesMunicipality.municipality.as_alias("id"),
            SeriesMunicipality.municipality._.code.as_alias("code"),
            SeriesMunicipality.municipality._.name.as_alias("name"),
            SeriesMunicipality.municipality._.county._.code.as_alias("county"),
        )
        .where(SeriesMunicipality.series.is_in(ids))
        .order_by(SeriesMunicipality.municipality._.name)
    ):
        served.setdefault(place["series"], []).append(
            (place["id"], place["code"], place["name"], place["county"])
        )
    intros = await _introductions(rows)
    return [
        SeriesRow(**row, served=tuple(served.get(row["id"], [])), intro=intros.get(row["id"]))
        for row in rows
    ]


async def _introductions(rows: list[dict[str, Any]]) -> dict[int, Introduction]:
    """The programme and mentees of every group part among ``rows``, by series id."""
    wanted = {
        row["id"]: row["programme"]
        for row in rows
        if row["kind"] == ConferenceKind.INTRODUCTION and row["programme"] is not None
    }
    ids = sorted(set(wanted.values()))
    programmes = {i: await load_programme(i) for i in ids}
    mentees = await programme_mentees(ids)
    return {
        series: Introduction(programme=programmes[p], mentees=dict(mentees.get(p, {})))
        for series, p in wanted.items()
    }


def may_see(principal: Principal, series: SeriesRow) -> bool:
    if series.intro is not None:
        return (
            principal.specialist_id == series.hub
            or series.intro.programme.includes(principal)
            or series.intro.programme.may_manage(principal)
            or principal.user_id in series.intro.mentees
        )
    return principal.specialist_id == series.hub or holds_role_in(
        principal, [series.home_target(), *series.served_targets()]
    )


def may_manage(principal: Principal, series: SeriesRow) -> bool:
    if series.intro is not None and series.intro.programme.may_manage(principal):
        return True
    return bool(decide(principal, Action.CONFERENCE_MANAGE, series.home_target()))


def joining_place(principal: Principal, series: SeriesRow) -> tuple[int, str] | None:
    """The served municipality (id, code) in which ``principal`` may join, if any; for a
    programme's group part, the municipality of the mentee's request."""
    if series.intro is not None:
        if principal.user_id is None:
            return None
        return series.intro.mentees.get(principal.user_id)
    for municipality_id, code, _, county in series.served:
        target = Target(municipality=code, county=county)
        if any(b.municipality == code for b in principal.bindings) and decide(
            principal, Action.CONFERENCE_JOIN, target
        ):
            return municipality_id, code
    return None


async def load_series(
    principal: Principal, series_id: int, *, field: str = "series_id"
) -> SeriesRow:
    found = await series_rows(ConferenceSeries.id == series_id)
    if not found or not may_see(principal, found[0]):
        raise NotFound("no such conference series", field=field, source="path")
    return found[0]


async def load_session(
    principal: Principal, session_id: int, *, field: str = "session_id"
) -> tuple[dict[str, Any], SeriesRow]:
    """The session's row and its series, or one 404 for missing and not visible (the
    stand-in who leads the session sees it too)."""
    row = await ConferenceSession.select().where(ConferenceSession.id == session_id).first()
    if row is None:
        raise NotFound("no such conference session", field=field, source="path")
    found = await series_rows(ConferenceSeries.id == row["series"])
    leads = row["stand_in"] is not None and row["stand_in"] == principal.specialist_id
    if not found or not (leads or may_see(principal, found[0])):
        raise NotFound("no such conference session", field=field, source="path")
    return row, found[0]


async def lock_session(session_id: int) -> None:
    """Hold the session's row until the transaction ends (PostgreSQL; SQLite has one
    writer at a time), so that seat and case counts taken next stay true."""
    query = ConferenceSession.select(ConferenceSession.id).where(ConferenceSession.id == session_id)
    if isinstance(ConferenceSession._meta.db, PostgresEngine):
        query = query.lock_rows()
    await query.first()


def must_be_open(row: dict[str, Any]) -> None:
    """Refuse to add to (or change) a cancelled session: 409 naming the session."""
    if row.get("cancelled_at") is not None:
        raise Conflict("is cancelled", field="session_id", source="path")


def leader(row: dict[str, Any], series: SeriesRow) -> int:
    """The specialist who leads the session ``row``: its stand-in, else the hub."""
    return int(row["stand_in"]) if row.get("stand_in") is not None else series.hub
