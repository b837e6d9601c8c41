"""The ingest core, shared by the MQTT worker and the HTTPS batch endpoint.

``ingest_batch`` decodes and validates every message, refuses unknown devices and elders
without a monitoring consent, drops redeliveries by (device, message id), rejects times too
far in the future, accepts out-of-order times (a reading is stored at its own ``ts``; the
latest state of a kind only moves forward) and dead-letters what is invalid, with a reason
and a counter. SOS and device fall flags go first, each in its own small transaction that
also raises the alert; everything else is written in one transaction per batch. When it
returns, everything it was given is committed and may be acknowledged; if it raises,
nothing of the batch's main transaction is kept and the caller must not acknowledge."""

from __future__ import annotations

import collections
import datetime as dt
import logging
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import msgspec
from django.conf import settings
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from silvercare.elders.choices import ConsentPurpose
from silvercare.elders.selectors import elders_with_consent
from silvercare.monitoring import alerting, bulk, evaluation, falls, schema
from silvercare.monitoring.choices import DeadLetterReason, DeviceStatus
from silvercare.monitoring.models import (
    DeadLetter,
    Device,
    DeviceState,
    IngestCounter,
    MessageSeen,
    Reading,
)

logger = logging.getLogger(__name__)
DEAD_LETTER_PAYLOAD_CHARS = 2000
_SEEN_CHUNK = 500

# Counter names (IngestCounter.name); dead letters are counted as "dead_<reason>".
ACCEPTED = "accepted"
DUPLICATE = "duplicate"
NO_CONSENT = "no_consent"
UNBOUND = "unbound"
RATE_LIMITED = "rate_limited"
FORBIDDEN = "forbidden"  # HTTPS: a sender naming a device it may not send for


@dataclass(frozen=True, slots=True)
class RawMessage:
    """One message as received: the device serial (from the topic or the HTTPS item), the
    raw payload, the kind named by the topic (None over HTTPS) and an opaque ``ack``
    handle the transport uses to acknowledge it after commit."""

    serial: str
    payload: bytes
    topic_kind: str | None = None
    received_at: dt.datetime | None = None
    ack: Any = None
    topic: str = ""


@dataclass
class BatchResult:
    acks: list[Any] = field(default_factory=list)
    counts: collections.Counter[str] = field(default_factory=collections.Counter)
    alerts: int = 0
    # Commands for devices (medication reminders): (serial, Signal), sent after commit.
    commands: list[tuple[str, Any]] = field(default_factory=list)

    def merge(self, other: BatchResult) -> None:
        self.acks += other.acks
        self.counts.update(other.counts)
        self.alerts += other.alerts
        self.commands += other.commands


@dataclass(slots=True)
class _Item:
    raw: RawMessage
    message: schema.Message
    kind: str
    device_id: uuid.UUID
    elder_id: uuid.UUID
    serial: str
    received_at: dt.datetime


def ingest_batch(
    messages: list[RawMessage],
    *,
    now: dt.datetime | None = None,
    extra_counts: dict[str, int] | None = None,
) -> BatchResult:
    """Store a batch of messages; see the module docstring. ``extra_counts`` (e.g. the
    worker's rate-limited messages) are added to the counters in the same transaction."""
    now = now or timezone.now()
    result = BatchResult()
    dead: list[DeadLetter] = []
    decoded: list[tuple[RawMessage, schema.Message, str]] = []
    limit = now + dt.timedelta(seconds=settings.SILVERCARE_INGEST_FUTURE_TOLERANCE_S)
    for raw in messages:
        try:
            message = schema.decode(raw.payload)
        except schema.InvalidMessageError as exc:
            dead.append(_dead(raw, now, exc.reason, exc.detail))
            continue
        kind = schema.kind_of(message)
        if raw.topic_kind is not None and raw.topic_kind != kind:
            dead.append(
                _dead(raw, now, DeadLetterReason.TOPIC_MISMATCH, f"{kind} on {raw.topic_kind}")
            )
        elif message.ts > limit:
            dead.append(_dead(raw, now, DeadLetterReason.FUTURE, message.ts.isoformat()))
        else:
            decoded.append((raw, message, kind))

    devices = {
        serial: (pk, elder_id)
        for serial, pk, elder_id in Device.objects.filter(
            serial__in={raw.serial for raw, _m, _k in decoded}, status=DeviceStatus.ACTIVE
        ).values_list("serial", "id", "elder_id")
    }
    consenting = elders_with_consent(
        elder_ids=[e for _pk, e in devices.values() if e is not None],
        purpose=ConsentPurpose.MONITORING,
    )
    urgent: list[_Item] = []
    normal: list[_Item] = []
    refused: collections.Counter[str] = collections.Counter(extra_counts or {})
    for raw, message, kind in decoded:
        found = devices.get(raw.serial)
        if found is None:
            dead.append(_dead(raw, now, DeadLetterReason.UNKNOWN_DEVICE, raw.serial[:64]))
            continue
        device_id, elder_id = found
        if elder_id is None:
            refused[UNBOUND] += 1
        elif elder_id not in consenting:
            refused[NO_CONSENT] += 1
        else:
            item = _Item(
                raw, message, kind, device_id, elder_id, raw.serial, raw.received_at or now
            )
            (urgent if kind in schema.URGENT_KINDS else normal).append(item)

    # The fast path: one small transaction per SOS or fall flag, committed before the rest.
    for item in urgent:
        with transaction.atomic():
            part = _store([item], now=now)
            _count(part.counts)
        result.merge(part)

    with transaction.atomic():
        part = _store(normal, now=now)
        if dead:
            DeadLetter.objects.bulk_create(dead, batch_size=500)
            part.counts.update(f"dead_{d.reason}" for d in dead)
        part.counts.update(refused)
        _count(part.counts)
    result.merge(part)
    # Every message is settled (stored, dropped as duplicate, refused or dead-lettered).
    result.acks = [raw.ack for raw in messages]
    return result


