"""Calendar periods and their codes, shared by the capabilities that count by period:
a day ``2026-03-05``, a month ``2026-03``, a quarter ``2026Q1``, a year ``2026``."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from typing import Literal

Kind = Literal["day", "month", "quarter", "year"]
KINDS: tuple[Kind, ...] = ("day", "month", "quarter", "year")

_PATTERNS: dict[Kind, re.Pattern[str]] = {
    "day": re.compile(r"^(\d{4})-(0[1-9]|1[0-2])-(\d{2})$"),
    "month": re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$"),
    "quarter": re.compile(r"^(\d{4})Q([1-4])$"),
    "year": re.compile(r"^(\d{4})$"),
}


def kind_of(code: str) -> Kind | None:
    """The kind of period a code names, or None when it names none."""
    if not isinstance(code, str):
        return None
    for kind, pattern in _PATTERNS.items():
        if pattern.match(code):
            return kind if kind != "day" or _day(code) else None
    return None


def _day(code: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(code)
    except ValueError:
        return None


def dates(code: str) -> tuple[dt.date, dt.date] | None:
    """(first day, last day) of the period, or None when the code names no period."""
    kind = kind_of(code)
    if kind is None:
        return None
    year = int(code[:4])
    if kind == "day":
        day = dt.date.fromisoformat(code)
        return day, day
    if kind == "month":
        month = int(code[5:7])
        return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])
    if kind == "quarter":
        quarter = int(code[5])
        last_month = 3 * quarter
        return (
            dt.date(year, last_month - 2, 1),
            dt.date(year, last_month, calendar.monthrange(year, last_month)[1]),
        )
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def bounds(code: str) -> tuple[dt.date, dt.date]:
    """[first day, the day after the last) of the period; ValueError when malformed."""
    found = dates(code)
    if found is None:
        raise ValueError(f"{code!r} names no day, month (YYYY-MM), quarter (YYYYQn) or year")
    return found[0], found[1] + dt.timedelta(days=1)


def code_of(kind: Kind, on: dt.date) -> str:
    """The code of the period of this kind containing ``on``."""
    if kind == "day":
        return on.isoformat()
    if kind == "month":
        return f"{on.year}-{on.month:02d}"
    if kind == "quarter":
        return f"{on.year}Q{(on.month - 1) // 3 + 1}"
    return str(on.year)


def previous(code: str) -> str:
    """The period of the same kind just before this one."""
    kind = kind_of(code)
    if kind is None:
        raise ValueError(f"{code!r} names no period")
    return code_of(kind, bounds(code)[0] - dt.timedelta(days=1))


def recent(kind: Kind, count: int, on: dt.date) -> list[str]:
    """The ``count`` periods of this kind up to and including ``on``'s, oldest first."""
    out = [code_of(kind, on)]
    while len(out) < count:
        out.append(previous(out[-1]))
    return out[::-1]
