"""Loading one consultation request with what the policy needs to decide on it.

Every consultation service starts here, inside a case transaction: the request's
origin (municipality and county), its requester, and the specialists it has been
offered to or accepted by, so :func:`authorize` can ask the policy.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from network.accounts.policy import Action, Principal, Target, decide
from network.consultations.tables import Assignment, ConsultationRequest
from network.db import among, id_chunks
from network.lib.errors import Forbidden, NotFound
from network.lib.vocab import AssignmentStatus

__all__ = ("RequestRow", "authorize", "load_request", "load_requests")

LIVE_ASSIGNMENTS = (AssignmentStatus.OFFERED, AssignmentStatus.ACCEPTED)
TURNED_DOWN = (AssignmentStatus.DECLINED, AssignmentStatus.EXPIRED)


@dataclass(frozen=True, slots=True)
class RequestRow:
    id: int
    status: str
    kind: str
    mode: str
    urgency: str
    language: str
    area_id: int
    area: str
    origin_id: int
    municipality: str
    county: str
    requester: int | None
    named_specialist: int | None
    latest_date: date | None
    opened_at: datetime | None
    first_answer_at: datetime | None
    version: int
    offered_to: int | None  # the specialist holding the live offer
    accepted_by: int | None  # the specialist who accepted it
    turned_down: frozenset[int] = frozenset()  # declined it or let an offer expire

    @property
    def specialist(self) -> int | None:
        return self.accepted_by or self.offered_to

    def target(self) -> Target:
        involved = {s for s in (self.offered_to, self.accepted_by) if s is not None}
        return Target(
            municipality=self.municipality,
            county=self.county,
            owner_user_id=self.requester,
            specialist_ids=frozenset(involved),
        )


async def load_request(request_id: int, *, field: str = "id", source: str = "path") -> RequestRow:
    """The request with its live offer or acceptance; :class:`NotFound` naming ``field``."""
    found = await load_requests([request_id])
    if not found:
        raise NotFound("no such consultation request", field=field, source=source)
    return found[0]


async def load_requests(request_ids: Sequence[int]) -> list[RequestRow]:
    """The requests of ``request_ids`` that exist (in that order), as
    :func:`load_request` loads one: two queries for every 5,000 (a batch round loads
    thousands)."""
    rows: dict[int, dict[str, Any]] = {}
    assignments: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for chunk in id_chunks(request_ids):
        for row in await ConsultationRequest.select(
            ConsultationRequest.id,
            ConsultationRequest.status,
            ConsultationRequest.kind,
            ConsultationRequest.mode,
            ConsultationRequest.urgency,
            ConsultationRequest.language,
            ConsultationRequest.area.as_alias("area_id"),
            ConsultationRequest.area._.code.as_alias("area"),
            ConsultationRequest.origin_municipality.as_alias("origin_id"),
            ConsultationRequest.origin_municipality._.code.as_alias("municipality"),
            ConsultationRequest.origin_municipality._.county._.code.as_alias("county"),
            ConsultationRequest.requester,
            ConsultationRequest.named_specialist,
            ConsultationRequest.latest_date,
            ConsultationRequest.opened_at,
            ConsultationRequest.first_answer_at,
            ConsultationRequest.version,
        ).where(among(ConsultationRequest.id, chunk)):
            rows[row["id"]] = row
        for a in await Assignment.select(
            Assignment.request, Assignment.specialist, Assignment.status
        ).where(
            among(Assignment.request, chunk)
            & Assignment.status.is_in([*LIVE_ASSIGNMENTS, *TURNED_DOWN])
        ):
            assignments[a["request"]].append(a)
    return [_row(rows[i], assignments[i]) for i in request_ids if i in rows]


def _row(row: dict[str, Any], assignments: list[dict[str, Any]]) -> RequestRow:
    live = {a["status"]: a["specialist"] for a in assignments if a["status"] in LIVE_ASSIGNMENTS}
    return RequestRow(
        **row,
        offered_to=live.get(AssignmentStatus.OFFERED),
        accepted_by=live.get(AssignmentStatus.ACCEPTED),
        turned_down=frozenset(a["specialist"] for a in assignments if a["status"] in TURNED_DOWN),
    )


def authorize(principal: Principal, action: Action, request: RequestRow) -> None:
    """Raise :class:`Forbidden` unless the policy lets ``principal`` take ``action`` on it."""
    decision = decide(principal, action, request.target())
    if not decision:
        raise Forbidden(decision.reason)
