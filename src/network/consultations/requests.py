"""Writing, opening, reading, listing and cancelling consultation requests.

Every free-text field passes the de-identification guard before anything is
stored (a refused save leaves the stored draft as it was); every read and change
is audited and runs in a case transaction (row-level security on PostgreSQL).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date
from typing import Any, Protocol

from piccolo.columns import Column

from network.audit.services import record
from network.consultations import schemas
from network.consultations.access import RequestRow, authorize, case_work, load_visible
from network.consultations.lifecycle import check_transition
from network.consultations.repository import visible_cases
from network.consultations.tables import Assignment, Booking, ConsultationRequest
from network.db import among, id_chunks
from network.directory.tables import (
    AgreementArea,
    AgreementMunicipality,
    CompetenceArea,
    Municipality,
    SharingAgreement,
)
from network.kernel.context import Actor, Context
from network.kernel.policy import Action, Principal, Target, decide, visible_scope
from network.lib import clock
from network.lib.deidentified import name_warnings, required_text
from network.lib.errors import Conflict, Forbidden, InvalidInput
from network.lib.vocab import (
    AgreementScope,
    AssignmentStatus,
    BookingStatus,
    ConsultationKind,
    ConsultationStatus,
    Role,
)
from network.specialists.tables import SpecialistCompetence, SpecialistProfile

__all__ = (
    "audit",
    "cancel",
    "check_co_handling",
    "create",
    "get",
    "list_requests",
    "set_status",
    "set_statuses",
    "submit",
    "update",
)

EDITABLE = frozenset({ConsultationStatus.DRAFT, ConsultationStatus.OPEN})
# Who asks for consultations: social workers, and specialists asking a colleague.
ASKING_ROLES = frozenset({Role.SOCIAL_WORKER, Role.SPECIALIST})
MAX_LIST = 500


async def _area_id(code: str) -> int:
    row = (
        await CompetenceArea.select(CompetenceArea.id)
        .where((CompetenceArea.code == code) & (CompetenceArea.active.eq(True)))
        .first()
    )
    if row is None:
        raise InvalidInput(f"unknown area code {code!r}", field="area")
    return int(row["id"])


async def _origin(principal: Principal, code: str | None) -> dict[str, Any]:
    """The municipality the request comes from: one where ``principal`` is a social
    worker, or a specialist asking a colleague on behalf of their home municipality
    (named when they work in several)."""
    bindings = [b for b in principal.bindings if b.role in ASKING_ROLES]
    own = sorted({b.municipality for b in bindings if b.municipality})
    counties = {b.county for b in bindings if b.municipality is None}
    if code is None:
        if len(own) == 1 and not counties:
            code = own[0]
        else:
            raise InvalidInput(
                "name the municipality the request comes from (you work in several)",
                field="municipality",
            )
    row = (
        await Municipality.select(
            Municipality.id, Municipality.code, Municipality.county._.code.as_alias("county")
        )
        .where(Municipality.code == code)
        .first()
    )
    if row is None:
        raise InvalidInput(f"unknown municipality code {code!r}", field="municipality")
    if not decide(
        principal,
        Action.CONSULTATION_CREATE,
        Target(municipality=row["code"], county=row["county"]),
    ):
        raise Forbidden("you may ask for consultations only from your own municipality")
    return row


def _checked(data: schemas.ConsultationDraft, *, today: date) -> dict[Column | str, Any]:
    """The request's fields from ``data``, validated (guard included)."""
    summary = required_text("summary", data.summary, empty="describe the question")
    mode = data.mode
    if data.kind == "written":
        mode = "written"
    elif mode == "written":
        raise InvalidInput("a meeting is by phone, video or on site", field="mode")
    if data.latest_date is not None and data.latest_date < today:
        raise InvalidInput("is in the past", field="latest_date")
    return {
        "summary": summary,
        "kind": data.kind,
        "urgency": data.urgency,
        "mode": mode,
        "language": data.language,
        "latest_date": data.latest_date,
        "named_specialist": data.named_specialist,
    }


NO_CO_HANDLING = (
    "no sharing agreement allows co-handling in this area for your municipality, "
    "and it has no specialist of its own in the area"
)


