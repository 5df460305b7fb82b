"""Who is told what when a consultation moves on (see :mod:`network.notifications`).

Offers go to the specialist; answers and expiries to the requester; bookings and
messages to the other side. Only the area code and a meeting time travel along.
"""

from __future__ import annotations

from datetime import datetime

from network.consultations.access import RequestRow
from network.lib.vocab import NotificationKind
from network.notifications.service import notify
from network.specialists.tables import SpecialistProfile

__all__ = ("tell_booking", "tell_message", "tell_offered", "tell_requester")


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
        link=f"/consultations/{request.id}",
        params={"area": request.area, **params},
    )


async def tell_offered(request: RequestRow, specialist_id: int) -> None:
    await _tell([await _user_of(specialist_id)], NotificationKind.OFFER_NEW, request)


async def tell_requester(request: RequestRow, kind: NotificationKind) -> None:
    await _tell([request.requester], kind, request)


async def tell_booking(
    request: RequestRow, specialist_id: int, kind: NotificationKind, start: datetime
) -> None:
    users = [request.requester, await _user_of(specialist_id)]
    await _tell(users, kind, request, start=start.isoformat())


async def tell_message(request: RequestRow, *, from_specialist: bool) -> None:
    other = request.requester if from_specialist else await _user_of(request.accepted_by)
    await _tell([other], NotificationKind.MESSAGE_NEW, request)
