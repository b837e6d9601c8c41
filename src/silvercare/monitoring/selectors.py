"""Every read of devices and readings, scoped to the actor (``visible_to``)."""

from __future__ import annotations

import uuid
from typing import Any

from django.db.models import QuerySet

from silvercare.accounts.roles import Perm
from silvercare.common.errors import NotFound
from silvercare.monitoring.models import (
    DeadLetter,
    Device,
    DeviceBinding,
    ElderRuleConfig,
    HealthProfile,
    IngestCounter,
    Reading,
)


def device_list(*, actor: Any, q: str = "", elder_id: Any = None) -> QuerySet[Device]:
    """Devices visible to the actor, by serial prefix and/or bound elder."""
    qs = (
        Device.objects.visible_to(actor, Perm.MONITORING_VIEW)
        .select_related("region", "elder", "state")
        .order_by("serial")
    )
    if q.strip():
        qs = qs.filter(serial__istartswith=q.strip())
    if elder_id is not None:
        qs = qs.filter(elder_id=elder_id)
    return qs


def device_get_for(*, actor: Any, device_id: Any, perm: str = Perm.MONITORING_VIEW) -> Device:
    """The device, if the actor may see it; otherwise the same NotFound as a missing one."""
    try:
        pk = uuid.UUID(str(device_id))
    except ValueError:
        raise NotFound() from None
    device = (
        Device.objects.visible_to(actor, perm)
        .select_related("region", "elder", "state")
        .filter(pk=pk)
        .first()
    )
    if device is None:
        raise NotFound()
    return device


def device_bindings(device: Device) -> list[DeviceBinding]:
    return list(device.bindings.select_related("elder").order_by("-bound_from", "-id"))


def device_readings(device: Device, *, kind: str = "", limit: int = 50) -> list[Reading]:
    """The device's latest readings, newest first (the caller has checked visibility)."""
    qs = Reading.objects.filter(device_id=device.pk)
    if kind:
        qs = qs.filter(kind=kind)
    return list(qs.order_by("-ts", "-id")[:limit])


def device_latest(device: Device) -> dict[str, Any]:
    """kind → {"ts", "value"} of the device's latest state (empty before any reading)."""
    state = getattr(device, "state", None)
    return dict(state.latest) if state is not None else {}


def dead_letters_recent(*, limit: int = 50) -> list[DeadLetter]:
    """Recent dead letters (system-wide: they carry no elder's data; for administrators)."""
    return list(DeadLetter.objects.order_by("-received_at", "-id")[:limit])


def ingest_counters() -> dict[str, int]:
    return dict(IngestCounter.objects.values_list("name", "value"))


def device_falls(device: Device, *, actor: Any, days: int = 30, now: Any = None) -> dict[str, Any]:
    """What the server-side fall detector did for a device in the last ``days`` days (the
    caller has already checked the device is visible), with the false-alarm rate of the
    device's fall alerts the actor may see, read from the alerts app (None without it)."""
    import datetime as dt

    from django.db.models import Count, Q
    from django.utils import timezone

    from silvercare.monitoring.alerting import alerts_available
    from silvercare.monitoring.choices import PendingFallState
    from silvercare.monitoring.models import PendingFall

    now = now or timezone.now()
    counts = PendingFall.objects.filter(
        device=device, detected_at__gte=now - dt.timedelta(days=days)
    ).aggregate(
        detected=Count("id"),
        cancelled=Count("id", filter=Q(state=PendingFallState.CANCELLED)),
    )
    rate = None
    if alerts_available() and device.serial:
        from silvercare.alerts.selectors import fall_alarm_rate

        rate = fall_alarm_rate(
            actor=actor, device_serial=device.serial, perm=Perm.MONITORING_VIEW, now=now, days=days
        )
    return {"days": days, **counts, "rate": rate}


# --- Per elder: health profile, rules, latest readings, charts, family ----------------------

#: Chart series: metric → (reading kind, field, unit).
VITAL_SERIES: dict[str, tuple[str, str, str]] = {
    "heart_rate": ("hr", "bpm", "bpm"),
    "spo2": ("spo2", "percent", "%"),
    "bp_systolic": ("bp", "systolic", "mmHg"),
    "bp_diastolic": ("bp", "diastolic", "mmHg"),
    "glucose": ("glucose", "mmol_l", "mmol/L"),
    "temperature": ("temperature", "celsius", "°C"),
}
MAX_POINTS = 400


def elder_for_monitoring(*, actor: Any, elder_id: Any, perm: str = Perm.MONITORING_VIEW) -> Any:
    """The elder, if the actor holds ``perm`` in their community; NotFound otherwise."""
    from silvercare.elders.selectors import elder_get_for

    return elder_get_for(actor=actor, elder_id=elder_id, perm=perm)


def health_profile_of(elder: Any) -> HealthProfile | None:
    return HealthProfile.objects.filter(elder_id=elder.pk).first()


def rule_spec_of(elder: Any) -> dict[str, Any]:
    """The elder's stored rule configuration (``{}``: every rule on its defaults)."""
    spec = ElderRuleConfig.objects.filter(elder_id=elder.pk).values_list("spec", flat=True).first()
    return dict(spec) if isinstance(spec, dict) else {}


