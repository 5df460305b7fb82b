"""Loading one consultation request with what the policy needs to decide on it.

Every consultation service starts here, inside a case transaction: the request's
origin (municipality and county), its requester, and the specialists it has been
offered to or accepted by, so :func:`authorize` can ask the policy.

One answer for "no such object" and "not yours to see": a case object (a request,
its booking, its thread, a batch round) that the reader may not see is refused
exactly as one that does not exist (:class:`Unseen`, a 404 with the same detail),
so ids cannot be probed across municipalities. An object they may see but not act
on this way is a 403 (:class:`Refused`). Both are audited as denied, naming the
object, by :func:`case_work` after its transaction has rolled back; an unseen
object's row carries no place, since readers see their own audit entries.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from network.audit.services import record
from network.consultations.tables import ConsultationRequest
from network.db import as_date, as_instant, fetch, id_chunks, one_of
from network.kernel.context import Actor, Context
from network.kernel.policy import Action, Principal, Target, decide
from network.lib.errors import Forbidden, NotFound
from network.lib.vocab import AssignmentStatus, AuditOutcome

__all__ = (
    "Refusal",
    "Refused",
    "RequestRow",
    "Unseen",
    "authorize",
    "case_work",
    "load_request",
    "load_requests",
    "load_visible",
    "refusals_audited",
    "refused",
    "unseen",
    "visible",
)

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
    # The requester's own specialist profile (a specialist asking a colleague): never
    # a candidate for their own request.
    requester_specialist: int | None = None

    @property
    def never_offered(self) -> frozenset[int]:
        """The specialists this request is never offered to: those who turned it down,
        and the requester themself."""
        if self.requester_specialist is None:
            return self.turned_down
        return self.turned_down | {self.requester_specialist}

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
    :func:`load_request` loads one: one hand-written statement for every 5,000 (a
    batch round loads thousands; a suggestion one), the request's row once per live
    or turned-down assignment of it (row-level security filters both tables as it
    would two queries)."""
    engine = ConsultationRequest._meta.db
    rows: dict[int, dict[str, Any]] = {}
    assignments: dict[int, list[dict[str, Any]]] = defaultdict(list)
    statuses = [s.value for s in (*LIVE_ASSIGNMENTS, *TURNED_DOWN)]
    kept, kept_args = one_of(engine, statuses, "varchar")
    for chunk in id_chunks(request_ids):
        wanted, args = one_of(engine, chunk, "bigint")
        for found in await fetch(engine, _REQUESTS_SQL.format(kept, wanted), *kept_args, *args):
            row = dict(found)
            specialist, status = row.pop("a_specialist"), row.pop("a_status")
            if row["id"] not in rows:
                row["latest_date"] = as_date(row["latest_date"])
                row["opened_at"] = as_instant(row["opened_at"])
                row["first_answer_at"] = as_instant(row["first_answer_at"])
                rows[row["id"]] = row
            if specialist is not None:
                assignments[row["id"]].append({"specialist": specialist, "status": status})
    return [_row(rows[i], assignments[i]) for i in request_ids if i in rows]


# What :class:`RequestRow` holds, and the assignments it is built from; ``{0}``:
# the assignment statuses kept, ``{1}``: the requests' ids (see :func:`load_requests`).
_REQUESTS_SQL = (
    "SELECT r.id, r.status, r.kind, r.mode, r.urgency, r.language, r.area AS area_id, "
    "ca.code AS area, r.origin_municipality AS origin_id, m.code AS municipality, "
    "c.code AS county, r.requester, r.named_specialist, r.latest_date, r.opened_at, "
    "r.first_answer_at, r.version, a.specialist AS a_specialist, a.status AS a_status, "
    "sp.id AS requester_specialist "
    "FROM consultation_request r "
    "LEFT JOIN competence_area ca ON ca.id = r.area "
    "LEFT JOIN municipality m ON m.id = r.origin_municipality "
    "LEFT JOIN county c ON c.id = m.county "
    "LEFT JOIN assignment a ON a.request = r.id AND a.status {0} "
    'LEFT JOIN specialist_profile sp ON sp."user" = r.requester '
    "WHERE r.id {1}"
)


