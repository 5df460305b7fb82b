"""Building the matching core's plain data (:mod:`network.graph.model`) from the database.

The only bridge between the tables and the pure algorithms: places, the agreements
valid today, and the specialists competent in the areas asked about, with their
week's capacity use, whether they are away now, and (for meetings) their next free
slot, computed only for specialists who are otherwise eligible.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from piccolo.query.methods.select import Select

from network.consultations.access import RequestRow
from network.directory.tables import (
    AgreementArea,
    AgreementMunicipality,
    Municipality,
    SharingAgreement,
)
from network.graph.model import Agreement, Network, Place, RequestInfo, SpecialistInfo
from network.lib.vocab import AgreementScope
from network.scheduling import STOCKHOLM, next_free_slot
from network.specialists.capacity import week_used
from network.specialists.services import availabilities
from network.specialists.tables import Absence, SpecialistCompetence, SpecialistProfile

__all__ = (
    "State",
    "agreements_on",
    "competent_in",
    "current_state",
    "load_network",
    "next_free_slots",
    "places",
    "request_info",
    "static_specialists",
)

NEXT_FREE_HORIZON_DAYS = 56


async def places() -> list[Place]:
    rows = await Municipality.select(
        Municipality.code,
        Municipality.county._.code.as_alias("county"),
        Municipality.latitude,
        Municipality.longitude,
        Municipality.population,
    )
    return [Place(**row) for row in rows]


async def agreements_on(day: Any) -> list[Agreement]:
    rows = await SharingAgreement.select(
        SharingAgreement.id,
        SharingAgreement.scope,
        SharingAgreement.county._.code.as_alias("county"),
        SharingAgreement.valid_from,
        SharingAgreement.valid_to,
    ).where(
        (SharingAgreement.valid_from <= day)
        & (SharingAgreement.valid_to.is_null() | (SharingAgreement.valid_to >= day))
    )
    ids = [row["id"] for row in rows] or [0]
    areas: dict[int, set[str]] = defaultdict(set)
    for row in await AgreementArea.select(
        AgreementArea.agreement, AgreementArea.area._.code.as_alias("area")
    ).where(AgreementArea.agreement.is_in(ids)):
        areas[row["agreement"]].add(row["area"])
    members: dict[int, set[str]] = defaultdict(set)
    for row in await AgreementMunicipality.select(
        AgreementMunicipality.agreement,
        AgreementMunicipality.municipality._.code.as_alias("code"),
    ).where(AgreementMunicipality.agreement.is_in(ids)):
        members[row["agreement"]].add(row["code"])
    return [
        Agreement(
            id=row["id"],
            areas=frozenset(areas[row["id"]]),
            valid_from=row["valid_from"],
            valid_to=row["valid_to"],
            municipalities=frozenset(members[row["id"]]),
            counties=frozenset({row["county"]}) if row["county"] else frozenset(),
            co_handling=row["scope"] == AgreementScope.CO_HANDLING,
        )
        for row in rows
    ]


def competent_in(areas: Iterable[str], homes: Collection[str] | None = None) -> Select[Any]:
    """A query selecting the specialists competent in one of ``areas`` (and at home
    in one of ``homes``, when given)."""
    where: Any = SpecialistCompetence.area._.code.is_in(sorted(set(areas)) or [""])
    if homes is not None:
        home = SpecialistCompetence.specialist._.home_municipality._.code
        where &= home.is_in(sorted(homes) or [""])
    return SpecialistCompetence.select(SpecialistCompetence.specialist).where(where)


@dataclass(frozen=True, slots=True)
class State:
    """What changes by the hour for the specialists of some areas: how much of this
    week's capacity each has used (nobody listed: none), and who is away now."""

    used: dict[int, int]
    absent: frozenset[int]


