"""The coverage table as CSV and GeoJSON, for a region's own BI and GIS tools.

Only what the report holds goes out: statuses, counts of specialists, supply hours
and demand with small numbers already suppressed (an empty CSV field, a JSON null).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from network.coverage.attendance import Attendance
from network.coverage.outcomes import Outcomes
from network.coverage.schemas import AttendanceRowOut, MonthOut, WorkforceOut
from network.coverage.services import Report, Row
from network.coverage.workforce import COLUMNS as WORKFORCE_COLUMNS
from network.graph.outcomes import MEASURES
from network.lib.csvsafe import csv_text
from network.lib.xlsx import xlsx_bytes

__all__ = (
    "ATTENDANCE_COLUMNS",
    "COVERAGE_DOCS",
    "CSV_COLUMNS",
    "OUTCOME_COLUMNS",
    "OUTCOME_DOCS",
    "TREND_COLUMNS",
    "attendance_csv",
    "attendance_rows",
    "attendance_xlsx",
    "coverage_xlsx",
    "outcomes_csv",
    "outcomes_xlsx",
    "row_fields",
    "to_csv",
    "to_geojson",
    "trend_lines",
    "trends_csv",
    "trends_xlsx",
    "workforce_csv",
    "workforce_xlsx",
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
    "reach",
    "conference_series",
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
        "reach": cell.reach.value,
        "conference_series": [c.series for c in cell.conferences],
    }


COVERAGE_DOCS = {
    "municipality": "kommunkod (SCB, fyra siffror): nyckeln mot Kolada och SCB",
    "municipality_name": "kommunens namn",
    "county": "länskod (två siffror)",
    "area": "kompetensområdets kod",
    "population": "invånare i kommunen (referensdata)",
    "status": "local: egen specialist; shared: genom samverkansavtal; none: saknas",
    "local_specialists": "specialister som arbetar i kommunen och kan området",
    "reachable_specialists": "specialister inom räckhåll, egna och genom avtal",
    "providers": "kommuner (koder) vars specialister nås genom avtal",
    "agreements": "avtal (id) som ger täckningen",
    "supply_hours": "specialisternas veckotimmar inom räckhåll",
    "requests": "förfrågningar under perioden; tomt: 1–4 (dolt)",
    "requests_per_10k": "förfrågningar per 10 000 invånare; tomt: dolt",
    "unplaced": "förfrågningar som inte fått specialist; tomt: dolt",
    "median_days_to_meeting": "median dagar från förfrågan till möte; tomt: färre än 5 möten",
    "suppressed": "true: små tal är dolda på raden",
    "reach": (
        "som status, men conference: ingen specialist inom räckhåll, "
        "nås genom en aktiv gruppkonsultation"
    ),
    "conference_series": "aktiva gruppkonsultationsserier (id) som når kommunen i området",
}


def _csv_value(value: Any, separator: str = ";") -> Any:
    if isinstance(value, list):
        return separator.join(map(str, value))
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def _coverage_rows(report: Report, separator: str) -> list[list[Any]]:
    return [
        [_csv_value(fields[c], separator) for c in CSV_COLUMNS]
        for fields in map(row_fields, report.rows)
    ]


def to_csv(report: Report, *, dialect: str = "standard") -> str:
    """The coverage table; ``dialect="sv"``: semicolons and decimal commas (lists of
    codes then joined by commas, not semicolons)."""
    separator = "," if dialect == "sv" else ";"
    return csv_text(CSV_COLUMNS, _coverage_rows(report, separator), dialect=dialect)


def _about(source: str, day: date) -> list[str]:
    return [
        "Specialistnätet",
        f"Källa: {source}",
        f"Uttaget: {day.isoformat()}",
        "Små tal (1–4) och det som skulle avslöja dem är tomma celler.",
    ]


def coverage_xlsx(report: Report) -> bytes:
    return xlsx_bytes(
        CSV_COLUMNS,
        _coverage_rows(report, ","),
        title="Täckning",
        columns=COVERAGE_DOCS,
        about=_about(
            "specialisternas kompetenser och veckotimmar, samverkansavtalen och "
            f"förfrågningarna {report.start.date().isoformat()} till {report.day.isoformat()}",
            report.day,
        ),
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


OUTCOME_DOCS = {
    "municipality": "kommunkod (SCB): nyckeln mot Kolada och SCB",
    "municipality_name": "kommunens namn",
    "county": "länskod",
    "county_name": "länets namn",
    "year": "året för avslutsenkäterna",
    "area": "kompetensområdets kod, eller all",
    "due": "konsultationer att avsluta (mötet hållet eller skriftligt svar lämnat)",
    "responses": "besvarade avslutsenkäter",
    "response_rate": "svar / att avsluta (0–1)",
    "helpful_mean": "medelvärde till hjälp (1–5)",
    "helpful": "svar med till hjälp 4–5",
    "risk_changed": "svar med ändrad riskbedömning",
    "escalation_avoided": "svar där en eskalering undveks",
    "placement_avoided": "svar där en placering undveks",
    "referral_avoided": "svar där en hänvisning undveks",
    "referral_made": "svar där en hänvisning gjordes",
    "suppressed": "true: minst en siffra på raden är dold",
}
for _measure in MEASURES:
    OUTCOME_DOCS[f"{_measure}_share"] = f"andel av svaren ({_measure}), 0–1"


def _outcome_lines(found: Outcomes) -> list[list[Any]]:
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

    return [line(row) for row in found.rows]


def outcomes_csv(found: Outcomes, *, dialect: str = "standard") -> str:
    """The outcome report per municipality: the municipality's code and name (and its
    county's) in every row, so that it joins Kolada and SCB tables; a suppressed
    figure is an empty field. ``dialect="sv"``: semicolons and decimal commas."""
    return csv_text(OUTCOME_COLUMNS, _outcome_lines(found), dialect=dialect)


def outcomes_xlsx(found: Outcomes) -> bytes:
    """The same rows as :func:`outcomes_csv`, as a workbook (suppressed: empty)."""
    return xlsx_bytes(
        OUTCOME_COLUMNS,
        _outcome_lines(found),
        title="Utfall",
        columns=OUTCOME_DOCS,
        about=_about(f"avslutsenkäterna {found.year}", found.day),
    )


WORKFORCE_HEADER = (WORKFORCE_COLUMNS[0], "municipality_name", *WORKFORCE_COLUMNS[1:], "synthetic")


def _workforce_lines(rows: list[WorkforceOut]) -> list[list[Any]]:
    return [
        [
            r.municipality,
            r.municipality_name,
            *(getattr(r, c) for c in WORKFORCE_COLUMNS[1:]),
            "true" if r.synthetic else "false",
        ]
        for r in rows
    ]


def workforce_csv(rows: list[WorkforceOut], *, dialect: str = "standard") -> str:
    """The workforce indicators in the import layout, with the municipality's name and
    whether the row is synthetic (the demo's)."""
    return csv_text(WORKFORCE_HEADER, _workforce_lines(rows), dialect=dialect)


def workforce_xlsx(rows: list[WorkforceOut], day: date) -> bytes:
    return xlsx_bytes(
        WORKFORCE_HEADER,
        _workforce_lines(rows),
        title="Personal",
        about=_about("kommunernas egna uppgifter om personalen (synthetic: demodata)", day),
    )


TREND_COLUMNS = (
    "county",
    "county_name",
    "area",
    "month",
    "requests",
    "unplaced",
    "median_days_to_meeting",
    "covered_share",
    "local_specialists",
    "local_hours",
)
TREND_DOCS = {
    "county": "länskod (tomt: hela läsarens område)",
    "county_name": "länets namn",
    "area": "kompetensområdets kod, eller all",
    "month": "månad (ÅÅÅÅ-MM, svensk tid)",
    "requests": "förfrågningar öppnade under månaden; tomt: 1–4 (dolt)",
    "unplaced": "av dem utan specialist; tomt: dolt",
    "median_days_to_meeting": "median dagar till möte; tomt: färre än 5 möten",
    "covered_share": "andel invånare med täckning (0–1), medel över områdena; tomt: ingen bild",
    "local_specialists": "specialister som arbetar i kommunerna, summerat över områdena",
    "local_hours": "deras veckotimmar, summerat över områdena",
}


def trend_lines(
    points: list[MonthOut], county: str | None, county_name: str, area: str | None
) -> list[list[Any]]:
    """The monthly series as rows, the county's code and name in each."""
    return [
        [
            county or "",
            county_name,
            area or "all",
            p.month,
            p.requests,
            p.unplaced,
            p.median_days_to_meeting,
            p.covered_share,
            p.local_specialists,
            p.local_hours,
        ]
        for p in points
    ]


def trends_csv(lines: list[list[Any]], *, dialect: str = "standard") -> str:
    return csv_text(TREND_COLUMNS, lines, dialect=dialect)


def trends_xlsx(lines: list[list[Any]], day: date) -> bytes:
    return xlsx_bytes(
        TREND_COLUMNS,
        lines,
        title="Utveckling",
        columns=TREND_DOCS,
        about=_about("förfrågningarna och månadsbilderna av täckningen", day),
    )


ATTENDANCE_COLUMNS = (
    "series",
    "series_title",
    "area",
    "hub_municipality",
    "municipality",
    "municipality_name",
    "county",
    "sessions",
    "seats",
    "attended",
    "suppressed",
)

ATTENDANCE_DOCS = {
    "series": "gruppkonsultationsseriens id",
    "series_title": "seriens namn",
    "area": "kompetensområdets kod",
    "hub_municipality": "navspecialistens kommun (kod)",
    "municipality": "kommunkod; total: seriens summa över kommunerna i ditt uppdrag",
    "municipality_name": "kommunens namn",
    "county": "länskod",
    "sessions": "hållna träffar i perioden",
    "seats": "platser som kommunens socialsekreterare tagit; tomt: dolt (1–4 eller skydd)",
    "attended": "av dem närvarande; tomt: dolt",
    "suppressed": "true: små tal är dolda på raden",
}


def attendance_rows(found: Attendance) -> list[AttendanceRowOut]:
    """Each series' municipalities in the view, then its total (``municipality``
    "total"), as the API, the CSV and the workbook give them."""
    out = []
    for item in found.series:
        for row in (*item.figures.rows, item.figures.total):
            code = row.municipality
            out.append(
                AttendanceRowOut(
                    series=item.series,
                    series_title=item.title,
                    area=item.area,
                    hub_municipality=item.hub_municipality,
                    municipality=code or "total",
                    municipality_name=found.names.get(code, "") if code else "",
                    county=found.county_of.get(code, "") if code else "",
                    sessions=item.figures.sessions,
                    seats=row.seats,
                    attended=row.attended,
                    suppressed=row.suppressed,
                )
            )
    return out


def _attendance_lines(found: Attendance) -> list[list[Any]]:
    return [
        [_csv_value(getattr(row, column)) for column in ATTENDANCE_COLUMNS]
        for row in attendance_rows(found)
    ]


def attendance_csv(found: Attendance, *, dialect: str = "standard") -> str:
    """Attendance per series and municipality; a suppressed count is an empty field.
    ``dialect="sv"``: semicolons and decimal commas."""
    return csv_text(ATTENDANCE_COLUMNS, _attendance_lines(found), dialect=dialect)


def attendance_xlsx(found: Attendance, day: date) -> bytes:
    """The same rows as :func:`attendance_csv`, as a workbook (suppressed: empty)."""
    return xlsx_bytes(
        ATTENDANCE_COLUMNS,
        _attendance_lines(found),
        title="Närvaro",
        columns=ATTENDANCE_DOCS,
        about=_about("gruppkonsultationernas anmälningar och närvaro", day),
    )
