"""Consultation requests in a given state, written straight to the tables (for tests of
what follows acceptance: bookings, feeds, settlements)."""

from __future__ import annotations

from datetime import UTC, datetime, time

from network.consultations.tables import Assignment, ConsultationRequest
from network.directory.tables import CompetenceArea, Municipality
from network.lib.vocab import AssignmentStatus, ConsultationKind, ConsultationStatus

__all__ = (
    "add_competence",
    "add_weekly_hours",
    "area_id",
    "create_accepted_request",
    "create_county_agreement",
)


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
    ``assignment=OFFERED`` and ``status=OFFERED``, holds as an offer); its id."""
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
