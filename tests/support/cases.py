"""Consultation requests in a given state, written straight to the tables (for tests of
what follows acceptance: bookings, feeds, settlements)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, time
from typing import TypeVar

from network.consultations.tables import Assignment, ConsultationRequest
from network.directory.tables import CompetenceArea, Municipality
from network.kernel.case_scope import system_scope
from network.lib.vocab import AssignmentStatus, ConsultationKind, ConsultationStatus

__all__ = (
    "add_competence",
    "add_weekly_hours",
    "area_id",
    "create_accepted_request",
    "create_county_agreement",
    "origin_of",
    "seeing_all",
)

T = TypeVar("T")


async def create_accepted_request(
    *,
    requester: int,
    municipality: str,
    specialist: int,
    area: str = "lvu_investigation",
    kind: ConsultationKind = ConsultationKind.MEETING,
    mode: str = "video",
    status: ConsultationStatus = ConsultationStatus.ACCEPTED,
    assignment: AssignmentStatus = AssignmentStatus.ACCEPTED,
) -> int:
    """A request from ``municipality`` that ``specialist`` has accepted (or, with
    ``assignment=OFFERED`` and ``status=OFFERED``, holds as an offer); its id.

    Written as a system job writes (the rows pass row-level security for every
    municipality), inside the caller's transaction if there is one."""
    town = (
        await Municipality.select(Municipality.id).where(Municipality.code == municipality).first()
    )
    topic = await area_id(area)
    assert town is not None, municipality
    now = datetime.now(UTC)
    request = ConsultationRequest(
        area=topic,
        origin_municipality=town["id"],
        requester=requester,
        kind=kind,
        mode=mode,
        summary="Hur bedömer vi risken när familjen planerar en resa?",
        status=status,
        created_at=now,
        opened_at=now,
        accepted_at=now,
    )
    async with system_scope(ConsultationRequest._meta.db):
        await request.save()
        await Assignment(
            request=request.id,
            specialist=specialist,
            origin_municipality=town["id"],
            status=assignment,
            created_at=now,
            responded_at=now,
        ).save()
    return int(request.id)


async def origin_of(request_id: int) -> int:
    """The municipality a request comes from (its bookings and assignments carry it:
    row-level security shows them to that municipality's users)."""
    async with system_scope(ConsultationRequest._meta.db):
        row = (
            await ConsultationRequest.select(ConsultationRequest.origin_municipality)
            .where(ConsultationRequest.id == request_id)
            .first()
        )
    assert row is not None, request_id
    return int(row["origin_municipality"])


async def seeing_all(query: Callable[[], Awaitable[T]]) -> T:
    """``query()`` seeing and writing every case row, as a system job does: for a
    test's own set-up and inspection of case data, never around the code under test
    (on PostgreSQL, row-level security shows case rows only in a scope that names
    who asks)."""
    async with system_scope(ConsultationRequest._meta.db):
        return await query()


async def create_county_agreement(county: str, area: str) -> int:
    """A county-wide sharing agreement for one competence area, valid since 2026."""
    from datetime import date

    from network.directory.tables import AgreementArea, County, SharingAgreement

    topic = await area_id(area)
    place = await County.select(County.id, County.name).where(County.code == county).first()
    assert place is not None, county
    deal = SharingAgreement(
        name=f"{place['name']}: {area}",
        county=place["id"],
        valid_from=date(2026, 1, 1),
        created_at=datetime.now(UTC),
    )
    await deal.save()
    await AgreementArea(agreement=deal.id, area=topic).save()
    return int(deal.id)


async def add_competence(specialist: int, area: str, level: int) -> None:
    from network.specialists.tables import SpecialistCompetence

    await SpecialistCompetence(specialist=specialist, area=await area_id(area), level=level).save()


async def area_id(code: str) -> int:
    row = await CompetenceArea.select(CompetenceArea.id).where(CompetenceArea.code == code).first()
    assert row is not None, code
    return int(row["id"])


async def add_weekly_hours(
    specialist: int, days: range | tuple[int, ...], start: time, end: time
) -> None:
    """The same hours on each of ``days`` (0 = Monday)."""
    from network.specialists.tables import AvailabilityRule

    await AvailabilityRule.insert(
        *(
            AvailabilityRule(specialist=specialist, weekday=d, start_time=start, end_time=end)
            for d in days
        )
    )
