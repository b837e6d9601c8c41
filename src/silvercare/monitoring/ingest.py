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
_SMALL = 20  # up to this many rows, plain statements beat COPY through a temporary table

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
    region_code: str | None = None


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
    urgent, normal, dead, refused = _prepare(messages, now=now, extra_counts=extra_counts)

    # The fast path: one small transaction per urgent message, committed before the rest;
    # its device and rule state move with the batch below (without raising it again).
    settle: list[_Item] = []
    for item in urgent:
        part, fresh = _store_urgent(item, now=now)
        result.merge(part)
        if fresh:
            settle.append(item)

    with transaction.atomic():
        part = _store(normal, now=now, settle=settle)
        if dead:
            DeadLetter.objects.bulk_create(dead, batch_size=500)
            part.counts.update(f"dead_{d.reason}" for d in dead)
        part.counts.update(refused)
        _count(part.counts)
    result.merge(part)
    # Every message is settled (stored, dropped as duplicate, refused or dead-lettered).
    result.acks = [raw.ack for raw in messages]
    return result


def ingest_urgent(
    raw: RawMessage, *, now: dt.datetime | None = None
) -> tuple[BatchResult, list[_Item]]:
    """The MQTT urgent lane: one message (SOS, fall flag or cancel, smoke/gas/water-leak
    alarm) decoded, stored and its alert raised in one small transaction, committed when
    this returns. Returns the result and the items whose device and rule state the caller
    still moves forward (``settle_urgent``, off the latency path)."""
    now = now or timezone.now()
    urgent, normal, dead, refused = _prepare([raw], now=now)
    result = BatchResult()
    settle: list[_Item] = []
    for item in urgent + normal:
        part, fresh = _store_urgent(item, now=now)
        result.merge(part)
        if fresh:
            settle.append(item)
    if dead or refused:
        with transaction.atomic():
            counts: collections.Counter[str] = collections.Counter(refused)
            if dead:
                DeadLetter.objects.bulk_create(dead)
                counts.update(f"dead_{d.reason}" for d in dead)
            _count(counts)
            result.counts.update(counts)
    result.acks = [raw.ack]
    return result, settle


def settle_urgent(items: list[_Item], *, now: dt.datetime | None = None) -> BatchResult:
    """Move the device state and the rule state of urgent messages already stored and
    alerted (their alerts are not raised again). May wait for the bulk lane's row locks."""
    now = now or timezone.now()
    with transaction.atomic():
        return _store([], now=now, settle=items)


def _prepare(
    messages: list[RawMessage],
    *,
    now: dt.datetime,
    extra_counts: dict[str, int] | None = None,
) -> tuple[list[_Item], list[_Item], list[DeadLetter], collections.Counter[str]]:
    """Decode and validate, look the devices and consents up: (urgent items, other items,
    dead letters, refused counts)."""
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

    devices = _devices({raw.serial for raw, _m, _k in decoded})
    consenting = (
        elders_with_consent(
            elder_ids=list({e for _pk, e, _r in devices.values() if e is not None}),
            purpose=ConsentPurpose.MONITORING,
        )
        if devices
        else set()
    )
    urgent: list[_Item] = []
    normal: list[_Item] = []
    refused: collections.Counter[str] = collections.Counter(extra_counts or {})
    for raw, message, kind in decoded:
        found = devices.get(raw.serial)
        if found is None:
            dead.append(_dead(raw, now, DeadLetterReason.UNKNOWN_DEVICE, raw.serial[:64]))
            continue
        device_id, elder_id, region_code = found
        if elder_id is None:
            refused[UNBOUND] += 1
        elif elder_id not in consenting:
            refused[NO_CONSENT] += 1
        else:
            item = _Item(
                raw,
                message,
                kind,
                device_id,
                elder_id,
                raw.serial,
                raw.received_at or now,
                region_code,
            )
            (urgent if kind in schema.URGENT_KINDS else normal).append(item)
    return urgent, normal, dead, refused


def _devices(serials: set[str]) -> dict[str, tuple[uuid.UUID, uuid.UUID | None, str | None]]:
    """serial → (device id, bound elder, the elder's community), active devices only."""
    if not serials:
        return {}
    return {
        serial: (pk, elder_id, region)
        for serial, pk, elder_id, region in Device.objects.filter(
            serial__in=serials, status=DeviceStatus.ACTIVE
        ).values_list("serial", "id", "elder_id", "elder__region_id")
    }


