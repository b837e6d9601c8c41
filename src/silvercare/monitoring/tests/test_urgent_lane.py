"""The urgent lane: an SOS is stored and alerted on its own connection, thread and
transaction, not behind the bulk lane's backlog (through a real Mosquitto); repeated presses
still raise the severity; the SOS transaction stays small."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from django.db import OperationalError, connection, connections
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from silvercare.monitoring import worker as worker_module
from silvercare.monitoring.broker import MqttTarget
from silvercare.monitoring.ingest import RawMessage, ingest_urgent, settle_urgent
from silvercare.monitoring.models import DeviceState, Reading


def _until(check: Callable[[], bool], seconds: float = 30) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if check():
                return True
        except OperationalError:  # SQLite: a worker thread holds the write lock
            pass
        time.sleep(0.02)
    return False


def _sos(serial: str, msg_id: str, presses: int = 1) -> RawMessage:
    now = timezone.now()
    body = {"kind": "sos", "id": msg_id, "ts": now.isoformat(), "presses": presses}
    return RawMessage(
        serial=serial,
        payload=json.dumps(body).encode(),
        topic_kind="sos",
        received_at=now,
        topic=f"silvercare/v1/{serial}/sos",
    )


@pytest.mark.django_db(transaction=True)
def test_sos_is_alerted_while_the_bulk_lane_is_still_draining_a_backlog(
    broker: Any, watch: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from silvercare.alerts.models import Alert
    from silvercare.monitoring.wire import RawPublisher, packets_for

    # A slow bulk lane: every batch of 20 readings takes at least 0.1 s, so 2,000 readings
    # queued ahead of the press take 10 s or more to drain.
    real_batch = worker_module.ingest_batch

    def slow_batch(messages: list[RawMessage], **kwargs: Any) -> Any:
        time.sleep(0.1)
        return real_batch(messages, **kwargs)

    monkeypatch.setattr(worker_module, "ingest_batch", slow_batch)
    broker.start()
    ingest = worker_module.IngestWorker(
        MqttTarget("127.0.0.1", broker.port, "ingest", "ingest-pw", tls=False),
        client_id="test-ingest-lanes",
        batch_size=20,
        window=0.01,
    )
    stop = threading.Event()
    thread = threading.Thread(target=ingest.run, args=(stop,), daemon=True)
    ingest.start()
    thread.start()
    assert ingest.subscribed.wait(10)
    assert ingest.lane is not None and ingest.lane.subscribed.wait(10)
    try:
        publisher = RawPublisher(
            "127.0.0.1", broker.port, client_id="watch-1", username="W-0001", password=watch[1]
        )
        now = timezone.now().isoformat()
        backlog = [
            (
                "silvercare/v1/W-0001/steps",
                json.dumps({"kind": "steps", "id": f"s{i}", "ts": now, "count": i}).encode(),
            )
            for i in range(2000)
        ]
        sos = ("silvercare/v1/W-0001/sos", json.dumps({"kind": "sos", "id": "p1", "ts": now}))
        # The same connection, the readings first: the press is behind all of them.
        publisher.publish_many(packets_for([*backlog, (sos[0], sos[1].encode())]))
        pressed = time.monotonic()
        assert publisher.wait_acked(20)
        publisher.close()
        assert _until(lambda: Alert.objects.filter(kind="sos").exists(), seconds=10)
        alerted_after = time.monotonic() - pressed
        stored = Reading.objects.filter(kind="steps").count()
        # Behind the readings (the old single lane) it would have waited for at least the
        # 1,000 in flight ahead of it: 50 batches, 5 s or more.
        assert stored < 500, f"{stored} readings were stored first ({alerted_after:.2f} s)"
        assert alerted_after < 3
        alert = Alert.objects.get(kind="sos")
        assert alert.device_serial == "W-0001"
        assert alert.event_count == 1
        # Then the rest of the backlog, each reading once, and the SOS not stored twice.
        assert _until(lambda: Reading.objects.filter(kind="steps").count() == 2000, 60)
        assert Reading.objects.filter(kind="sos").count() == 1
        assert _until(lambda: "sos" in DeviceState.objects.get(device=watch[0]).latest)
    finally:
        stop.set()
        thread.join(10)
        ingest.stop()
        connections.close_all()


@pytest.mark.django_db
def test_repeated_presses_on_the_urgent_lane_raise_the_severity(watch: Any) -> None:
    from silvercare.alerts.models import Alert

    for n in range(1, 4):
        result, settle = ingest_urgent(_sos("W-0001", f"press-{n}"))
        assert result.counts["accepted"] == 1
        settle_urgent(settle)
    alert = Alert.objects.get(kind="sos")
    # Three presses within the minute: the third makes it critical (rules.sos defaults);
    # every press is one event on the one alert, none raised twice by the settle step.
    assert alert.severity == "critical"
    assert alert.event_count == 3
    assert alert.reason == "sos_repeated"
    # A redelivery of a press is dropped by its id.
    again, settle = ingest_urgent(_sos("W-0001", "press-3"))
    assert again.counts["duplicate"] == 1 and settle == []
    assert Alert.objects.get(kind="sos").event_count == 3


@pytest.mark.django_db
def test_one_sos_costs_few_queries(watch: Any, django_capture_on_commit_callbacks: Any) -> None:
    """Reported by the benchmark docs (bench/README.md): was 43 with the first notification.
    The first notification is not part of it any more (the dispatcher's, on commit)."""
    ingest_urgent(_sos("W-0001", "warm-up"))  # compiled rules cached, as in a running worker
    from silvercare.alerts.models import Alert

    Alert.objects.update(status="resolved")
    with CaptureQueriesContext(connection) as queries, django_capture_on_commit_callbacks():
        result, _settle = ingest_urgent(_sos("W-0001", "counted"))
    assert result.alerts == 1
    assert len(queries.captured_queries) <= 20, [q["sql"][:80] for q in queries]


@pytest.mark.django_db
@pytest.mark.parametrize(("lanes", "niced"), [("bulk", True), ("urgent", False), ("both", False)])
def test_a_bulk_only_process_yields_the_cpu_to_the_urgent_lane(
    lanes: str, niced: bool, monkeypatch: pytest.MonkeyPatch, settings: Any
) -> None:
    """``silvercare ingest --processes N`` runs the urgent lane in a process of its own; the
    bulk processes lower their CPU priority, so an SOS is not kept waiting by a batch."""
    import os

    from django.core.management import call_command

    from silvercare.monitoring.management.commands import ingest as command

    class Worker:
        stored = 0

        def __init__(self, target: Any, **options: Any) -> None:
            self.options = options

        def start(self) -> None: ...

        def run(self, stop: threading.Event) -> None: ...

        def stop(self) -> None: ...

    asked: list[int] = []
    settings.MQTT_URL = "mqtt://ingest:pw@127.0.0.1:1"
    monkeypatch.setattr(command, "IngestWorker", Worker)
    monkeypatch.setattr(os, "nice", lambda n: asked.append(n) or 0)
    call_command("ingest", "--lanes", lanes, "--client-id", "t")
    assert asked == ([command.BULK_NICENESS] if niced else [])
    assert command.BULK_NICENESS > 0