def _row(row: dict[str, Any], assignments: list[dict[str, Any]]) -> RequestRow:
    live = {a["status"]: a["specialist"] for a in assignments if a["status"] in LIVE_ASSIGNMENTS}
    return RequestRow(
        **row,
        offered_to=live.get(AssignmentStatus.OFFERED),
        accepted_by=live.get(AssignmentStatus.ACCEPTED),
        turned_down=frozenset(a["specialist"] for a in assignments if a["status"] in TURNED_DOWN),
    )


# Why an unseen object is refused: the same words whether it exists or not.
HIDDEN = "not found or not visible to you"


@dataclass(frozen=True, slots=True)
class Refusal:
    """What the audit row of a refused access to a case object says."""

    object_type: str  # consultation, consultation_thread, booking, round
    object_id: int
    action: Action
    reason: str
    municipality: str | None = None  # only for an object the reader may see
    county: str | None = None


class Unseen(NotFound):
    """A case object that does not exist or that the reader may not see (404)."""

    def __init__(self, message: str, refusal: Refusal, *, field: str, source: str) -> None:
        super().__init__(message, field=field, source=source)
        self.refusal = refusal


class Refused(Forbidden):
    """A case object the reader may see but may not act on this way (403)."""

    def __init__(self, message: str, refusal: Refusal) -> None:
        super().__init__(message)
        self.refusal = refusal


def unseen(
    message: str,
    object_type: str,
    object_id: int,
    action: Action,
    *,
    field: str = "id",
    source: str = "path",
) -> Unseen:
    """The one answer for a missing object and for one the reader may not see."""
    return Unseen(
        message, Refusal(object_type, object_id, action, HIDDEN), field=field, source=source
    )


def visible(principal: Principal, request: RequestRow) -> bool:
    """Whether ``principal``'s user may see ``request`` at all (an API token's scopes
    limit what it may do, not what exists for its user)."""
    return bool(
        decide(replace(principal, token_scopes=None), Action.CONSULTATION_READ, request.target())
    )


async def load_visible(
    principal: Principal,
    request_id: int,
    action: Action,
    *,
    object_type: str = "consultation",
    field: str = "id",
    source: str = "path",
) -> RequestRow:
    """The request if ``principal`` may see it; else :class:`Unseen`, as for an id that
    does not exist (for ``action`` on ``object_type``, naming ``field``)."""
    found = await load_requests([request_id])
    if not found or not visible(principal, found[0]):
        raise unseen(
            "no such consultation request",
            object_type,
            request_id,
            action,
            field=field,
            source=source,
        )
    return found[0]


def authorize(
    principal: Principal,
    action: Action,
    request: RequestRow,
    *,
    object_type: str = "consultation",
    object_id: int | None = None,
) -> None:
    """Raise :class:`Refused` unless the policy lets ``principal`` take ``action`` on it."""
    decision = decide(principal, action, request.target())
    if not decision:
        raise refused(decision.reason, action, request, object_type, object_id)


def refused(
    message: str,
    action: Action,
    request: RequestRow,
    object_type: str = "consultation",
    object_id: int | None = None,
) -> Refused:
    """A 403 about ``request`` (or the object ``object_type``/``object_id`` of it)."""
    return Refused(
        message,
        Refusal(
            object_type,
            request.id if object_id is None else object_id,
            action,
            message,
            request.municipality,
            request.county,
        ),
    )


async def audit_refusal(actor: Actor, refusal: Refusal) -> None:
    """The ``access.denied`` row of one refusal (outcome denied, naming the object)."""
    await record(
        actor,
        "access.denied",
        refusal.object_type,
        refusal.object_id,
        municipality=refusal.municipality,
        county=refusal.county,
        outcome=AuditOutcome.DENIED,
        detail={"action": refusal.action.value, "reason": refusal.reason},
    )


@asynccontextmanager
async def refusals_audited(actor: Actor) -> AsyncIterator[None]:
    """Audit an :class:`Unseen` or :class:`Refused` leaving the block as denied: written
    once the block (and any transaction inside it) has ended, so it is kept although
    the request fails."""
    try:
        yield
    except (Unseen, Refused) as error:
        await audit_refusal(actor, error.refusal)
        raise


@asynccontextmanager
async def case_work(ctx: Context) -> AsyncIterator[None]:
    """A case transaction for ``ctx.principal`` whose refusals are audited after it rolls back."""
    async with refusals_audited(ctx.actor), ctx.work():
        yield
