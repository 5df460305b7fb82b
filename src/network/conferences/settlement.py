"""Conference time in the settlement between municipalities, shared by attendance.

The rule: a session whose attendance the hub has recorded gives its full length
(the series' duration) of the hub's time. It is shared equally between the social
workers who attended, in whole minutes (the remainder, one minute at a time, to the
earliest sign-ups), and each share is given by the hub's home municipality to the
attendee's municipality, in the competence area of the series, in the month
(Europe/Stockholm) the session started. Shares within the hub's own municipality are
not settled (as for consultations). A session nobody attended gives nothing.

A peer network's meetings (series of kind ``peer_network``) are never settled: the
area's specialists meet as equals, each gives and takes, and no municipality serves
another there. Their attendance is recorded all the same.

This is its own settlement read beside the consultations' one
(:mod:`network.consultations.settlement`): the lines count attendances, not
consultations, and are summed at the same hourly rate by the same :func:`settle`.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from network.audit.services import record
from network.conferences import schemas
from network.conferences.tables import ConferenceSession, ConferenceSignup
from network.consultations.settlement import Given, month_bounds, settle, shown_to
from network.kernel.context import Context
from network.lib.vocab import ConferenceKind

__all__ = ("conference_settlement", "shares")


def shares(minutes: int, attendees: int) -> list[int]:
    """``minutes`` split between ``attendees`` in whole minutes that sum to it, the
    larger shares first (to the earliest sign-ups)."""
    if attendees <= 0:
        return []
    base, extra = divmod(minutes, attendees)
    return [base + 1 if i < extra else base for i in range(attendees)]


async def _given(start: datetime, end: datetime) -> list[Given]:
    sessions = {
        row["id"]: row
        for row in await ConferenceSession.select(
            ConferenceSession.id,
            ConferenceSession.series._.duration_minutes.as_alias("duration"),
            ConferenceSession.series._.home_municipality._.code.as_alias("giver"),
            ConferenceSession.series._.area._.code.as_alias("area"),
        ).where(
            ConferenceSession.attendance_recorded_at.is_not_null()
            & (ConferenceSession.series._.kind != ConferenceKind.PEER_NETWORK)
            & (ConferenceSession.starts_at >= start)
            & (ConferenceSession.starts_at < end)
        )
    }
    rows = (
        await ConferenceSignup.select(
            ConferenceSignup.session,
            ConferenceSignup.municipality._.code.as_alias("receiver"),
        )
        .where(
            ConferenceSignup.attended.eq(True)
            & ConferenceSignup.session.is_in(sorted(sessions) or [0])
        )
        .order_by(ConferenceSignup.session)
        .order_by(ConferenceSignup.created_at)
        .order_by(ConferenceSignup.id)
    )
    by_session: dict[int, list[str]] = defaultdict(list)
    for row in rows:
        by_session[row["session"]].append(row["receiver"])
    given: list[Given] = []
    for session_id, receivers in by_session.items():
        session = sessions[session_id]
        for receiver, minutes in zip(
            receivers, shares(session["duration"], len(receivers)), strict=True
        ):
            given.append(
                Given(
                    giver=session["giver"], receiver=receiver, area=session["area"], minutes=minutes
                )
            )
    return given


async def conference_settlement(
    ctx: Context, *, month: str, hourly_rate: int
) -> list[schemas.SettlementLineOut]:
    """The month's conference lines that concern a municipality in the reader's scope."""
    start, end = month_bounds(month)
    async with ctx.work():
        visible = await shown_to(ctx, settle(await _given(start, end), hourly_rate))
        await record(
            ctx.actor,
            "conference_settlement.read",
            "settlement",
            month,
            detail={"lines": len(visible), "rate": hourly_rate},
        )
    return [
        schemas.SettlementLineOut(
            giver=line.giver,
            receiver=line.receiver,
            area=line.area,
            attendances=line.consultations,
            minutes=line.minutes,
            hours=line.hours,
            amount=line.amount,
            suppressed=line.suppressed,
        )
        for line in visible
    ]
