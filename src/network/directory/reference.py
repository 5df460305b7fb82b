"""The reference data: 21 counties, 290 municipalities and the competence taxonomy.

Two halves, kept apart:

- *Parsing* (pure): :func:`read_counties`, :func:`read_municipalities`,
  :func:`read_areas` and :func:`read_reference_data` turn the CSV and GeoJSON files
  of ``network/data`` (see its README for the sources) into frozen Structs and
  validate them. Codes are read as text, so leading zeros survive.
- *Loading* (I/O): :func:`load_reference_data` upserts those rows by code in one
  transaction. It is idempotent: a second run inserts and updates nothing.
"""

from __future__ import annotations

import csv
import json
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import msgspec

from network.db import insert_chunks, write_transaction
from network.directory.tables import CompetenceArea, County, Municipality

__all__ = (
    "DATA_DIR",
    "EXPECTED_AREAS",
    "EXPECTED_COUNTIES",
    "EXPECTED_MUNICIPALITIES",
    "AreaRow",
    "CountyRow",
    "MunicipalityRow",
    "ReferenceCounts",
    "ReferenceData",
    "ReferenceDataError",
    "TableCounts",
    "load_reference_data",
    "read_areas",
    "read_counties",
    "read_municipalities",
    "read_reference_data",
)

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
"""The copy of the reference data shipped inside the package."""

EXPECTED_COUNTIES = 21
EXPECTED_MUNICIPALITIES = 290
EXPECTED_AREAS = 19

COUNTIES_FILE = "counties.csv"
MUNICIPALITIES_FILE = "municipalities.csv"
BOUNDARIES_FILE = "municipalities.geojson"
AREAS_FILE = "competence_areas.csv"

_COUNTY_CODE = re.compile(r"\d{2}")
_MUNICIPALITY_CODE = re.compile(r"\d{4}")
_AREA_CODE = re.compile(r"[a-z][a-z0-9_]{0,47}")
# Sweden, with a margin: the centroids lie within 55.3-69.1 N, 10.9-24.2 E.
_LATITUDES = (55.0, 69.5)
_LONGITUDES = (10.5, 24.5)


class ReferenceDataError(ValueError):
    """A reference file is missing, malformed or inconsistent; the message names it."""


class CountyRow(msgspec.Struct, frozen=True, kw_only=True):
    code: str
    name: str


class MunicipalityRow(msgspec.Struct, frozen=True, kw_only=True):
    code: str
    name: str
    county_code: str
    population: int
    latitude: float
    longitude: float
    boundary: dict[str, Any] = msgspec.field(default_factory=dict)
    """The GeoJSON geometry (Polygon or MultiPolygon, WGS84) of the municipality."""


class AreaRow(msgspec.Struct, frozen=True, kw_only=True):
    code: str
    name_sv: str
    name_en: str
    description_en: str


class ReferenceData(msgspec.Struct, frozen=True, kw_only=True):
    """The validated content of the reference files, each tuple sorted by code."""

    counties: tuple[CountyRow, ...]
    municipalities: tuple[MunicipalityRow, ...]
    areas: tuple[AreaRow, ...]


class TableCounts(msgspec.Struct, frozen=True, kw_only=True):
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def total(self) -> int:
        return self.inserted + self.updated + self.unchanged


class ReferenceCounts(msgspec.Struct, frozen=True, kw_only=True):
    """What :func:`load_reference_data` did, per table."""

    counties: TableCounts
    municipalities: TableCounts
    areas: TableCounts

    @property
    def inserted(self) -> int:
        return self.counties.inserted + self.municipalities.inserted + self.areas.inserted

    @property
    def updated(self) -> int:
        return self.counties.updated + self.municipalities.updated + self.areas.updated

    def __str__(self) -> str:
        parts = []
        for name in ("counties", "municipalities", "areas"):
            c: TableCounts = getattr(self, name)
            parts.append(
                f"{name}: {c.inserted} inserted, {c.updated} updated, {c.unchanged} unchanged"
            )
        return "; ".join(parts)


# --------------------------------------------------------------------------- parsing


def _read_csv(path: Path, columns: Sequence[str]) -> list[dict[str, str]]:
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            header = reader.fieldnames or []
            missing = [c for c in columns if c not in header]
            if missing:
                raise ReferenceDataError(f"{path.name}: missing column(s) {', '.join(missing)}")
            rows = []
            for line, row in enumerate(reader, start=2):
                if None in row or any(row.get(c) is None for c in columns):
                    raise ReferenceDataError(f"{path.name} line {line}: wrong number of fields")
                rows.append({c: row[c].strip() for c in columns})
            return rows
    except FileNotFoundError:
        raise ReferenceDataError(f"{path}: file not found") from None
    except (UnicodeDecodeError, csv.Error) as error:
        raise ReferenceDataError(f"{path.name}: unreadable ({error})") from None


def _unique(path: Path, codes: Iterable[str]) -> None:
    seen: set[str] = set()
    for code in codes:
        if code in seen:
            raise ReferenceDataError(f"{path.name}: code {code!r} occurs more than once")
        seen.add(code)


