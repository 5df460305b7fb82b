"""Reference data and the agreements that connect municipalities."""

from __future__ import annotations

from piccolo.columns import (
    JSON,
    BigInt,
    Boolean,
    Date,
    DoublePrecision,
    ForeignKey,
    Integer,
    Serial,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.columns.base import OnDelete
from piccolo.table import Table

from network.lib.vocab import AgreementScope, LegalForm

__all__ = (
    "AgreementArea",
    "AgreementMunicipality",
    "CompetenceArea",
    "County",
    "DataVersion",
    "Municipality",
    "SharingAgreement",
)


class County(Table):
    """A län (21), identified by its two-digit code."""

    id: Serial

    code = Varchar(length=2, unique=True, index=True)
    name = Varchar(length=64)


class Municipality(Table):
    """A kommun (290), identified by its four-digit kommunkod."""

    id: Serial

    code = Varchar(length=4, unique=True, index=True)
    name = Varchar(length=64)
    county = ForeignKey(County, on_delete=OnDelete.restrict, null=False, index=True)
    population = Integer()
    latitude = DoublePrecision()
    longitude = DoublePrecision()
    boundary = JSON(default="{}")


class CompetenceArea(Table):
    """One entry of the competence taxonomy (see data/competence_areas.csv)."""

    id: Serial

    code = Varchar(length=48, unique=True, index=True)
    name_sv = Varchar(length=160)
    name_en = Varchar(length=160)
    description_en = Text()
    active = Boolean(default=True)


class SharingAgreement(Table):
    """Municipalities that let their specialists serve each other, for some areas.

    A county-wide agreement sets ``county``; otherwise its members are the rows
    of :class:`AgreementMunicipality`.
    """

    id: Serial

    name = Varchar(length=200)
    legal_form = Varchar(length=32, choices=LegalForm, default=LegalForm.AGREEMENT)
    scope = Varchar(length=32, choices=AgreementScope, default=AgreementScope.CONSULTATION)
    county = ForeignKey(County, on_delete=OnDelete.restrict, null=True, index=True)
    valid_from = Date()
    valid_to = Date(null=True, default=None)
    created_at = Timestamptz()


class AgreementMunicipality(Table):
    """A member municipality of a (pairwise or group) sharing agreement."""

    id: Serial

    agreement = ForeignKey(SharingAgreement, on_delete=OnDelete.cascade, null=False, index=True)
    municipality = ForeignKey(Municipality, on_delete=OnDelete.restrict, null=False, index=True)


class AgreementArea(Table):
    """A competence area that a sharing agreement covers."""

    id: Serial

    agreement = ForeignKey(SharingAgreement, on_delete=OnDelete.cascade, null=False, index=True)
    area = ForeignKey(CompetenceArea, on_delete=OnDelete.restrict, null=False)


class DataVersion(Table):
    """A counter per topic that database triggers raise with every change to the
    topic's tables (see :class:`network.lib.ddl.Counted`), whoever writes: the app,
    the seed, a migration or a hand-made statement. Readers keep derived data keyed
    by it (see :mod:`network.directory.versions`)."""

    id: Serial

    topic = Varchar(length=32, unique=True, index=True)
    version = BigInt(default=0)
