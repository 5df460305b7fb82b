"""Conference sessions for calendar feeds: the sessions a person takes part in.

A person takes part in a session as its hub (the series' specialist), as someone
signed up, or as the presenter of a case there. Calendar feeds
(:mod:`network.specialists.calendar`) show each such session as a conference session
with its series' title, its teaching topic and how to meet, whatever the series' kind;
a session whose booking is no longer live is returned as cancelled (the feed keeps it
with ``STATUS:CANCELLED``, RFC 5545 §3.8.1.11, so subscribed calendars drop it).
Times, titles, topics and meeting details only: never case text.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from network.conferences.meeting import meetings_of
from network.conferences.tables import ConferenceCase, ConferenceSession, ConferenceSignup
from network.kernel.case_scope import system_scope

__all__ = ("SessionEntry", "sessions_for")


@dataclass(frozen=True, slots=True)
class SessionEntry:
    session: int
    booking: int | None
    title: str
    topic: str
    area_sv: str
    mode: str
    starts_at: datetime
    ends_at: datetime
    how: str | None
    cancelled: bool
    hub: bool  # the person leads it


async def sessions_for(
    *, user_id: int | None, specialist_id: int | None, start: datetime, end: datetime
) -> list[SessionEntry]:
    """The sessions in [start, end) that ``user_id`` is signed up for or presents a case
    at, or that ``specialist_id`` leads as hub."""
    window: Any = (ConferenceSession.starts_at < end) & (ConferenceSession.ends_at > start)
    ids: set[int] = set()
    if user_id is not None:
        ids |= {
            r["session"]
            for r in await ConferenceSignup.select(ConferenceSignup.session).where(
                ConferenceSignup.user == user_id
            )
        }
        async with system_scope(ConferenceCase._meta.db):  # session ids only
            ids |= {
                r["session"]
                for r in await ConferenceCase.select(ConferenceCase.session).where(
                    ConferenceCase.presenter == user_id
                )
            }
    led: Any = ConferenceSession.id.is_in(sorted(ids) or [0])
    if specialist_id is not None:
        led = led | (ConferenceSession.series._.hub == specialist_id)
    rows = await ConferenceSession.select(
        ConferenceSession.id,
        ConferenceSession.booking,
        ConferenceSession.series._.title.as_alias("title"),
        ConferenceSession.topic,
        ConferenceSession.series._.area._.name_sv.as_alias("area_sv"),
        ConferenceSession.series._.mode.as_alias("mode"),
        ConferenceSession.series._.hub.as_alias("hub"),
        ConferenceSession.starts_at,
        ConferenceSession.ends_at,
    ).where(window & led)
    meetings = await meetings_of(r["booking"] for r in rows)
    out = []
    for r in rows:
        meeting = meetings.get(r["booking"])
        out.append(
            SessionEntry(
                session=r["id"],
                booking=r["booking"],
                title=r["title"],
                topic=r["topic"],
                area_sv=r["area_sv"],
                mode=r["mode"],
                starts_at=r["starts_at"],
                ends_at=r["ends_at"],
                how=meeting.details if meeting else None,
                cancelled=meeting is None or not meeting.live,
                hub=specialist_id is not None and r["hub"] == specialist_id,
            )
        )
    return sorted(out, key=lambda e: (e.starts_at, e.session))
