"""Retention: raw readings older than the window become daily summaries, then go.

Per device, in one transaction: the readings before the cutoff are summarised by (kind,
local day) into ``ReadingDaily`` (merged with what earlier runs kept), then deleted; so a
run that stops half-way can simply run again. Afterwards the message ids of the dedup table
before the cutoff are dropped, and on PostgreSQL the monthly partitions that ended before
the cutoff (empty by then) are detached and dropped, and next months' partitions made."""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from silvercare.monitoring.models import MessageSeen, Reading, ReadingDaily
from silvercare.monitoring.partitions import partitions_drop_before, partitions_ensure


@dataclass
class RetentionResult:
    summarised: int = 0
    deleted: int = 0
    days: int = 0
    partitions_dropped: int = 0


@dataclass
class _Stat:
    count: int = 0
    fields: dict[str, list[float]] | None = None  # field → [min, max, sum, n]

    def add(self, value: dict[str, Any]) -> None:
        self.count += 1
        fields = self.fields if self.fields is not None else {}
        for name, number in value.items():
            if isinstance(number, bool) or not isinstance(number, (int, float)):
                continue
            held = fields.get(name)
            if held is None:
                fields[name] = [number, number, number, 1]
            else:
                held[0], held[1] = min(held[0], number), max(held[1], number)
                held[2] += number
                held[3] += 1
        self.fields = fields


def _merge(old: dict[str, Any], old_count: int, stat: _Stat) -> dict[str, Any]:
    out = {k: dict(v) for k, v in old.items()}
    for name, (low, high, total, n) in (stat.fields or {}).items():
        if name in out:
            prev = out[name]
            prev_n = prev.get("n", old_count)
            mean = (prev["mean"] * prev_n + total) / (prev_n + n)
            out[name] = {
                "min": min(prev["min"], low),
                "max": max(prev["max"], high),
                "mean": round(mean, 3),
                "n": prev_n + n,
            }
        else:
            out[name] = {"min": low, "max": high, "mean": round(total / n, 3), "n": n}
    return out


def retention_run(*, keep_days: int, now: dt.datetime | None = None) -> RetentionResult:
    """Keep ``keep_days`` local days of raw readings (today counts as one)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    cutoff_day = today - dt.timedelta(days=max(1, keep_days) - 1)
    cutoff = timezone.make_aware(dt.datetime.combine(cutoff_day, dt.time.min))
    result = RetentionResult()
    device_ids = (
        Reading.objects.filter(ts__lt=cutoff)
        .order_by()
        .values_list("device_id", flat=True)
        .distinct()
    )
    for device_id in list(device_ids):
        _summarise_device(device_id, cutoff, result)
    MessageSeen.objects.filter(ts__lt=cutoff).delete()
    result.partitions_dropped = len(partitions_drop_before(cutoff.date()))
    partitions_ensure(today=today)
    return result


def _summarise_device(device_id: uuid.UUID, cutoff: dt.datetime, result: RetentionResult) -> None:
    with transaction.atomic():
        old = Reading.objects.filter(device_id=device_id, ts__lt=cutoff)
        stats: dict[tuple[str, dt.date], _Stat] = defaultdict(_Stat)
        elders: dict[tuple[str, dt.date], uuid.UUID | None] = {}
        for kind, ts, elder_id, value in (
            old.order_by().values_list("kind", "ts", "elder_id", "value").iterator(chunk_size=5000)
        ):
            key = (kind, timezone.localdate(ts))
            stats[key].add(value if isinstance(value, dict) else {})
            elders[key] = elder_id
        existing = {
            (row.kind, row.day): row
            for row in ReadingDaily.objects.select_for_update().filter(
                device_id=device_id, day__in={day for _kind, day in stats}
            )
        }
        for key, stat in stats.items():
            row = existing.get(key)
            if row is None:
                ReadingDaily.objects.create(
                    device_id=device_id,
                    elder_id=elders[key],
                    kind=key[0],
                    day=key[1],
                    count=stat.count,
                    stats=_merge({}, 0, stat),
                )
            else:
                row.stats = _merge(row.stats, row.count, stat)
                row.count += stat.count
                row.save(update_fields=["stats", "count"])
            result.summarised += stat.count
        result.days += len(stats)
        result.deleted += old.delete()[0]
