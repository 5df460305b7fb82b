"""API shapes of specialists and their free slots."""

from __future__ import annotations

from datetime import datetime

from network.lib.schema import Schema

__all__ = ("Competence", "Slot", "Specialist")


class Competence(Schema):
    area: str
    level: int


class Specialist(Schema):
    id: int
    name: str
    title: str
    home_municipality: str
    home_municipality_name: str
    county: str
    languages: list[str]
    modes: list[str]
    max_travel_km: int
    consultations_per_week: int
    mentees_capacity: int
    accepts_new: bool
    competences: list[Competence]


class Slot(Schema):
    start: datetime
    end: datetime
