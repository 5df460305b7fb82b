"""Signing up for a conference session and recording who attended.

Who signs up is the series' audience (:mod:`network.conferences.access`): social
workers of a served municipality, or, for a peer network's meetings, the area's
specialists (each in their home municipality).

Seats: the series' capacity per session, counted after locking the session's row
(``SELECT … FOR UPDATE`` on PostgreSQL; SQLite has one writer at a time), so
concurrent sign-ups never overfill a session; the unique index
``conference_signup_once`` keeps one seat per person.
"""

from __future__ import annotations

from datetime import datetime

from network.audit.services import record
from network.conferences import schemas
from network.conferences.access import (
    SeriesRow,
    joining_place,
    leader,
    load_session,
    lock_session,
    may_manage,
    must_be_open,
)
from network.conferences.series import session_out
from network.conferences.tables import ConferenceSession, ConferenceSignup
from network.db import is_unique_violation
from network.kernel.context import Context
from network.lib import clock
from network.lib.errors import Conflict, Forbidden, InvalidInput

__all__ = ("record_attendance", "roster", "sign_up", "take_seat")


async def take_seat(
    session_id: int,
    series: SeriesRow,
    user_id: int | None,
    municipality_id: int,
    now: datetime,
    *,
    mine: bool = True,
) -> None:
    """The one seat rule of a session (sign-up and group placement): lock the session,
    count its seats, refuse when full or when the person has a seat already. Call it
    inside the unit of work that records the change."""
    await lock_session(session_id)
    taken = await ConferenceSignup.count().where(ConferenceSignup.session == session_id)
    if taken >= series.capacity:
        raise Conflict("is full", field="session_id", source="path")
    try:
        await ConferenceSignup(
            session=session_id, user=user_id, municipality=municipality_id, created_at=now
        ).save()
    except Exception as error:
        if is_unique_violation(error):
            who = "you have" if mine else "the person has"
            raise Conflict(f"{who} signed up already", field="session_id", source="path") from error
        raise


async def sign_up(
    ctx: Context, session_id: int, *, now: datetime | None = None
) -> schemas.SessionOut:
    """A seat at a session for a social worker of a municipality the series serves."""
    now = now or clock.now()
    async with ctx.work():
        row, series = await load_session(ctx.principal, session_id)
        place = joining_place(ctx.principal, series)
        if place is None:
            raise Forbidden(
                "only specialists of the competence area sign up for its network meetings"
                if series.is_peer_network
                else "only social workers of the municipalities the series serves sign up",
                field="session_id",
            )
        must_be_open(row)
        if row["starts_at"] <= now:
            raise Conflict("has started already", field="session_id", source="path")
        if series.by_application:
            raise Conflict(
                "is opened by application: apply for a seat instead",
                field="session_id",
                source="path",
            )
        await take_seat(session_id, series, ctx.principal.user_id, place[0], now)
        await record(
            ctx.actor,
            "conference_signup.create",
            "conference_session",
            session_id,
            municipality=place[1],
            detail={"series": series.id},
        )
        return (await session_out(ctx, [row], {series.id: series.capacity}))[0]


async def record_attendance(
    ctx: Context, session_id: int, data: schemas.AttendanceIn, *, now: datetime | None = None
) -> list[schemas.SignupOut]:
    """Who attended (whoever leads the session — the hub or the stand-in who took it
    over — or a coordinator, once the session has started); every other sign-up did
    not. Recording again replaces the record."""
    now = now or clock.now()
    async with ctx.work():
        row, series = await load_session(ctx.principal, session_id)
        leads = ctx.principal.specialist_id == leader(row, series)
        if not (leads or may_manage(ctx.principal, series)):
            raise Forbidden("only the hub or a coordinator of its municipality", field="session_id")
        must_be_open(row)
        if row["starts_at"] > now:
            raise Conflict("has not started yet", field="session_id", source="path")
        signed = {
            s["user"]
            for s in await ConferenceSignup.select(ConferenceSignup.user).where(
                ConferenceSignup.session == session_id
            )
        }
        strangers = sorted(set(data.present) - signed)
        if strangers:
            raise InvalidInput(
                f"did not sign up for this session: users {strangers}", field="present"
            )
        present = sorted(set(data.present))
        await ConferenceSignup.update({ConferenceSignup.attended: False}).where(
            ConferenceSignup.session == session_id
        )
        if present:
            await ConferenceSignup.update({ConferenceSignup.attended: True}).where(
                (ConferenceSignup.session == session_id) & ConferenceSignup.user.is_in(present)
            )
        await ConferenceSession.update({ConferenceSession.attendance_recorded_at: now}).where(
            ConferenceSession.id == session_id
        )
        await record(
            ctx.actor,
            "conference_attendance.record",
            "conference_session",
            session_id,
            municipality=series.home,
            county=series.home_county,
            detail={"present": len(present), "signed_up": len(signed)},
        )
        return await roster(session_id)


async def roster(session_id: int) -> list[schemas.SignupOut]:
    rows = (
        await ConferenceSignup.select(
            ConferenceSignup.user,
            ConferenceSignup.user._.display_name.as_alias("name"),
            ConferenceSignup.municipality._.code.as_alias("code"),
            ConferenceSignup.municipality._.name.as_alias("place"),
            ConferenceSignup.attended,
        )
        .where(ConferenceSignup.session == session_id)
        .order_by(ConferenceSignup.created_at)
    )
    return [
        schemas.SignupOut(
            user=r["user"],
            name=r["name"],
            municipality=schemas.Place(code=r["code"], name=r["place"]),
            attended=r["attended"],
        )
        for r in rows
    ]
