"""Changing one conference session: its teaching topic, cancelling it, and telling
the people in it what happened.

A cancelled session frees the time of whoever held it (its booking is cancelled),
keeps its row (shown as cancelled, with why), and refuses sign-ups and cases (409
naming the session). Everyone with a seat and everyone who presented a case is told,
in the app and by e-mail through the unit of work's outbox (a fixed sentence, the
time and a link: no case text).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from network.audit.services import record
from network.conferences import schemas
from network.conferences.access import (
    SeriesRow,
    load_session,
    lock_session,
    may_manage,
    must_be_open,
)
from network.conferences.series import session_out
from network.conferences.tables import ConferenceCase, ConferenceSession, ConferenceSignup
from network.kernel.case_scope import system_scope
from network.kernel.context import Actor, Context
from network.lib import clock
from network.lib.errors import Conflict, Forbidden
from network.lib.vocab import NotificationKind, SessionCancelReason
from network.notifications.services import notify
from network.standing.occurrences import cancel_booking

__all__ = ("aware", "cancel", "cancel_session", "set_topic", "tell")


def aware(moment: datetime) -> datetime:
    """An instant read back from either engine, as an aware datetime."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


async def tell(
    row: dict[str, Any], kind: NotificationKind, *, also: tuple[int | None, ...] = ()
) -> None:
    """Tell everyone with a seat at the session ``row`` and everyone presenting a case
    there (and ``also``) what happened to it."""
    seated = await ConferenceSignup.select(ConferenceSignup.user).where(
        ConferenceSignup.session == row["id"]
    )
    async with system_scope(ConferenceCase._meta.db):  # who presented: ids only
        presenters = await ConferenceCase.select(ConferenceCase.presenter).where(
            ConferenceCase.session == row["id"]
        )
    await notify(
        [*(r["user"] for r in seated), *(r["presenter"] for r in presenters), *also],
        kind,
        object_type="conference_session",
        object_id=row["id"],
        link=f"/conferences/sessions/{row['id']}",
        params={"start": aware(row["starts_at"]).isoformat()},
    )


async def cancel(
    actor: Actor,
    row: dict[str, Any],
    series: SeriesRow,
    reason: SessionCancelReason,
    now: datetime,
) -> None:
    """Cancel the session ``row`` of ``series`` and its booking, audited as ``actor``,
    and tell the people in it. Call it inside the unit of work that records it."""
    if row["booking"] is not None:
        await cancel_booking(row["booking"], f"conference session {reason.value}", now)
    await ConferenceSession.update(
        {ConferenceSession.cancelled_at: now, ConferenceSession.cancel_reason: reason.value}
    ).where(ConferenceSession.id == row["id"])
    await record(
        actor,
        "conference_session.cancel",
        "conference_session",
        row["id"],
        municipality=series.home,
        county=series.home_county,
        detail={"series": series.id, "reason": reason.value, "booking": row["booking"]},
    )
    await tell(row, NotificationKind.CONFERENCE_CANCELLED)


async def _managed_open(ctx: Context, session_id: int) -> tuple[dict[str, Any], SeriesRow]:
    row, series = await load_session(ctx.principal, session_id)
    if not may_manage(ctx.principal, series):
        raise Forbidden("only the hub or a coordinator of its municipality", field="session_id")
    await lock_session(session_id)
    must_be_open(row)
    return row, series


async def cancel_session(
    ctx: Context, session_id: int, *, now: datetime | None = None
) -> schemas.SessionOut:
    """Cancel a session that has not started (the hub or a coordinator who manages the
    series): the time is freed and the people in it are told."""
    now = now or clock.now()
    async with ctx.work():
        row, series = await _managed_open(ctx, session_id)
        if row["starts_at"] <= now:
            raise Conflict("has started already", field="session_id", source="path")
        await cancel(ctx.actor, row, series, SessionCancelReason.CANCELLED, now)
        rows = await ConferenceSession.select().where(ConferenceSession.id == session_id)
        return (await session_out(ctx, list(rows), {series.id: series.capacity}))[0]


async def set_topic(ctx: Context, session_id: int, data: schemas.TopicIn) -> schemas.SessionOut:
    """Set or change the teaching topic of a session that is not cancelled."""
    async with ctx.work():
        _, series = await _managed_open(ctx, session_id)
        await ConferenceSession.update({ConferenceSession.topic: data.topic.strip()}).where(
            ConferenceSession.id == session_id
        )
        await record(
            ctx.actor,
            "conference_session.topic",
            "conference_session",
            session_id,
            municipality=series.home,
            county=series.home_county,
            detail={"series": series.id},
        )
        rows = await ConferenceSession.select().where(ConferenceSession.id == session_id)
        return (await session_out(ctx, list(rows), {series.id: series.capacity}))[0]
