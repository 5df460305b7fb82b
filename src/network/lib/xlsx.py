"""XLSX workbooks for the exports (openpyxl): one sheet of data with a bold, frozen
header row, and a second sheet that says what the columns are, where the figures come
from and when they were taken.

Cells go in as they do in the CSV exports (:func:`network.lib.csvsafe.neutralise`):
numbers as numbers, ``None`` (a suppressed or unknown figure) as an empty cell, and
text never as a formula (openpyxl would store ``=…`` as one).
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping, Sequence

from openpyxl import Workbook
from openpyxl.styles import Font

from network.lib.csvsafe import neutralise

__all__ = ("XLSX", "xlsx_bytes")

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_bytes(
    header: Sequence[str],
    rows: Iterable[Sequence[object]],
    *,
    title: str,
    columns: Mapping[str, str] | None = None,
    about: Sequence[str] = (),
) -> bytes:
    """A workbook: sheet ``title`` with ``header`` and ``rows``; sheet "Kolumner" with
    each column's meaning (``columns``) after the lines of ``about``."""
    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]
    sheet.append([str(name) for name in header])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for row in rows:
        values: list[object] = []
        for value in row:
            if value is None or value == "":
                values.append(None)
            elif isinstance(value, bool):
                values.append("true" if value else "false")
            else:
                values.append(neutralise(value))
        sheet.append(values)
    info = book.create_sheet("Kolumner")
    for line in about:
        info.append([line])
    if about:
        info.append([])
    info.append(["kolumn", "innehåll"])
    for cell in info[info.max_row]:
        cell.font = Font(bold=True)
    for name in header:
        info.append([name, (columns or {}).get(name, "")])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
