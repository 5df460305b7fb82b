"""The XLSX writer: numbers stay numbers, suppressed figures are empty cells, and text
never becomes a formula (as in the CSV exports)."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from network.lib.xlsx import xlsx_bytes


def test_cells_columns_and_no_formulas() -> None:
    data = xlsx_bytes(
        ("municipality", "municipality_name", "requests", "share", "suppressed"),
        [
            ("0512", "Ydre", None, 0.25, True),
            ("0580", '=HYPERLINK("https://evil.example")', 12, 1.5, False),
        ],
        title="Täckning",
        columns={"requests": "förfrågningar; tomt: dolt"},
        about=("Källa: test", "Uttaget: 2026-12-03"),
    )
    book = load_workbook(io.BytesIO(data))
    sheet = book["Täckning"]
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[0] == ["municipality", "municipality_name", "requests", "share", "suppressed"]
    assert rows[1] == ["0512", "Ydre", None, 0.25, "true"]  # the code stays text: "0512"
    assert rows[2][1] == '\'=HYPERLINK("https://evil.example")'
    assert sheet["B3"].data_type == "s"  # a string, not a formula
    assert rows[2][2] == 12
    assert sheet.freeze_panes == "A2"
    notes = [list(r) for r in book["Kolumner"].iter_rows(values_only=True)]
    assert notes[0][0] == "Källa: test"
    assert ["requests", "förfrågningar; tomt: dolt"] in notes
