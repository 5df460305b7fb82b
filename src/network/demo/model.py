"""The plain data of a synthetic demo network (no ORM, no I/O).

Everything refers to other things by natural key: municipalities, counties and
areas by code, users by e-mail, agreements and programmes by name. The seeder
turns these keys into database ids.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Protocol

import msgspec

from network.lib.vocab import (
    AbsenceReason,
    AgreementScope,
    ConsultationKind,
    ConsultationStatus,
    LegalForm,
    MeetingMode,
    MentoringConstraint,
    MentoringStatus,
    Role,
    Urgency,
)

__all__ = (
    "AreaLike",
    "CountyLike",
    "DemoAbsence",
    "DemoAgreement",
    "DemoAvailability",
    "DemoCompetence",
    "DemoConsultation",
    "DemoFocus",
    "DemoMentoringRequest",
    "DemoNetwork",
    "DemoProgramme",
    "DemoRoleBinding",
    "DemoSpecialist",
    "DemoUser",
    "MunicipalityLike",
    "SeedCounts",
)


# --------------------------------------------------------------------------- inputs


class MunicipalityLike(Protocol):
    """What the generator needs of a municipality (e.g. a reference ``MunicipalityRow``)."""

    @property
    def code(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def county_code(self) -> str: ...
    @property
    def population(self) -> int: ...
    @property
    def latitude(self) -> float: ...
    @property
    def longitude(self) -> float: ...


class CountyLike(Protocol):
    @property
    def code(self) -> str: ...
    @property
    def name(self) -> str: ...


class AreaLike(Protocol):
    @property
    def code(self) -> str: ...
    @property
    def name_sv(self) -> str: ...


# --------------------------------------------------------------------------- outputs


class DemoUser(msgspec.Struct, frozen=True, kw_only=True):
    email: str
    display_name: str
    unit: str | None
    years_in_profession: int | None
    created_at: datetime
    locale: str = "sv"


class DemoRoleBinding(msgspec.Struct, frozen=True, kw_only=True):
    """A role of ``email``, scoped to exactly one of a municipality or a county."""

    email: str
    role: Role
    municipality_code: str | None = None
    county_code: str | None = None


class DemoCompetence(msgspec.Struct, frozen=True, kw_only=True):
    area_code: str
    level: int


class DemoAvailability(msgspec.Struct, frozen=True, kw_only=True):
    """Weekly hours in Europe/Stockholm local time; weekday 0 is Monday."""

    weekday: int
    start_time: time
    end_time: time


class DemoAbsence(msgspec.Struct, frozen=True, kw_only=True):
    starts_at: datetime
    ends_at: datetime
    reason: AbsenceReason
    created_at: datetime


class DemoSpecialist(msgspec.Struct, frozen=True, kw_only=True):
    email: str
    home_municipality_code: str
    title: str
    languages: tuple[str, ...]
    offers_phone: bool
    offers_video: bool
    offers_on_site: bool
    max_travel_km: int
    consultations_per_week: int
    mentees_capacity: int
    slot_minutes: int
    buffer_minutes: int
    competences: tuple[DemoCompetence, ...]
    availability: tuple[DemoAvailability, ...]
    absences: tuple[DemoAbsence, ...]
    created_at: datetime


class DemoAgreement(msgspec.Struct, frozen=True, kw_only=True):
    """County-wide (``county_code`` set, no members) or between member municipalities."""

    name: str
    legal_form: LegalForm
    scope: AgreementScope
    county_code: str | None
    municipality_codes: tuple[str, ...]
    area_codes: tuple[str, ...]
    valid_from: date
    valid_to: date | None
    created_at: datetime


class DemoProgramme(msgspec.Struct, frozen=True, kw_only=True):
    name: str
    county_code: str
    start_date: date
    end_date: date
    steps: tuple[str, ...]
    created_by_email: str | None
    created_at: datetime


class DemoConsultation(msgspec.Struct, frozen=True, kw_only=True):
    area_code: str
    origin_municipality_code: str
    requester_email: str
    kind: ConsultationKind
    urgency: Urgency
    mode: MeetingMode
    language: str
    summary: str
    latest_date: date
    created_at: datetime
    opened_at: datetime
    status: ConsultationStatus = ConsultationStatus.OPEN


class DemoMentoringRequest(msgspec.Struct, frozen=True, kw_only=True):
    mentee_email: str
    programme_name: str | None
    area_codes: tuple[str, ...]
    language: str
    mode: MeetingMode
    match_constraint: MentoringConstraint
    created_at: datetime
    status: MentoringStatus = MentoringStatus.OPEN


class DemoFocus(msgspec.Struct, frozen=True, kw_only=True):
    """Where the five named demo users live (see ``network.demo.generator``)."""

    county_code: str
    social_worker_municipality_code: str
    specialist_municipality_code: str


class DemoNetwork(msgspec.Struct, frozen=True, kw_only=True):
    """A whole synthetic network; equal seeds and sizes give equal networks."""

    seed: int
    today: date
    focus: DemoFocus
    users: tuple[DemoUser, ...]
    role_bindings: tuple[DemoRoleBinding, ...]
    specialists: tuple[DemoSpecialist, ...]
    agreements: tuple[DemoAgreement, ...]
    programmes: tuple[DemoProgramme, ...]
    consultations: tuple[DemoConsultation, ...]
    mentoring_requests: tuple[DemoMentoringRequest, ...]


class SeedCounts(msgspec.Struct, frozen=True, kw_only=True):
    """Rows written by :func:`network.demo.seed_demo`, per table."""

    users: int = 0
    role_bindings: int = 0
    specialists: int = 0
    competences: int = 0
    availability_rules: int = 0
    absences: int = 0
    agreements: int = 0
    agreement_municipalities: int = 0
    agreement_areas: int = 0
    programmes: int = 0
    cohorts: int = 0
    mentor_offers: int = 0
    consultations: int = 0
    mentoring_requests: int = 0