def read_counties(path: Path) -> tuple[CountyRow, ...]:
    """The counties of ``counties.csv`` (``code, name``), sorted by code."""
    rows = _read_csv(path, ("code", "name"))
    for line, row in enumerate(rows, start=2):
        if not _COUNTY_CODE.fullmatch(row["code"]):
            raise ReferenceDataError(
                f"{path.name} line {line}: county code {row['code']!r} is not two digits"
            )
        if not row["name"]:
            raise ReferenceDataError(f"{path.name} line {line}: empty name")
    _unique(path, (r["code"] for r in rows))
    return tuple(
        sorted((CountyRow(code=r["code"], name=r["name"]) for r in rows), key=lambda c: c.code)
    )


def _read_boundaries(path: Path) -> dict[str, dict[str, Any]]:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ReferenceDataError(f"{path}: file not found") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ReferenceDataError(f"{path.name}: not valid JSON ({error})") from None
    features = document.get("features") if isinstance(document, dict) else None
    if document.get("type") != "FeatureCollection" or not isinstance(features, list):
        raise ReferenceDataError(f"{path.name}: not a GeoJSON FeatureCollection")
    boundaries: dict[str, dict[str, Any]] = {}
    for index, feature in enumerate(features):
        properties = feature.get("properties") or {}
        code = str(properties.get("kommunkod", ""))
        geometry = feature.get("geometry")
        if not _MUNICIPALITY_CODE.fullmatch(code):
            raise ReferenceDataError(
                f"{path.name} feature {index}: kommunkod {code!r} is not four digits"
            )
        if not isinstance(geometry, dict) or geometry.get("type") not in (
            "Polygon",
            "MultiPolygon",
        ):
            raise ReferenceDataError(
                f"{path.name} feature {index} ({code}): geometry is not a (Multi)Polygon"
            )
        if code in boundaries:
            raise ReferenceDataError(f"{path.name}: kommunkod {code!r} occurs more than once")
        boundaries[code] = geometry
    return boundaries


def read_municipalities(
    path: Path, boundaries_path: Path | None = None
) -> tuple[MunicipalityRow, ...]:
    """The municipalities of ``municipalities.csv``, sorted by code.

    With ``boundaries_path`` (``municipalities.geojson``) each row carries its
    geometry, and the two files must hold exactly the same codes.
    """
    columns = ("code", "name", "county_code", "population", "latitude", "longitude")
    rows = _read_csv(path, columns)
    result: list[MunicipalityRow] = []
    for line, row in enumerate(rows, start=2):
        where = f"{path.name} line {line}"
        code, county_code = row["code"], row["county_code"]
        if not _MUNICIPALITY_CODE.fullmatch(code):
            raise ReferenceDataError(f"{where}: kommunkod {code!r} is not four digits")
        if not _COUNTY_CODE.fullmatch(county_code) or not code.startswith(county_code):
            raise ReferenceDataError(
                f"{where}: county code {county_code!r} does not match kommunkod {code!r}"
            )
        if not row["name"]:
            raise ReferenceDataError(f"{where}: empty name")
        try:
            population = int(row["population"])
            latitude = float(row["latitude"])
            longitude = float(row["longitude"])
        except ValueError:
            raise ReferenceDataError(
                f"{where}: population, latitude or longitude is not a number"
            ) from None
        if population < 0:
            raise ReferenceDataError(f"{where}: negative population")
        if not (
            math.isfinite(latitude)
            and math.isfinite(longitude)
            and _LATITUDES[0] <= latitude <= _LATITUDES[1]
            and _LONGITUDES[0] <= longitude <= _LONGITUDES[1]
        ):
            raise ReferenceDataError(f"{where}: coordinates {latitude}, {longitude} outside Sweden")
        result.append(
            MunicipalityRow(
                code=code,
                name=row["name"],
                county_code=county_code,
                population=population,
                latitude=latitude,
                longitude=longitude,
            )
        )
    _unique(path, (m.code for m in result))
    if boundaries_path is not None:
        boundaries = _read_boundaries(boundaries_path)
        codes = {m.code for m in result}
        if missing := sorted(codes - boundaries.keys()):
            raise ReferenceDataError(
                f"{boundaries_path.name}: no boundary for kommunkod {', '.join(missing[:5])}"
            )
        if extra := sorted(boundaries.keys() - codes):
            raise ReferenceDataError(
                f"{boundaries_path.name}: kommunkod {', '.join(extra[:5])} not in {path.name}"
            )
        result = [msgspec.structs.replace(m, boundary=boundaries[m.code]) for m in result]
    return tuple(sorted(result, key=lambda m: m.code))


def read_areas(path: Path) -> tuple[AreaRow, ...]:
    """The competence areas of ``competence_areas.csv``, sorted by code."""
    rows = _read_csv(path, ("code", "name_sv", "name_en", "description_en"))
    for line, row in enumerate(rows, start=2):
        if not _AREA_CODE.fullmatch(row["code"]):
            raise ReferenceDataError(
                f"{path.name} line {line}: area code {row['code']!r} is not a lower-case slug"
            )
        if not row["name_sv"] or not row["name_en"]:
            raise ReferenceDataError(f"{path.name} line {line}: empty name")
        if len(row["name_sv"]) > 160 or len(row["name_en"]) > 160:
            raise ReferenceDataError(f"{path.name} line {line}: name longer than 160 characters")
    _unique(path, (r["code"] for r in rows))
    return tuple(sorted((AreaRow(**r) for r in rows), key=lambda a: a.code))


