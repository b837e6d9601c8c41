"""The MQTT ingest worker (``silvercare ingest``), acknowledging only what is committed.

* A persistent session (clean_session false, a stable client id per worker) on the shared
  subscription ``$share/ingest/silvercare/v1/+/+`` at QoS 1: workers scale out and a
  worker that restarts gets its unacknowledged messages again (Mosquitto #2662).
* The bulk lane reads the socket itself (``wire.Subscriber``, ADR 0011): one loop
  receives, gathers up to ``batch_size`` messages or ``window`` seconds, calls
  ``ingest_batch`` and sends the batch's PUBACKs in one write after the commit; it
  reconnects when the connection is lost.
* The urgent lane (``UrgentLane``, paho-mqtt 2 with manual acknowledgement): a second
  connection (client id ``<id>-urgent``, persistent session, QoS 1) in the share group
  ``$share/urgent`` subscribed only to the urgent kinds (SOS, fall flag and cancel,
  smoke/gas/water-leak), with its own thread and database connection. Each message is
  stored and its alert raised in one small transaction, acknowledged after that commit;
  the bulk lane's backlog, its batch in progress and its row locks are not in the way. The
  bulk lane also receives these topics (its filter is ``+/+``, so a message on an unknown
  or misspelt kind is still dead-lettered) and acknowledges them without reading them: one
  extra delivery per urgent message, against per-kind filters that would leave unknown
  kinds unheard.
* A per-device token bucket limits floods; a refused message is counted and acknowledged.
* Nothing a device sends stops the loop: invalid messages become dead letters, a failing
  batch is retried and then split so only the message that fails is set aside.
"""

from __future__ import annotations

import collections
import datetime as dt
import json
import logging
import queue
import ssl
import threading
import time
from collections import Counter
from dataclasses import dataclass
from typing import Any, Protocol

import paho.mqtt.client as mqtt
from django.db import close_old_connections, connection, transaction
from django.utils import timezone
from paho.mqtt.enums import CallbackAPIVersion

from silvercare.monitoring import schema, wire
from silvercare.monitoring.broker import (
    SHARED_FILTER,
    TOPIC_ROOT,
    URGENT_FILTERS,
    URGENT_LANE_KINDS,
    MqttTarget,
)
from silvercare.monitoring.choices import DeadLetterReason
from silvercare.monitoring.evaluation import rules_tick
from silvercare.monitoring.falls import FALL_CHECK
from silvercare.monitoring.ingest import (
    RATE_LIMITED,
    DeviceRateLimiter,
    RawMessage,
    ingest_batch,
    ingest_urgent,
    settle_urgent,
)
from silvercare.monitoring.models import DeadLetter

logger = logging.getLogger(__name__)
_TOPIC_PREFIX = TOPIC_ROOT + "/"
RETRIES_BEFORE_SPLIT = 3


@dataclass(frozen=True, slots=True)
class Ack:
    mid: int
    qos: int
    generation: int = 0  # the bulk lane's connection the packet id belongs to


def parse_topic(topic: str) -> tuple[str, str] | None:
    """(serial, kind) of ``silvercare/v1/<serial>/<kind>``, or None."""
    if not topic.startswith(_TOPIC_PREFIX):
        return None
    parts = topic[len(_TOPIC_PREFIX) :].split("/")
    if len(parts) != 2 or not parts[0] or not parts[1]:
        return None
    return parts[0], parts[1]


def _client(target: MqttTarget, client_id: str, max_inflight: int) -> mqtt.Client:
    client = mqtt.Client(
        callback_api_version=CallbackAPIVersion.VERSION2,
        client_id=client_id,
        clean_session=False,
        protocol=mqtt.MQTTv311,
        manual_ack=True,
    )
    client.max_inflight_messages_set(max_inflight)
    client.reconnect_delay_set(min_delay=1, max_delay=30)
    if target.username:
        client.username_pw_set(target.username, target.password or None)
    if target.tls:
        client.tls_set(cert_reqs=ssl.CERT_REQUIRED)
    return client