async def check_co_handling(origin: dict[str, Any], area_id: int, day: date) -> None:
    """Refuse a co-handling request (naming ``kind``) unless a specialist may co-handle
    in the area for the ``origin`` municipality: one of its own, or one of a member of
    a sharing agreement valid on ``day`` that covers the area, includes the origin
    (listed, or its county) and whose scope allows co-handling."""
    own = await SpecialistCompetence.exists().where(
        (SpecialistCompetence.area == area_id)
        & (SpecialistCompetence.specialist._.home_municipality == origin["id"])
    )
    if own:
        return
    listed = AgreementMunicipality.select(AgreementMunicipality.agreement).where(
        AgreementMunicipality.municipality == origin["id"]
    )
    covering = AgreementArea.select(AgreementArea.agreement).where(AgreementArea.area == area_id)
    allowed = await SharingAgreement.exists().where(
        (SharingAgreement.scope == AgreementScope.CO_HANDLING)
        & (SharingAgreement.valid_from <= day)
        & (SharingAgreement.valid_to.is_null() | (SharingAgreement.valid_to >= day))
        & SharingAgreement.id.is_in(covering)
        & (SharingAgreement.id.is_in(listed) | (SharingAgreement.county._.code == origin["county"]))
    )
    if not allowed:
        raise InvalidInput(NO_CO_HANDLING, field="kind")


async def _check_named(principal: Principal, specialist_id: int | None) -> None:
    if specialist_id is None:
        return
    if specialist_id == principal.specialist_id:
        raise InvalidInput(
            "is you: ask a colleague, a request is never offered to the one who asks",
            field="named_specialist",
        )
    if not await SpecialistProfile.exists().where(SpecialistProfile.id == specialist_id):
        raise InvalidInput("no such specialist", field="named_specialist")


async def create(ctx: Context, data: schemas.ConsultationCreate) -> int:
    """A new request from the ctx.principal's municipality: a draft, or open at once."""
    now = clock.now()
    fields = _checked(data, today=now.date())
    area_id = await _area_id(data.area)
    await _check_named(ctx.principal, data.named_specialist)
    origin = await _origin(ctx.principal, data.municipality)
    if data.kind == ConsultationKind.CO_HANDLING.value:
        await check_co_handling(origin, area_id, now.date())
    async with ctx.work():
        request = ConsultationRequest(
            area=area_id,
            origin_municipality=origin["id"],
            requester=ctx.principal.user_id,
            status=ConsultationStatus.OPEN if data.submit else ConsultationStatus.DRAFT,
            created_at=now,
            opened_at=now if data.submit else None,
        )
        for name, value in fields.items():
            setattr(request, str(name), value)
        await request.save()
        await record(
            ctx.actor,
            "consultation.create",
            "consultation",
            request.id,
            municipality=origin["code"],
            county=origin["county"],
            detail={"status": request.status, "area": data.area},
        )
    return int(request.id)


async def update(
    ctx: Context,
    request_id: int,
    data: schemas.ConsultationDraft,
    version: int,
) -> None:
    """Replace a draft's (or a still unanswered open request's) fields."""
    now = clock.now()
    fields = _checked(data, today=now.date())
    area_id = await _area_id(data.area)
    await _check_named(ctx.principal, data.named_specialist)
    async with case_work(ctx):
        request = await load_visible(ctx.principal, request_id, Action.CONSULTATION_UPDATE)
        authorize(ctx.principal, Action.CONSULTATION_UPDATE, request)
        if request.status not in EDITABLE:
            raise Conflict(f"a {request.status} request can no longer be edited", field="status")
        if data.municipality is not None and data.municipality != request.municipality:
            raise InvalidInput(
                "a request cannot move to another municipality", field="municipality"
            )
        if request.version != version:
            raise _changed(request.version)
        if data.kind == ConsultationKind.CO_HANDLING.value:
            place = {"id": request.origin_id, "county": request.county}
            await check_co_handling(place, area_id, now.date())
        changed = (
            await ConsultationRequest.update({**fields, "area": area_id, "version": version + 1})
            .where(
                (ConsultationRequest.id == request_id) & (ConsultationRequest.version == version)
            )
            .returning(ConsultationRequest.id)
        )
        if not changed:  # another edit of this version committed first
            raise _changed(version + 1)
        await audit(ctx.actor, "consultation.update", request)