def _dead(raw: RawMessage, now: dt.datetime, reason: str, detail: str) -> DeadLetter:
    return DeadLetter(
        received_at=raw.received_at or now,
        serial=raw.serial[:64],
        topic=raw.topic[:200],
        reason=reason,
        detail=detail[:300],
        payload=raw.payload[:DEAD_LETTER_PAYLOAD_CHARS].decode("utf-8", errors="replace"),
    )


def _store(items: list[_Item], *, now: dt.datetime) -> BatchResult:
    """Within the caller's transaction: drop redeliveries, insert readings, move the
    latest state forward, raise alerts for urgent kinds."""
    result = BatchResult()
    if not items:
        return result
    unique: dict[tuple[uuid.UUID, str], _Item] = {}
    for item in items:
        unique.setdefault((item.device_id, item.message.id), item)
    new_keys = _claim_message_ids(list(unique.values()))
    fresh = [item for key, item in unique.items() if key in new_keys]
    result.counts[DUPLICATE] += len(items) - len(fresh)
    result.counts[ACCEPTED] += len(fresh)
    if not fresh:
        return result
    values = {id(item): schema.value_of(item.message) for item in fresh}
    _insert_readings(fresh, values)
    _advance_state(fresh, values, now=now)
    outcome = evaluation.evaluate_readings(
        [
            evaluation.Input(
                elder_id=item.elder_id,
                serial=item.serial,
                kind=item.kind,
                ts=item.message.ts,
                values=values[id(item)],
            )
            for item in fresh
        ]
    )
    result.alerts += outcome.alerts
    result.commands += outcome.commands
    _falls(fresh, now=now, result=result)
    # SOS and fall flags always reach the alerts, even with the SOS rule switched off.
    for item in fresh:
        if item.kind in schema.URGENT_KINDS and not _rules_alerted(item, outcome):
            result.alerts += _raise_urgent(item) is not None
    return result


def _insert_readings(items: list[_Item], values: dict[int, dict[str, Any]]) -> None:
    """The readings: ``COPY`` on PostgreSQL, a bulk INSERT elsewhere."""
    if connection.vendor == "postgresql":
        columns = "device_id, elder_id, kind, ts, received_at, msg_id, value"
        with connection.cursor() as cursor:
            raw = cursor.cursor  # psycopg 3
            with raw.copy(f"COPY {Reading._meta.db_table} ({columns}) FROM STDIN") as copy:
                for item in items:
                    copy.write_row(
                        (
                            item.device_id,
                            item.elder_id,
                            item.kind,
                            item.message.ts,
                            item.received_at,
                            item.message.id,
                            msgspec.json.encode(values[id(item)]).decode(),
                        )
                    )
        return
    Reading.objects.bulk_create(
        [
            Reading(
                device_id=item.device_id,
                elder_id=item.elder_id,
                kind=item.kind,
                ts=item.message.ts,
                received_at=item.received_at,
                msg_id=item.message.id,
                value=values[id(item)],
            )
            for item in items
        ],
        batch_size=1000,
    )


