"""Consultation requests in a given state, written straight to the tables (for tests of
what follows acceptance: bookings, feeds, settlements)."""

from __future__ import annotations

from datetime import UTC, datetime

from network.consultations.tables import Assignment, ConsultationRequest
from network.directory.tables import CompetenceArea, Municipality
from network.lib.vocab import AssignmentStatus, ConsultationKind, ConsultationStatus

__all__ = ("create_accepted_request",)


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
    topic = (
        await CompetenceArea.select(CompetenceArea.id).where(CompetenceArea.code == area).first()
    )
    assert town is not None, municipality
    assert topic is not None, area
    now = datetime.now(UTC)
    request = ConsultationRequest(
        area=topic["id"],
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
