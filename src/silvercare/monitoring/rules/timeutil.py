"""Time helpers shared by the rules: POSIX seconds in state, local wall-clock windows."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from silvercare.monitoring.rules.errors import RuleConfigError

DEFAULT_TIMEZONE = "Asia/Shanghai"


def utc(t: float) -> datetime:
    """POSIX seconds to an aware UTC datetime (the Signal's ``occurred_at``)."""
    return datetime.fromtimestamp(t, UTC)


def iso(t: float) -> str:
    """POSIX seconds as an ISO 8601 UTC string, for Signal params."""
    return utc(t).isoformat().replace("+00:00", "Z")


@lru_cache(maxsize=64)
def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise RuleConfigError(
            "timezone", "invalid_timezone", f"unknown time zone {name!r}"
        ) from exc


def parse_hhmm(value: object, path: str) -> time:
    """``"08:00"`` → ``time(8, 0)``; anything else is a RuleConfigError."""
    if isinstance(value, str) and len(value) == 5 and value[2] == ":":
        hh, mm = value[:2], value[3:]
        if hh.isascii() and hh.isdigit() and mm.isascii() and mm.isdigit():
            h, m = int(hh), int(mm)
            if h < 24 and m < 60:
                return time(h, m)
    raise RuleConfigError(path, "invalid_time", f"expected HH:MM, got {value!r}")


def hhmm(value: time) -> str:
    return f"{value.hour:02d}:{value.minute:02d}"


def local_date(t: float, tz: ZoneInfo) -> date:
    return datetime.fromtimestamp(t, tz).date()


def at(day: date, clock: time, tz: ZoneInfo) -> float:
    """The POSIX seconds of wall-clock ``clock`` on ``day`` in ``tz``."""
    return datetime.combine(day, clock, tzinfo=tz).timestamp()


def window_around(t: float, start: time, end: time, tz: ZoneInfo) -> tuple[float, float] | None:
    """The occurrence of the daily local window [start, end) that contains ``t``, as POSIX
    seconds, or None. ``end <= start`` means the window crosses midnight (22:00-06:00)."""
    local = datetime.fromtimestamp(t, tz)
    day = local.date()
    clock = local.time()
    if start < end:
        if start <= clock < end:
            return at(day, start, tz), at(day, end, tz)
        return None
    if clock >= start:
        return at(day, start, tz), at(day + timedelta(days=1), end, tz)
    if clock < end:
        return at(day - timedelta(days=1), start, tz), at(day, end, tz)
    return None


def window_seconds(start: time, end: time) -> int:
    """Nominal length of a daily window in seconds (no DST in the default zone)."""
    s = start.hour * 3600 + start.minute * 60
    e = end.hour * 3600 + end.minute * 60
    return e - s if e > s else e + 86400 - s
