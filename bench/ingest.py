"""MQTT ingest benchmark (issue 11): sustained ingest through a real Mosquitto with every
rule evaluated and every row committed, against a do-nothing one-process paho subscriber
draining the same publisher in the same run.

Run (PostgreSQL; the broker is started here on a free port)::

    su postgres -c "createdb -O silvercare silvercare_bench_ingest"
    DATABASE_URL=postgres://silvercare:silvercare@127.0.0.1:5432/silvercare_bench_ingest \\
    .venv/bin/python bench/ingest.py --messages 100000 --runs 3

Per run: the messages (v1, realistic mix of a few hundred devices, 2 % abnormal values) are
pre-encoded and sent by ``monitoring.wire.RawPublisher`` (raw socket, QoS 1,
pipelined: the publisher is not the bottleneck). First a paho subscriber process that does
nothing drains them (QoS 1, auto-ack): its rate is the baseline. Then ``silvercare ingest``
(one worker process, shared subscription, manual ack after commit) ingests a fresh set of
the same size; its rate is messages / (last commit − first publish). Both figures, the ratio
and the machine are printed; the median of the runs is the result.

Broker settings (as docs/devices.md): max_inflight_messages 4000 (twice the batch size),
max_queued_messages 0 with a 256 MB byte bound (nothing dropped), persistence off (the
benchmark measures the ingest, not the broker's disk), anonymous on 127.0.0.1 only.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import platform
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS_DIR = ROOT / "bench" / "results"
MOSQUITTO = "/usr/sbin/mosquitto"
FILTER = "silvercare/v1/+/+"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# --- The do-nothing subscriber (a separate process, no Django) --------------------------------


def baseline_subscriber(port: int, expected: int) -> None:
    import paho.mqtt.client as mqtt
    from paho.mqtt.enums import CallbackAPIVersion

    state = {"n": 0, "first": 0.0, "last": 0.0}

    def on_message(client: Any, userdata: Any, message: Any) -> None:
        if not state["n"]:
            state["first"] = time.time()
        state["n"] += 1
        if state["n"] >= expected:
            state["last"] = time.time()
            client.disconnect()

    def on_subscribe(*args: Any) -> None:
        print("ready", flush=True)

    client = mqtt.Client(
        callback_api_version=CallbackAPIVersion.VERSION2, client_id=f"baseline-{os.getpid()}"
    )
    client.on_message = on_message
    client.on_subscribe = on_subscribe
    client.on_connect = lambda c, *a: c.subscribe(FILTER, qos=1)
    client.connect("127.0.0.1", port)
    client.loop_forever()
    print(json.dumps({"n": state["n"], "first": state["first"], "last": state["last"]}), flush=True)


# --- The benchmark ----------------------------------------------------------------------------


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "silvercare.config.settings")
    os.environ.setdefault("SILVERCARE_ENV", "development")
    os.environ.setdefault("SILVERCARE_HOME", str(ROOT))
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from django.db import connection

    if connection.vendor != "postgresql":
        sys.exit("bench/ingest.py needs PostgreSQL: set DATABASE_URL=postgres://USER:PASS@HOST/DB")


def prepare(elders: int, devices: int) -> list[tuple[str, str]]:
    """Migrate; the test regions, an officer, elders with a monitoring consent and bound
    devices (made once; reruns reuse them)."""
    from django.conf import settings
    from django.core.management import call_command

    from silvercare.audit.services import AuditContext
    from silvercare.common import testing
    from silvercare.elders.services import consent_record
    from silvercare.monitoring.models import Device
    from silvercare.monitoring.services import device_bind, device_register

    call_command("migrate", verbosity=0)
    existing = list(
        Device.objects.filter(serial__startswith="BENCH-").values_list("serial", "type")
    )
    if len(existing) >= devices:
        return existing[:devices]
    # Device secrets are hashed twice; for setting up a benchmark the fast hasher will do.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    from silvercare.accounts.models import User

    if not User.objects.filter(username="bench_ingest_officer").exists():
        testing.build_regions()
        testing.make_user("civil_affairs", "440300000000", "bench_ingest_officer")
    officer = User.objects.get(username="bench_ingest_officer")
    ctx = AuditContext(actor=officer, via="bench")
    people = []
    for n in range(elders):
        elder = testing.make_elder(officer, testing.COMMUNITY_A1, name=f"测试{n}")
        consent_record(ctx=ctx, elder=elder, purpose="monitoring", granted=True)
        people.append(elder)
    types = ["watch", "band", "bed_sensor", "door_sensor", "pulse_oximeter", "pill_box"]
    for n in range(len(existing), devices):
        issued = device_register(
            ctx=ctx,
            serial=f"BENCH-{n:05d}",
            type=types[n % len(types)],
            region_code=testing.COMMUNITY_A1,
        )
        device_bind(ctx=ctx, device=issued.device, elder=people[n % len(people)])
    return list(Device.objects.filter(serial__startswith="BENCH-").values_list("serial", "type"))


def start_broker(directory: Path) -> tuple[subprocess.Popen[bytes], int]:
    port = _free_port()
    conf = directory / "mosquitto.conf"
    conf.write_text(
        "\n".join(
            [
                f"listener {port} 127.0.0.1",
                "allow_anonymous true",
                "persistence false",
                "max_inflight_messages 4000",
                "max_queued_messages 0",
                "max_queued_bytes 268435456",
                "max_packet_size 20000",
                "log_type error",
                "",
            ]
        )
    )
    process = subprocess.Popen([MOSQUITTO, "-c", str(conf)], stderr=subprocess.DEVNULL)  # noqa: S603
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return process, port
        except OSError:
            time.sleep(0.05)
    sys.exit("mosquitto did not start")


def make_packets(devices: list[tuple[str, str]], count: int, run: int) -> list[bytes]:
    from silvercare.monitoring import simulator, wire

    rates = simulator.Rates(sos=0.0, abnormal=0.02, wander=0.0, offline=0.0)
    start = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=60)
    items = [
        (topic, payload)
        for _serial, topic, payload in simulator.stream(
            devices,
            count=count,
            start=start,
            rate=count / 50,
            rates=rates,
            seed=run,
            first_seq=time.time_ns(),
        )
    ]
    return wire.packets_for(items)


def publish(port: int, packets: list[bytes]) -> float:
    """Publish everything; returns the time publishing began."""
    from silvercare.monitoring.wire import RawPublisher

    publisher = RawPublisher("127.0.0.1", port, client_id=f"bench-pub-{time.time_ns()}")
    began = time.time()
    publisher.publish_many(packets, chunk=1000)
    publisher.wait_acked(120)
    publisher.close()
    return began


def run_baseline(port: int, packets: list[bytes]) -> float:
    sub = subprocess.Popen(  # noqa: S603
        [sys.executable, __file__, "--baseline-subscriber", str(port), str(len(packets))],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert sub.stdout is not None
    assert sub.stdout.readline().strip() == "ready"
    began = publish(port, packets)
    result = json.loads(sub.stdout.readline())
    sub.wait(30)
    assert result["n"] == len(packets), result
    return len(packets) / (result["last"] - began)


def _accepted() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT value FROM monitoring_ingestcounter WHERE name = 'accepted'")
        row = cursor.fetchone()
    return int(row[0]) if row else 0


def run_ingest(
    port: int, packets: list[bytes], probe: bytes, batch_size: int, workers: int
) -> float:
    env = {
        **os.environ,
        "MQTT_URL": f"mqtt://127.0.0.1:{port}",
        "SILVERCARE_INGEST_DEVICE_RATE": "1000000000",
        "SILVERCARE_INGEST_DEVICE_BURST": "1000000000",
        "LOG_LEVEL": "WARNING",
    }
    ids = [f"bench-ingest-{n}" for n in range(1, workers + 1)]
    # Client ids stable across runs, as in production: a new id each run would leave the
    # old session in the shared group, and the broker would queue a share of the messages
    # for it.
    procs = [
        subprocess.Popen(  # noqa: S603
            [
                str(ROOT / ".venv" / "bin" / "silvercare"),
                "ingest",
                "--client-id",
                client_id,
                "--batch-size",
                str(batch_size),
                "--window-ms",
                "20",
            ],
            env=env,
            stdout=subprocess.DEVNULL,
        )
        for client_id in ids
    ]
    try:
        # The worker is subscribed once a probe message is stored.
        before = _accepted()
        deadline = time.time() + 180  # Django starting on a busy machine
        while _accepted() == before:
            publish(port, [probe])
            time.sleep(0.3)
            if time.time() > deadline:
                sys.exit("the ingest worker did not start")
        time.sleep(1.0)  # the other workers' subscriptions
        start_count = _accepted()
        began = publish(port, packets)
        target = start_count + len(packets)
        while _accepted() < target:
            time.sleep(0.02)
            if time.time() - began > 600:
                sys.exit(f"ingest stalled at {_accepted() - start_count} of {len(packets)}")
        done = time.time()
    finally:
        for proc in procs:
            proc.send_signal(signal.SIGTERM)
        for proc in procs:
            proc.wait(30)
        for client_id in ids:
            _forget_session(port, client_id)
            _forget_session(port, f"{client_id}-urgent")
    return len(packets) / (done - began)


def _forget_session(port: int, client_id: str) -> None:
    """End the worker's persistent session, so the next baseline's messages are not queued
    for it (a clean-session connection under the same id discards the session)."""
    import paho.mqtt.client as mqtt
    from paho.mqtt.enums import CallbackAPIVersion

    client = mqtt.Client(
        callback_api_version=CallbackAPIVersion.VERSION2, client_id=client_id, clean_session=True
    )
    client.connect("127.0.0.1", port)
    client.loop_start()
    time.sleep(0.5)
    client.disconnect()
    client.loop_stop()


def machine() -> dict[str, Any]:
    from django.db import connection

    model = ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        row = cursor.fetchone()
    mosq = subprocess.run([MOSQUITTO, "-h"], capture_output=True, text=True, check=False)  # noqa: S603
    return {
        "cpus": os.cpu_count(),
        "cpu": model,
        "python": platform.python_version(),
        "postgresql": row[0] if row else "",
        "mosquitto": (mosq.stdout or mosq.stderr).splitlines()[0]
        if (mosq.stdout or mosq.stderr)
        else "",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--elders", type=int, default=100)
    parser.add_argument("--devices", type=int, default=300)
    parser.add_argument("--batch-size", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=1, help="ingest worker processes")
    parser.add_argument("--baseline-subscriber", nargs=2, metavar=("PORT", "COUNT"))
    args = parser.parse_args()
    if args.baseline_subscriber:
        baseline_subscriber(int(args.baseline_subscriber[0]), int(args.baseline_subscriber[1]))
        return
    if not shutil.which(MOSQUITTO) and not Path(MOSQUITTO).exists():
        sys.exit("needs Debian's mosquitto (/usr/sbin/mosquitto)")
    setup_django()
    devices = prepare(args.elders, args.devices)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        broker, port = start_broker(Path(tmp))
        try:
            for run in range(1, args.runs + 1):
                base = run_baseline(port, make_packets(devices, args.messages, run * 2))
                probe = make_packets(devices[:1], 1, 10_000 + run)
                ingest = run_ingest(
                    port,
                    make_packets(devices, args.messages, run * 2 + 1),
                    probe[0],
                    args.batch_size,
                    args.workers,
                )
                rows.append(
                    {"run": run, "baseline": base, "ingest": ingest, "ratio": ingest / base}
                )
                print(
                    f"run {run}: baseline {base:,.0f} msg/s, ingest {ingest:,.0f} msg/s, "
                    f"ratio {ingest / base:.2f}",
                    flush=True,
                )
        finally:
            broker.terminate()
            broker.wait(10)
    result = {
        "messages": args.messages,
        "devices": len(devices),
        "batch_size": args.batch_size,
        "workers": args.workers,
        "runs": rows,
        "median_baseline": statistics.median(r["baseline"] for r in rows),
        "median_ingest": statistics.median(r["ingest"] for r in rows),
        "median_ratio": statistics.median(r["ratio"] for r in rows),
        "machine": machine(),
        "at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }
    print(json.dumps(result, indent=2))
    RESULTS_DIR.mkdir(exist_ok=True)
    (RESULTS_DIR / "ingest.json").write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