def _raw(message: mqtt.MQTTMessage) -> RawMessage:
    parsed = parse_topic(message.topic)
    return RawMessage(
        serial=parsed[0] if parsed else "",
        payload=bytes(message.payload),
        topic_kind=parsed[1] if parsed else "?",
        received_at=timezone.now(),
        ack=Ack(message.mid, message.qos),
        topic=message.topic,
    )


def _ack(client: mqtt.Client, acks: list[Any]) -> None:
    for ack in acks:
        if isinstance(ack, Ack) and ack.qos > 0:
            client.ack(ack.mid, ack.qos)


def _set_aside(raw: RawMessage) -> bool:
    """A message that fails on its own becomes a dead letter (if the database is up)."""
    try:
        close_old_connections()
        with transaction.atomic():
            DeadLetter.objects.create(
                received_at=raw.received_at or timezone.now(),
                serial=raw.serial[:64],
                topic=raw.topic[:200],
                reason=DeadLetterReason.PROCESSING_ERROR,
                detail="ingest failed; see the worker log",
                payload=raw.payload[:2000].decode("utf-8", errors="replace"),
            )
    except Exception:
        logger.exception("database unavailable; message kept unacknowledged")
        return False
    return True


class _Publisher(Protocol):
    def publish(self, topic: str, payload: str, qos: int) -> Any: ...


def send_commands(client: _Publisher, commands: list[tuple[str, Any]]) -> None:
    """Commands to devices, after the commit that decided them (QoS 1): medication
    reminders on ``cmd/reminder``, "fall detected — press to cancel" on ``cmd/fall_check``."""
    for serial, signal in commands:
        topic = "fall_check" if signal.kind == FALL_CHECK else "reminder"
        body = {
            "kind": signal.kind,
            "ts": signal.occurred_at.isoformat(),
            "reason": signal.reason,
            "params": signal.params,
        }
        client.publish(f"{TOPIC_ROOT}/{serial}/cmd/{topic}", json.dumps(body, default=str), qos=1)


