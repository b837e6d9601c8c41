"""Reporting periods: their codes (``2026Q1``, ``2026-03``, ``2026``), dates and deadlines
(the calendar arithmetic is ``common.periods``)."""

from __future__ import annotations

import datetime as dt
from typing import cast

from silvercare.common import periods


def period_dates(frequency: str, code: str) -> tuple[dt.date, dt.date] | None:
    """(first day, last day) of the period with this code, or None when the code does not
    name a period of this frequency."""
    code = (code or "").strip().upper()
    if frequency == "day" or periods.kind_of(code) != frequency:
        return None
    return periods.dates(code)


def period_code(frequency: str, on: dt.date) -> str:
    """The code of the period of this frequency containing ``on``."""
    return periods.code_of(cast(periods.Kind, frequency), on)


def previous_code(frequency: str, on: dt.date) -> str:
    """The code of the last complete period before ``on``'s — the one being filed now."""
    return periods.previous(period_code(frequency, on))


def recent_codes(frequency: str, on: dt.date, count: int) -> list[str]:
    """The codes of the ``count`` complete periods before ``on``, newest first."""
    last = previous_code(frequency, on)
    return periods.recent(cast(periods.Kind, frequency), count, periods.bounds(last)[0])[::-1]
