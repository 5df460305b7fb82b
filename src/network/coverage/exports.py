"""The coverage table as CSV and GeoJSON, for a region's own BI and GIS tools.

Only what the report holds goes out: statuses, counts of specialists, supply hours
and demand with small numbers already suppressed (an empty CSV field, a JSON null).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from network.coverage.outcomes import Outcomes
from network.coverage.schemas import WorkforceOut
from network.coverage.services import Report, Row
from network.coverage.workforce import COLUMNS as WORKFORCE_COLUMNS
from network.graph.outcomes import MEASURES
from network.lib.csvsafe import csv_text

__all__ = (
    "CSV_COLUMNS",
    "OUTCOME_COLUMNS",
    "outcomes_csv",
    "row_fields",
    "to_csv",
    "to_geojson",
    "workforce_csv",
)

CSV_COLUMNS = (
    "municipality",
    "municipality_name",
    "county",
    "area",
    "population",
    "status",
    "local_specialists",
    "reachable_specialists",
    "providers",
    "agreements",
    "supply_hours",
    "requests",
    "requests_per_10k",
    "unplaced",
    "median_days_to_meeting",
    "suppressed",
)


def row_fields(row: Row) -> dict[str, Any]:
    """One row as flat fields (the CSV columns; GeoJSON properties)."""
    cell, figures = row.cell, row.demand
    return {
        "municipality": cell.municipality,
        "municipality_name": row.name,
        "county": cell.county,
        "area": cell.area,
        "population": cell.population,
        "status": cell.status.value,
        "local_specialists": len(cell.local),
        "reachable_specialists": len(cell.specialists),
        "providers": [p.municipality for p in cell.providers],
        "agreements": sorted(cell.agreements),
        "supply_hours": cell.supply_hours,
        "requests": figures.requests if figures else 0,
        "requests_per_10k": figures.per_10k if figures else 0.0,
        "unplaced": figures.unplaced if figures else 0,
        "median_days_to_meeting": figures.median_days_to_meeting if figures else None,
        "suppressed": bool(figures and figures.suppressed),
    }


def _csv_value(value: Any) -> Any:
    if isinstance(value, list):
        return ";".join(map(str, value))
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def to_csv(report: Report) -> str:
    return csv_text(
        CSV_COLUMNS,
        ([_csv_value(fields[c]) for c in CSV_COLUMNS] for fields in map(row_fields, report.rows)),
    )


def to_geojson(report: Report, boundaries: Mapping[str, Any]) -> dict[str, Any]:
    """A FeatureCollection: one feature per municipality × area, with its boundary."""
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "id": f"{row.cell.municipality}:{row.cell.area}",
                "geometry": boundaries.get(row.cell.municipality),
                "properties": row_fields(row),
            }
            for row in report.rows
        ],
    }


OUTCOME_COLUMNS = (
    "municipality",
    "municipality_name",
    "county",
    "county_name",
    "year",
    "area",
    "due",
    "responses",
    "response_rate",
    "helpful_mean",
    *(name for measure in MEASURES for name in (measure, f"{measure}_share")),
    "suppressed",
)


def outcomes_csv(found: Outcomes, *, dialect: str = "standard") -> str:
    """The outcome report per municipality: the municipality's code and name (and its
    county's) in every row, so that it joins Kolada and SCB tables; a suppressed
    figure is an empty field. ``dialect="sv"``: semicolons and decimal commas."""

    def line(row: Any) -> list[Any]:
        county = found.county_of.get(row.key, "")
        return [
            row.key,
            found.labels.get(row.key, row.key),
            county,
            found.county_names.get(county, ""),
            found.year,
            found.area or "all",
            row.due,
            row.responses,
            row.response_rate,
            row.helpful_mean,
            *(value for m in MEASURES for value in (row.counts[m], row.shares[m])),
            "true" if row.suppressed else "false",
        ]

    return csv_text(OUTCOME_COLUMNS, map(line, found.rows), dialect=dialect)


def workforce_csv(rows: list[WorkforceOut], *, dialect: str = "standard") -> str:
    """The workforce indicators in the import layout, with the municipality's name and
    whether the row is synthetic (the demo's)."""
    header = (WORKFORCE_COLUMNS[0], "municipality_name", *WORKFORCE_COLUMNS[1:], "synthetic")
    return csv_text(
        header,
        (
            [
                r.municipality,
                r.municipality_name,
                *(getattr(r, c) for c in WORKFORCE_COLUMNS[1:]),
                "true" if r.synthetic else "false",
            ]
            for r in rows
        ),
        dialect=dialect,
    )
