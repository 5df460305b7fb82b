"""Workforce indicators of child and youth social care per municipality and year:
coordinators enter them (one at a time, or a CSV file in the documented layout),
analysts read them beside coverage.

The layout (one row per municipality and year, a header row first; comma or
semicolon separated, decimal point or comma; a column ``municipality_name`` may be
there and is ignored; an empty field is an unknown figure):

``municipality`` (kommunkod), ``year``, ``social_workers`` (headcount in child and
youth care), ``new_share`` (% with under one year's experience), ``turnover`` (% who
left during the year), ``vacancies`` (posts unfilled), ``agency_consultants``
(hired through staffing agencies), ``sick_leave`` (% of working hours),
``case_points`` (average case points per social worker).

An import is all or nothing: every problem is named by its row (the header is row 1)
and column, at once. Staff figures are not about clients: they are shown as given.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from network.audit.services import record
from network.coverage.schemas import WorkforceIn, WorkforceOut
from network.coverage.services import places_for
from network.coverage.tables import WorkforceIndicator
from network.directory.tables import Municipality
from network.kernel.context import Context
from network.kernel.policy import Action, Target, decide
from network.lib import clock
from network.lib.errors import Forbidden, InvalidInput

__all__ = (
    "COLUMNS",
    "FIELDS",
    "MAX_IMPORT_ROWS",
    "Imported",
    "import_csv",
    "list_workforce",
    "parse_csv",
    "save_workforce",
)

INTEGERS = ("social_workers", "vacancies", "agency_consultants")
PERCENTAGES = ("new_share", "turnover", "sick_leave")
FIELDS = (
    "social_workers",
    "new_share",
    "turnover",
    "vacancies",
    "agency_consultants",
    "sick_leave",
    "case_points",
)
COLUMNS = ("municipality", "year", *FIELDS)
MAX_IMPORT_ROWS = 2000
MAX_COUNT = 100_000
MAX_CASE_POINTS = 1000.0


@dataclass(frozen=True, slots=True)
class Imported:
    saved: int
    years: list[int]


def _problem(row: int, column: str, message: str) -> dict[str, object]:
    return {
        "field": f"row {row}, {column}",
        "message": message,
        "source": "body",
        "row": row,
        "column": column,
    }


def _number(text: str) -> float:
    return float(text.replace("\u00a0", "").replace(" ", "").replace(",", "."))


def _value(column: str, text: str) -> tuple[Any, str | None]:
    """The field's value (``None`` when empty) or a problem's message."""
    text = text.strip()
    if not text:
        return None, None
    try:
        number = _number(text)
    except ValueError:
        return None, "must be a number"
    if column in INTEGERS or column == "year":
        if number != int(number):
            return None, "must be a whole number"
        number = int(number)
    if column == "year":
        if not 2000 <= number <= clock.today().year:
            return None, f"must be a year from 2000 to {clock.today().year}"
    elif column in PERCENTAGES:
        if not 0 <= number <= 100:
            return None, "must be a percentage from 0 to 100"
    elif column == "case_points":
        if not 0 <= number <= MAX_CASE_POINTS:
            return None, f"must be from 0 to {MAX_CASE_POINTS:g}"
    elif not 0 <= number <= MAX_COUNT:
        return None, f"must be from 0 to {MAX_COUNT}"
    return number, None


def parse_csv(text: str, known: Iterable[str]) -> list[WorkforceIn]:
    """The rows of a CSV in the layout above; :class:`InvalidInput` naming every
    problem's row and column."""
    text = text.lstrip("\ufeff")
    first = text.splitlines()[0] if text.strip() else ""
    if not first:
        raise InvalidInput("the file is empty", field="file")
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header = [name.strip().lower() for name in next(reader)]
    missing = [c for c in ("municipality", "year") if c not in header]
    unknown = [c for c in header if c not in COLUMNS and c != "municipality_name"]
    problems = [_problem(1, c, "the column is missing") for c in missing]
    problems += [_problem(1, c, "unknown column") for c in unknown]
    if problems:
        raise InvalidInput("the header does not follow the layout", field="file", errors=problems)
    places = set(known)
    found: list[WorkforceIn] = []
    seen: dict[tuple[str, int], int] = {}
    for number, cells in enumerate(reader, start=2):
        if not any(cell.strip() for cell in cells):
            continue
        if len(found) >= MAX_IMPORT_ROWS:
            problems.append(_problem(number, "municipality", f"at most {MAX_IMPORT_ROWS} rows"))
            break
        if len(cells) != len(header):
            problems.append(
                _problem(number, "municipality", f"has {len(cells)} fields, not {len(header)}")
            )
            continue
        row = dict(zip(header, cells, strict=True))
        values: dict[str, Any] = {}
        code = row["municipality"].strip()
        if code not in places:
            problems.append(_problem(number, "municipality", f"unknown kommunkod {code!r}"))
        for column in COLUMNS[1:]:
            if column not in row:
                continue
            value, message = _value(column, row[column])
            if message:
                problems.append(_problem(number, column, message))
            values[column] = value
        if values.get("year") is None and not any(p["row"] == number for p in problems):
            problems.append(_problem(number, "year", "is required"))
        key = (code, values.get("year") or 0)
        if key in seen:
            problems.append(_problem(number, "year", f"repeats row {seen[key]}"))
        seen[key] = number
        if not any(p["row"] == number for p in problems):
            found.append(WorkforceIn(municipality=code, **values))
    if problems:
        raise InvalidInput(
            f"{len(problems)} problem(s) in the file; nothing was saved",
            field="file",
            errors=problems,
        )
    return found


