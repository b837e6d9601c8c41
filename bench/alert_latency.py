"""SOS latency benchmark (issue 11): under background load, SOS publish → alert row committed
and → first notification handed to its channel, through a real Mosquitto and one
``silvercare ingest`` worker on PostgreSQL.

Run (PostgreSQL, your own database; the broker is started here on a free port)::

    su postgres -c "createdb -O silvercare silvercare_bench_alert"
    DATABASE_URL=postgres://silvercare:silvercare@127.0.0.1:5432/silvercare_bench_alert \\
    .venv/bin/python bench/alert_latency.py --rate 5000 --sos 60 --seconds 60

The background load (v1 readings of a few hundred devices, 2 % abnormal: rules fire and
raise alerts of their own) is paced at ``--rate`` messages/s by the raw-socket publisher of
``monitoring.simulator``; ``--sos`` presses, each from a watch or band of a different elder
(their open SOS alerts are closed first), are published at random moments of the run.

The observer, a separate process so its clocks are not held up by the publisher, stamps
* *committed*: a PostgreSQL trigger on the alert table (installed in the benchmark's own
  database only) sends ``NOTIFY`` on insert of an SOS alert; the notification is delivered
  when the transaction commits;
* *notified* ("handed to its channel"): the critical ladder's first step texts the family
  contact through the SMS gateway (``ALERTS_GATEWAY_URL``), here an HTTP server on localhost
  that answers 200 at once (``--gateway-delay`` makes it slow, to see what a slow gateway
  does to the ingest); stamped when the gateway receives the POST;
* *attempt recorded*: a second trigger sends ``NOTIFY`` on insert of the step-0
  ``NotificationAttempt``, delivered when the dispatcher's transaction commits (the attempt
  and the advanced escalation step are durable).

All three are measured from the moment the publisher wrote the SOS PUBLISH to its socket.
The ingest is one ``silvercare ingest`` process with both lanes (the urgent lane a thread of
its own), or with ``--split`` an urgent-lane process and a bulk process.

Prints p50/p99/max of both, the background rate published and ingested, the machine and its
load, and writes ``results/alert_latency.json``. Goal: p99 ≤ 50 ms, max ≤ 200 ms.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import ingest as base  # bench/ingest.py: broker, devices, Django set-up, machine

ROOT = base.ROOT
RESULTS_DIR = base.RESULTS_DIR
CHANNEL = "bench_alert"
TICK = 0.01  # the paced publisher sends every 10 ms


# --- The observer (a separate process, no Django) ---------------------------------------------


def observer(dsn: str, gateway_port: int, gateway_delay: float) -> None:
    """Print ``commit <alert_id> <serial> <t>`` for every SOS alert committed and
    ``gateway <alert_id> <t>`` for every message the fake SMS gateway is handed."""
    import http.server

    import psycopg

    out = threading.Lock()

    def emit(line: str) -> None:
        with out:
            sys.stdout.write(line + "\n")
            sys.stdout.flush()

    class Gateway(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            at = time.time()
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))))
            emit(f"gateway {body.get('alert_id', '')} {at:.6f}")
            if gateway_delay:
                time.sleep(gateway_delay)
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            return

    server = http.server.ThreadingHTTPServer(("127.0.0.1", gateway_port), Gateway)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    conn = psycopg.connect(dsn, autocommit=True)
    conn.execute(f"LISTEN {CHANNEL}")
    emit("ready")
    for note in conn.notifies():
        at = time.time()
        what, alert_id, serial = note.payload.split(",", 2)
        if what == "attempt":
            emit(f"attempt {alert_id} {at:.6f}")
        else:
            emit(f"commit {alert_id} {serial} {at:.6f}")


TRIGGER_SQL = f"""
CREATE OR REPLACE FUNCTION bench_alert_notify() RETURNS trigger AS $$
BEGIN
  PERFORM pg_notify('{CHANNEL}', 'commit,' || NEW.id::text || ',' || NEW.device_serial);
  RETURN NEW;
END $$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS bench_alert_notify ON alerts_alert;
CREATE TRIGGER bench_alert_notify AFTER INSERT ON alerts_alert
  FOR EACH ROW WHEN (NEW.kind = 'sos') EXECUTE FUNCTION bench_alert_notify();
CREATE OR REPLACE FUNCTION bench_attempt_notify() RETURNS trigger AS $$
BEGIN
  PERFORM pg_notify('{CHANNEL}', 'attempt,' || NEW.alert_id::text || ',');
  RETURN NEW;
END $$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS bench_attempt_notify ON alerts_notificationattempt;
CREATE TRIGGER bench_attempt_notify AFTER INSERT ON alerts_notificationattempt
  FOR EACH ROW WHEN (NEW.step = 0) EXECUTE FUNCTION bench_attempt_notify();