async def submit(ctx: Context, request_id: int) -> int | None:
    """Open a draft: it now waits for a specialist. The specialist it names, if any
    (``opening.open_request`` offers it to them)."""
    async with case_work(ctx):
        request = await load_visible(ctx.principal, request_id, Action.CONSULTATION_UPDATE)
        authorize(ctx.principal, Action.CONSULTATION_UPDATE, request)
        check_transition(request.status, ConsultationStatus.OPEN)
        await set_status(request, ConsultationStatus.OPEN, opened_at=clock.now())
        await audit(ctx.actor, "consultation.open", request)
    return request.named_specialist


async def cancel(ctx: Context, request_id: int, reason: str) -> None:
    """Withdraw a request (its live offer and booking end with it)."""
    reason = required_text("reason", reason)
    now = clock.now()
    async with case_work(ctx):
        request = await load_visible(ctx.principal, request_id, Action.CONSULTATION_UPDATE)
        authorize(ctx.principal, Action.CONSULTATION_UPDATE, request)
        check_transition(request.status, ConsultationStatus.CANCELLED)
        if request.kind == ConsultationKind.CO_HANDLING and request.accepted_by is not None:
            # (its engagement runs until its close-out: responses.ON_ENGAGEMENT)
            raise Conflict("a co-handling request is handled on its engagement", field="kind")
        await Assignment.update(
            {Assignment.status: AssignmentStatus.WITHDRAWN, Assignment.responded_at: now}
        ).where(
            (Assignment.request == request_id)
            & Assignment.status.is_in([AssignmentStatus.OFFERED, AssignmentStatus.PROPOSED])
        )
        await Booking.update(
            {
                Booking.status: BookingStatus.CANCELLED,
                Booking.cancelled_at: now,
                Booking.cancel_reason: reason,
            }
        ).where((Booking.request == request_id) & (Booking.status == BookingStatus.BOOKED))
        await set_status(request, ConsultationStatus.CANCELLED, closed_at=now)
        await audit(ctx.actor, "consultation.cancel", request)


def _changed(version: int) -> Conflict:
    return Conflict(
        f"the request changed meanwhile (now version {version} or later); reload it",
        field="version",
    )


async def set_status(request: RequestRow, status: ConsultationStatus, **stamps: Any) -> None:
    """Move ``request`` to ``status`` if it is still the version loaded in this
    transaction; else :class:`Conflict` (and the caller's transaction rolls back).

    Two transactions that loaded the same version (an accept and a decline of one
    offer, say) cannot both change it: the second's update waits for the first's
    row lock, then finds the version moved on, and matches no row.
    """
    await set_statuses([request], status, **stamps)


class Versioned(Protocol):
    """A request as loaded: its id and the version it had then."""

    @property
    def id(self) -> int: ...

    @property
    def version(self) -> int: ...


async def set_statuses(
    requests: Sequence[Versioned], status: ConsultationStatus, **stamps: Any
) -> None:
    """:func:`set_status` of many requests (a batch round offers thousands), one
    update for every version number among every 5,000. When one of them has moved
    on, :class:`Conflict` naming it, after the others may have been changed: the
    caller's transaction must roll back."""
    by_id = {r.id: r for r in requests}
    values = {
        ConsultationRequest.status: status,
        ConsultationRequest.version: ConsultationRequest.version + 1,
        **{getattr(ConsultationRequest, name): value for name, value in stamps.items()},
    }
    for chunk in id_chunks(list(by_id)):
        by_version: dict[int, list[int]] = defaultdict(list)
        for request_id in chunk:
            by_version[by_id[request_id].version].append(request_id)
        for version, ids in sorted(by_version.items()):
            changed = (
                await ConsultationRequest.update(values)
                .where(
                    among(ConsultationRequest.id, ids) & (ConsultationRequest.version == version)
                )
                .returning(ConsultationRequest.id)
            )
            if len(changed) != len(ids):
                raise _changed(version + 1)