def _claim_message_ids(items: list[_Item]) -> set[tuple[uuid.UUID, str]]:
    """Insert (device, message id) rows, skipping those already there; returns the keys
    inserted now. ``INSERT … ON CONFLICT DO NOTHING RETURNING`` (PostgreSQL, SQLite ≥ 3.35)
    is race-free between workers: of two concurrent deliveries exactly one gets the row."""
    if connection.vendor == "postgresql":
        return _claim_message_ids_copy(items)
    table = MessageSeen._meta.db_table
    device_field = MessageSeen._meta.get_field("device")
    ts_field = MessageSeen._meta.get_field("ts")
    claimed: set[tuple[uuid.UUID, str]] = set()
    with connection.cursor() as cursor:
        for start in range(0, len(items), _SEEN_CHUNK):
            chunk = items[start : start + _SEEN_CHUNK]
            params: list[Any] = []
            for item in chunk:
                params += [
                    device_field.get_db_prep_value(item.device_id, connection),
                    item.message.id,
                    ts_field.get_db_prep_value(item.message.ts, connection),
                ]
            values = ", ".join(["(%s, %s, %s)"] * len(chunk))
            cursor.execute(
                f"INSERT INTO {table} (device_id, msg_id, ts) VALUES {values} "  # noqa: S608
                "ON CONFLICT (device_id, msg_id) DO NOTHING RETURNING device_id, msg_id",
                params,
            )
            for device_id, msg_id in cursor.fetchall():
                claimed.add((_as_uuid(device_id), msg_id))
    return claimed


def _claim_message_ids_copy(items: list[_Item]) -> set[tuple[uuid.UUID, str]]:
    """PostgreSQL: the keys go by ``COPY`` into a temporary table (emptied at commit), then
    one ``INSERT … SELECT … ON CONFLICT DO NOTHING RETURNING``."""
    table = MessageSeen._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMPORARY TABLE IF NOT EXISTS ingest_keys "
            "(device_id uuid, msg_id varchar(64), ts timestamptz) ON COMMIT DELETE ROWS"
        )
        raw = cursor.cursor
        with raw.copy("COPY ingest_keys (device_id, msg_id, ts) FROM STDIN") as copy:
            for item in items:
                copy.write_row((item.device_id, item.message.id, item.message.ts))
        cursor.execute(
            f"INSERT INTO {table} (device_id, msg_id, ts) "  # noqa: S608
            "SELECT device_id, msg_id, ts FROM ingest_keys "
            "ON CONFLICT (device_id, msg_id) DO NOTHING RETURNING device_id, msg_id"
        )
        claimed = {(_as_uuid(d), m) for d, m in cursor.fetchall()}
        cursor.execute("TRUNCATE ingest_keys")
    return claimed


def _as_uuid(value: Any) -> uuid.UUID:
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))


def _state_value(item: _Item, value: dict[str, Any]) -> dict[str, Any]:
    if item.kind == "accel":
        value = {"rate_hz": value.get("rate_hz"), "samples": len(item.message.samples)}  # type: ignore[union-attr]
    return {"ts": item.message.ts.isoformat(), "value": value}


def _advance_state(
    items: list[_Item], values: dict[int, dict[str, Any]], *, now: dt.datetime
) -> None:
    """Latest state per device and kind, moved only forward; last seen and battery."""
    by_device: dict[uuid.UUID, list[_Item]] = collections.defaultdict(list)
    for item in items:
        by_device[item.device_id].append(item)
    # Locked in device order, so concurrent workers never deadlock on each other.
    states = {
        s.device_id: s
        for s in DeviceState.objects.select_for_update()
        .filter(device_id__in=sorted(by_device))
        .order_by("device_id")
    }
    changed_states = []
    device_updates = []
    for device_id, device_items in sorted(by_device.items()):
        state = states.get(device_id) or DeviceState(device_id=device_id, latest={})
        latest = dict(state.latest)
        battery: int | None = None
        battery_ts: dt.datetime | None = None
        for item in sorted(device_items, key=lambda i: i.message.ts):
            held = latest.get(item.kind)
            if held is None or dt.datetime.fromisoformat(held["ts"]) <= item.message.ts:
                latest[item.kind] = _state_value(item, values[id(item)])
                if item.kind == "battery":
                    battery, battery_ts = item.message.percent, item.message.ts  # type: ignore[union-attr]
        newest = max(i.message.ts for i in device_items)
        state.latest = latest
        if state.last_ts is None or newest > state.last_ts:
            state.last_ts = newest
        if device_id in states:
            changed_states.append(state)
        else:
            DeviceState.objects.create(device_id=device_id, latest=latest, last_ts=state.last_ts)
        fields: dict[str, Any] = {"last_seen": max(i.received_at for i in device_items)}
        if battery is not None and battery_ts is not None:
            fields["battery"] = battery
        device_updates.append((device_id, fields))
    bulk.update_rows(
        DeviceState,
        "device",
        ["latest", "last_ts", "updated_at"],
        [(s.latest, s.last_ts, now, s.device_id) for s in changed_states],
    )
    bulk.update_rows(
        Device,
        "id",
        ["last_seen", "battery"],
        [(f["last_seen"], f["battery"], pk) for pk, f in device_updates if "battery" in f],
    )
    bulk.update_rows(
        Device,
        "id",
        ["last_seen"],
        [(f["last_seen"], pk) for pk, f in device_updates if "battery" not in f],
    )