def threshold_rows(spec: dict[str, Any]) -> list[dict[str, Any]]:
    """Every limit in force (defaults by condition merged with the elder's overrides), with
    the default it replaces: rows for the thresholds form."""
    from silvercare.monitoring.rules.defaults import METRICS, thresholds_for

    conditions = spec.get("conditions") or []
    overrides = spec.get("thresholds") if isinstance(spec.get("thresholds"), dict) else None
    defaults = thresholds_for(conditions, None)
    current = thresholds_for(conditions, overrides)
    rows = []
    for metric in METRICS:
        for direction in ("below", "above"):
            levels = {
                **defaults.get(metric, {}).get(direction, {}),
                **current.get(metric, {}).get(direction, {}),
            }
            for severity in ("warning", "urgent", "critical"):
                if severity not in levels:
                    continue
                now = current.get(metric, {}).get(direction, {}).get(severity)
                base = defaults.get(metric, {}).get(direction, {}).get(severity)
                rows.append(
                    {
                        "key": f"{metric}.{direction}.{severity}",
                        "metric": metric,
                        "direction": direction,
                        "severity": severity,
                        "unit": METRICS[metric],
                        "on": now is not None,
                        "limit": (now or base or {}).get("limit"),
                        "duration_s": (now or base or {}).get("duration_s", 0),
                        "margin": (now or base or {}).get("margin", 0),
                        "default": base,
                        "changed": now != base,
                    }
                )
    return rows


def elder_devices(*, actor: Any, elder: Any) -> list[Device]:
    return list(device_list(actor=actor, elder_id=elder.pk))


def elder_latest(elder: Any, devices: list[Device] | None = None) -> list[dict[str, Any]]:
    """The newest reading of each kind over the elder's bound devices: kind, ts, value."""
    import datetime as dt

    devices = (
        devices
        if devices is not None
        else list(Device.objects.filter(elder_id=elder.pk).select_related("state"))
    )
    best: dict[str, dict[str, Any]] = {}
    for device in devices:
        for kind, entry in device_latest(device).items():
            if not isinstance(entry, dict) or kind in {"accel", "heartbeat"}:
                continue
            ts = entry.get("ts")
            if isinstance(ts, str):
                try:
                    ts = dt.datetime.fromisoformat(ts)
                except ValueError:
                    continue
            if not isinstance(ts, dt.datetime):
                continue
            if kind not in best or best[kind]["ts"] < ts:
                value = entry.get("value") if isinstance(entry.get("value"), dict) else {}
                best[kind] = {"kind": kind, "ts": ts, "value": value, "serial": device.serial}
    return sorted(best.values(), key=lambda r: r["kind"])


def elder_series(elder: Any, *, days: int, now: Any = None) -> dict[str, Any]:
    """Vital-sign series of the last ``days`` days for the charts: metric → {"unit",
    "points": [[epoch ms, value], …]}, at most ``MAX_POINTS`` per metric (means over equal
    time buckets when there are more)."""
    import datetime as dt

    from django.utils import timezone

    now = now or timezone.now()
    start = now - dt.timedelta(days=days)
    kinds = {k for k, _f, _u in VITAL_SERIES.values()}
    raw: dict[str, list[tuple[float, float]]] = {m: [] for m in VITAL_SERIES}
    rows = (
        Reading.objects.filter(elder_id=elder.pk, kind__in=kinds, ts__gte=start, ts__lte=now)
        .order_by("ts")
        .values_list("kind", "ts", "value")
    )
    for kind, ts, value in rows.iterator(chunk_size=2000):
        if not isinstance(value, dict):
            continue
        for metric, (mkind, field, _unit) in VITAL_SERIES.items():
            if mkind == kind:
                number = value.get(field)
                if isinstance(number, int | float) and not isinstance(number, bool):
                    raw[metric].append((ts.timestamp() * 1000, float(number)))
    span = (now - start).total_seconds() * 1000
    out: dict[str, Any] = {}
    for metric, points in raw.items():
        if not points:
            continue
        if len(points) > MAX_POINTS:
            buckets: dict[int, list[tuple[float, float]]] = {}
            width = span / MAX_POINTS
            for t, v in points:
                buckets.setdefault(int((t - start.timestamp() * 1000) // width), []).append((t, v))
            points = [
                (sum(t for t, _v in b) / len(b), round(sum(v for _t, v in b) / len(b), 2))
                for _k, b in sorted(buckets.items())
            ]
        out[metric] = {
            "unit": VITAL_SERIES[metric][2],
            "points": [[int(t), v] for t, v in points],
        }
    return out


def monitoring_consented(elder: Any) -> bool:
    from silvercare.elders.selectors import elders_with_consent

    return elder.pk in elders_with_consent(elder_ids=[elder.pk], purpose="monitoring")


def family_elders(*, user: Any) -> list[dict[str, Any]]:
    """The elders a family account follows: ``elder``, ``contact``, ``consented``."""
    from silvercare.elders.selectors import elders_of_family, elders_with_consent

    pairs = elders_of_family(user=user)
    granted = elders_with_consent(elder_ids=[e.pk for e, _c in pairs], purpose="monitoring")
    seen: set[Any] = set()
    out = []
    for elder, contact in pairs:
        if elder.pk in seen:
            continue
        seen.add(elder.pk)
        out.append({"elder": elder, "contact": contact, "consented": elder.pk in granted})
    return out


def family_elder_get(*, user: Any, elder_id: Any) -> Any:
    """The elder, if the user's account is their contact AND they consent to monitoring;
    the same NotFound otherwise (no consent shows nothing, not even that they exist)."""
    for row in family_elders(user=user):
        if str(row["elder"].pk) == str(elder_id) and row["consented"]:
            return row["elder"]
    raise NotFound()
