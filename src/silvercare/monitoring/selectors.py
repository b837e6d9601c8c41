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
