"""Officer statistics: time to acknowledge and false-alarm share, by community."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from silvercare.accounts.roles import Perm
from silvercare.alerts.choices import AlertStatus
from silvercare.alerts.models import Alert


@dataclass(frozen=True)
class RegionStats:
    region_code: str
    region_name: str
    total: int
    acknowledged: int
    ack_p50_seconds: float | None
    ack_p90_seconds: float | None
    false_alarms: int
    closed: int

    @property
    def false_alarm_share(self) -> float | None:
        return self.false_alarms / self.closed if self.closed else None


def percentile(values: list[float], fraction: float) -> float | None:
    """Nearest-rank percentile of ``values`` (None when empty)."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, -(-int(fraction * 1000) * len(ordered) // 1000))
    return ordered[min(rank, len(ordered)) - 1]


#: Grouping levels of the statistics → the length of the region-code prefix kept.
LEVELS: dict[str, int] = {"community": 12, "street": 9, "district": 6}


def _group_key(code: str, level: str) -> str:
    keep = LEVELS.get(level, 12)
    return code[:keep].ljust(12, "0")


def _stats(
    code: str, name: str, items: list[tuple[dt.datetime, dt.datetime | None, str]]
) -> RegionStats:
    waits = [(a - c).total_seconds() for c, a, _s in items if a is not None]
    closed = [s for _c, _a, s in items if s in (AlertStatus.RESOLVED, AlertStatus.FALSE_ALARM)]
    return RegionStats(
        region_code=code,
        region_name=name,
        total=len(items),
        acknowledged=len(waits),
        ack_p50_seconds=percentile(waits, 0.5),
        ack_p90_seconds=percentile(waits, 0.9),
        false_alarms=sum(1 for s in closed if s == AlertStatus.FALSE_ALARM),
        closed=len(closed),
    )


def alert_stats(
    *, actor: Any, since: dt.datetime, level: str = "community", with_total: bool = False
) -> list[RegionStats]:
    """Per community (or street, or district: ``level``) the alerts raised since ``since``
    that the actor may see; ``with_total`` appends one row over all of them (code "")."""
    from silvercare.regions.models import Region

    rows = (
        Alert.objects.visible_to(actor, Perm.ALERTS_STATS)
        .filter(created_at__gte=since)
        .values_list("region_code", "created_at", "acknowledged_at", "status")
    )
    grouped: dict[str, list[tuple[dt.datetime, dt.datetime | None, str]]] = {}
    for code, created, acked, status in rows.iterator():
        grouped.setdefault(_group_key(code, level), []).append((created, acked, status))
    names = dict(Region.objects.filter(code__in=grouped).values_list("code", "name"))
    out = [_stats(code, names.get(code, code), grouped[code]) for code in sorted(grouped)]
    if with_total and grouped:
        everything = [item for items in grouped.values() for item in items]
        out.append(_stats("", "", everything))
    return out
