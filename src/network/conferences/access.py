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

A series of kind ``peer_network`` is a competence area's network meetings: its
audience is the area's active specialists in any municipality (its served
municipalities, when it has any, narrow that to specialists at home there: a county's
meetings), not social workers. It is seen by that audience, its hub and every
coordinator (peer groups are national), managed as any series, and joined by the
specialists of the audience (named on the policy's target). Anyone else is refused
with a 403: a peer group's meetings are no secret, but they are not theirs.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from piccolo.engine.postgres import PostgresEngine

from network.conferences.tables import ConferenceSeries, ConferenceSession, SeriesMunicipality
from network.kernel.policy import Action, Principal, Target, decide, holds_role_in
from network.lib.errors import Conflict, Forbidden, NotFound
from network.lib.vocab import ConferenceKind, Role
from network.mentoring.audience import programme_mentees
from network.mentoring.programmes import Programme, load_programme
from network.specialists.tables import SpecialistCompetence, SpecialistProfile

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
    "peer_audience",
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
    # A peer network's audience: specialist id -> (home municipality id, code, county).
    peers: Mapping[int, tuple[int, str, str]] = field(default_factory=dict)

    @property
    def is_peer_network(self) -> bool:
        return self.kind == ConferenceKind.PEER_NETWORK

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
    peer_areas = {row["area_id"] for row in rows if row["kind"] == ConferenceKind.PEER_NETWORK}
    audiences = await peer_audience(sorted(peer_areas)) if peer_areas else {}
    out = []
    for row in rows:
        places = tuple(served.get(row["id"], []))
        peers: dict[int, tuple[int, str, str]] = {}
        if row["kind"] == ConferenceKind.PEER_NETWORK:
            codes = {code for _, code, _, _ in places}
            peers = {
                specialist: home
                for specialist, home in audiences.get(row["area_id"], {}).items()
                if not codes or home[1] in codes
            }
        out.append(SeriesRow(**row, served=places, peers=peers, intro=intros.get(row["id"])))
    return out


async def peer_audience(area_ids: list[int]) -> dict[int, dict[int, tuple[int, str, str]]]:
    """Per area id, its active specialists: specialist id -> (home municipality id,
    kommunkod, county code). Two statements for all the areas (PostgreSQL truncates
    the aliases of a deeper join to one name)."""
    rows = await SpecialistCompetence.select(
        SpecialistCompetence.area, SpecialistCompetence.specialist
    ).where(
        SpecialistCompetence.area.is_in(area_ids or [0])
        & SpecialistCompetence.specialist._.user._.active.eq(True)
    )
    homes = {
        row["id"]: (row["home_id"], row["home"], row["county"])
        for row in await SpecialistProfile.select(
            SpecialistProfile.id,
            SpecialistProfile.home_municipality.as_alias("home_id"),
            SpecialistProfile.home_municipality._.code.as_alias("home"),
            SpecialistProfile.home_municipality._.county._.code.as_alias("county"),
        ).where(SpecialistProfile.id.is_in(sorted({r["specialist"] for r in rows}) or [0]))
    }
    audience: dict[int, dict[int, tuple[int, str, str]]] = {}
    for row in rows:
        audience.setdefault(row["area"], {})[row["specialist"]] = homes[row["specialist"]]
    return audience


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
    if principal.specialist_id == series.hub:
        return True
    if series.intro is not None:
        return (
            series.intro.programme.includes(principal)
            or series.intro.programme.may_manage(principal)
            or principal.user_id in series.intro.mentees
        )
    if series.is_peer_network:
        return (
            principal.specialist_id is not None and principal.specialist_id in series.peers
        ) or principal.has(Role.COORDINATOR)
    return holds_role_in(principal, [series.home_target(), *series.served_targets()])


def _unseen(series: SeriesRow, field: str, what: str) -> NotFound | Forbidden:
    """The refusal of a series one may not see: a 404 like a missing id, or a 403 for
    a peer network's meetings (only its specialists and coordinators see them)."""
    if series.is_peer_network:
        return Forbidden(
            "only the competence area's specialists and coordinators see its network meetings",
            field=field,
        )
    return NotFound(f"no such conference {what}", field=field, source="path")


def may_manage(principal: Principal, series: SeriesRow) -> bool:
    if series.intro is not None and series.intro.programme.may_manage(principal):
        return True
    return bool(decide(principal, Action.CONFERENCE_MANAGE, series.home_target()))


def joining_place(principal: Principal, series: SeriesRow) -> tuple[int, str] | None:
    """The served municipality (id, code) in which ``principal`` may join, if any; for a
    programme's group part, the municipality of the mentee's request; for a peer
    network's meetings, the home municipality of a specialist of its audience."""
    if series.intro is not None:
        if principal.user_id is None:
            return None
        return series.intro.mentees.get(principal.user_id)
    if series.is_peer_network:
        me = principal.specialist_id
        if me is None or me not in series.peers:
            return None
        home_id, home, county = series.peers[me]
        target = Target(municipality=home, county=county, specialist_ids=frozenset(series.peers))
        return (home_id, home) if decide(principal, Action.CONFERENCE_JOIN, target) else None
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
    if not found:
        raise NotFound("no such conference series", field=field, source="path")
    if not may_see(principal, found[0]):
        raise _unseen(found[0], field, "series")
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
    if not found:
        raise NotFound("no such conference session", field=field, source="path")
    leads = row["stand_in"] is not None and row["stand_in"] == principal.specialist_id
    if not (leads or may_see(principal, found[0])):
        raise _unseen(found[0], field, "session")
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
