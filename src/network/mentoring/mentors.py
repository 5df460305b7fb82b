"""Mentors: specialists and experienced social workers who offer to mentor inside a
programme, with a capacity, and may rank the programme's applicants.

A mentor works in a participating municipality. A social worker needs
``MIN_YEARS`` in the profession (they state them with the offer); a specialist's
profile is enough. Everyone signed in may see a programme's mentors (a new social
worker picks wishes among them), but a mentor's unit and years in the profession
only the programme's participants (users of its municipalities) and coordinators,
and a mentor's ranking of the applicants only the mentor and the coordinators
(:func:`shown_to`).
"""

from __future__ import annotations

import json
from typing import Any

import msgspec
from piccolo.query.functions.aggregate import Count

from network.accounts.tables import User
from network.audit.services import record
from network.directory.parties import area_ids
from network.directory.tables import Municipality
from network.kernel.context import Context
from network.kernel.policy import Action, Principal, Target, decide
from network.lib import clock
from network.lib.errors import Forbidden, InvalidInput, NotFound
from network.lib.vocab import MentoringStatus
from network.mentoring import schemas
from network.mentoring.programmes import Programme, home_of, load_programme
from network.mentoring.tables import MentoringRequest, MentorOffer
from network.specialists.tables import SpecialistProfile

__all__ = (
    "MIN_YEARS",
    "decoded",
    "list_offers",
    "load_offers",
    "offers_of",
    "place_in",
    "save_offer",
    "seats_taken",
    "set_ranking",
    "shown_to",
)

MIN_YEARS = 3


def decoded(value: Any) -> Any:
    """A JSON column's value (SQLite hands back text)."""
    return json.loads(value) if isinstance(value, str) else value


async def seats_taken(offer_ids: list[int]) -> dict[int, int]:
    """Mentees each offer holds now."""
    rows = (
        await MentoringRequest.select(MentoringRequest.offer, Count(alias="n"))
        .where(
            MentoringRequest.offer.is_in(offer_ids or [0])
            & (MentoringRequest.status == MentoringStatus.MATCHED)
        )
        .group_by(MentoringRequest.offer)
    )
    return {row["offer"]: row["n"] for row in rows}


async def load_offers(
    programme_id: int, *, offer_ids: list[int] | None = None
) -> list[schemas.OfferOut]:
    query = MentorOffer.select(
        MentorOffer.id,
        MentorOffer.programme,
        MentorOffer.user,
        MentorOffer.user._.display_name.as_alias("name"),
        MentorOffer.user._.unit.as_alias("unit"),
        MentorOffer.user._.years_in_profession.as_alias("years"),
        MentorOffer.municipality._.code.as_alias("municipality"),
        MentorOffer.municipality._.name.as_alias("municipality_name"),
        MentorOffer.capacity,
        MentorOffer.areas,
        MentorOffer.languages,
        MentorOffer.modes,
        MentorOffer.ranking,
        MentorOffer.active,
    ).where(MentorOffer.programme == programme_id)
    if offer_ids is not None:
        query = query.where(MentorOffer.id.is_in(offer_ids or [0]))
    rows = await query.order_by(MentorOffer.id)
    taken = await seats_taken([r["id"] for r in rows])
    specialists = await _specialist_users([r["user"] for r in rows])
    return [
        schemas.OfferOut(
            id=r["id"],
            programme=r["programme"],
            user=r["user"],
            name=r["name"],
            municipality=r["municipality"],
            municipality_name=r["municipality_name"],
            unit=r["unit"],
            years=r["years"],
            capacity=r["capacity"],
            seats_left=max(r["capacity"] - taken.get(r["id"], 0), 0),
            areas=list(decoded(r["areas"])),
            languages=list(decoded(r["languages"])),
            modes=list(decoded(r["modes"])),
            ranking=list(decoded(r["ranking"])),
            active=r["active"],
            specialist=r["user"] in specialists,
        )
        for r in rows
    ]


async def _specialist_users(user_ids: list[int]) -> dict[int, int]:

    rows = await SpecialistProfile.select(SpecialistProfile.id, SpecialistProfile.user).where(
        SpecialistProfile.user.is_in(user_ids or [0])
    )
    return {row["user"]: row["id"] for row in rows}


def shown_to(
    principal: Principal, programme: Programme, offers: list[schemas.OfferOut]
) -> list[schemas.OfferOut]:
    """``offers`` as ``principal`` may read them: a mentor's unit and years only for
    the programme's participants and coordinators, their ranking of the applicants
    only for the mentor and the coordinators (empty for everyone else)."""
    manager = programme.may_manage(principal)
    participant = manager or programme.includes(principal)
    shown = []
    for offer in offers:
        own = offer.user == principal.user_id
        hidden: dict[str, Any] = {}
        if not (own or participant):
            hidden |= {"unit": None, "years": None}
        if not (own or manager):
            hidden["ranking"] = []
        shown.append(msgspec.structs.replace(offer, **hidden) if hidden else offer)
    return shown


