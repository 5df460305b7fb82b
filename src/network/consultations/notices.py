"""Who is told what when a consultation moves on (see :mod:`network.notifications`).

Offers go to the specialist; answers and expiries to the requester; bookings and
messages to the other side. What travels along is what a line needs to say what and
when: the area code and urgency, an offer's deadline, a meeting's time, mode and the
specialist's meeting details (a link, a work phone or a place); never case text.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from network.consultations.access import RequestRow
from network.lib.vocab import NotificationKind
from network.notifications.services import Notice, notify, notify_many
from network.specialists.tables import SpecialistProfile

__all__ = (
    "tell_booking",
    "tell_message",
    "tell_offered",
    "tell_offered_many",
    "tell_requester",
)


async def _user_of(specialist_id: int | None) -> int | None:
    if specialist_id is None:
        return None
    row = (
        await SpecialistProfile.select(SpecialistProfile.user)
        .where(SpecialistProfile.id == specialist_id)
        .first()
    )
    return int(row["user"]) if row else None


async def _tell(
    users: list[int | None], kind: NotificationKind, request: RequestRow, **params: str
) -> None:
    await notify(
        users,
        kind,
        object_type="consultation",
        object_id=request.id,
        link=_link(request),
        params={"area": request.area, "urgency": request.urgency, **params},
    )


def _link(request: Asked) -> str:
    return f"/consultations/{request.id}"


async def tell_offered(request: RequestRow, specialist_id: int, deadline: datetime) -> None:
    await tell_offered_many([(request, specialist_id, deadline)])


class Asked(Protocol):
    """A request as an offer's notice names it."""

    @property
    def id(self) -> int: ...

    @property
    def area(self) -> str: ...

    @property
    def urgency(self) -> str: ...


async def tell_offered_many(offers: Sequence[tuple[Asked, int, datetime]]) -> None:
    """Tell each specialist of their offer and by when to answer it (a batch round's
    thousands at once)."""
    ids = sorted({specialist for _, specialist, _ in offers}) or [0]
    users = {
        row["id"]: row["user"]
        for row in await SpecialistProfile.select(
            SpecialistProfile.id, SpecialistProfile.user
        ).where(SpecialistProfile.id.is_in(ids))
    }
    await notify_many(
        NotificationKind.OFFER_NEW,
        "consultation",
        [
            Notice(
                (users.get(specialist),),
                request.id,
                _link(request),
                {
                    "area": request.area,
                    "urgency": request.urgency,
                    "deadline": deadline.isoformat(),
                },
            )
            for request, specialist, deadline in offers
        ],
    )


async def tell_requester(request: RequestRow, kind: NotificationKind) -> None:
    await _tell([request.requester], kind, request)


async def tell_booking(
    request: RequestRow,
    specialist_id: int,
    kind: NotificationKind,
    start: datetime,
    *,
    mode: str | None = None,
    details: str | None = None,
    only_requester: bool = False,
) -> None:
    """Tell both sides (or only the requester) of a booking's change, with the
    meeting's time and, when known, its mode and how to meet."""
    users = [request.requester]
    if not only_requester:
        users.append(await _user_of(specialist_id))
    extra = {"start": start.isoformat()}
    if mode:
        extra["mode"] = mode
    if details:
        extra["how"] = details
    await _tell(users, kind, request, **extra)


async def tell_message(request: RequestRow, *, from_specialist: bool) -> None:
    other = request.requester if from_specialist else await _user_of(request.accepted_by)
    await _tell([other], NotificationKind.MESSAGE_NEW, request)
