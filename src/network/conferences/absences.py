"""Conference sessions follow their leader's absences.

When the specialist who leads a session (the hub, or a stand-in already leading it)
is away during it, the session goes to the stand-in named for the absence, found as
new offers find theirs (:func:`network.specialists.capacity.offer_recipients`, which
follows a chain of stand-ins): if that specialist is competent in the series' area and
the time is free in their calendar (the session rules of
:func:`network.conferences.series.refusal`: mode, other bookings, absences, weekly
capacity), they get a new booking, the leader's is cancelled and the session names
them. Otherwise the session is cancelled. Either way, everyone with a seat and every
presenter is told what happened (and the stand-in that they lead it).

It runs when an absence is recorded (:func:`network.specialists.editing.add_absence`,
as the person who records it) and periodically as the system
(:func:`periodic_absences`), like the engagements' hand-over.
"""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager
from datetime import datetime
from typing import Any

from network.audit.services import record
from network.conferences.access import SeriesRow, leader, series_rows
from network.conferences.series import book_leader, lock_leader, refusal
from network.conferences.sessions import aware, cancel, tell
from network.conferences.tables import ConferenceCase, ConferenceSeries, ConferenceSession
from network.consultations.tables import Booking
from network.kernel.case_scope import system_scope
from network.kernel.context import Actor, Runtime
from network.lib import clock
from network.lib.vocab import NotificationKind, SessionCancelReason
from network.server.periodic import periodic
from network.specialists.capacity import offer_recipients
from network.specialists.tables import Absence, SpecialistCompetence, SpecialistProfile
from network.standing.occurrences import cancel_booking

__all__ = ("SYSTEM", "follow_absences", "follow_all", "periodic_absences")

SYSTEM = Actor(email="system", role="system")


async def _stand_in(absent: int, series: SeriesRow, row: dict[str, Any]) -> int | None:
    """Who takes the session over from ``absent``: the stand-in present at its start,
    competent in the area, with the time free (then locked and checked); else ``None``."""
    start, end = aware(row["starts_at"]), aware(row["ends_at"])
    recipient = (await offer_recipients([absent], start)).get(absent)
    if recipient is None or recipient == absent:
        return None
    competent = await SpecialistCompetence.exists().where(
        (SpecialistCompetence.specialist == recipient)
        & (SpecialistCompetence.area == series.area_id)
    )
    if not competent:
        return None
    profile = await lock_leader(recipient)
    # The session's own booking is the absent leader's: it does not make the stand-in busy.
    if await refusal(profile, series, start, end, start, who="the stand-in") is not None:
        return None
    return recipient


async def _hand_over(
    actor: Actor, row: dict[str, Any], series: SeriesRow, absent: int, to: int, now: datetime
) -> None:
    start, end = aware(row["starts_at"]), aware(row["ends_at"])
    booking = await book_leader(await lock_leader(to), series, start, end, actor.user_id, now)
    if row["booking"] is not None:
        await cancel_booking(row["booking"], "conference session led by a stand-in", now)
    await ConferenceSession.update(
        {
            ConferenceSession.booking: booking,
            ConferenceSession.stand_in: None if to == series.hub else to,
        }
    ).where(ConferenceSession.id == row["id"])
    async with system_scope(ConferenceCase._meta.db):  # the leader reads and answers its cases
        await ConferenceCase.update({ConferenceCase.specialist: to}).where(
            ConferenceCase.session == row["id"]
        )
    await record(
        actor,
        "conference_session.stand_in",
        "conference_session",
        row["id"],
        municipality=series.home,
        county=series.home_county,
        detail={"series": series.id, "from": absent, "stand_in": to, "booking": booking},
    )
    user = (
        await SpecialistProfile.select(SpecialistProfile.user)
        .where(SpecialistProfile.id == to)
        .first()
    )
    await tell(row, NotificationKind.CONFERENCE_STAND_IN, also=(user["user"] if user else None,))


async def follow_absences(
    actor: Actor, *, specialist: int | None = None, now: datetime | None = None
) -> dict[str, int]:
    """Hand over or cancel every session ahead whose leader (``specialist`` only, when
    given) is away during it; how many of each. Call it inside a unit of work."""
    now = now or clock.now()
    done: dict[str, int] = {}
    async with system_scope(Booking._meta.db):
        condition: Any = ConferenceSession.cancelled_at.is_null() & (
            ConferenceSession.starts_at > now
        )
        if specialist is not None:
            condition = condition & (
                (ConferenceSession.stand_in == specialist)
                | (
                    ConferenceSession.stand_in.is_null()
                    & (ConferenceSession.series._.hub == specialist)
                )
            )
        rows = list(
            await ConferenceSession.select().where(condition).order_by(ConferenceSession.starts_at)
        )
        if not rows:
            return done
        series = {
            s.id: s
            for s in await series_rows(
                ConferenceSeries.id.is_in(sorted({r["series"] for r in rows}))
            )
        }
        leaders = {leader(r, series[r["series"]]) for r in rows}
        away = await Absence.select(Absence.specialist, Absence.starts_at, Absence.ends_at).where(
            Absence.specialist.is_in(sorted(leaders)) & (Absence.ends_at > now)
        )
        for row in rows:
            this = series[row["series"]]
            absent = leader(row, this)
            start, end = aware(row["starts_at"]), aware(row["ends_at"])
            if not any(
                a["specialist"] == absent
                and aware(a["starts_at"]) < end
                and aware(a["ends_at"]) > start
                for a in away
            ):
                continue
            to = await _stand_in(absent, this, row)
            if to is None:
                await cancel(actor, row, this, SessionCancelReason.HUB_AWAY, now)
                done["cancelled"] = done.get("cancelled", 0) + 1
            else:
                await _hand_over(actor, row, this, absent, to, now)
                done["stand_in"] = done.get("stand_in", 0) + 1
    return done


async def follow_all(runtime: Runtime, *, now: datetime | None = None) -> dict[str, int]:
    """One pass over every session ahead, as the system."""
    async with runtime.system_work():
        return await follow_absences(SYSTEM, now=now)


def periodic_absences(runtime: Runtime) -> AbstractAsyncContextManager[None]:
    """Run :func:`follow_all` every ``NETWORK_FOLLOWUP_INTERVAL`` seconds while the app
    runs (0: never); with several processes, one at a time."""

    async def work() -> dict[str, int] | None:
        return await follow_all(runtime) or None

    return periodic("conference-absences", runtime.settings.followup_interval, runtime.locks, work)
