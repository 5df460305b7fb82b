"""A new social worker's request for a mentor, and reading requests and pairs.

A social worker (or a specialist new to the work) in a participating
municipality asks once per programme: areas to grow in, language, meeting mode,
a constraint (not from their own unit, or only from their own municipality) and
up to five ranked wishes among the programme's mentors. They may change their
wishes while the request is open and withdraw it at any time (which also ends a
pair). The mentee, the pair's mentor and the programme's coordinators see it.
"""

from __future__ import annotations

from typing import Any

import msgspec

from network.audit.services import record
from network.directory.parties import area_ids
from network.directory.tables import Municipality
from network.kernel.context import Context
from network.kernel.policy import Principal
from network.lib import clock
from network.lib.errors import Conflict, Forbidden, InvalidInput, NotFound
from network.lib.vocab import MentoringStatus
from network.mentoring import schemas
from network.mentoring.mentors import decoded, load_offers, place_in
from network.mentoring.programmes import Programme, load_programme
from network.mentoring.tables import MentoringCohort, MentoringRequest

__all__ = (
    "Access",
    "applicants",
    "create_request",
    "load_requests",
    "my_requests",
    "request_access",
    "set_wishes",
    "withdraw_request",
)

LIVE = (MentoringStatus.OPEN, MentoringStatus.MATCHED)


async def load_requests(
    *, ids: list[int] | None = None, where: Any = None
) -> list[schemas.RequestOut]:
    query = MentoringRequest.select(
        MentoringRequest.id,
        MentoringRequest.programme,
        MentoringRequest.programme._.name.as_alias("programme_name"),
        MentoringRequest.cohort,
        MentoringRequest.mentee,
        MentoringRequest.mentee._.display_name.as_alias("mentee_name"),
        MentoringRequest.municipality._.code.as_alias("municipality"),
        MentoringRequest.municipality._.name.as_alias("municipality_name"),
        MentoringRequest.areas,
        MentoringRequest.language,
        MentoringRequest.mode,
        MentoringRequest.match_constraint,
        MentoringRequest.wishes,
        MentoringRequest.status,
        MentoringRequest.offer,
        MentoringRequest.offer._.user._.display_name.as_alias("mentor_name"),
        MentoringRequest.matched_at,
    ).order_by(MentoringRequest.id)
    if ids is not None:
        query = query.where(MentoringRequest.id.is_in(ids or [0]))
    if where is not None:
        query = query.where(where)
    return [
        schemas.RequestOut(
            id=r["id"],
            programme=r["programme"],
            programme_name=r["programme_name"],
            cohort=r["cohort"],
            mentee=r["mentee"],
            mentee_name=r["mentee_name"],
            municipality=r["municipality"],
            municipality_name=r["municipality_name"],
            areas=list(decoded(r["areas"])),
            language=r["language"],
            mode=r["mode"],
            constraint=r["match_constraint"],
            wishes=list(decoded(r["wishes"])),
            status=MentoringStatus(r["status"]),
            offer=r["offer"],
            mentor_name=r["mentor_name"] if r["offer"] else None,
            matched_at=r["matched_at"],
        )
        for r in await query
    ]


async def _wishes(programme: Programme, wishes: list[int], user_id: int) -> None:
    offers = {o.id: o for o in await load_offers(programme.id, offer_ids=wishes)}
    seen: set[int] = set()
    for index, offer_id in enumerate(wishes):
        offer = offers.get(offer_id)
        if offer is None or not offer.active:
            raise InvalidInput(
                f"{offer_id} is not a mentor of this programme", field=f"wishes[{index}]"
            )
        if offer.user == user_id:
            raise InvalidInput("you cannot be your own mentor", field=f"wishes[{index}]")
        if offer_id in seen:
            raise InvalidInput(f"mentor {offer_id} is listed twice", field=f"wishes[{index}]")
        seen.add(offer_id)


async def create_request(ctx: Context, data: schemas.RequestIn) -> schemas.RequestOut:
    programme = await load_programme(data.programme)
    municipality, county = place_in(ctx.principal, programme)
    await area_ids(data.areas)
    await _wishes(programme, data.wishes, ctx.principal.user_id)
    cohorts = {
        row["id"]
        for row in await MentoringCohort.select(MentoringCohort.id).where(
            MentoringCohort.programme == programme.id
        )
    }
    if data.cohort is not None and data.cohort not in cohorts:
        raise InvalidInput("not a cohort of this programme", field="cohort")
    if data.cohort is None and cohorts:
        raise InvalidInput("choose the cohort you start with", field="cohort")
    town = (
        await Municipality.select(Municipality.id).where(Municipality.code == municipality).first()
    )
    assert town is not None
    async with ctx.work():
        if await MentoringRequest.exists().where(
            (MentoringRequest.programme == programme.id)
            & (MentoringRequest.mentee == ctx.principal.user_id)
            & MentoringRequest.status.is_in(list(LIVE))
        ):
            raise Conflict("you already have a request in this programme", field="programme")
        request = MentoringRequest(
            programme=programme.id,
            cohort=data.cohort,
            mentee=ctx.principal.user_id,
            municipality=town["id"],
            areas=list(data.areas),
            language=data.language,
            mode=data.mode,
            match_constraint=data.constraint,
            wishes=list(data.wishes),
            status=MentoringStatus.OPEN,
            created_at=clock.now(),
        )
        await request.save()
        await record(
            ctx.actor,
            "mentoring.request_create",
            "mentoring_request",
            int(request.id),
            municipality=municipality,
            county=county,
            detail={"programme": programme.id, "cohort": data.cohort},
        )
    (found,) = await load_requests(ids=[int(request.id)])
    return found


