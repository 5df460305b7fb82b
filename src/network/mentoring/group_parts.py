"""A mentoring programme's group parts: theme meetings and group supervision for its
mentees across the participating municipalities (shared introduction days).

A group part IS a conference series of kind ``introduction`` with the programme set
and a format (:class:`~network.lib.vocab.GroupPartFormat`); its sessions are
scheduled, booked in the host's calendar and attended through the conference use
cases (:mod:`network.conferences.series`, :mod:`network.conferences.participation`),
whose access rules for this kind are in :mod:`network.conferences.access`. The host
is a specialist of a participating municipality: a session books a specialist's time,
and mentors who are social workers have no bookable calendar. The programme's
coordinators make the parts; the mentees are enrolled in each session as it is
scheduled, and a mentee who joins later signs up. Attendance counts beside the ladder
in the cohort's progress (:mod:`network.mentoring.ladder`).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from network.audit.services import record
from network.conferences import schemas as conference_schemas
from network.conferences.access import may_see, series_rows
from network.conferences.series import series_out
from network.conferences.tables import ConferenceSeries, ConferenceSignup
from network.directory.tables import CompetenceArea
from network.kernel.context import Context
from network.lib import clock
from network.lib.errors import InvalidInput
from network.lib.vocab import ConferenceKind
from network.mentoring import schemas
from network.mentoring.audience import LIVE
from network.mentoring.programmes import Programme, load_programme, require_manager
from network.mentoring.tables import MentoringRequest
from network.scheduling import STOCKHOLM
from network.specialists.tables import SpecialistCompetence, SpecialistProfile

__all__ = (
    "Attendance",
    "attendance",
    "create_part",
    "hosts",
    "my_sessions",
    "programme_parts",
)

_PARTS = ConferenceSeries.kind == ConferenceKind.INTRODUCTION


@dataclass(slots=True)
class Attendance:
    """A mentee's group parts so far: sessions with attendance recorded where they had
    a seat, and those they missed (``"YYYY-MM-DD part: topic"``)."""

    attended: int = 0
    held: int = 0
    missed: list[str] = field(default_factory=list)


async def hosts(programme: Programme) -> list[dict[str, Any]]:
    """The specialists who may host a part: those working in a participating
    municipality (id, name, municipality name), by name."""
    return list(
        await SpecialistProfile.select(
            SpecialistProfile.id,
            SpecialistProfile.user._.display_name.as_alias("name"),
            SpecialistProfile.home_municipality._.name.as_alias("place"),
        )
        .where(SpecialistProfile.home_municipality._.code.is_in(sorted(programme.participants)))
        .order_by(SpecialistProfile.user._.display_name)
    )


async def create_part(
    ctx: Context, programme_id: int, data: schemas.GroupPartIn
) -> conference_schemas.SeriesOut:
    """A new group part of the programme, by its coordinators."""
    now = clock.now()
    async with ctx.work():
        programme = await load_programme(programme_id)
        require_manager(ctx.principal, programme)
        host = (
            await SpecialistProfile.select(
                SpecialistProfile.id,
                SpecialistProfile.home_municipality.as_alias("home_id"),
                SpecialistProfile.home_municipality._.code.as_alias("home"),
            )
            .where(SpecialistProfile.id == data.host)
            .first()
        )
        if host is None:
            raise InvalidInput("no such specialist", field="host")
        if host["home"] not in programme.participants:
            raise InvalidInput(
                "the host must work in a municipality that takes part in the programme",
                field="host",
            )
        area = (
            await CompetenceArea.select(CompetenceArea.id)
            .where(CompetenceArea.code == data.area)
            .first()
        )
        if area is None:
            raise InvalidInput("no such competence area", field="area")
        if not await SpecialistCompetence.exists().where(
            (SpecialistCompetence.specialist == host["id"])
            & (SpecialistCompetence.area == area["id"])
        ):
            raise InvalidInput("the host is not competent in this area", field="area")
        series = ConferenceSeries(
            title=data.title.strip(),
            kind=ConferenceKind.INTRODUCTION,
            programme=programme_id,
            part_format=data.part_format,
            area=area["id"],
            hub=host["id"],
            home_municipality=host["home_id"],
            duration_minutes=data.duration_minutes,
            mode=data.mode,
            capacity=data.capacity,
            created_by=ctx.actor.user_id,
            created_at=now,
        )
        await series.save()
        await record(
            ctx.actor,
            "mentoring.group_part_create",
            "conference_series",
            int(series.id),
            county=programme.county,
            detail={"programme": programme_id, "host": host["id"], "format": data.part_format},
        )
        return (await series_out(ctx, await series_rows(ConferenceSeries.id == series.id)))[0]


async def programme_parts(ctx: Context, programme_id: int) -> list[conference_schemas.SeriesOut]:
    """The programme's group parts with their sessions, as far as the reader may see
    them (404 for a missing programme)."""
    async with ctx.work():
        await load_programme(programme_id)
        found = await series_rows(_PARTS & (ConferenceSeries.programme == programme_id))
        return await series_out(ctx, [s for s in found if may_see(ctx.principal, s)])


async def my_sessions(ctx: Context) -> list[schemas.GroupSessionOut]:
    """Every session of the group parts of the programmes the reader is a mentee in,
    in time order: upcoming ones and the ones held, with their own attendance."""
    async with ctx.work():
        mine = sorted(
            {
                row["programme"]
                for row in await MentoringRequest.select(MentoringRequest.programme).where(
                    (MentoringRequest.mentee == ctx.principal.user_id)
                    & MentoringRequest.status.is_in(list(LIVE))
                    & MentoringRequest.programme.is_not_null()
                )
            }
        )
        if not mine:
            return []
        found = await series_rows(_PARTS & ConferenceSeries.programme.is_in(mine))
        parts = await series_out(ctx, [s for s in found if may_see(ctx.principal, s)])
    sessions = [
        schemas.GroupSessionOut(
            session=session.id,
            series=part.id,
            programme=part.programme or 0,
            title=part.title,
            part_format=part.part_format,
            host_name=part.hub_name,
            mode=part.mode,
            starts_at=session.starts_at,
            ends_at=session.ends_at,
            topic=session.topic,
            signed_up=session.signed_up,
            attendance_recorded=session.attendance_recorded,
            attended=session.attended,
        )
        for part in parts
        for session in part.sessions
    ]
    return sorted(sessions, key=lambda s: s.starts_at)


async def attendance(programme_id: int, user_ids: list[int]) -> dict[int, Attendance]:
    """Per mentee, the programme's group-part sessions held so far (attendance recorded,
    a seat held): how many attended, how many held, which were missed."""
    found: dict[int, Attendance] = defaultdict(Attendance)
    for row in (
        await ConferenceSignup.select(
            ConferenceSignup.user,
            ConferenceSignup.attended,
            ConferenceSignup.session._.starts_at.as_alias("starts_at"),
            ConferenceSignup.session._.topic.as_alias("topic"),
            ConferenceSignup.session._.series._.title.as_alias("title"),
        )
        .where(
            (ConferenceSignup.session._.series._.programme == programme_id)
            & (ConferenceSignup.session._.series._.kind == ConferenceKind.INTRODUCTION)
            & ConferenceSignup.session._.attendance_recorded_at.is_not_null()
            & ConferenceSignup.user.is_in(user_ids or [0])
        )
        .order_by(ConferenceSignup.session._.starts_at)
    ):
        seen = found[row["user"]]
        seen.held += 1
        if row["attended"]:
            seen.attended += 1
        else:
            day = row["starts_at"].astimezone(STOCKHOLM).date().isoformat()
            seen.missed.append(f"{day} {row['title']}: {row['topic']}")
    return dict(found)
