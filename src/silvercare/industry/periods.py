"""Reporting periods: their codes (``2026Q1``, ``2026-03``, ``2026``), dates and deadlines."""

from __future__ import annotations

import calendar
import datetime as dt
import re

from silvercare.industry.choices import Frequency

_QUARTER = re.compile(r"^(\d{4})Q([1-4])$")
_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
_YEAR = re.compile(r"^(\d{4})$")


def period_dates(frequency: str, code: str) -> tuple[dt.date, dt.date] | None:
    """(first day, last day) of the period with this code, or None when the code does not
    name a period of this frequency."""
    code = (code or "").strip().upper()
    if frequency == Frequency.QUARTER and (m := _QUARTER.match(code)):
        year, quarter = int(m[1]), int(m[2])
        first = dt.date(year, 3 * quarter - 2, 1)
        last_month = 3 * quarter
        return first, dt.date(year, last_month, calendar.monthrange(year, last_month)[1])
    if frequency == Frequency.MONTH and (m := _MONTH.match(code)):
        year, month = int(m[1]), int(m[2])
        return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])
    if frequency == Frequency.YEAR and (m := _YEAR.match(code)):
        year = int(m[1])
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    return None


def period_code(frequency: str, on: dt.date) -> str:
    """The code of the period of this frequency containing ``on``."""
    if frequency == Frequency.QUARTER:
        return f"{on.year}Q{(on.month - 1) // 3 + 1}"
    if frequency == Frequency.MONTH:
        return f"{on.year}-{on.month:02d}"
    return str(on.year)


def previous_code(frequency: str, on: dt.date) -> str:
    """The code of the last complete period before ``on``'s — the one being filed now."""
    first, _last = period_dates(frequency, period_code(frequency, on)) or (on, on)
    return period_code(frequency, first - dt.timedelta(days=1))


def recent_codes(frequency: str, on: dt.date, count: int) -> list[str]:
    """The codes of the ``count`` complete periods before ``on``, newest first."""
    out: list[str] = []
    day = on
    for _ in range(count):
        code = previous_code(frequency, day)
        out.append(code)
        dates = period_dates(frequency, code)
        assert dates is not None
        day = dates[0]
    return out
