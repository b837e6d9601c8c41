"""Through a real Mosquitto: a device publishes at QoS 1, the ingest worker (shared
subscription, acknowledged after commit) stores the reading exactly once; a wrong password
is refused; a device cannot publish into another device's topic; an SOS opens an alert; the
worker rides out a broker restart."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import paho.mqtt.client as mqtt
import pytest
from django.db import OperationalError
from paho.mqtt.enums import CallbackAPIVersion

from silvercare.audit.services import AuditContext
from silvercare.common import testing
from silvercare.monitoring.broker import MqttTarget
from silvercare.monitoring.models import Reading
from silvercare.monitoring.services import device_bind, device_register
from silvercare.monitoring.worker import IngestWorker

pytestmark = pytest.mark.django_db(transaction=True)


def _until(check: Callable[[], bool], seconds: float = 30) -> bool:
    """Poll a database condition while the worker thread writes (on SQLite's shared
    in-memory test database a read can meet the writer's table lock: try again)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if check():
                return True
        except OperationalError:
            pass
        time.sleep(0.05)
    return False


def _device_client(
    broker: Any, user: str, password: str, suffix: str = ""
) -> tuple[mqtt.Client, Any]:
    """A connected device client and its CONNACK reason."""
    outcome: dict[str, Any] = {}
    done = threading.Event()

    def on_connect(client: Any, userdata: Any, flags: Any, reason: Any, props: Any) -> None:
        outcome["reason"] = reason
        done.set()

    client = mqtt.Client(
        callback_api_version=CallbackAPIVersion.VERSION2, client_id=f"dev-{user}{suffix}"
    )
    client.username_pw_set(user, password)
    client.on_connect = on_connect
    client.connect("127.0.0.1", broker.port)
    client.loop_start()
    assert done.wait(5), "no CONNACK"
    return client, outcome["reason"]


def _publish(client: mqtt.Client, topic: str, body: dict[str, Any]) -> None:
    info = client.publish(topic, json.dumps(body), qos=1)
    info.wait_for_publish(5)


@pytest.fixture
def running(broker: Any, watch: Any, worker: Any) -> Iterator[dict[str, Any]]:
    ctx = AuditContext(actor=worker)
    second = device_register(
        ctx=ctx, serial="W-0002", type="band", region_code=testing.COMMUNITY_A1
    )
    device_bind(ctx=ctx, device=second.device, elder=watch[0].elder)
    broker.start()
    ingest = IngestWorker(
        MqttTarget("127.0.0.1", broker.port, "ingest", "ingest-pw", tls=False),
        client_id="test-ingest-1",
        batch_size=50,
        window=0.02,
    )
    stop = threading.Event()
    thread = threading.Thread(target=ingest.run, args=(stop,), daemon=True)
    ingest.start()
    thread.start()
    assert ingest.subscribed.wait(10), "ingest could not subscribe"
    yield {
        "secret": watch[1],
        "second_secret": second.secret,
        "ingest": ingest,
        "broker": broker,
    }
    stop.set()
    thread.join(10)
    ingest.stop()
    from django.db import connections

    connections.close_all()


def test_reading_is_stored_exactly_once(running: dict[str, Any]) -> None:
    client, _reason = _device_client_ok(running)
    now = dt.datetime.now(dt.UTC).isoformat()
    body = {"kind": "hr", "id": "e2e-1", "ts": now, "bpm": 71}
    _publish(client, "silvercare/v1/W-0001/hr", body)
    _publish(client, "silvercare/v1/W-0001/hr", body)  # the device resends: same id
    _publish(
        client,
        "silvercare/v1/W-0001/spo2",
        {"kind": "spo2", "id": "e2e-2", "ts": now, "percent": 96},
    )
    assert _until(lambda: Reading.objects.filter(msg_id="e2e-2").exists())
    assert Reading.objects.filter(msg_id="e2e-1").count() == 1
    assert Reading.objects.get(msg_id="e2e-1").value == {"bpm": 71}
    client.loop_stop()
    client.disconnect()


def _device_client_ok(running: dict[str, Any]) -> tuple[mqtt.Client, Any]:
    broker_port = running["ingest"].target.port
    client, reason = _device_client(_Port(broker_port), "W-0001", running["secret"])
    assert not reason.is_failure, reason
    return client, reason


class _Port:
    def __init__(self, port: int) -> None:
        self.port = port


def test_wrong_password_is_refused(running: dict[str, Any]) -> None:
    port = _Port(running["ingest"].target.port)
    client, reason = _device_client(port, "W-0001", "not-the-secret")
    assert reason.is_failure
    client.loop_stop()
    _unknown, reason = _device_client(port, "NO-SUCH-DEVICE", running["secret"])
    assert reason.is_failure
    _unknown.loop_stop()


def test_device_cannot_publish_into_another_devices_topic(running: dict[str, Any]) -> None:
    port = _Port(running["ingest"].target.port)
    intruder, reason = _device_client(port, "W-0002", running["second_secret"])
    assert not reason.is_failure
    now = dt.datetime.now(dt.UTC).isoformat()
    forged = intruder.publish(
        "silvercare/v1/W-0001/hr",
        json.dumps({"kind": "hr", "id": "forged", "ts": now, "bpm": 200}),
        qos=1,
    )
    # The broker may also answer a denied publish by closing the connection.
    with contextlib.suppress(RuntimeError):
        forged.wait_for_publish(5)
    own = {"kind": "hr", "id": "own", "ts": now, "bpm": 66}
    try:
        # Published after the forged one on the same connection: once it is stored, the
        # forged message would have been delivered before it had the broker let it through.
        _publish(intruder, "silvercare/v1/W-0002/hr", own)
    except RuntimeError:  # cut off over the forged message: the broker handled it first
        intruder.loop_stop()
        again, _ = _device_client(port, "W-0002", running["second_secret"], suffix="-again")
        _publish(again, "silvercare/v1/W-0002/hr", own)
        again.loop_stop()
    assert _until(lambda: Reading.objects.filter(msg_id="own").exists())
    assert not Reading.objects.filter(msg_id="forged").exists()
    intruder.loop_stop()


def test_sos_through_the_broker_opens_an_alert(running: dict[str, Any]) -> None:
    from silvercare.alerts.models import Alert

    client, _ = _device_client_ok(running)
    now = dt.datetime.now(dt.UTC).isoformat()
    _publish(client, "silvercare/v1/W-0001/sos", {"kind": "sos", "id": "sos-1", "ts": now})
    assert _until(lambda: Alert.objects.filter(kind="sos").exists())
    assert Alert.objects.get().device_serial == "W-0001"
    client.loop_stop()


def _send_steps(running: dict[str, Any], ids: range, prefix: str) -> None:
    """Steps readings from W-0001 through the raw publisher (raw socket, QoS 1, pipelined),
    every one acknowledged by the broker."""
    from silvercare.monitoring.wire import RawPublisher, packets_for

    publisher = RawPublisher(
        "127.0.0.1",
        running["ingest"].target.port,
        client_id=f"raw-{prefix}",
        username="W-0001",
        password=running["secret"],
    )
    now = dt.datetime.now(dt.UTC).isoformat()
    items = [
        (
            "silvercare/v1/W-0001/steps",
            json.dumps({"kind": "steps", "id": f"{prefix}{i}", "ts": now, "count": i}).encode(),
        )
        for i in ids
    ]
    publisher.publish_many(packets_for(items))
    assert publisher.wait_acked(10)
    publisher.close()


def test_raw_publisher_of_the_simulator_goes_through(running: dict[str, Any]) -> None:
    """The benchmarks' publisher: every message arrives once."""
    _send_steps(running, range(200), "r")
    assert _until(lambda: Reading.objects.filter(kind="steps").count() == 200)


def test_the_worker_reconnects_after_the_broker_restarts(running: dict[str, Any]) -> None:
    """The bulk lane's session is persistent: after a broker restart the worker connects
    again by itself, and readings published once the broker is back are stored once."""
    ingest = running["ingest"]
    _send_steps(running, range(50), "b")
    assert _until(lambda: Reading.objects.filter(kind="steps").count() == 50)
    first = ingest.client.generation
    running["broker"].stop()
    running["broker"].start()
    assert _until(lambda: ingest.client.generation > first and ingest.subscribed.is_set(), 40)
    _send_steps(running, range(50, 120), "b")
    assert _until(lambda: Reading.objects.filter(kind="steps").count() == 120)
    time.sleep(0.5)
    assert Reading.objects.filter(kind="steps").count() == 120