def _store_urgent(item: _Item, *, now: dt.datetime) -> tuple[BatchResult, bool]:
    """One urgent message in its own transaction: claim its id, store the reading, raise
    its alert (or cancel the pending fall) and count it. Touches no row the bulk lane locks
    for long (device state, rule state): an SOS never waits for a batch being ingested. The
    SOS rule's repeat count comes from the elder's stored presses. Returns (result, fresh)."""
    result = BatchResult()
    with transaction.atomic():
        if not _claim_message_ids([item], lock_elder=True):
            result.counts[DUPLICATE] += 1
            _count(result.counts)
            return result, False
        result.counts[ACCEPTED] += 1
        value = schema.value_of(item.message)
        _insert_readings([item], {id(item): value})
        if isinstance(item.message, schema.FallCancel):
            _falls([item], now=now, result=result)
        raised = False
        for signal in evaluation.urgent_signals(
            elder_id=item.elder_id,
            serial=item.serial,
            kind=item.kind,
            ts=item.message.ts,
            values=value,
            device_id=item.device_id,
            msg_id=item.message.id,
        ):
            raised = True
            result.alerts += evaluation.act_alert(
                item.elder_id, item.serial, signal, region_code=item.region_code
            )
        # SOS, fall flags and home alarms always reach the alerts, even with the rule off.
        if not raised and item.kind in schema.URGENT_KINDS:
            result.alerts += _raise_urgent(item) is not None
        _count(result.counts)
    return result, True


def _dead(raw: RawMessage, now: dt.datetime, reason: str, detail: str) -> DeadLetter:
    return DeadLetter(
        received_at=raw.received_at or now,
        serial=raw.serial[:64],
        topic=raw.topic[:200],
        reason=reason,
        detail=detail[:300],
        payload=raw.payload[:DEAD_LETTER_PAYLOAD_CHARS].decode("utf-8", errors="replace"),
    )


def _store(
    items: list[_Item], *, now: dt.datetime, settle: list[_Item] | None = None
) -> BatchResult:
    """Within the caller's transaction: drop redeliveries, insert readings, move the
    latest state forward, evaluate the rules. ``settle``: urgent items already stored and
    alerted by ``_store_urgent``, whose state moves here too (their alerts are not raised
    again)."""
    result = BatchResult()
    settle = settle or []
    fresh: list[_Item] = []
    if items:
        unique: dict[tuple[uuid.UUID, str], _Item] = {}
        for item in items:
            unique.setdefault((item.device_id, item.message.id), item)
        new_keys = _claim_message_ids(list(unique.values()))
        fresh = [item for key, item in unique.items() if key in new_keys]
        result.counts[DUPLICATE] += len(items) - len(fresh)
        result.counts[ACCEPTED] += len(fresh)
    if not fresh and not settle:
        return result
    values = {id(item): schema.value_of(item.message) for item in fresh + settle}
    if fresh:
        _insert_readings(fresh, values)
    _advance_state(fresh + settle, values, now=now)
    outcome = evaluation.evaluate_readings(
        [
            evaluation.Input(
                elder_id=item.elder_id,
                serial=item.serial,
                kind=item.kind,
                ts=item.message.ts,
                values=values[id(item)],
                alerted=settled,
            )
            for batch, settled in ((fresh, False), (settle, True))
            for item in batch
        ]
    )
    result.alerts += outcome.alerts
    result.commands += outcome.commands
    _falls(fresh, now=now, result=result)
    return result


def _insert_readings(items: list[_Item], values: dict[int, dict[str, Any]]) -> None:
    """The readings: ``COPY`` on PostgreSQL, a bulk INSERT elsewhere."""
    if connection.vendor == "postgresql":
        columns = "device_id, elder_id, kind, ts, received_at, msg_id, value"
        escape = bulk.copy_escape
        lines = [
            f"{item.device_id}\t{item.elder_id}\t{item.kind}\t{item.message.ts.isoformat()}\t"
            f"{item.received_at.isoformat()}\t{escape(item.message.id)}\t"
            + escape(msgspec.json.encode(values[id(item)]).decode())
            for item in items
        ]
        with connection.cursor() as cursor:
            bulk.copy_lines(cursor, f"COPY {Reading._meta.db_table} ({columns}) FROM STDIN", lines)
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