async def static_specialists(
    areas: Iterable[str], homes: Collection[str] | None = None, state: State | None = None
) -> list[SpecialistInfo]:
    """The specialists competent in ``areas`` (at home in ``homes``, when given) as
    their profiles describe them, with ``state`` (none: no load, nobody away) and
    without their next free slot."""
    competent = competent_in(areas, homes)
    competences: dict[int, dict[str, int]] = defaultdict(dict)
    for row in await SpecialistCompetence.select(
        SpecialistCompetence.specialist,
        SpecialistCompetence.area._.code.as_alias("area"),
        SpecialistCompetence.level,
    ).where(SpecialistCompetence.specialist.is_in(competent)):
        competences[row["specialist"]][row["area"]] = row["level"]
    profiles = await SpecialistProfile.select(
        SpecialistProfile.id,
        SpecialistProfile.home_municipality._.code.as_alias("home"),
        SpecialistProfile.languages,
        SpecialistProfile.offers_phone,
        SpecialistProfile.offers_video,
        SpecialistProfile.offers_on_site,
        SpecialistProfile.max_travel_km,
        SpecialistProfile.consultations_per_week,
        SpecialistProfile.accepts_new,
    ).where(SpecialistProfile.id.is_in(competent))
    used, absent = (state.used, state.absent) if state else ({}, frozenset())
    return [
        SpecialistInfo(
            id=p["id"],
            home=p["home"],
            competences=competences[p["id"]],
            languages=frozenset(p["languages"] or ["sv"]),
            modes=frozenset(m for m in ("phone", "video", "on_site") if p[f"offers_{m}"]),
            max_travel_km=p["max_travel_km"],
            capacity=p["consultations_per_week"],
            used=used.get(p["id"], 0),
            accepts_new=p["accepts_new"],
            absent=p["id"] in absent,
        )
        for p in sorted(profiles, key=lambda p: p["id"])
    ]


async def current_state(
    areas: Iterable[str], now: datetime, homes: Collection[str] | None = None
) -> State:
    """:class:`State` of the specialists competent in ``areas`` (at home in
    ``homes``, when given)."""
    competent = competent_in(areas, homes)
    away = await Absence.select(Absence.specialist).where(
        Absence.specialist.is_in(competent) & (Absence.starts_at <= now) & (Absence.ends_at > now)
    )
    return State(
        used=await week_used(competent, now.astimezone(STOCKHOLM).date()),
        absent=frozenset(row["specialist"] for row in away),
    )


async def load_network(requests: Iterable[RequestInfo], *, now: datetime) -> Network:
    """Places, today's agreements, and the specialists who may serve one of
    ``requests``: competent in its area, and at home where it comes from or where an
    agreement on the area joins to it (:meth:`Network.homes_serving`)."""
    asks = {(r.area, r.origin) for r in requests}
    areas = sorted({area for area, _ in asks})
    base = Network.of(await places(), await agreements_on(now.astimezone(STOCKHOLM).date()))
    homes = base.homes_serving(asks)
    state = await current_state(areas, now, homes)
    people = await static_specialists(areas, homes, state)
    return Network.of(base.places.values(), base.agreements, people)


def request_info(request: RequestRow) -> RequestInfo:
    return RequestInfo(
        id=request.id,
        area=request.area,
        origin=request.municipality,
        urgency=request.urgency,
        kind=request.kind,
        mode=request.mode,
        language=request.language,
        named_specialist=request.named_specialist,
        latest_date=request.latest_date,
    )


async def next_free_slots(
    specialist_ids: Iterable[int], now: datetime
) -> dict[int, datetime | None]:
    """The first free slot of each specialist within the horizon (``None``: none, or
    no such specialist)."""
    wanted = sorted(set(specialist_ids))
    horizon = now + timedelta(days=NEXT_FREE_HORIZON_DAYS)
    found = await availabilities(wanted, now, horizon)
    return {
        specialist_id: None
        if specialist_id not in found
        else next_free_slot(
            found[specialist_id].weekly,
            found[specialist_id].overrides,
            found[specialist_id].absences,
            found[specialist_id].bookings,
            found[specialist_id].rules,
            now=now,
            horizon_days=NEXT_FREE_HORIZON_DAYS,
            used_per_week=found[specialist_id].used,
        )
        for specialist_id in wanted
    }
