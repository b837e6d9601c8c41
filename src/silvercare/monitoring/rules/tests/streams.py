"""Crafted streams for the rule tests: local Shanghai wall-clock times, readings, JSON states."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from silvercare.monitoring.rules.reading import Reading

SHANGHAI = ZoneInfo("Asia/Shanghai")
DAY0 = datetime(2026, 12, 1, tzinfo=SHANGHAI)


def local(hhmm: str, day: int = 0, seconds: float = 0) -> datetime:
    """``"08:30"`` on day ``day`` (0 = 2026-12-01) in Shanghai, plus ``seconds``."""
    h, m = (int(x) for x in hhmm.split(":"))
    return DAY0 + timedelta(days=day, hours=h, minutes=m, seconds=seconds)


def reading(kind: str, ts: datetime, serial: str = "W1", **values: Any) -> Reading:
    return Reading(device_serial=serial, elder_id="e1", kind=kind, ts=ts, values=values)


def roundtrip(state: dict[str, Any]) -> dict[str, Any]:
    """What the ingest does between two batches: persist the state as JSON and load it."""
    loaded: dict[str, Any] = json.loads(json.dumps(state))
    return loaded
