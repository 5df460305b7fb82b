"""API shapes of the reference data."""

from __future__ import annotations

from network.lib.schema import Schema

__all__ = ("Area", "County", "CountyOverview", "Municipality")


class County(Schema):
    code: str
    name: str
    municipalities: int
    population: int


class Municipality(Schema):
    code: str
    name: str
    county_code: str
    county_name: str
    population: int
    latitude: float
    longitude: float


class Area(Schema):
    code: str
    name_sv: str
    name_en: str
    description_en: str


class CountyOverview(County):
    specialists: int
