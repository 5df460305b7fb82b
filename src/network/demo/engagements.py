"""Demo co-handling engagements: the demo specialist co-handles three LVU
investigations of the demo social worker's municipality, in different phases (risk
assessment with a meeting ahead, the decision, and one closed with its survey), so
both see engagements on first start and the analyst's co-handling view has demand.

Written inside the seed's system transaction, as the app would have written them: a
co-handling request accepted by the specialist, its engagement with the phase
history, meetings as bookings in the specialist's calendar, the thread, time logged
and, for the closed one, the close-out survey. A sharing agreement that allows
co-handling joins the two municipalities when they differ.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from network.accounts.tables import RoleBinding
from network.consultations.tables import (
    Assignment,
    Booking,
    ConsultationMessage,
    ConsultationRequest,
    Feedback,
)
from network.directory.tables import (
    AgreementArea,
    AgreementMunicipality,
    CompetenceArea,
    SharingAgreement,
)
from network.engagements.tables import Engagement, EngagementPhaseChange, EngagementTime
from network.lib import clock
from network.lib.clock import STOCKHOLM
from network.lib.demo_users import SOCIAL_WORKER_EMAIL, SPECIALIST_EMAIL
from network.lib.vocab import (
    AgreementScope,
    AssignmentStatus,
    BookingStatus,
    ConsultationKind,
    ConsultationStatus,
    EngagementPhase,
    LegalForm,
    MeetingMode,
    Role,
    Urgency,
)
from network.specialists.tables import SpecialistCompetence, SpecialistProfile

__all__ = ("AREA", "seed_engagements")

AREA = "lvu_investigation"
P = EngagementPhase


@dataclass(frozen=True)
class _Case:
    summary: str
    urgency: Urgency
    opened_days_ago: int
    phases: tuple[tuple[EngagementPhase, int], ...]  # (phase, days after opening)
    meetings: tuple[int, ...]  # days from today (negative: held)
    messages: tuple[tuple[bool, str], ...]  # (from the specialist, text)
    minutes: tuple[tuple[int, int], ...]  # (days after opening, minutes)
    closed_days_ago: int | None = None


CASES = (
    _Case(
        "Tonåring, 15 år, med allvarlig skolfrånvaro och missbruk; LVU-utredning inledd "
        "efter polisanmälan. Vi vill ha en medhandläggare genom hela utredningen.",
        Urgency.SOON,
        12,
        ((P.INVESTIGATION_OPENED, 0), (P.RISK_ASSESSMENT, 4)),
        (-5, 6),
        (
            (False, "Utredningen är inledd och vårdnadshavarna är informerade."),
            (True, "Bra. Vi börjar med en strukturerad riskbedömning på första mötet."),
        ),
        ((1, 60), (5, 90)),
    ),
    _Case(
        "Barn, 9 år, i ett hem med våld; frivilliga insatser har inte räckt. Stöd i "
        "bedömningen inför en eventuell ansökan om vård enligt LVU.",
        Urgency.PLANNED,
        75,
        (
            (P.INVESTIGATION_OPENED, 0),
            (P.RISK_ASSESSMENT, 10),
            (P.PARENT_COMMUNICATION, 40),
            (P.DECISION, 68),
        ),
        (-60, -30, -8),
        (
            (False, "Kommuniceringen med vårdnadshavarna är klar."),
            (True, "Då skriver vi ansökan till förvaltningsrätten tillsammans på torsdag."),
        ),
        ((2, 90), (11, 120), (41, 60), (69, 150)),
    ),
    _Case(
        "Ungdom, 16 år, placerad akut enligt 6 § LVU; medhandläggning fram till beslut.",
        Urgency.ACUTE,
        160,
        (
            (P.INVESTIGATION_OPENED, 0),
            (P.RISK_ASSESSMENT, 3),
            (P.DECISION, 50),
            (P.CLOSED, 150),
        ),
        (-150, -120),
        ((True, "Förvaltningsrätten biföll ansökan; vi avslutar medhandläggningen."),),
        ((1, 120), (4, 90), (51, 180)),
        closed_days_ago=10,
    ),
)


async def _people() -> tuple[dict[str, Any], dict[str, Any]] | None:
    specialist = (
        await SpecialistProfile.select(
            SpecialistProfile.id,
            SpecialistProfile.user,
            SpecialistProfile.home_municipality.as_alias("home"),
        )
        .where(SpecialistProfile.user._.email == SPECIALIST_EMAIL)
        .first()
    )
    worker = (
        await RoleBinding.select(RoleBinding.user, RoleBinding.municipality)
        .where(
            (RoleBinding.user._.email == SOCIAL_WORKER_EMAIL)
            & (RoleBinding.role == Role.SOCIAL_WORKER)
            & RoleBinding.municipality.is_not_null()
        )
        .first()
    )
    if specialist is None or worker is None:
        return None
    return specialist, worker


async def _allow(area: int, specialist: dict[str, Any], worker: dict[str, Any]) -> None:
    """The specialist competent in the area, and an agreement that allows co-handling
    between the two municipalities (when they differ)."""
    if not await SpecialistCompetence.exists().where(
        (SpecialistCompetence.specialist == specialist["id"]) & (SpecialistCompetence.area == area)
    ):
        await SpecialistCompetence(specialist=specialist["id"], area=area, level=3).save()
    if specialist["home"] == worker["municipality"]:
        return
    day = clock.today()
    shared = AgreementMunicipality.select(AgreementMunicipality.agreement).where(
        AgreementMunicipality.municipality == specialist["home"]
    )
    theirs = AgreementMunicipality.select(AgreementMunicipality.agreement).where(
        AgreementMunicipality.municipality == worker["municipality"]
    )
    covering = AgreementArea.select(AgreementArea.agreement).where(AgreementArea.area == area)
    if await SharingAgreement.exists().where(
        (SharingAgreement.scope == AgreementScope.CO_HANDLING)
        & (SharingAgreement.valid_from <= day)
        & (SharingAgreement.valid_to.is_null() | (SharingAgreement.valid_to >= day))
        & SharingAgreement.id.is_in(covering)
        & SharingAgreement.id.is_in(shared)
        & SharingAgreement.id.is_in(theirs)
    ):
        return
    deal = SharingAgreement(
        name="Medhandläggning i LVU-utredningar",
        legal_form=LegalForm.AGREEMENT,
        scope=AgreementScope.CO_HANDLING,
        valid_from=date(clock.today().year - 1, 1, 1),
        created_at=clock.now(),
    )
    await deal.save()
    await AgreementArea(agreement=deal.id, area=area).save()
    for place in sorted({specialist["home"], worker["municipality"]}):
        await AgreementMunicipality(agreement=deal.id, municipality=place).save()


def _at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour, 35), tzinfo=STOCKHOLM).astimezone(UTC)


async def seed_engagements() -> int:
    """The demo engagements (inside the caller's system transaction): how many."""
    found = await _people()
    topic = (
        await CompetenceArea.select(CompetenceArea.id).where(CompetenceArea.code == AREA).first()
    )
    if found is None or topic is None:
        return 0
    specialist, worker = found
    area = int(topic["id"])
    await _allow(area, specialist, worker)
    now = clock.now()
    today = clock.today()
    for n, case in enumerate(CASES):
        opened = now - timedelta(days=case.opened_days_ago)
        closed = (
            None if case.closed_days_ago is None else now - timedelta(days=case.closed_days_ago)
        )
        request = ConsultationRequest(
            area=area,
            origin_municipality=worker["municipality"],
            requester=worker["user"],
            kind=ConsultationKind.CO_HANDLING,
            urgency=case.urgency,
            mode=MeetingMode.VIDEO,
            summary=case.summary,
            status=ConsultationStatus.COMPLETED if closed else ConsultationStatus.ACCEPTED,
            created_at=opened - timedelta(days=1),
            opened_at=opened - timedelta(days=1),
            first_answer_at=opened + timedelta(hours=2),
            accepted_at=opened,
            closed_at=closed,
        )
        await request.save()
        await Assignment(
            request=request.id,
            specialist=specialist["id"],
            origin_municipality=worker["municipality"],
            score=0,
            breakdown={},
            status=AssignmentStatus.ACCEPTED,
            created_at=opened - timedelta(hours=20),
            responded_at=opened,
        ).save()
        phase = case.phases[-1][0]
        engagement = Engagement(
            request=request.id,
            origin_municipality=worker["municipality"],
            requester=worker["user"],
            specialist=specialist["id"],
            area=area,
            urgency=case.urgency,
            phase=phase,
            opened_at=opened,
            expected_end=(opened + timedelta(days=120)).astimezone(STOCKHOLM).date(),
            closed_at=closed,
        )
        await engagement.save()
        for entered, after in case.phases:
            await EngagementPhaseChange(
                engagement=engagement.id,
                origin_municipality=worker["municipality"],
                phase=entered,
                changed_at=min(opened + timedelta(days=after), now),
                changed_by=specialist["user"] if entered is not P.CLOSED else worker["user"],
            ).save()
        for days in case.meetings:
            start = _at(today + timedelta(days=days), 9 + n)
            await Booking(
                specialist=specialist["id"],
                request=request.id,
                origin_municipality=worker["municipality"],
                starts_at=start,
                ends_at=start + timedelta(minutes=45),
                mode=MeetingMode.VIDEO,
                status=BookingStatus.BOOKED,
                created_by=worker["user"],
                created_at=opened,
            ).save()
        for i, (from_specialist, body) in enumerate(case.messages):
            await ConsultationMessage(
                request=request.id,
                origin_municipality=worker["municipality"],
                author=specialist["user"] if from_specialist else worker["user"],
                from_specialist=from_specialist,
                body=body,
                created_at=opened + timedelta(days=1, hours=i),
            ).save()
        for after, minutes in case.minutes:
            await EngagementTime(
                engagement=engagement.id,
                origin_municipality=worker["municipality"],
                specialist=specialist["id"],
                giver=specialist["home"],
                worked_on=(opened + timedelta(days=after)).astimezone(STOCKHOLM).date(),
                minutes=minutes,
                note="",
                created_at=opened + timedelta(days=after),
            ).save()
        if closed is not None:
            await Feedback(
                request=request.id,
                origin_municipality=worker["municipality"],
                author=worker["user"],
                helpful=5,
                changed_risk_assessment=True,
                placement_avoided=False,
                created_at=closed,
            ).save()
    return len(CASES)