class Access:
    """What the reader is to a request: its mentee, its mentor, a coordinator."""

    def __init__(
        self,
        request: schemas.RequestOut,
        programme: Programme,
        mentor_user: int | None,
        principal: Principal,
    ) -> None:
        self.request = request
        self.programme = programme
        self.is_mentee = request.mentee == principal.user_id
        self.is_mentor = mentor_user is not None and mentor_user == principal.user_id
        self.is_manager = programme.may_manage(principal)

    @property
    def any(self) -> bool:
        return self.is_mentee or self.is_mentor or self.is_manager


async def request_access(principal: Principal, request_id: int) -> Access:
    """The request and the reader's relation to it; refused when they have none."""
    found = await load_requests(ids=[request_id])
    if not found:
        raise NotFound("no such mentoring request", field="id", source="path")
    request = found[0]
    mentor_user = None
    if request.offer is not None:
        (offer,) = await load_offers(request.programme, offer_ids=[request.offer])
        mentor_user = offer.user
    access = Access(request, await load_programme(request.programme), mentor_user, principal)
    if not access.any:
        raise Forbidden("only the mentee, the mentor and the programme's coordinators see this")
    return access


async def set_wishes(ctx: Context, request_id: int, wishes: list[int]) -> schemas.RequestOut:
    access = await request_access(ctx.principal, request_id)
    if not access.is_mentee:
        raise Forbidden("only the mentee changes their wishes")
    if access.request.status is not MentoringStatus.OPEN:
        raise Conflict("the request is no longer open", field="status")
    await _wishes(access.programme, wishes, ctx.principal.user_id)
    async with ctx.work():
        await MentoringRequest.update({MentoringRequest.wishes: wishes}).where(
            MentoringRequest.id == request_id
        )
        await record(
            ctx.actor,
            "mentoring.wishes_save",
            "mentoring_request",
            request_id,
            municipality=access.request.municipality,
            detail={"wishes": len(wishes)},
        )
    (found,) = await load_requests(ids=[request_id])
    return found


async def withdraw_request(ctx: Context, request_id: int) -> schemas.RequestOut:
    """The mentee (or a coordinator) withdraws a request; a pair ends with it."""
    access = await request_access(ctx.principal, request_id)
    if not (access.is_mentee or access.is_manager):
        raise Forbidden("only the mentee and the programme's coordinators withdraw a request")
    if access.request.status is MentoringStatus.WITHDRAWN:
        raise Conflict("the request is already withdrawn", field="status")
    async with ctx.work():
        await MentoringRequest.update({MentoringRequest.status: MentoringStatus.WITHDRAWN}).where(
            MentoringRequest.id == request_id
        )
        await record(
            ctx.actor,
            "mentoring.request_withdraw",
            "mentoring_request",
            request_id,
            municipality=access.request.municipality,
            detail={"was": access.request.status.value},
        )
    (found,) = await load_requests(ids=[request_id])
    return found


async def my_requests(principal: Principal) -> list[schemas.RequestOut]:
    return await load_requests(where=MentoringRequest.mentee == principal.user_id)


async def applicants(principal: Principal, programme_id: int) -> list[schemas.RequestOut]:
    """The programme's open requests: for its mentors (to rank them) and coordinators.
    An applicant's wishes (their ranking of the mentors) only the coordinators see."""
    programme = await load_programme(programme_id)
    manager = programme.may_manage(principal)
    if not manager:
        mine = [o for o in await load_offers(programme_id) if o.user == principal.user_id]
        if not mine:
            raise Forbidden("only the programme's mentors and coordinators see its applicants")
    found = await load_requests(
        where=(MentoringRequest.programme == programme_id)
        & (MentoringRequest.status == MentoringStatus.OPEN)
    )
    if manager:
        return found
    return [
        r if r.mentee == principal.user_id else msgspec.structs.replace(r, wishes=[]) for r in found
    ]
