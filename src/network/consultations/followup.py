"""Follow-up of requests over time, run by a periodic job (and ``network followup``).

- An offer not answered within its time limit expires; the request passes to the
  next best eligible specialist (who has not turned it down), or back to the
  pool when there is none.
- A request still waiting after its latest useful date expires.
- Closed requests (completed, cancelled, expired) are purged with everything that
  hangs on them once the retention period has passed; the audit log keeps who did
  what, never the case text.

Each step is a unit of work acting for the whole network
(:meth:`~network.kernel.context.Runtime.system_work`) and writes an audit row per
request it touches, with the system as the actor.
"""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from network.audit.services import record
from network.consultations.access import load_request
from network.consultations.lifecycle import FINAL, PLACEABLE
from network.consultations.notices import tell_requester
from network.consultations.offers import make_offer, ranked
from network.consultations.requests import set_status
from network.consultations.tables import Assignment, ConsultationRequest
from network.kernel.context import Actor, Runtime
from network.kernel.kept import Kept
from network.lib import clock
from network.lib.vocab import AssignmentStatus, ConsultationStatus, NotificationKind
from network.scheduling import STOCKHOLM
from network.server.periodic import periodic

__all__ = ("FollowUp", "follow_up", "periodic_follow_up")

SYSTEM = Actor(email="system", role="system")


@dataclass(frozen=True, slots=True)
class FollowUp:
    offers_expired: int = 0
    passed_on: int = 0
    requests_expired: int = 0
    purged: int = 0


async def _expire_offers(kept: Kept, now: datetime) -> tuple[int, int]:
    due = await Assignment.select(Assignment.id, Assignment.request).where(
        (Assignment.status == AssignmentStatus.OFFERED) & (Assignment.expires_at <= now)
    )
    passed_on = 0
    for row in due:
        await Assignment.update(
            {Assignment.status: AssignmentStatus.EXPIRED, Assignment.responded_at: now}
        ).where(Assignment.id == row["id"])
        request = await load_request(row["request"])
        await set_status(request, ConsultationStatus.OPEN)
        request = await load_request(row["request"])
        await _audit("consultation.offer_expired", request)
        await tell_requester(request, NotificationKind.OFFER_EXPIRED)
        found = (await ranked(kept, request, 1, now)).found
        if found:
            await make_offer(request, found[0].specialist, found[0].breakdown, now=now)
            await _audit("consultation.offer", request, specialist=found[0].specialist)
            passed_on += 1
    return len(due), passed_on


async def _expire_requests(now: datetime) -> int:
    today = now.astimezone(STOCKHOLM).date()
    rows = await ConsultationRequest.select(ConsultationRequest.id).where(
        ConsultationRequest.status.is_in(sorted({*PLACEABLE, ConsultationStatus.OFFERED}))
        & ConsultationRequest.latest_date.is_not_null()
        & (ConsultationRequest.latest_date < today)
    )
    for row in rows:
        request = await load_request(row["id"])
        await Assignment.update(
            {Assignment.status: AssignmentStatus.WITHDRAWN, Assignment.responded_at: now}
        ).where(
            (Assignment.request == request.id)
            & Assignment.status.is_in([AssignmentStatus.OFFERED, AssignmentStatus.PROPOSED])
        )
        await set_status(request, ConsultationStatus.EXPIRED, closed_at=now)
        await _audit("consultation.expire", request)
    return len(rows)


async def _purge(now: datetime, retention: timedelta) -> int:
    gone = (
        await ConsultationRequest.delete()
        .where(
            ConsultationRequest.status.is_in(sorted(FINAL))
            & ConsultationRequest.closed_at.is_not_null()
            & (ConsultationRequest.closed_at < now - retention)
        )
        .returning(ConsultationRequest.id)
    )
    if gone:
        await record(
            SYSTEM,
            "consultation.purge",
            "consultation",
            None,
            detail={"count": len(gone), "retention_days": retention.days},
        )
    return len(gone)


async def _audit(action: str, request: Any, **detail: Any) -> None:
    await record(
        SYSTEM,
        action,
        "consultation",
        request.id,
        municipality=request.municipality,
        county=request.county,
        detail=detail or None,
    )


async def follow_up(
    runtime: Runtime, *, now: datetime | None = None, retention_days: int
) -> FollowUp:
    """One pass of every step, each its own unit of work."""
    now = now or clock.now()
    async with runtime.system_work():
        expired, passed_on = await _expire_offers(runtime.kept, now)
    async with runtime.system_work():
        requests_expired = await _expire_requests(now)
    async with runtime.system_work():
        purged = await _purge(now, timedelta(days=retention_days))
    return FollowUp(expired, passed_on, requests_expired, purged)


def periodic_follow_up(
    runtime: Runtime, *, retention_days: int
) -> AbstractAsyncContextManager[None]:
    """Run :func:`follow_up` every ``NETWORK_FOLLOWUP_INTERVAL`` seconds while the app
    runs (0: never). With several processes, the lock lets one of them do each pass."""

    async def work() -> FollowUp | None:
        result = await follow_up(runtime, retention_days=retention_days)
        return result if result != FollowUp() else None

    return periodic("followup", runtime.settings.followup_interval, runtime.locks, work)
