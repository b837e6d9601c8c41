"""The server-side fall detector in the ingest path, and the wearer's cancel window.

* ``detect_falls`` (inside the ingest's batch transaction): the fresh ``accel`` messages of
  each wearable with a declared placement that has a shipped detector (wrist, waist, chest)
  are pushed, in time order, into that device's :class:`~silvercare.falldetect.FallStream`,
  restored from and saved back to ``FallStreamState`` (the tail of samples a window needs, so
  a restarted worker loses nothing); the candidate windows of every device of the batch are
  scored in one model call per placement. Each alarm opens a ``PendingFall`` and queues a
  ``fall_check`` command ("fall detected — press to cancel") for the device, published by the
  MQTT worker after the commit.
* ``cancel_falls``: a ``fall_cancel`` from the device that arrives (``received_at``) by
  ``due_at`` cancels its pending falls; one arriving later is recorded and undoes nothing.
* ``falls_tick`` (``silvercare monitoring-tick`` / ``silvercare ingest --tick``): pending
  falls past ``due_at`` raise a critical ``fall`` alert.
"""

from __future__ import annotations

import collections
import datetime as dt
import logging
import math
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
from django.conf import settings

from silvercare.falldetect.detector import (
    FallDetector,
    FallStream,
    Windows,
    available_placements,
    detector_for,
)
from silvercare.monitoring import alerting
from silvercare.monitoring.choices import PendingFallState
from silvercare.monitoring.models import Device, FallStreamState, PendingFall
from silvercare.monitoring.rules import Signal

logger = logging.getLogger(__name__)
STANDARD_GRAVITY = 9.80665  # m/s² per g: devices send m/s², the detectors take g
FALL_CHECK = "fall_check"  # the command kind (topic silvercare/v1/<serial>/cmd/fall_check)
FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class AccelInput:
    """One fresh accel message: samples [x, y, z] in m/s² at ``rate_hz``, the first at ``ts``."""

    device_id: uuid.UUID
    elder_id: uuid.UUID
    serial: str
    ts: dt.datetime
    rate_hz: int
    samples: Sequence[Sequence[float]]


@dataclass(frozen=True, slots=True)
class CancelInput:
    device_id: uuid.UUID
    ts: dt.datetime
    received_at: dt.datetime
    ref: str | None = None


@dataclass
class FallOutcome:
    pending: int = 0
    alerts: int = 0
    commands: list[tuple[str, Signal]] = field(default_factory=list)


def confirm_window() -> dt.timedelta:
    return dt.timedelta(seconds=max(0, int(settings.SILVERCARE_FALL_CONFIRM_SECONDS)))


# --- The stream state -------------------------------------------------------------------------


def _finite_or_none(value: float) -> float | None:
    return value if math.isfinite(value) else None


def _restore(detector: FallDetector, row: FallStreamState) -> FallStream:
    stream = detector.stream()
    if row.placement != detector.placement:
        return stream  # the placement changed: start afresh
    raw = bytes(row.samples or b"")
    if raw:
        data = np.frombuffer(raw, dtype=np.float64).reshape(-1, 4)
        stream._t = data[:, 0].copy()
        stream._acc = data[:, 1:].copy()
    meta = row.meta or {}
    first = meta.get("first")
    judged = meta.get("judged_until")
    last = meta.get("last_alarm")
    stream._first = float(first) if first is not None else np.nan
    stream._judged_until = float(judged) if judged is not None else -np.inf
    stream._last_alarm = float(last) if last is not None else -np.inf
    return stream


def _dump(stream: FallStream, row: FallStreamState) -> None:
    row.placement = stream.detector.placement
    row.samples = np.column_stack([stream._t, stream._acc]).astype(np.float64).tobytes()
    row.meta = {
        "first": _finite_or_none(float(stream._first)),
        "judged_until": _finite_or_none(float(stream._judged_until)),
        "last_alarm": _finite_or_none(float(stream._last_alarm)),
    }


def _chunk(item: AccelInput) -> tuple[FloatArray, FloatArray]:
    """(t in Unix seconds, acc in g) of one message."""
    acc = np.asarray(item.samples, dtype=np.float64).reshape(-1, 3) / STANDARD_GRAVITY
    t = item.ts.timestamp() + np.arange(len(acc), dtype=np.float64) / float(item.rate_hz)
    return t, acc


