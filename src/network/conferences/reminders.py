"""Reminders before conference sessions, once, a set time ahead.

A periodic pass (:func:`periodic_reminders`, "conference-reminders") finds the
sessions of every series kind that start within ``NETWORK_CONFERENCE_REMINDER_HOURS``
(24 by default) and have not been reminded, and tells, once per session:

- every person signed up: what (the series' title, the teaching topic, the area), when,
  and how to meet (the session booking's details for the series' mode);
- every presenter of a case: the same, in a sentence of its own that links to their
  case on the session page (the question itself stays there: a notification and its
  e-mail never carry case text);
- the hub, in a sentence of its own.

In-app and, when ``NETWORK_SMTP_URL`` is set, by e-mail, through the unit of work's
outbox (sent only once the pass has committed). Claiming a session is a conditional
update (``reminded_at`` set where it is still empty) in the same transaction as its
notifications: two processes running the pass at once (the job's lock normally lets
only one) remind each session once, because the second one's update waits for the
first to commit and then finds the column set (PostgreSQL), or its transaction starts
only after the first's (SQLite, ``BEGIN IMMEDIATE``). A session whose booking is no
longer live (cancelled) is not reminded.
"""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager
from datetime import datetime, timedelta

from network.audit.services import record
from network.conferences.access import series_rows
from network.conferences.meeting import meetings_of
from network.conferences.tables import (
    ConferenceCase,
    ConferenceSeries,
    ConferenceSession,
    ConferenceSignup,
)
from network.kernel.context import Actor, Runtime
from network.lib import clock
from network.lib.vocab import NotificationKind
from network.notifications.services import notify
from network.server.periodic import periodic

__all__ = ("periodic_reminders", "remind_due")

SYSTEM = Actor(email="system", role="system")


async def remind_due(runtime: Runtime, *, now: datetime | None = None) -> int:
    """Remind the people of every session due for it; the number of sessions reminded."""
    now = now or clock.now()
    ahead = now + timedelta(hours=runtime.settings.conference_reminder_hours)
    reminded = 0
    async with runtime.system_work():
        due = list(
            await ConferenceSession.select(
                ConferenceSession.id,
                ConferenceSession.series,
                ConferenceSession.starts_at,
                ConferenceSession.topic,
                ConferenceSession.booking,
                # The stand-in's user, when one leads the session in the hub's place.
                ConferenceSession.stand_in._.user.as_alias("stand_in_user"),
            )
            .where(
                ConferenceSession.reminded_at.is_null()
                & (ConferenceSession.starts_at > now)
                & (ConferenceSession.starts_at <= ahead)
            )
            .order_by(ConferenceSession.id)
        )
        if not due:
            return 0
        meetings = await meetings_of(row["booking"] for row in due)
        live = [r for r in due if r["booking"] in meetings and meetings[r["booking"]].live]
        found = await series_rows(ConferenceSeries.id.is_in([r["series"] for r in live] or [0]))
        series = {s.id: s for s in found}
        for row in live:
            claimed = (
                await ConferenceSession.update({ConferenceSession.reminded_at: now})
                .where(
                    (ConferenceSession.id == row["id"]) & ConferenceSession.reminded_at.is_null()
                )
                .returning(ConferenceSession.id)
            )
            if not claimed:
                continue  # another pass reminded it just now
            of = series[row["series"]]
            how = meetings[row["booking"]].details
            params = {
                "area": of.area,
                "start": row["starts_at"].isoformat(),
                "mode": of.mode,
                "title": of.title,
                "topic": row["topic"],
                **({"how": how} if how else {}),
            }
            link = f"/conferences/sessions/{row['id']}"
            cases = await ConferenceCase.select(ConferenceCase.id, ConferenceCase.presenter).where(
                ConferenceCase.session == row["id"]
            )
            presenters = {c["presenter"] for c in cases if c["presenter"] is not None}
            seated = {
                s["user"]
                for s in await ConferenceSignup.select(ConferenceSignup.user).where(
                    ConferenceSignup.session == row["id"]
                )
            }
            # Whoever leads the session: the stand-in when the hub is away, else the hub.
            lead = row["stand_in_user"] if row["stand_in_user"] is not None else of.hub_user
            hub = {lead} if lead is not None else set()
            for case in cases:
                if case["presenter"] is None or case["presenter"] in hub:
                    continue
                await notify(
                    [case["presenter"]],
                    NotificationKind.CONFERENCE_REMINDER_PRESENTER,
                    object_type="conference_session",
                    object_id=row["id"],
                    link=f"{link}#case-{case['id']}",
                    params=params,
                )
            await notify(
                sorted(seated - presenters - hub),
                NotificationKind.CONFERENCE_REMINDER,
                object_type="conference_session",
                object_id=row["id"],
                link=link,
                params=params,
            )
            await notify(
                sorted(hub),
                NotificationKind.CONFERENCE_REMINDER_HUB,
                object_type="conference_session",
                object_id=row["id"],
                link=link,
                params=params,
            )
            await record(
                SYSTEM,
                "conference_session.remind",
                "conference_session",
                row["id"],
                municipality=of.home,
                county=of.home_county,
                detail={
                    "series": of.id,
                    "attendees": len(seated - presenters - hub),
                    "presenters": len(presenters - hub),
                },
            )
            reminded += 1
    return reminded


def periodic_reminders(runtime: Runtime) -> AbstractAsyncContextManager[None]:
    """Run :func:`remind_due` every ``NETWORK_FOLLOWUP_INTERVAL`` seconds while the app
    runs (0: never); with several processes, one at a time (the job's lock)."""

    async def work() -> int | None:
        return await remind_due(runtime) or None

    return periodic("conference-reminders", runtime.settings.followup_interval, runtime.locks, work)