"""
DROP_TRIGGER_SQL = """
DROP TRIGGER IF EXISTS bench_alert_notify ON alerts_alert;
DROP FUNCTION IF EXISTS bench_alert_notify();
DROP TRIGGER IF EXISTS bench_attempt_notify ON alerts_notificationattempt;
DROP FUNCTION IF EXISTS bench_attempt_notify();
"""


class Observer:
    """The observer process and what it saw (read on a thread)."""

    def __init__(self, gateway_port: int, gateway_delay: float) -> None:
        self.gateway_port = gateway_port
        self.committed: dict[str, tuple[str, float]] = {}  # serial -> (alert id, t)
        self.notified: dict[str, float] = {}  # alert id -> first t
        self.recorded: dict[str, float] = {}  # alert id -> first attempt row committed
        self.proc = subprocess.Popen(  # noqa: S603
            [
                sys.executable,
                str(Path(__file__).resolve()),
                "--observe",
                str(gateway_port),
                str(gateway_delay),
            ],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.proc.stdout is not None
        if self.proc.stdout.readline().strip() != "ready":
            sys.exit("the observer did not start")
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            parts = line.split()
            if parts[0] == "commit":
                self.committed.setdefault(parts[2], (parts[1], float(parts[3])))
            elif parts[0] == "gateway":
                self.notified.setdefault(parts[1], float(parts[2]))
            elif parts[0] == "attempt":
                self.recorded.setdefault(parts[1], float(parts[2]))

    def close(self) -> None:
        self.proc.terminate()
        self.proc.wait(10)


# --- Shared with bench/ingest_crash.py ---------------------------------------------------------


def sos_devices(devices: list[tuple[str, str]]) -> list[str]:
    """One SOS-capable device per elder; each elder gets a family contact (the first step of
    the critical ladder) and has no open SOS alert."""
    from django.conf import settings

    from silvercare.accounts.models import User
    from silvercare.alerts.choices import ACTIVE_STATUSES, AlertStatus
    from silvercare.alerts.models import Alert
    from silvercare.audit.services import AuditContext
    from silvercare.elders.models import Contact
    from silvercare.elders.services import contact_add
    from silvercare.monitoring.models import Device
    from silvercare.monitoring.simulator import SOS_TYPES

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    officer = User.objects.get(username="bench_ingest_officer")
    ctx = AuditContext(actor=officer, via="bench")
    serials = [s for s, t in devices if t in SOS_TYPES]
    chosen: dict[Any, str] = {}
    for device in Device.objects.filter(serial__in=serials).select_related("elder"):
        elder = device.elder
        if elder is not None and elder.pk not in chosen:
            chosen[elder.pk] = device.serial
            if not Contact.objects.filter(elder=elder, can_receive_alerts=True).exists():
                contact_add(
                    ctx=ctx,
                    elder=elder,
                    values={"name": "家属", "relationship": "child", "phone": "13800138000"},
                )
    Alert.objects.filter(kind="sos", status__in=ACTIVE_STATUSES).update(status=AlertStatus.RESOLVED)
    return sorted(chosen.values())


def sos_packet(serial: str, packet_id: int) -> bytes:
    from silvercare.monitoring.wire import publish_packet

    now = dt.datetime.now(dt.UTC)
    body = {"kind": "sos", "id": f"{serial}-sos-{time.time_ns()}", "ts": now.isoformat()}
    return publish_packet(
        f"silvercare/v1/{serial}/sos", json.dumps(body, separators=(",", ":")).encode(), packet_id
    )


def worker_env(port: int, **extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "MQTT_URL": f"mqtt://127.0.0.1:{port}",
        # The simulated devices send far faster than real ones: no flood limit here.
        "SILVERCARE_INGEST_DEVICE_RATE": "1000000000",
        "SILVERCARE_INGEST_DEVICE_BURST": "1000000000",
        "LOG_LEVEL": "WARNING",
        **extra,
    }


def start_worker(env: dict[str, str], client_id: str, *extra: str) -> subprocess.Popen[bytes]:
    """One ``silvercare ingest`` worker with the product's default batch size and window
    (both lanes, unless ``extra`` says ``--lanes …``)."""
    return subprocess.Popen(  # noqa: S603
        [str(ROOT / ".venv" / "bin" / "silvercare"), "ingest", "--client-id", client_id, *extra],
        env=env,
        stdout=subprocess.DEVNULL,
    )


def wait_subscribed(port: int, devices: list[tuple[str, str]]) -> None:
    """Publish probes until the worker stores one."""
    before = base._accepted()
    deadline = time.time() + 180  # two Django processes starting on a busy machine
    n = 0
    while base._accepted() == before:
        n += 1
        base.publish(port, base.make_packets(devices[:1], 1, 20_000 + n))
        time.sleep(0.3)
        if time.time() > deadline:
            sys.exit("the ingest worker did not start")


def paced_publish(
    publisher: Any,
    packets: list[bytes],
    rate: float,
    events: list[tuple[float, Any]],
) -> float:
    """Send ``packets`` at ``rate`` messages/s, every ``TICK``; ``events`` are
    (seconds after the start, callable) run at their moment (they publish SOS presses,
    kill workers…). Returns the time spent. The caller waits for the PUBACKs."""
    per_tick = max(1, round(rate * TICK))
    began = time.monotonic()
    pending = sorted(events, key=lambda e: e[0])
    sent = 0
    tick = 0
    while sent < len(packets) or pending:
        tick += 1
        due = began + tick * TICK
        while pending and pending[0][0] <= due - began:
            pending.pop(0)[1]()
        chunk = packets[sent : sent + per_tick]
        if chunk:
            with publisher._room:  # the publisher's in-flight window
                while publisher.sent + len(chunk) - publisher.acked > publisher.window:
                    publisher._room.wait(1.0)
            publisher.sock.sendall(b"".join(chunk))
            publisher.sent += len(chunk)
            sent += len(chunk)
        pause = due - time.monotonic()
        if pause > 0:
            time.sleep(pause)
    return time.monotonic() - began


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[rank]


def summary(values: list[float]) -> dict[str, float]:
    return {
        "n": len(values),
        "p50_ms": round(percentile(values, 50), 1),
        "p99_ms": round(percentile(values, 99), 1),
        "max_ms": round(max(values), 1) if values else float("nan"),
    }


def loadavg() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


# --- The benchmark ----------------------------------------------------------------------------


def run(args: argparse.Namespace) -> dict[str, Any]:
    from django.db import connection

    from silvercare.alerts.models import Alert, NotificationAttempt
    from silvercare.monitoring.wire import RawPublisher

    devices = base.prepare(args.elders, args.devices)
    sos_serials = sos_devices(devices)
    if len(sos_serials) < args.sos:
        sys.exit(f"only {len(sos_serials)} elders with an SOS device: use --elders/--devices")
    rng = random.Random(args.seed)
    presses = sorted(
        zip(
            rng.sample(sos_serials, args.sos),
            [rng.uniform(1, args.seconds - 1) for _ in range(args.sos)],
            strict=True,
        ),
        key=lambda p: p[1],
    )
    background = base.make_packets(devices, int(args.rate * args.seconds), args.seed)
    with connection.cursor() as cursor:
        cursor.execute(TRIGGER_SQL)
    gateway_port = base._free_port()
    load_before = loadavg()
    with tempfile.TemporaryDirectory() as tmp:
        broker, port = base.start_broker(Path(tmp))
        watcher = Observer(gateway_port, args.gateway_delay)
        env = worker_env(
            port,
            ALERTS_GATEWAY_URL=f"http://127.0.0.1:{gateway_port}/sms",
            ALERTS_GATEWAY_TIMEOUT=str(max(3.0, args.gateway_delay + 2)),
        )
        if args.split:
            urgent = start_worker(env, "bench-alert-latency-u", "--lanes", "urgent")
            time.sleep(1.0)
            worker = start_worker(env, "bench-alert-latency", "--lanes", "bulk")
        else:
            urgent = None
            worker = start_worker(env, "bench-alert-latency")
        published: dict[str, float] = {}
        try:
            wait_subscribed(port, devices)
            publisher = RawPublisher("127.0.0.1", port, client_id=f"bench-pub-{time.time_ns()}")

            def press(serial: str, packet_id: int) -> Any:
                def go() -> None:
                    packet = sos_packet(serial, packet_id)
                    published[serial] = time.time()
                    publisher.sock.sendall(packet)
                    publisher.sent += 1

                return go

            # Packet ids of the presses are kept apart from the background's (1…65535 cycling
            # is fine for the broker; distinct ids just make the capture readable).
            events = [(at, press(s, 60_000 + i)) for i, (s, at) in enumerate(presses)]
            accepted_before = base._accepted()
            t0 = time.time()
            spent = paced_publish(publisher, background, args.rate, events)
            publisher.wait_acked(60)
            publisher.close()
            ingest_done = time.time()
            ingested = base._accepted() - accepted_before
            # Then wait for the SOS still queued behind the backlog (at most --drain s).
            deadline = time.time() + args.drain
            while time.time() < deadline:
                observed = [watcher.committed.get(s) for s in published]
                if all(x is not None and x[0] in watcher.notified for x in observed):
                    break
                time.sleep(0.1)
            backlog = len(background) + len(presses) - (base._accepted() - accepted_before)
        finally:
            for proc in (worker, urgent):
                if proc is not None:
                    proc.send_signal(signal.SIGTERM)
                    proc.wait(30)
            watcher.close()
            for client_id in ("bench-alert-latency", "bench-alert-latency-urgent"):
                base._forget_session(port, client_id)
            base._forget_session(port, "bench-alert-latency-u-urgent")
            broker.terminate()
            broker.wait(10)
            with connection.cursor() as cursor:
                cursor.execute(DROP_TRIGGER_SQL)
    load_after = loadavg()
    to_commit: list[float] = []
    to_notify: list[float] = []
    to_record: list[float] = []
    missing: list[str] = []
    for serial, sent_at in published.items():
        seen = watcher.committed.get(serial)
        if seen is None:
            missing.append(serial)
            continue
        alert_id, committed = seen
        to_commit.append((committed - sent_at) * 1000)
        if alert_id in watcher.notified:
            to_notify.append((watcher.notified[alert_id] - sent_at) * 1000)
        if alert_id in watcher.recorded:
            to_record.append((watcher.recorded[alert_id] - sent_at) * 1000)
    alert_ids = [a for a, _t in watcher.committed.values()]
    first_attempts = {
        str(a.alert_id): a
        for a in NotificationAttempt.objects.filter(alert_id__in=alert_ids).order_by("-at", "-id")
    }
    outcomes: dict[str, int] = {}
    for attempt in first_attempts.values():
        key = f"{attempt.channel}:{attempt.outcome}"
        outcomes[key] = outcomes.get(key, 0) + 1
    return {
        "seconds": args.seconds,
        "sos": len(presses),
        "background_target_rate": args.rate,
        "background_published_rate": round(len(background) / spent),
        "ingested_rate": round(ingested / (ingest_done - t0)),
        "ingested": ingested,
        "backlog_after_drain": backlog,
        "gateway_delay_s": args.gateway_delay,
        "urgent_lane": "own process" if args.split else "thread of the ingest process",
        "publish_to_committed": summary(to_commit),
        "publish_to_notified": summary(to_notify),
        "publish_to_attempt_recorded": summary(to_record),
        "sos_without_alert": missing,
        "sos_alerts": Alert.objects.filter(pk__in=alert_ids).count(),
        "first_attempt_outcomes": outcomes,
        "load_before": load_before,
        "load_after": load_after,
        "machine": base.machine(),
        "at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rate", type=float, default=5000, help="background messages/s")
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--sos", type=int, default=60, help="SOS presses (distinct elders)")
    parser.add_argument("--gateway-delay", type=float, default=0.0, metavar="SECONDS")
    parser.add_argument("--elders", type=int, default=200)
    parser.add_argument("--devices", type=int, default=400)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--split",
        action="store_true",
        help="the urgent lane in a process of its own (--lanes urgent / --lanes bulk)",
    )
    parser.add_argument(
        "--drain", type=float, default=60, help="wait at most SECONDS for late SOS after the load"
    )
    parser.add_argument("--observe", nargs=2, metavar=("GATEWAY_PORT", "DELAY"))
    args = parser.parse_args()
    if args.observe:
        dsn = os.environ["DATABASE_URL"]
        observer(dsn, int(args.observe[0]), float(args.observe[1]))
        return
    base.setup_django()
    result = run(args)
    c, n = result["publish_to_committed"], result["publish_to_notified"]
    r = result["publish_to_attempt_recorded"]
    m = result["machine"]
    print(
        f"background: target {args.rate:,.0f} msg/s, published "
        f"{result['background_published_rate']:,} msg/s, ingested "
        f"{result['ingested_rate']:,} msg/s while publishing; "
        f"{result['backlog_after_drain']:,} still queued at the end\n"
        f"SOS publish → alert committed:      p50 {c['p50_ms']} ms, p99 {c['p99_ms']} ms, "
        f"max {c['max_ms']} ms (n={c['n']})\n"
        f"SOS publish → SMS gateway handed:   p50 {n['p50_ms']} ms, p99 {n['p99_ms']} ms, "
        f"max {n['max_ms']} ms (n={n['n']})\n"
        f"SOS publish → attempt row committed: p50 {r['p50_ms']} ms, p99 {r['p99_ms']} ms, "
        f"max {r['max_ms']} ms (n={r['n']})\n"
        f"SOS without an alert: {len(result['sos_without_alert'])}; first attempts "
        f"{result['first_attempt_outcomes']}\n"
        f"machine: {m['cpu']}, {m['cpus']} cores, PostgreSQL {m['postgresql']}, "
        f"{m['mosquitto']}; load average {result['load_before']} → {result['load_after']}",
        flush=True,
    )
    RESULTS_DIR.mkdir(exist_ok=True)
    name = "alert_latency.json" if not args.gateway_delay else "alert_latency_slow_gateway.json"
    (RESULTS_DIR / name).write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