async def _municipalities() -> dict[str, tuple[str, str]]:
    rows = await Municipality.select(
        Municipality.code, Municipality.name, Municipality.county._.code.as_alias("county")
    )
    return {r["code"]: (r["name"], r["county"]) for r in rows}


def _require(ctx: Context, code: str, county: str) -> None:
    if not decide(ctx.principal, Action.WORKFORCE_EDIT, Target(code, county)):
        raise Forbidden(
            f"{code} is outside the municipalities you coordinate", field="municipality"
        )


async def _upsert(item: WorkforceIn, source: str, at: datetime) -> None:
    figures = {getattr(WorkforceIndicator, f): getattr(item, f) for f in FIELDS}
    existing = (
        await WorkforceIndicator.select(WorkforceIndicator.id)
        .where(
            (WorkforceIndicator.municipality == item.municipality)
            & (WorkforceIndicator.year == item.year)
        )
        .first()
    )
    if existing is None:
        await WorkforceIndicator(
            municipality=item.municipality,
            year=item.year,
            source=source,
            synthetic=False,
            updated_at=at,
            **{f: getattr(item, f) for f in FIELDS},
        ).save()
    else:
        await WorkforceIndicator.update(
            {
                **figures,
                WorkforceIndicator.source: source,
                WorkforceIndicator.synthetic: False,
                WorkforceIndicator.updated_at: at,
            }
        ).where(WorkforceIndicator.id == existing["id"])


async def save_workforce(ctx: Context, item: WorkforceIn) -> WorkforceOut:
    """Enter (or correct) one municipality's figures of one year."""
    places = await _municipalities()
    if item.municipality not in places:
        raise InvalidInput(f"unknown kommunkod {item.municipality!r}", field="municipality")
    _require(ctx, item.municipality, places[item.municipality][1])
    if item.year > clock.today().year:
        raise InvalidInput("must not be a future year", field="year")
    async with ctx.work():
        await _upsert(item, "form", clock.now())
        await record(
            ctx.actor,
            "workforce.save",
            "workforce",
            f"{item.municipality}:{item.year}",
            detail={"year": item.year},
        )
    found = await list_workforce(ctx, municipality=item.municipality, year=item.year)
    return found[0]


async def import_csv(ctx: Context, text: str) -> Imported:
    """Save every row of a CSV in the documented layout, or none."""
    places = await _municipalities()
    items = parse_csv(text, places)
    refused = sorted({i.municipality for i in items if not _may(ctx, i.municipality, places)})
    if refused:
        raise Forbidden(
            f"outside the municipalities you coordinate: {', '.join(refused)}",
            field="municipality",
        )
    at = clock.now()
    async with ctx.work():
        for item in items:
            await _upsert(item, "import", at)
        await record(
            ctx.actor,
            "workforce.import",
            "workforce",
            None,
            detail={"rows": len(items)},
        )
    return Imported(saved=len(items), years=sorted({i.year for i in items}))


def _may(ctx: Context, code: str, places: dict[str, tuple[str, str]]) -> bool:
    return bool(decide(ctx.principal, Action.WORKFORCE_EDIT, Target(code, places[code][1])))


async def list_workforce(
    ctx: Context,
    *,
    county: str | None = None,
    municipality: str | None = None,
    year: int | None = None,
) -> list[WorkforceOut]:
    """The figures in the reader's scope (coverage readers), newest year first."""
    where = await places_for(ctx.principal)
    codes = where.within(county)
    if municipality is not None:
        codes = codes & {municipality}
    query = WorkforceIndicator.select().where(
        WorkforceIndicator.municipality.is_in(sorted(codes) or [""])
    )
    if year is not None:
        query = query.where(WorkforceIndicator.year == year)
    rows = await query.order_by(WorkforceIndicator.year, ascending=False).order_by(
        WorkforceIndicator.municipality
    )
    return [
        WorkforceOut(
            municipality=r["municipality"],
            municipality_name=where.names[r["municipality"]],
            county=where.county_of[r["municipality"]],
            year=r["year"],
            source=r["source"],
            synthetic=r["synthetic"],
            updated_at=r["updated_at"],
            **{f: r[f] for f in FIELDS},
        )
        for r in rows
    ]