def _placements(device_ids: set[uuid.UUID]) -> dict[uuid.UUID, str]:
    """The devices whose declared placement has a shipped detector."""
    shipped = set(available_placements())
    return {
        pk: placement
        for pk, placement in Device.objects.filter(id__in=device_ids).values_list("id", "placement")
        if placement in shipped
    }


def detect_falls(items: list[AccelInput], *, now: dt.datetime) -> FallOutcome:
    """Within the caller's transaction: run the detectors; see the module docstring."""
    outcome = FallOutcome()
    if not items:
        return outcome
    placements = _placements({i.device_id for i in items})
    by_device: dict[uuid.UUID, list[AccelInput]] = collections.defaultdict(list)
    for item in items:
        if item.device_id in placements:
            by_device[item.device_id].append(item)
    if not by_device:
        return outcome
    ids = sorted(by_device)
    FallStreamState.objects.bulk_create(
        [FallStreamState(device_id=pk, placement=placements[pk]) for pk in ids],
        ignore_conflicts=True,
    )
    # Locked in device order, like the device states, so workers never deadlock.
    rows = {
        r.device_id: r
        for r in FallStreamState.objects.select_for_update()
        .filter(device_id__in=ids)
        .order_by("device_id")
    }
    streams: dict[uuid.UUID, FallStream] = {}
    found: dict[uuid.UUID, Windows] = {}
    for pk in ids:
        detector = detector_for(placements[pk])
        stream = _restore(detector, rows[pk])
        parts: list[Windows] = []
        try:
            for item in sorted(by_device[pk], key=lambda i: i.ts):
                parts.append(stream.push(*_chunk(item)))
        except Exception:
            # Nothing a device sends may stop the ingest: drop this device's stream.
            logger.exception("fall stream of device %s reset", pk)
            stream, parts = detector.stream(), []
        streams[pk] = stream
        found[pk] = Windows(
            np.concatenate([p.times for p in parts]) if parts else np.zeros(0),
            np.concatenate([p.windows for p in parts])
            if parts
            else np.zeros((0, detector.spec.length, 3)),
        )
    # One model call per placement for all the devices of the batch.
    alarms: dict[uuid.UUID, list[tuple[float, float]]] = {}
    for placement in sorted({placements[pk] for pk in ids}):
        members = [pk for pk in ids if placements[pk] == placement and len(found[pk].times)]
        if not members:
            continue
        detector = detector_for(placement)
        scores = detector.score_windows(np.concatenate([found[pk].windows for pk in members]))
        start = 0
        for pk in members:
            stop = start + len(found[pk].times)
            part = scores[start:stop]
            times = found[pk].times
            for when in streams[pk].alarms(times, part):
                score = float(part[int(np.argmin(np.abs(times - when)))])
                alarms.setdefault(pk, []).append((when, score))
            start = stop
    for pk in ids:
        _dump(streams[pk], rows[pk])
        rows[pk].updated_at = now
    FallStreamState.objects.bulk_update(
        list(rows.values()), ["placement", "samples", "meta", "updated_at"]
    )
    if alarms:
        _open_pending(alarms, by_device, placements, now=now, outcome=outcome)
    return outcome


def _open_pending(
    alarms: dict[uuid.UUID, list[tuple[float, float]]],
    by_device: dict[uuid.UUID, list[AccelInput]],
    placements: dict[uuid.UUID, str],
    *,
    now: dt.datetime,
    outcome: FallOutcome,
) -> None:
    """A pending fall and a ``fall_check`` command per alarm (one pending per device at a
    time: an alarm while one waits joins it)."""
    waiting = set(
        PendingFall.objects.filter(
            device_id__in=list(alarms), state=PendingFallState.PENDING
        ).values_list("device_id", flat=True)
    )
    due = now + confirm_window()
    for pk, found in sorted(alarms.items()):
        if pk in waiting:
            continue
        when, score = max(found, key=lambda a: a[1])
        first = by_device[pk][0]
        detected_at = dt.datetime.fromtimestamp(when, tz=dt.UTC)
        pending = PendingFall.objects.create(
            device_id=pk,
            elder_id=first.elder_id,
            placement=placements[pk],
            score=score,
            detected_at=detected_at,
            due_at=due,
        )
        outcome.pending += 1
        outcome.commands.append(
            (
                first.serial,
                Signal(
                    FALL_CHECK,
                    "critical",
                    detected_at,
                    "fall_detected",
                    {
                        "ref": str(pending.pk),
                        "due_at": due.isoformat(),
                        "confirm_s": int(confirm_window().total_seconds()),
                    },
                ),
            )
        )