async def list_offers(
    principal: Principal, programme_id: int, *, active_only: bool = True
) -> list[schemas.OfferOut]:
    """The programme's mentors (active ones only, unless not ``active_only``) as
    ``principal`` may read them (:func:`shown_to`)."""
    programme = await load_programme(programme_id)
    found = await load_offers(programme_id)
    return shown_to(principal, programme, [o for o in found if o.active or not active_only])


def place_in(principal: Principal, programme: Programme) -> tuple[str, str]:
    """Where the reader works, if it takes part in ``programme`` and they may join it."""
    home = home_of(principal)
    if home is None:
        raise Forbidden("only social workers and specialists take part in mentoring")
    municipality, county = home
    if not decide(
        principal, Action.MENTORING_REQUEST, Target(municipality=municipality, county=county)
    ):
        raise Forbidden("your role may not take part in mentoring")
    if municipality not in programme.participants:
        raise Forbidden("your municipality does not take part in this programme", field="programme")
    return municipality, county


async def save_offer(ctx: Context, programme_id: int, data: schemas.OfferIn) -> schemas.OfferOut:
    """Create or replace the reader's offer to mentor in the programme."""
    programme = await load_programme(programme_id)
    municipality, _ = place_in(ctx.principal, programme)
    await area_ids(data.areas)
    user = (
        await User.select(User.years_in_profession).where(User.id == ctx.principal.user_id).first()
    )
    years = data.years if data.years is not None else (user or {}).get("years_in_profession")
    if ctx.principal.specialist_id is None and (years is None or years < MIN_YEARS):
        raise InvalidInput(
            f"mentors who are not specialists need at least {MIN_YEARS} years in the profession",
            field="years",
        )
    town = (
        await Municipality.select(Municipality.id).where(Municipality.code == municipality).first()
    )
    assert town is not None
    fields: dict[Any, Any] = {
        MentorOffer.capacity: data.capacity,
        MentorOffer.areas: list(dict.fromkeys(data.areas)),
        MentorOffer.languages: list(dict.fromkeys(data.languages)),
        MentorOffer.modes: list(dict.fromkeys(data.modes)),
        MentorOffer.active: data.active,
        MentorOffer.municipality: town["id"],
    }
    async with ctx.work():
        if data.years is not None:
            await User.update({User.years_in_profession: data.years}).where(
                User.id == ctx.principal.user_id
            )
        existing = (
            await MentorOffer.select(MentorOffer.id)
            .where(
                (MentorOffer.programme == programme_id)
                & (MentorOffer.user == ctx.principal.user_id)
            )
            .first()
        )
        if existing is None:
            offer = MentorOffer(
                programme=programme_id,
                user=ctx.principal.user_id,
                created_at=clock.now(),
                **{column._meta.name: value for column, value in fields.items()},
            )
            await offer.save()
            offer_id = int(offer.id)
        else:
            offer_id = existing["id"]
            await MentorOffer.update(fields).where(MentorOffer.id == offer_id)
        await record(
            ctx.actor,
            "mentoring.offer_save",
            "mentor_offer",
            offer_id,
            municipality=municipality,
            detail={"programme": programme_id, "capacity": data.capacity, "active": data.active},
        )
    (found,) = await load_offers(programme_id, offer_ids=[offer_id])
    return found


async def set_ranking(ctx: Context, offer_id: int, data: schemas.RankingIn) -> schemas.OfferOut:
    """A mentor ranks the programme's applicants (their request ids, best first)."""
    row = (
        await MentorOffer.select(MentorOffer.programme, MentorOffer.user)
        .where(MentorOffer.id == offer_id)
        .first()
    )
    if row is None:
        raise NotFound("no such mentor offer", field="id", source="path")
    if row["user"] != ctx.principal.user_id:
        raise Forbidden("only the mentor ranks their applicants")
    known = {
        r["id"]
        for r in await MentoringRequest.select(MentoringRequest.id).where(
            (MentoringRequest.programme == row["programme"])
            & MentoringRequest.id.is_in(data.ranking or [0])
        )
    }
    seen: set[int] = set()
    for index, request_id in enumerate(data.ranking):
        if request_id not in known:
            raise InvalidInput(
                f"request {request_id} is not an applicant of this programme",
                field=f"ranking[{index}]",
            )
        if request_id in seen:
            raise InvalidInput(f"request {request_id} is listed twice", field=f"ranking[{index}]")
        seen.add(request_id)
    async with ctx.work():
        await MentorOffer.update({MentorOffer.ranking: data.ranking}).where(
            MentorOffer.id == offer_id
        )
        await record(
            ctx.actor,
            "mentoring.ranking_save",
            "mentor_offer",
            offer_id,
            detail={"ranked": len(data.ranking)},
        )
    (found,) = await load_offers(row["programme"], offer_ids=[offer_id])
    return found


async def offers_of(user_id: int) -> list[schemas.OfferOut]:
    """Every offer to mentor of one user, in any programme."""
    rows = await MentorOffer.select(MentorOffer.programme).where(MentorOffer.user == user_id)
    found: list[schemas.OfferOut] = []
    for programme in sorted({row["programme"] for row in rows}):
        found.extend(o for o in await load_offers(programme) if o.user == user_id)
    return found
