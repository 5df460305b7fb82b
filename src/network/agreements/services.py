"""Sharing agreements: listing, creating, changing and ending them.

Agreements between municipalities are public documents, so every signed-in user
may read them. Changing one is for coordinators (and administrators) whose scope
holds every party: all member municipalities, or the county of a county-wide
agreement, before and after the change. Agreements are never deleted; ending one
sets its last day, so coverage history stays explainable. Every write is one
transaction and is audited; the database's triggers raise the network data version,
which drops what coverage and suggestions derived from it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from typing import Any

from network.agreements.schemas import (
    AgreementEnd,
    AgreementIn,
    AgreementOut,
    AgreementStatus,
    Member,
)
from network.audit.services import record
from network.directory.parties import Members, area_ids, check_parties
from network.directory.tables import (
    AgreementArea,
    AgreementMunicipality,
    County,
    Municipality,
    SharingAgreement,
)
from network.kernel.context import Context
from network.kernel.policy import (
    Action,
    Principal,
    Target,
    decide,
    decide_all,
    party_targets,
)
from network.lib import clock
from network.lib.clock import today
from network.lib.errors import Forbidden, InvalidInput, NotFound
from network.lib.vocab import AgreementScope, LegalForm

__all__ = (
    "create_agreement",
    "end_agreement",
    "get_agreement",
    "list_agreements",
    "status_on",
    "update_agreement",
)


def status_on(valid_from: date, valid_to: date | None, day: date) -> AgreementStatus:
    """Where an agreement valid ``valid_from``–``valid_to`` (inclusive) stands on ``day``."""
    if day < valid_from:
        return AgreementStatus.UPCOMING
    if valid_to is not None and valid_to < day:
        return AgreementStatus.ENDED
    return AgreementStatus.ACTIVE


# --- reading -------------------------------------------------------------------------


async def _rows(ids: Iterable[int] | None = None) -> list[dict[str, Any]]:
    query = SharingAgreement.select(
        SharingAgreement.id,
        SharingAgreement.name,
        SharingAgreement.legal_form,
        SharingAgreement.scope,
        SharingAgreement.county._.code.as_alias("county"),
        SharingAgreement.county._.name.as_alias("county_name"),
        SharingAgreement.valid_from,
        SharingAgreement.valid_to,
    ).order_by(SharingAgreement.name)
    if ids is not None:
        query = query.where(SharingAgreement.id.is_in(list(ids) or [0]))
    return list(await query)


async def _members(ids: list[int]) -> dict[int, list[tuple[str, str, str]]]:
    """Per agreement: (kommunkod, name, county code) of its member municipalities."""
    members: dict[int, list[tuple[str, str, str]]] = defaultdict(list)
    for row in await AgreementMunicipality.select(
        AgreementMunicipality.agreement,
        AgreementMunicipality.municipality._.code.as_alias("code"),
        AgreementMunicipality.municipality._.name.as_alias("name"),
        AgreementMunicipality.municipality._.county._.code.as_alias("county"),
    ).where(AgreementMunicipality.agreement.is_in(ids or [0])):
        members[row["agreement"]].append((row["code"], row["name"], row["county"]))
    for found in members.values():
        found.sort()
    return members


async def _areas(ids: list[int]) -> dict[int, list[str]]:
    areas: dict[int, list[str]] = defaultdict(list)
    for row in await AgreementArea.select(
        AgreementArea.agreement, AgreementArea.area._.code.as_alias("code")
    ).where(AgreementArea.agreement.is_in(ids or [0])):
        areas[row["agreement"]].append(row["code"])
    for found in areas.values():
        found.sort()
    return areas


async def _out(
    principal: Principal,
    rows: list[dict[str, Any]],
    members: dict[int, list[tuple[str, str, str]]] | None = None,
) -> list[AgreementOut]:
    ids = [row["id"] for row in rows]
    members = await _members(ids) if members is None else members
    areas = await _areas(ids)
    day = today()
    found = []
    for row in rows:
        these = members.get(row["id"], [])
        targets = party_targets(row["county"], ((code, county) for code, _, county in these))
        found.append(
            AgreementOut(
                id=row["id"],
                name=row["name"],
                legal_form=LegalForm(row["legal_form"]),
                scope=AgreementScope(row["scope"]),
                county=row["county"],
                county_name=row["county_name"],
                municipalities=[Member(code=code, name=name) for code, name, _ in these],
                areas=areas.get(row["id"], []),
                valid_from=row["valid_from"],
                valid_to=row["valid_to"],
                status=status_on(row["valid_from"], row["valid_to"], day),
                may_manage=decide_all(principal, Action.AGREEMENT_MANAGE, targets),
            )
        )
    return found


async def list_agreements(
    principal: Principal,
    *,
    county: str | None = None,
    municipality: str | None = None,
    status: AgreementStatus | None = None,
) -> list[AgreementOut]:
    """Agreements, optionally those touching a county or a municipality, or in a status."""
    if county is not None and not await County.exists().where(County.code == county):
        raise InvalidInput(f"unknown county code {county!r}", field="county", source="query")
    home_county = None
    if municipality is not None:
        town = (
            await Municipality.select(Municipality.county._.code.as_alias("county"))
            .where(Municipality.code == municipality)
            .first()
        )
        if town is None:
            raise InvalidInput(
                f"unknown kommunkod {municipality!r}", field="municipality", source="query"
            )
        home_county = town["county"]
    rows = await _rows()
    members = await _members([row["id"] for row in rows])

    def touches(row: dict[str, Any]) -> bool:
        these = members.get(row["id"], [])
        if county is not None and not (
            row["county"] == county or any(c == county for _, _, c in these)
        ):
            return False
        return municipality is None or (
            row["county"] == home_county or any(code == municipality for code, _, _ in these)
        )

    found = await _out(principal, [row for row in rows if touches(row)], members)
    if status is not None:
        found = [a for a in found if a.status is status]
    return found


async def get_agreement(principal: Principal, agreement_id: int) -> AgreementOut:
    rows = await _rows([agreement_id])
    if not rows:
        raise NotFound("no such agreement", field="id", source="path")
    return (await _out(principal, rows))[0]


# --- writing -------------------------------------------------------------------------


async def _checked(data: AgreementIn) -> tuple[int | None, Members, list[int]]:
    """Validate ``data`` against the reference data: the county's id, the members'
    ids and counties by kommunkod, and the areas' ids."""
    county_id, members = await check_parties(data.county, data.municipalities, what="an agreement")
    areas = await area_ids(data.areas)
    if data.valid_to is not None and data.valid_to < data.valid_from:
        raise InvalidInput("must not be before valid_from", field="valid_to")
    return county_id, members, areas


