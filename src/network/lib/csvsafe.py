"""CSV that a spreadsheet opens as data, never as formulas (CSV injection, OWASP).

Every CSV the app emits is written here. A text cell that a spreadsheet would run
as a formula or a DDE call — one that begins with ``=``, ``+``, ``-``, ``@``, a tab
or a carriage return, also after leading whitespace (some spreadsheets trim it on
import) — gets a single quote in front, so it shows as the text it is. Numbers the
app writes (``int``, ``float``, ``Decimal``) are left as numbers: a negative count
stays ``-3``, not ``'-3``. Lines end in CRLF (RFC 4180): the csv module quotes a
line break inside a field only when it is part of the line ending, so with ``\n``
alone a carriage return in a name would go out unquoted and split the row.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal

__all__ = ("FORMULA_STARTS", "csv_text", "neutralise")

FORMULA_STARTS = frozenset("=+-@\t\r")


def neutralise(value: object) -> object:
    """``value`` as a cell: ``None`` empty, numbers as they are, text never a formula."""
    if value is None:
        return ""
    if isinstance(value, int | float | Decimal):  # bool is an int: written True/False
        return value
    text = str(value)
    if text[:1] in FORMULA_STARTS or text.lstrip()[:1] in FORMULA_STARTS:
        return "'" + text
    return text


def csv_text(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """A whole CSV document: ``header``, then ``rows``, every cell through :func:`neutralise`."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([neutralise(name) for name in header])
    writer.writerows([neutralise(value) for value in row] for row in rows)
    return out.getvalue()