class UrgentLane:
    """The urgent lane: its own MQTT connection, thread and database connection (see the
    module docstring). A second thread moves the device and rule state of what the lane
    stored (``settle_urgent``), so an SOS never waits behind the bulk lane's row locks."""

    def __init__(self, target: MqttTarget, *, client_id: str, max_inflight: int = 100) -> None:
        self.target = target
        self.inbox: queue.SimpleQueue[RawMessage] = queue.SimpleQueue()
        self.to_settle: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self.subscribed = threading.Event()
        self.stored = 0
        self.client = _client(target, client_id, max_inflight)
        self.client.on_connect = self._on_connect
        self.client.on_subscribe = self._on_subscribe
        self.client.on_message = lambda _c, _u, message: self.inbox.put(_raw(message))
        self._threads: list[threading.Thread] = []

    def _on_connect(
        self, client: mqtt.Client, userdata: Any, flags: Any, reason: Any, properties: Any
    ) -> None:
        if reason.is_failure:
            logger.error("MQTT connection (urgent lane) refused: %s", reason)
            return
        client.subscribe([(f, 1) for f in URGENT_FILTERS])

    def _on_subscribe(
        self, client: mqtt.Client, userdata: Any, mid: int, reasons: Any, properties: Any
    ) -> None:
        if all(not r.is_failure for r in reasons):
            self.subscribed.set()
        else:
            logger.error("MQTT subscription (urgent lane) refused: %s", reasons)

    def start(self) -> None:
        self.client.connect_async(self.target.host, self.target.port, keepalive=30)
        self.client.loop_start()

    def stop(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()

    def run_threads(self, stop: threading.Event) -> None:
        self._threads = [
            threading.Thread(target=self._loop, args=(stop,), name="ingest-urgent", daemon=True),
            threading.Thread(
                target=self._settle_loop, args=(stop,), name="ingest-settle", daemon=True
            ),
        ]
        for thread in self._threads:
            thread.start()

    def join(self, timeout: float = 10.0) -> None:
        for thread in self._threads:
            thread.join(timeout)

    def _loop(self, stop: threading.Event) -> None:
        try:
            while not stop.is_set():
                try:
                    raw = self.inbox.get(timeout=0.2)
                except queue.Empty:
                    continue
                self._ingest(raw)
        finally:
            connection.close()

    def _ingest(self, raw: RawMessage) -> None:
        for attempt in range(RETRIES_BEFORE_SPLIT):
            try:
                close_old_connections()
                result, settle = ingest_urgent(raw)
            except Exception:
                logger.exception("urgent ingest failed (attempt %d)", attempt + 1)
                time.sleep(min(1.0, 0.05 * 2**attempt))
                continue
            self.stored += result.counts.get("accepted", 0)
            _ack(self.client, result.acks)
            send_commands(self.client, result.commands)
            if settle:
                self.to_settle.put(settle)
            return
        if _set_aside(raw):
            _ack(self.client, [raw.ack])

    def _settle_loop(self, stop: threading.Event) -> None:
        try:
            while not stop.is_set() or not self.to_settle.empty():
                try:
                    items = list(self.to_settle.get(timeout=0.2))
                except queue.Empty:
                    continue
                while True:
                    try:
                        items += self.to_settle.get_nowait()
                    except queue.Empty:
                        break
                for attempt in range(RETRIES_BEFORE_SPLIT):
                    try:
                        close_old_connections()
                        result = settle_urgent(items)
                    except Exception:
                        logger.exception("urgent settle failed (attempt %d)", attempt + 1)
                        time.sleep(min(1.0, 0.05 * 2**attempt))
                        continue
                    send_commands(self.client, result.commands)
                    break
        finally:
            connection.close()


class IngestWorker:
    def __init__(
        self,
        target: MqttTarget,
        *,
        client_id: str,
        batch_size: int = 500,
        window: float = 0.05,
        limiter: DeviceRateLimiter | None = None,
        tick_every: float | None = None,
        urgent_lane: bool = True,
        bulk_lane: bool = True,
    ) -> None:
        """``urgent_lane``/``bulk_lane``: which lanes this worker runs. A bulk-only worker
        acknowledges urgent kinds unread (an urgent-only worker, another process, has
        them: ``silvercare ingest --processes N`` runs one of those and N bulk workers).
        The bulk lane's connection (``wire.Subscriber``) is made and remade by ``run``;
        the broker's in-flight window (``max_inflight_messages``) bounds what it holds."""
        self.target = target
        self.bulk_lane = bulk_lane
        self.skip_urgent = not urgent_lane
        self.tick_every = tick_every
        self.batch_size = batch_size
        self.window = window
        self.limiter = limiter
        self.subscribed = threading.Event()
        self.stored = 0
        self.lane = UrgentLane(target, client_id=f"{client_id}-urgent") if urgent_lane else None
        self.client = wire.Subscriber(
            target.host,
            target.port,
            client_id=client_id,
            username=target.username,
            password=target.password,
            tls=target.tls,
        )
        self._backoff = 1.0

    def start(self) -> None:
        if self.lane is not None:
            self.lane.start()

    def stop(self) -> None:
        if self.lane is not None:
            self.lane.stop()

    def run(self, stop: threading.Event) -> None:
        """Ingest until ``stop`` is set."""
        if self.lane is not None:
            self.lane.run_threads(stop)
        try:
            if self.bulk_lane:
                self._run(stop)
            else:
                while not stop.wait(0.2):
                    pass
        finally:
            connection.close()
            if self.lane is not None:
                self.lane.join()

    def _run(self, stop: threading.Event) -> None:
        try:
            while not stop.is_set():
                if not self.client.connected and not self._connect(stop):
                    continue
                try:
                    self._pump(stop)
                except OSError as exc:
                    # What was received and not acknowledged comes again on the next
                    # connection (persistent session); a duplicate is dropped by id.
                    logger.warning("MQTT connection lost (%s); reconnecting", exc)
                    self.client.close()
                    self.subscribed.clear()
        finally:
            self.client.disconnect()

    def _connect(self, stop: threading.Event) -> bool:
        try:
            self.client.connect([SHARED_FILTER])
        except OSError as exc:
            logger.error("MQTT connection failed: %s (again in %.0f s)", exc, self._backoff)
            stop.wait(self._backoff)
            self._backoff = min(30.0, self._backoff * 2)
            return False
        self._backoff = 1.0
        self.subscribed.set()
        return True

    def _pump(self, stop: threading.Event) -> None:
        """Gather batches of up to ``batch_size`` messages or ``window`` seconds from the
        open connection, ingest each and acknowledge it, until ``stop`` is set."""
        limited: Counter[str] = Counter()
        unread: list[Ack] = []  # acknowledged with the next batch
        held: collections.deque[wire.Publish] = collections.deque()
        next_tick = time.monotonic() + (self.tick_every or 0)
        while not stop.is_set():
            if self.tick_every and time.monotonic() >= next_tick:
                self._tick()
                next_tick = time.monotonic() + self.tick_every
            batch: list[RawMessage] = []
            deadline: float | None = None
            while len(batch) < self.batch_size:
                if not held:
                    timeout = 0.2 if deadline is None else deadline - time.monotonic()
                    if timeout <= 0:
                        break
                    held.extend(self.client.receive(timeout))
                    if not held:
                        if deadline is None:
                            break  # idle: back to the stop flag and the tick
                        continue
                    now = timezone.now()
                raw = self._raw(held.popleft(), now)
                if raw.topic_kind in URGENT_LANE_KINDS:
                    if self.skip_urgent or (self.lane and self.lane.subscribed.is_set()):
                        # The urgent lane has its own copy: acknowledge this one unread.
                        # (Until the lane is subscribed the bulk lane stores them itself; a
                        # message both lanes get in that moment is stored once, by id.)
                        unread.append(raw.ack)
                        continue
                    if raw.topic_kind in schema.URGENT_KINDS:
                        self._ingest([raw])
                        continue
                if self.limiter is not None and not self.limiter.allow(raw.serial):
                    limited[RATE_LIMITED] += 1
                    unread.append(raw.ack)
                    continue
                batch.append(raw)
                if deadline is None:
                    deadline = time.monotonic() + self.window
            if (batch or limited) and self._ingest(batch, extra_counts=dict(limited)):
                limited.clear()
            elif limited:
                continue  # the counters go with the next batch, and these acks with them
            if unread:
                self._ack(unread)
                unread = []

    def _raw(self, message: wire.Publish, now: dt.datetime) -> RawMessage:
        parsed = parse_topic(message.topic)
        return RawMessage(
            serial=parsed[0] if parsed else "",
            payload=message.payload,
            topic_kind=parsed[1] if parsed else "?",
            received_at=now,
            ack=Ack(message.packet_id, message.qos, self.client.generation),
            topic=message.topic,
        )

    def _ingest(
        self, batch: list[RawMessage], *, extra_counts: dict[str, int] | None = None
    ) -> bool:
        """Ingest and acknowledge; True when committed. Retries, then splits the batch."""
        for attempt in range(RETRIES_BEFORE_SPLIT):
            try:
                close_old_connections()
                result = ingest_batch(batch, extra_counts=extra_counts)
            except Exception:
                logger.exception(
                    "ingest of %d messages failed (attempt %d)", len(batch), attempt + 1
                )
                time.sleep(min(2.0, 0.1 * 2**attempt))
                continue
            self.stored += result.counts.get("accepted", 0)
            self._ack(result.acks)
            self._send_commands(result.commands)
            return True
        if len(batch) > 1:
            # Every message on its own (no short-circuit), then the counters.
            settled = [self._ingest([raw]) for raw in batch]
            return all(settled) and (
                not extra_counts or self._ingest([], extra_counts=extra_counts)
            )
        if batch and _set_aside(batch[0]):
            self._ack([batch[0].ack])
            return True
        return False

    def _send_commands(self, commands: list[tuple[str, Any]]) -> None:
        send_commands(self.client, commands)

    def _tick(self) -> None:
        try:
            close_old_connections()
            outcome = rules_tick(now=timezone.now())
        except Exception:
            logger.exception("rules tick failed")
            return
        self._send_commands(outcome.commands)

    def _ack(self, acks: list[Any]) -> None:
        """PUBACKs in one write, for the messages of this connection only (a packet id of
        an earlier connection may name another message now)."""
        generation = self.client.generation
        self.client.ack(
            a.mid for a in acks if isinstance(a, Ack) and a.qos and a.generation == generation
        )