def _require(principal: Principal, targets: list[Target]) -> None:
    for target in targets:
        if not decide(principal, Action.AGREEMENT_MANAGE, target):
            where = target.municipality or f"county {target.county}"
            raise Forbidden(
                f"{where} is outside the municipalities and counties you coordinate",
                field="municipalities" if target.municipality else "county",
            )


async def _write_parts(agreement_id: int, members: Members, area_ids: list[int]) -> None:
    if members:
        await AgreementMunicipality.insert(
            *(
                AgreementMunicipality(agreement=agreement_id, municipality=municipality_id)
                for municipality_id, _ in members.values()
            )
        )
    await AgreementArea.insert(
        *(AgreementArea(agreement=agreement_id, area=area_id) for area_id in area_ids)
    )


def _audit_place(data: AgreementIn, members: Members) -> dict[str, Any]:
    counties = {county for _, county in members.values()}
    county = data.county or (next(iter(counties)) if len(counties) == 1 else None)
    return {"county": county, "detail": {"members": sorted(members), "areas": sorted(data.areas)}}


async def create_agreement(ctx: Context, data: AgreementIn) -> AgreementOut:
    county_id, members, area_ids = await _checked(data)
    _require(ctx.principal, party_targets(data.county, ((c, m[1]) for c, m in members.items())))
    async with ctx.work():
        agreement = SharingAgreement(
            name=data.name.strip(),
            legal_form=data.legal_form,
            scope=data.scope,
            county=county_id,
            valid_from=data.valid_from,
            valid_to=data.valid_to,
            created_at=clock.now(),
        )
        await agreement.save()
        agreement_id = int(agreement.id)
        await _write_parts(agreement_id, members, area_ids)
        await record(
            ctx.actor, "agreement.create", "agreement", agreement_id, **_audit_place(data, members)
        )
    return await get_agreement(ctx.principal, agreement_id)


async def _authorize_existing(principal: Principal, agreement_id: int) -> AgreementOut:
    current = await get_agreement(principal, agreement_id)
    if not current.may_manage:
        raise Forbidden("only coordinators of every party may change this agreement")
    return current


async def update_agreement(ctx: Context, agreement_id: int, data: AgreementIn) -> AgreementOut:
    """Replace an agreement's terms; its parties before and after must be yours."""
    county_id, members, area_ids = await _checked(data)
    _require(ctx.principal, party_targets(data.county, ((c, m[1]) for c, m in members.items())))
    async with ctx.work():
        await _authorize_existing(ctx.principal, agreement_id)
        await SharingAgreement.update(
            {
                SharingAgreement.name: data.name.strip(),
                SharingAgreement.legal_form: data.legal_form,
                SharingAgreement.scope: data.scope,
                SharingAgreement.county: county_id,
                SharingAgreement.valid_from: data.valid_from,
                SharingAgreement.valid_to: data.valid_to,
            }
        ).where(SharingAgreement.id == agreement_id)
        await AgreementMunicipality.delete().where(AgreementMunicipality.agreement == agreement_id)
        await AgreementArea.delete().where(AgreementArea.agreement == agreement_id)
        await _write_parts(agreement_id, members, area_ids)
        await record(
            ctx.actor, "agreement.update", "agreement", agreement_id, **_audit_place(data, members)
        )
    return await get_agreement(ctx.principal, agreement_id)


async def end_agreement(ctx: Context, agreement_id: int, data: AgreementEnd) -> AgreementOut:
    """Set the agreement's last day (today by default); it cannot end before it began."""
    last_day = data.valid_to or today()
    async with ctx.work():
        current = await _authorize_existing(ctx.principal, agreement_id)
        if last_day < current.valid_from:
            raise InvalidInput(
                f"must not be before the agreement began ({current.valid_from.isoformat()})",
                field="valid_to",
            )
        await SharingAgreement.update({SharingAgreement.valid_to: last_day}).where(
            SharingAgreement.id == agreement_id
        )
        await record(
            ctx.actor,
            "agreement.end",
            "agreement",
            agreement_id,
            county=current.county,
            detail={"valid_to": last_day.isoformat(), "was": _iso(current.valid_to)},
        )
    return await get_agreement(ctx.principal, agreement_id)


def _iso(day: date | None) -> str | None:
    return None if day is None else day.isoformat()