def _falls(items: list[_Item], *, now: dt.datetime, result: BatchResult) -> None:
    """The server-side fall detector on the wearables' accel messages, and the wearer's
    cancels of the falls it found (``monitoring.falls``)."""
    accel = [
        falls.AccelInput(
            device_id=item.device_id,
            elder_id=item.elder_id,
            serial=item.serial,
            ts=item.message.ts,
            rate_hz=item.message.rate_hz,
            samples=item.message.samples,
        )
        for item in items
        if isinstance(item.message, schema.AccelBatch)
    ]
    cancels = [
        falls.CancelInput(
            device_id=item.device_id,
            ts=item.message.ts,
            received_at=item.received_at,
            ref=item.message.ref,
        )
        for item in items
        if isinstance(item.message, schema.FallCancel)
    ]
    if cancels:
        result.counts["fall_cancelled"] += falls.cancel_falls(cancels)
    if accel:
        found = falls.detect_falls(accel, now=now)
        result.counts["fall_pending"] += found.pending
        result.commands += found.commands


def _rules_alerted(item: _Item, outcome: evaluation.Outcome) -> bool:
    kind = "sos" if item.kind == "sos" else "fall"
    return any(
        serial == item.serial
        and signal.kind == kind
        and abs((signal.occurred_at - item.message.ts).total_seconds()) < 0.001
        for _elder, serial, signal in outcome.signals
    )


def _raise_urgent(item: _Item) -> Any:
    message = item.message
    if isinstance(message, schema.Sos):
        severity = "critical" if message.presses > 1 else "urgent"
        return alerting.raise_alert(
            elder_id=item.elder_id,
            kind="sos",
            severity=severity,
            occurred_at=message.ts,
            reason="sos_pressed",
            params={"presses": message.presses},
            device_serial=item.serial,
        )
    if isinstance(message, schema.FallFlag):
        params: dict[str, Any] = {}
        if message.confidence is not None:
            params["confidence"] = message.confidence
        return alerting.raise_alert(
            elder_id=item.elder_id,
            kind="fall",
            severity="urgent",
            occurred_at=message.ts,
            reason="device_fall_flag",
            params=params,
            device_serial=item.serial,
        )
    return None


def _count(counts: collections.Counter[str]) -> None:
    """Add to the running counters in the current transaction."""
    counts = collections.Counter({k: v for k, v in counts.items() if v})
    if not counts:
        return
    IngestCounter.objects.bulk_create(
        [IngestCounter(name=name, value=0) for name in counts], ignore_conflicts=True
    )
    for name, n in sorted(counts.items()):
        IngestCounter.objects.filter(name=name).update(value=F("value") + n)


class DeviceRateLimiter:
    """A token bucket per device: ``rate`` messages a second on average, bursts up to
    ``burst``. A flooding device only empties its own bucket, so others are never starved.
    Urgent kinds are not limited here (the caller decides)."""

    def __init__(self, *, rate: float, burst: int, max_devices: int = 200_000) -> None:
        self.rate = rate
        self.burst = float(burst)
        self.max_devices = max_devices
        self._buckets: dict[str, tuple[float, float]] = {}

    def allow(self, serial: str, now: float | None = None) -> bool:
        now = time.monotonic() if now is None else now
        tokens, at = self._buckets.get(serial, (self.burst, now))
        tokens = min(self.burst, tokens + (now - at) * self.rate)
        if tokens < 1.0:
            self._buckets[serial] = (tokens, now)
            return False
        if len(self._buckets) >= self.max_devices and serial not in self._buckets:
            self._forget_full(now)
        self._buckets[serial] = (tokens - 1.0, now)
        return True

    def _forget_full(self, now: float) -> None:
        """Drop buckets that have refilled (they carry no information)."""
        self._buckets = {
            s: (t, at)
            for s, (t, at) in self._buckets.items()
            if t + (now - at) * self.rate < self.burst
        }


def serials_of(messages: Iterable[RawMessage]) -> set[str]:
    return {m.serial for m in messages}