def read_reference_data(data_dir: Path | None = None) -> ReferenceData:
    """Read and validate all reference files of ``data_dir`` (default: the package's)."""
    directory = DATA_DIR if data_dir is None else Path(data_dir)
    counties = read_counties(directory / COUNTIES_FILE)
    municipalities = read_municipalities(
        directory / MUNICIPALITIES_FILE, directory / BOUNDARIES_FILE
    )
    areas = read_areas(directory / AREAS_FILE)
    for name, found, expected in (
        (COUNTIES_FILE, len(counties), EXPECTED_COUNTIES),
        (MUNICIPALITIES_FILE, len(municipalities), EXPECTED_MUNICIPALITIES),
        (AREAS_FILE, len(areas), EXPECTED_AREAS),
    ):
        if found != expected:
            raise ReferenceDataError(f"{name}: expected {expected} rows, found {found}")
    county_codes = {c.code for c in counties}
    for m in municipalities:
        if m.county_code not in county_codes:
            raise ReferenceDataError(
                f"{MUNICIPALITIES_FILE}: {m.code} {m.name} names county {m.county_code!r}, "
                f"which is not in {COUNTIES_FILE}"
            )
    empty = county_codes - {m.county_code for m in municipalities}
    if empty:
        raise ReferenceDataError(f"{COUNTIES_FILE}: county {min(empty)} has no municipality")
    return ReferenceData(counties=counties, municipalities=municipalities, areas=areas)


# --------------------------------------------------------------------------- loading


def _as_json(value: Any) -> Any:
    """A JSON column's value as Python data (drivers return text or parsed data)."""
    if isinstance(value, str | bytes):
        return json.loads(value) if value else None
    return value


async def _upsert(
    table: Any,
    wanted: Mapping[str, Mapping[str, Any]],
    existing: Mapping[str, Mapping[str, Any]],
) -> TableCounts:
    """Insert the missing codes of ``wanted`` and update those whose values differ."""
    columns = {c._meta.name: c for c in table._meta.columns}
    inserted = updated = unchanged = 0
    new_rows = []
    for code, values in wanted.items():
        current = existing.get(code)
        if current is None:
            new_rows.append(table(code=code, **values))
            inserted += 1
        elif all(current[k] == v for k, v in values.items()):
            unchanged += 1
        else:
            changes = {columns[k]: v for k, v in values.items() if current[k] != v}
            await table.update(changes).where(columns["code"] == code)
            updated += 1
    for chunk in insert_chunks(table, new_rows):
        await table.insert(*chunk)
    return TableCounts(inserted=inserted, updated=updated, unchanged=unchanged)


async def load_reference_data(data_dir: Path | None = None) -> ReferenceCounts:
    """Upsert the counties, municipalities and competence areas, by code, in one transaction.

    Rows are never deleted (other tables refer to them); a second run with the same
    files reports only unchanged rows. Raises :class:`ReferenceDataError` when the
    files are invalid, before anything is written.
    """
    data = read_reference_data(data_dir)
    async with write_transaction(County._meta.db):
        existing_counties = {r["code"]: r for r in await County.select(County.code, County.name)}
        county_counts = await _upsert(
            County, {c.code: {"name": c.name} for c in data.counties}, existing_counties
        )
        county_ids = {
            r["code"]: r["id"] for r in await County.select(County._meta.primary_key, County.code)
        }

        existing_municipalities = {}
        for r in await Municipality.select(
            Municipality.code,
            Municipality.name,
            Municipality.county,
            Municipality.population,
            Municipality.latitude,
            Municipality.longitude,
            Municipality.boundary,
        ):
            r["boundary"] = _as_json(r["boundary"])
            existing_municipalities[r["code"]] = r
        municipality_counts = await _upsert(
            Municipality,
            {
                m.code: {
                    "name": m.name,
                    "county": county_ids[m.county_code],
                    "population": m.population,
                    "latitude": m.latitude,
                    "longitude": m.longitude,
                    "boundary": m.boundary,
                }
                for m in data.municipalities
            },
            existing_municipalities,
        )

        existing_areas = {
            r["code"]: r
            for r in await CompetenceArea.select(
                CompetenceArea.code,
                CompetenceArea.name_sv,
                CompetenceArea.name_en,
                CompetenceArea.description_en,
            )
        }
        area_counts = await _upsert(
            CompetenceArea,
            {
                a.code: {
                    "name_sv": a.name_sv,
                    "name_en": a.name_en,
                    "description_en": a.description_en,
                }
                for a in data.areas
            },
            existing_areas,
        )
    return ReferenceCounts(
        counties=county_counts, municipalities=municipality_counts, areas=area_counts
    )
