"""CSV that a spreadsheet opens as data, never as formulas (CSV injection, OWASP).

Every CSV the app emits is written here. A text cell that a spreadsheet would run
as a formula or a DDE call — one that begins with ``=``, ``+``, ``-``, ``@``, a tab
or a carriage return, also after leading whitespace (some spreadsheets trim it on
import) — gets a single quote in front, so it shows as the text it is. Numbers the
app writes (``int``, ``float``, ``Decimal``) are left as numbers: a negative count
stays ``-3``, not ``'-3``. Lines end in CRLF (RFC 4180): the csv module quotes a
line break inside a field only when it is part of the line ending, so with ``\n``
alone a carriage return in a name would go out unquoted and split the row.

Two dialects: ``standard`` (comma, decimal point) and ``sv``, the Swedish
spreadsheet convention (semicolon, decimal comma, and a byte-order mark so that
Excel reads the file as UTF-8).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal

__all__ = ("DIALECTS", "FORMULA_STARTS", "csv_text", "neutralise")

FORMULA_STARTS = frozenset("=+-@\t\r")
DIALECTS = ("standard", "sv")


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


def _swedish(value: object) -> object:
    """A number with a decimal comma (``1,75``); anything else as it is."""
    if isinstance(value, float | Decimal) and not isinstance(value, bool):
        return str(value).replace(".", ",")
    return value


def csv_text(
    header: Sequence[str],
    rows: Iterable[Sequence[object]],
    *,
    dialect: str = "standard",
    with_header: bool = True,
) -> str:
    """A whole CSV document: ``header``, then ``rows``, every cell through
    :func:`neutralise`; ``dialect="sv"``: semicolons and decimal commas.
    ``with_header=False``: the rows only (a streamed file's later pieces)."""
    if dialect not in DIALECTS:
        raise ValueError(f"unknown CSV dialect {dialect!r}")
    out = io.StringIO()
    if dialect == "sv":
        writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
        if with_header:
            out.write("\ufeff")
            writer.writerow([neutralise(name) for name in header])
        writer.writerows([_swedish(neutralise(value)) for value in row] for row in rows)
    else:
        writer = csv.writer(out, lineterminator="\r\n")
        if with_header:
            writer.writerow([neutralise(name) for name in header])
        writer.writerows([neutralise(value) for value in row] for row in rows)
    return out.getvalue()
