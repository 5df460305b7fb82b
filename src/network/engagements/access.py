"""Loading one engagement with its request, and deciding which side the reader is on.

An engagement is seen by whoever may see its co-handling request (the request's
municipality, the requester, the specialist who holds it now); anyone else gets the
same 404 as for a missing id (audited as denied). The requester's side (social
workers and coordinators of the request's municipality, the requester) and the
specialist's side (the engagement's current specialist) act on it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from network.consultations.access import RequestRow, load_requests, refused, unseen, visible
from network.engagements.tables import Engagement
from network.kernel.policy import Action, Principal, decide
from network.lib.errors import Conflict
from network.lib.vocab import EngagementPhase

__all__ = (
    "ENGAGEMENT",
    "EngagementRow",
    "Loaded",
    "load_engagement",
    "must_be_either_side",
    "must_be_open",
    "requester_side",
    "specialist_side",
)

ENGAGEMENT = "engagement"  # the audit's name for an engagement


@dataclass(frozen=True, slots=True)
class EngagementRow:
    id: int
    request: int
    origin_municipality: int
    requester: int | None
    specialist: int
    area: int
    urgency: str
    phase: str
    opened_at: datetime
    expected_end: date
    closed_at: datetime | None


@dataclass(frozen=True, slots=True)
class Loaded:
    """An engagement and its co-handling request, as the reader may see them."""

    engagement: EngagementRow
    request: RequestRow


async def load_engagement(
    principal: Principal, engagement_id: int, action: Action, *, field: str = "engagement_id"
) -> Loaded:
    """The engagement if ``principal`` may see it; else one 404 for missing and unseen."""
    row = (
        await Engagement.select(
            Engagement.id,
            Engagement.request,
            Engagement.origin_municipality,
            Engagement.requester,
            Engagement.specialist,
            Engagement.area,
            Engagement.urgency,
            Engagement.phase,
            Engagement.opened_at,
            Engagement.expected_end,
            Engagement.closed_at,
        )
        .where(Engagement.id == engagement_id)
        .first()
    )
    found = await load_requests([row["request"]]) if row is not None else []
    if row is None or not found or not visible(principal, found[0]):
        raise unseen("no such engagement", ENGAGEMENT, engagement_id, action, field=field)
    return Loaded(EngagementRow(**row), found[0])


def requester_side(principal: Principal, loaded: Loaded) -> bool:
    """The requester's side: may change the request (its municipality's case workers)."""
    return bool(decide(principal, Action.CONSULTATION_UPDATE, loaded.request.target()))


def specialist_side(principal: Principal, loaded: Loaded) -> bool:
    """The specialist who co-handles it now."""
    return (
        principal.specialist_id is not None
        and principal.specialist_id == loaded.engagement.specialist
        and bool(decide(principal, Action.CONSULTATION_RESPOND, loaded.request.target()))
    )


def must_be_either_side(principal: Principal, loaded: Loaded, action: Action, what: str) -> None:
    if not (requester_side(principal, loaded) or specialist_side(principal, loaded)):
        raise refused(
            f"only the requester's side and the co-handling specialist {what}",
            action,
            loaded.request,
            ENGAGEMENT,
            loaded.engagement.id,
        )


def must_be_open(loaded: Loaded) -> None:
    if loaded.engagement.phase == EngagementPhase.CLOSED:
        raise Conflict("the engagement is closed", field="phase")