async def audit(actor: Actor, action: str, request: RequestRow, **detail: Any) -> None:
    await record(
        actor,
        action,
        "consultation",
        request.id,
        municipality=request.municipality,
        county=request.county,
        detail=detail or None,
    )


_COLUMNS = (
    ConsultationRequest.id,
    ConsultationRequest.status,
    ConsultationRequest.area._.code.as_alias("area"),
    ConsultationRequest.area._.name_sv.as_alias("area_name_sv"),
    ConsultationRequest.area._.name_en.as_alias("area_name_en"),
    ConsultationRequest.kind,
    ConsultationRequest.urgency,
    ConsultationRequest.mode,
    ConsultationRequest.language,
    ConsultationRequest.summary,
    ConsultationRequest.latest_date,
    ConsultationRequest.origin_municipality._.code.as_alias("municipality"),
    ConsultationRequest.origin_municipality._.name.as_alias("municipality_name"),
    ConsultationRequest.requester,
    ConsultationRequest.named_specialist,
    ConsultationRequest.created_at,
    ConsultationRequest.opened_at,
    ConsultationRequest.first_answer_at,
    ConsultationRequest.accepted_at,
    ConsultationRequest.meeting_at,
    ConsultationRequest.closed_at,
    ConsultationRequest.minutes_spent,
    ConsultationRequest.version,
)


async def get(ctx: Context, request_id: int) -> schemas.Consultation:
    """One request, whole, for those the policy lets read it (audited)."""
    async with case_work(ctx):
        request = await load_visible(ctx.principal, request_id, Action.CONSULTATION_READ)
        authorize(ctx.principal, Action.CONSULTATION_READ, request)
        row = (
            await ConsultationRequest.select(*_COLUMNS)
            .where(ConsultationRequest.id == request_id)
            .first()
        )
        await audit(ctx.actor, "consultation.read", request)
    assert row is not None
    return schemas.Consultation(
        **row,
        offered_to=request.offered_to,
        accepted_by=request.accepted_by,
        summary_warnings=name_warnings(row["summary"]),
    )


async def list_requests(
    ctx: Context,
    *,
    status: ConsultationStatus | None = None,
    mine: bool = False,
    limit: int = 100,
) -> list[schemas.ConsultationItem]:
    """Requests ``ctx.principal`` may see: their own, their municipality's or county's (as a
    social worker or coordinator), and those offered to or accepted by them."""
    scope = visible_scope(ctx.principal, Action.CONSULTATION_READ)
    visible: Any = visible_cases(
        scope,
        never=ConsultationRequest.id < 0,
        origin=ConsultationRequest.origin_municipality,
        requester=ConsultationRequest.requester,
        places=not mine,
    )
    async with ctx.work():
        if ctx.principal.specialist_id is not None:
            involved = await Assignment.select(Assignment.request).where(
                (Assignment.specialist == ctx.principal.specialist_id)
                & Assignment.status.is_in([AssignmentStatus.OFFERED, AssignmentStatus.ACCEPTED])
            )
            ids = [row["request"] for row in involved]
            if ids:
                visible = visible | ConsultationRequest.id.is_in(ids)
        condition: Any = visible
        if status is not None:
            condition = condition & (ConsultationRequest.status == status)
        rows = (
            await ConsultationRequest.select(
                ConsultationRequest.id,
                ConsultationRequest.status,
                ConsultationRequest.area._.code.as_alias("area"),
                ConsultationRequest.kind,
                ConsultationRequest.urgency,
                ConsultationRequest.origin_municipality._.code.as_alias("municipality"),
                ConsultationRequest.created_at,
                ConsultationRequest.latest_date,
            )
            .where(condition)
            .order_by(ConsultationRequest.created_at, ascending=False)
            .limit(min(limit, MAX_LIST))
        )
        await record(
            ctx.actor,
            "consultation.list",
            "consultation",
            None,
            detail={"count": len(rows), "status": status.value if status else None},
        )
    return [schemas.ConsultationItem(**row) for row in rows]
