"""The one way SilverCare writes .xlsx files: every text value is a text cell.

Formula injection (OWASP "CSV Injection"): a cell whose text begins with ``=``, ``+``,
``-``, ``@``, tab or carriage return may run as a formula in Excel, LibreOffice or WPS
(``=HYPERLINK(…)``, ``=cmd|' /C calc'!A0``). Following OWASP's recommendation, such text
is prefixed with a single quote, and every text cell is written with the string type
(``data_type 's'``), so openpyxl never turns it into a formula either. The quote stays
visible in the cell, which also marks the value as data should it be copied elsewhere.

Control characters (C0 except tab, line feed and carriage return, and DEL) are dropped: XML
cannot carry most of them, and an old record holding one must export instead of failing the
whole file.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from silvercare.common.text import strip_control_characters

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_TYPES = (int, float, dt.date, dt.datetime, dt.time)


@dataclass
class Sheet:
    title: str
    rows: Iterable[Sequence[Any]] = field(default_factory=list)


def safe_text(value: str) -> str:
    """A text value as it is written to a cell: control characters dropped and a formula
    start neutralised by a leading single quote."""
    text = strip_control_characters(value, multiline=True)
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text


def _cell(ws: Any, value: Any) -> Any:
    if value is None or isinstance(value, _PLAIN_TYPES):  # numbers (bool too), dates
        return value
    cell = WriteOnlyCell(ws, value=safe_text(str(value)))
    cell.data_type = "s"
    return cell


def xlsx_bytes(sheets: Sequence[Sheet]) -> bytes:
    """Write the sheets (first one first) and return the file."""
    wb = Workbook(write_only=True)
    for sheet in sheets:
        ws = wb.create_sheet(sheet.title)
        for row in sheet.rows:
            ws.append([_cell(ws, value) for value in row])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
