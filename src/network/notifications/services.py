"""Telling people what happened: an inbox row, a live push, and optionally an e-mail.

:func:`notify` is called by the use cases inside their unit of work
(:mod:`network.kernel.unit`), so the inbox rows commit or roll back with the change
they announce, and the push and the e-mails (:class:`network.kernel.outbox.Outbox`)
go out only once it has committed. Outside a unit of work the rows are written and
nothing is pushed.

No case text goes anywhere: a notification is its kind (a fixed, translated
sentence), a link inside the app, and parameters from a short allowed list (an
area code, a meeting time).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from network.accounts.tables import User
from network.consultations.tables import Assignment
from network.db import insert_columns
from network.directory.tables import CompetenceArea
from network.kernel.case_scope import system_scope
from network.kernel.outbox import Outbox
from network.kernel.unit import current_unit
from network.lib import clock
from network.lib.vocab import AssignmentStatus, NotificationKind
from network.notifications.tables import Notification

__all__ = (
    "ALLOWED_PARAMS",
    "InboxItem",
    "Notice",
    "inbox",
    "list_for",
    "mark_all_read",
    "mark_read",
    "notify",
    "notify_many",
    "offer_answers",
    "unread_count",
)

logger = logging.getLogger("network.notifications")

_BOOKING = frozenset({"area", "urgency", "start", "mode", "how"})
_REMINDER = frozenset({"area", "start", "mode", "how", "title", "topic"})
ALLOWED_PARAMS: dict[NotificationKind, frozenset[str]] = {
    NotificationKind.OFFER_NEW: frozenset({"area", "urgency", "deadline"}),
    NotificationKind.OFFER_ACCEPTED: frozenset({"area", "urgency"}),
    NotificationKind.OFFER_DECLINED: frozenset({"area", "urgency"}),
    NotificationKind.OFFER_EXPIRED: frozenset({"area", "urgency"}),
    NotificationKind.BOOKING_CREATED: _BOOKING,
    NotificationKind.BOOKING_CANCELLED: _BOOKING,
    NotificationKind.BOOKING_MOVED: _BOOKING,
    NotificationKind.BOOKING_DETAILS: _BOOKING,
    NotificationKind.MESSAGE_NEW: frozenset({"area", "urgency"}),
    NotificationKind.MENTOR_MATCHED: frozenset(),
    NotificationKind.ROLE_GRANTED: frozenset({"role", "place"}),
    NotificationKind.TEST: frozenset(),
    NotificationKind.CONFERENCE_ANSWER: frozenset({"area"}),
    NotificationKind.CONFERENCE_PLACED: frozenset({"area"}),
    NotificationKind.STANDING_PROPOSED: frozenset(),
    NotificationKind.STANDING_AGREED: frozenset(),
    NotificationKind.STANDING_DECLINED: frozenset(),
    NotificationKind.STANDING_ENDED: frozenset(),
    NotificationKind.STANDING_MOVED: frozenset({"start"}),
    NotificationKind.STANDING_SKIPPED_ABSENCE: frozenset({"start"}),
    NotificationKind.STANDING_SKIPPED_CLASH: frozenset({"start"}),
    NotificationKind.STANDING_SKIPPED_CAPACITY: frozenset({"start"}),
    NotificationKind.ENGAGEMENT_HANDOVER: frozenset({"area"}),
    NotificationKind.CONFERENCE_CANCELLED: frozenset({"start"}),
    NotificationKind.CONFERENCE_STAND_IN: frozenset({"start"}),
    NotificationKind.PEER_QUESTION: frozenset({"area"}),
    NotificationKind.PEER_REPLY: frozenset({"area"}),
    # The series' title and the session's teaching topic are the organiser's words,
    # never case text (a presenter's question stays on the session page).
    NotificationKind.CONFERENCE_REMINDER: _REMINDER,
    NotificationKind.CONFERENCE_REMINDER_PRESENTER: _REMINDER,
    NotificationKind.CONFERENCE_REMINDER_HUB: _REMINDER,
    NotificationKind.PROGRAMME_ENROLLED: frozenset({"area", "start", "title", "topic"}),
}


@dataclass(frozen=True, slots=True)
class Notice:
    """One thing to tell its recipients (user ids; ``None`` and repeats are skipped)."""

    recipients: tuple[int | None, ...]
    object_id: int | None
    link: str
    params: Mapping[str, str] = field(default_factory=dict)


async def notify(
    recipients: Iterable[int | None],
    kind: NotificationKind,
    *,
    object_type: str,
    object_id: int | None,
    link: str,
    params: dict[str, str] | None = None,
) -> None:
    """Tell each recipient."""
    await notify_many(kind, object_type, [Notice(tuple(recipients), object_id, link, params or {})])


async def notify_many(kind: NotificationKind, object_type: str, notices: Sequence[Notice]) -> None:
    """Tell each notice's recipients, with the inbox rows inserted in batches (a batch
    round makes thousands of offers at once)."""
    now = clock.now()
    rows: list[tuple[int, Notice]] = []
    told: list[tuple[list[int], Notice]] = []
    for notice in notices:
        extra = set(notice.params) - ALLOWED_PARAMS[kind]
        if extra:
            raise ValueError(f"{kind} notifications carry no {sorted(extra)}")
        if not notice.link.startswith("/") or notice.link.startswith("//"):
            raise ValueError("a notification links inside the app")
        users = sorted({r for r in notice.recipients if r is not None})
        if not users:
            continue
        told.append((users, notice))
        rows.extend((user, notice) for user in users)
    await insert_columns(
        Notification,
        {
            Notification.recipient: [user for user, _ in rows],
            Notification.kind: [kind.value] * len(rows),
            Notification.object_type: [object_type] * len(rows),
            Notification.object_id: [notice.object_id for _, notice in rows],
            Notification.link: [notice.link for _, notice in rows],
            Notification.params: [dict(notice.params) for _, notice in rows],
            Notification.created_at: [now] * len(rows),
        },
    )
    unit = current_unit()
    if unit is None or not told:
        return
    emails: dict[int, str] = {}
    if unit.outbox.mailer is not None:
        everyone = sorted({user for users, _ in told for user in users})
        emails = {
            row["id"]: row["email"]
            for row in await User.select(User.id, User.email).where(
                User.id.is_in(everyone) & (User.active.eq(True))
            )
        }
    unit.after_commit(lambda: _deliver(unit.outbox, kind, told, emails))


def _deliver(
    outbox: Outbox,
    kind: NotificationKind,
    told: list[tuple[list[int], Notice]],
    emails: dict[int, str],
) -> None:
    for users, notice in told:
        outbox.push(users, {"kind": kind.value, "link": notice.link})
        for user in users:
            if user in emails:
                outbox.mail(emails[user], kind, notice.link, notice.params)


async def _area_names(code: str | None) -> tuple[str, str]:
    if not code:
        return "", ""
    row = (
        await CompetenceArea.select(CompetenceArea.name_sv, CompetenceArea.name_en)
        .where(CompetenceArea.code == code)
        .first()
    )
    return (row["name_sv"], row["name_en"]) if row else (code, code)


async def list_for(
    user_id: int,
    *,
    unread_only: bool = False,
    unread_first: bool = False,
    limit: int = 50,
    offset: int = 0,
) -> list[dict[str, Any]]:
    """The user's notifications, newest first; with ``unread_first`` the unread ones
    come before the read ones (each newest first)."""
    condition: Any = Notification.recipient == user_id
    if unread_only:
        condition = condition & Notification.read_at.is_null()
    if not unread_first or unread_only:
        return await _page(condition, limit, offset)
    unread = await _page(condition & Notification.read_at.is_null(), limit + offset, 0)
    read = await _page(
        condition & Notification.read_at.is_not_null(), max(limit + offset - len(unread), 0), 0
    )
    return [*unread, *read][offset : offset + limit]


async def _page(condition: Any, limit: int, offset: int) -> list[dict[str, Any]]:
    if limit <= 0:
        return []
    rows = (
        await Notification.select(
            Notification.id,
            Notification.kind,
            Notification.object_type,
            Notification.object_id,
            Notification.link,
            Notification.params,
            Notification.created_at,
            Notification.read_at,
        )
        .where(condition)
        .order_by(Notification.created_at, ascending=False)
        .order_by(Notification.id, ascending=False)
        .limit(limit)
        .offset(offset)
        .output(load_json=True)
    )
    return list(rows)


@dataclass(frozen=True, slots=True)
class InboxItem:
    """A notification as a page shows it: its parameters read back into their types
    (the meeting time as an aware datetime, not the ISO text it is stored as)."""

    id: int
    kind: str
    link: str
    created_at: datetime
    read_at: datetime | None
    area: str | None
    start: datetime | None
    role: str | None
    place: str | None
    urgency: str | None = None
    deadline: datetime | None = None
    mode: str | None = None
    how: str | None = None
    # an offer's notice, once the offer is answered: how (accepted, declined, expired
    # or withdrawn) and when; the page shows that instead of the deadline
    answer: str | None = None
    answered_at: datetime | None = None
    title: str | None = None
    topic: str | None = None


def _instant(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


OPEN_OFFER = (AssignmentStatus.PROPOSED, AssignmentStatus.OFFERED)


async def offer_answers(
    user_id: int, rows: Iterable[Mapping[str, Any]]
) -> dict[int, tuple[str, datetime | None]]:
    """Notification id → how and when the offer it told ``user_id`` of was answered,
    for the offer notices among ``rows`` whose offer is no longer open (the latest
    offer of the request to the user's specialist profile)."""
    offers = {
        row["id"]: row["object_id"]
        for row in rows
        if row["kind"] == NotificationKind.OFFER_NEW and row["object_id"] is not None
    }
    if not offers:
        return {}
    # Only statuses and times of the reader's own offers: no case text.
    async with system_scope(Assignment._meta.db):
        found = (
            await Assignment.select(Assignment.request, Assignment.status, Assignment.responded_at)
            .where(
                Assignment.request.is_in(sorted(set(offers.values())))
                & (Assignment.specialist._.user == user_id)
            )
            .order_by(Assignment.id)
        )
    latest = {row["request"]: row for row in found}  # the last offer of each request
    answers = {}
    for notice, request in offers.items():
        row = latest.get(request)
        if row is not None and row["status"] not in OPEN_OFFER:
            answers[notice] = (row["status"], row["responded_at"])
    return answers


async def inbox(user_id: int, *, limit: int = 100) -> list[InboxItem]:
    """Your notifications, unread first, newest first within each, ready for a page."""
    rows = await list_for(user_id, limit=limit, unread_first=True)
    answers = await offer_answers(user_id, rows)
    return [
        InboxItem(
            id=row["id"],
            kind=row["kind"],
            link=row["link"],
            created_at=row["created_at"],
            read_at=row["read_at"],
            area=row["params"].get("area"),
            start=_instant(row["params"].get("start")),
            role=row["params"].get("role"),
            place=row["params"].get("place"),
            urgency=row["params"].get("urgency"),
            deadline=_instant(row["params"].get("deadline")),
            mode=row["params"].get("mode"),
            how=row["params"].get("how"),
            answer=answers[row["id"]][0] if row["id"] in answers else None,
            answered_at=answers[row["id"]][1] if row["id"] in answers else None,
            title=row["params"].get("title"),
            topic=row["params"].get("topic"),
        )
        for row in rows
    ]


async def unread_count(user_id: int) -> int:
    return int(
        await Notification.count().where(
            (Notification.recipient == user_id) & Notification.read_at.is_null()
        )
    )


async def mark_read(user_id: int, notification_id: int) -> bool:
    """Mark one of the user's own notifications read; False if there is no such one."""
    changed = (
        await Notification.update({Notification.read_at: clock.now()})
        .where(
            (Notification.id == notification_id)
            & (Notification.recipient == user_id)
            & Notification.read_at.is_null()
        )
        .returning(Notification.id)
    )
    if changed:
        return True
    return bool(
        await Notification.exists().where(
            (Notification.id == notification_id) & (Notification.recipient == user_id)
        )
    )


async def mark_all_read(user_id: int) -> int:
    changed = (
        await Notification.update({Notification.read_at: clock.now()})
        .where((Notification.recipient == user_id) & Notification.read_at.is_null())
        .returning(Notification.id)
    )
    return len(changed)