def _claim_message_ids(
    items: list[_Item], *, lock_elder: bool = False
) -> set[tuple[uuid.UUID, str]]:
    """Insert (device, message id) rows, skipping those already there; returns the keys
    inserted now. ``INSERT … ON CONFLICT DO NOTHING RETURNING`` (PostgreSQL, SQLite ≥ 3.35)
    is race-free between workers: of two concurrent deliveries exactly one gets the row.
    ``lock_elder`` (one item, PostgreSQL): the same statement first takes a transaction
    advisory lock on the item's elder, so one elder's urgent messages are handled one at a
    time across ingest processes (two presses at once count each other)."""
    if connection.vendor == "postgresql" and len(items) > _SMALL:
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
            if lock_elder and len(items) == 1 and connection.vendor == "postgresql":
                params.append(int.from_bytes(items[0].elder_id.bytes[:8], "big", signed=True))
                sql = (
                    f"INSERT INTO {table} (device_id, msg_id, ts) "  # noqa: S608
                    "SELECT %s::uuid, %s, %s::timestamptz FROM pg_advisory_xact_lock(%s) "
                )
            else:
                sql = f"INSERT INTO {table} (device_id, msg_id, ts) VALUES {values} "  # noqa: S608
            cursor.execute(
                sql + "ON CONFLICT (device_id, msg_id) DO NOTHING RETURNING device_id, msg_id",
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
        bulk.temp_table(cursor, "ingest_keys", "device_id uuid, msg_id varchar(64), ts timestamptz")
        bulk.copy_lines(
            cursor,
            "COPY ingest_keys (device_id, msg_id, ts) FROM STDIN",
            [
                f"{i.device_id}\t{bulk.copy_escape(i.message.id)}\t{i.message.ts.isoformat()}"
                for i in items
            ],
        )
        cursor.execute(
            f"INSERT INTO {table} (device_id, msg_id, ts) "  # noqa: S608
            "SELECT device_id, msg_id, ts FROM ingest_keys "
            "ON CONFLICT (device_id, msg_id) DO NOTHING RETURNING device_id, msg_id"
        )
        claimed = {(_as_uuid(d), m) for d, m in cursor.fetchall()}
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
    """Latest state per device and kind, moved only forward; last seen and battery. Only
    the newest item of each device and kind in the batch is compared with the stored one."""
    newest: dict[tuple[uuid.UUID, str], _Item] = {}
    seen: dict[uuid.UUID, list[dt.datetime]] = {}  # device → [last received, newest ts]
    for item in items:
        key = (item.device_id, item.kind)
        held = newest.get(key)
        if held is None or held.message.ts <= item.message.ts:
            newest[key] = item
        times = seen.get(item.device_id)
        if times is None:
            seen[item.device_id] = [item.received_at, item.message.ts]
        else:
            times[0] = max(times[0], item.received_at)
            times[1] = max(times[1], item.message.ts)
    ids = sorted(seen)
    # Locked in device order, so concurrent workers never deadlock on each other.
    stored = {
        device_id: (latest, last_ts)
        for device_id, latest, last_ts in DeviceState.objects.select_for_update()
        .filter(device_id__in=ids)
        .order_by("device_id")
        .values_list("device_id", bulk.json_text("latest"), "last_ts")
    }
    states: dict[uuid.UUID, dict[str, Any]] = {}
    battery: dict[uuid.UUID, int] = {}
    for (device_id, kind), item in newest.items():
        latest = states.get(device_id)
        if latest is None:
            text = stored[device_id][0] if device_id in stored else "{}"
            latest = states[device_id] = msgspec.json.decode(text)
        held = latest.get(kind)
        if held is None or dt.datetime.fromisoformat(held["ts"]) <= item.message.ts:
            latest[kind] = _state_value(item, values[id(item)])
            if kind == "battery":
                battery[device_id] = item.message.percent  # type: ignore[union-attr]
    missing = [d for d in ids if d not in stored]
    if missing:
        DeviceState.objects.bulk_create(
            [DeviceState(device_id=d, latest=states[d], last_ts=seen[d][1]) for d in missing]
        )
    bulk.update_rows(
        DeviceState,
        "device",
        ["latest", "last_ts", "updated_at"],
        [
            (states[d], max(seen[d][1], last_ts) if last_ts else seen[d][1], now, d)
            for d, (_latest, last_ts) in stored.items()
        ],
    )
    bulk.update_rows(
        Device,
        "id",
        ["last_seen", "battery"],
        [(seen[d][0], battery[d], d) for d in ids if d in battery],
    )
    bulk.update_rows(
        Device, "id", ["last_seen"], [(seen[d][0], d) for d in ids if d not in battery]
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
            region_code=item.region_code,
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
            region_code=item.region_code,
        )
    if isinstance(message, schema.Smoke | schema.Gas | schema.WaterLeak) and message.alarm:
        return alerting.raise_alert(
            elder_id=item.elder_id,
            kind="environment",
            severity="critical",
            occurred_at=message.ts,
            reason=item.kind,
            params={"serial": item.serial},
            device_serial=item.serial,
            region_code=item.region_code,
        )
    return None


def _count(counts: collections.Counter[str]) -> None:
    """Add to the running counters in the current transaction (one upsert)."""
    rows = sorted((k, v) for k, v in counts.items() if v)
    if not rows:
        return
    table = IngestCounter._meta.db_table
    values = ", ".join(["(%s, %s)"] * len(rows))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (name, value) VALUES {values} "  # noqa: S608
            f"ON CONFLICT (name) DO UPDATE SET value = {table}.value + excluded.value",
            [x for row in rows for x in row],
        )


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