def pending_prompts(serials: set[str], *, now: dt.datetime) -> list[dict[str, Any]]:
    """The ``fall_check`` prompts still open for ``serials`` (pending, window not over), as the
    bodies the MQTT worker publishes plus the ``device`` serial. The HTTPS batch ingest returns
    them, so a device without MQTT still shows "fall detected — press to cancel"."""
    if not serials:
        return []
    waiting = (
        PendingFall.objects.filter(
            device__serial__in=sorted(serials), state=PendingFallState.PENDING, due_at__gt=now
        )
        .select_related("device")
        .order_by("due_at", "id")
    )
    return [
        {
            "device": pending.device.serial,
            "kind": FALL_CHECK,
            "ts": pending.detected_at.isoformat(),
            "reason": "fall_detected",
            "params": {
                "ref": str(pending.pk),
                "due_at": pending.due_at.isoformat(),
                "confirm_s": int(confirm_window().total_seconds()),
            },
        }
        for pending in waiting
    ]


# --- The wearer's cancel ------------------------------------------------------------------------


def cancel_falls(items: list[CancelInput]) -> int:
    """Within the caller's transaction: apply the wearer's cancels; returns how many pending
    falls were cancelled. A cancel names a pending fall by ``ref`` (the ``ref`` of the
    ``fall_check`` command) or, without one, cancels every pending fall of the device."""
    cancelled = 0
    for item in sorted(items, key=lambda i: i.received_at):
        qs = PendingFall.objects.select_for_update().filter(device_id=item.device_id)
        waiting = list(qs.filter(state=PendingFallState.PENDING).order_by("due_at"))
        named = [p for p in waiting if str(p.pk) == item.ref]
        waiting = named or waiting
        in_time = [p for p in waiting if item.received_at <= p.due_at]
        for pending in in_time:
            pending.state = PendingFallState.CANCELLED
            pending.cancelled_at = item.received_at
            pending.save(update_fields=["state", "cancelled_at"])
            cancelled += 1
        if not in_time:
            # Too late: recorded on the latest fall of the device, which it does not undo.
            late = qs.exclude(state=PendingFallState.CANCELLED).order_by("-detected_at").first()
            if late is not None and late.late_cancel_at is None:
                late.late_cancel_at = item.received_at
                late.save(update_fields=["late_cancel_at"])
    return cancelled


# --- The tick -------------------------------------------------------------------------------------


def falls_tick(*, now: dt.datetime, chunk: int = 200) -> FallOutcome:
    """Raise a critical fall alert for every pending fall whose window ended by ``now``."""
    from django.db import transaction

    outcome = FallOutcome()
    while True:
        with transaction.atomic():
            batch = list(
                PendingFall.objects.select_for_update()
                .filter(state=PendingFallState.PENDING, due_at__lte=now)
                .select_related("device")
                .order_by("due_at", "id")[:chunk]
            )
            if not batch:
                return outcome
            for pending in batch:
                raised = alerting.raise_alert(
                    elder_id=pending.elder_id,
                    kind="fall",
                    severity="critical",
                    occurred_at=pending.detected_at,
                    reason="fall_not_cancelled",
                    params=_alert_params(pending),
                    device_serial=pending.device.serial,
                )
                pending.state = PendingFallState.RAISED
                pending.raised_at = now
                pending.alert_id = getattr(raised, "alert_id", None)
                pending.save(update_fields=["state", "raised_at", "alert_id"])
                outcome.alerts += raised is not None
            if len(batch) < chunk:
                return outcome


def _alert_params(pending: PendingFall) -> dict[str, Any]:
    return {
        "serial": pending.device.serial,
        "placement": pending.placement,
        "score": round(pending.score, 2),
        "pending_fall": str(pending.pk),
    }
