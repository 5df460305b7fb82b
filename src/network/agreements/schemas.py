"""API shapes of sharing agreements between municipalities."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated

import msgspec

from network.lib.schema import PLAIN_TEXT, AreaCode, Schema
from network.lib.vocab import AgreementScope, LegalForm

__all__ = ("AgreementEnd", "AgreementIn", "AgreementOut", "AgreementStatus", "Member")

MunicipalityCode = Annotated[str, msgspec.Meta(pattern=r"^\d{4}$")]


class AgreementStatus(StrEnum):
    """Where an agreement stands on a given day."""

    UPCOMING = "upcoming"
    ACTIVE = "active"
    ENDED = "ended"


class AgreementIn(Schema):
    """A new agreement, or the whole of an existing one (replaced).

    Either ``county`` (every municipality of the county) or at least two
    ``municipalities``, never both.
    """

    name: Annotated[str, msgspec.Meta(min_length=1, max_length=200, pattern=PLAIN_TEXT)]
    areas: Annotated[list[AreaCode], msgspec.Meta(min_length=1, max_length=100)]
    valid_from: date
    legal_form: LegalForm = LegalForm.AGREEMENT
    scope: AgreementScope = AgreementScope.CONSULTATION
    county: Annotated[str, msgspec.Meta(pattern=r"^\d{2}$")] | None = None
    municipalities: Annotated[list[MunicipalityCode], msgspec.Meta(max_length=290)] = []
    valid_to: date | None = None


class AgreementEnd(Schema):
    """End an agreement: the last day it holds (today when left out)."""

    valid_to: date | None = None


class Member(Schema):
    code: str
    name: str


class AgreementOut(Schema):
    id: int
    name: str
    legal_form: LegalForm
    scope: AgreementScope
    county: str | None
    county_name: str | None
    municipalities: list[Member]
    areas: list[str]
    valid_from: date
    valid_to: date | None
    status: AgreementStatus
    may_manage: bool
