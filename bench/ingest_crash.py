"""Crash benchmark (issue 11): under load, ``kill -9`` the ``silvercare ingest`` worker three
times and restart it under the same client id; at the end no SOS is lost, no alert is
duplicated and every reading is stored exactly once (counted by message id).

Run (PostgreSQL, your own database; the broker is started here on a free port)::

    su postgres -c "createdb -O silvercare silvercare_bench_alert"
    DATABASE_URL=postgres://silvercare:silvercare@127.0.0.1:5432/silvercare_bench_alert \\
    .venv/bin/python bench/ingest_crash.py --rate 500 --seconds 40 --sos 20 --kills 3

The worker keeps a persistent session (clean_session false, stable client id) on the shared
subscription, so while it is dead the broker queues its messages, and the messages it had
received but not acknowledged (its batch was not committed) are sent again when it returns
(Mosquitto #2662: a non-persistent member would lose them). Redeliveries of what *was*
committed but not yet acknowledged are dropped by message id. The broker is the one
``bench/ingest.py`` starts (no queue limit that drops, persistence off: the broker stays up,
only the worker dies). Prints the figures and writes ``results/ingest_crash.json``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

import alert_latency as al
import ingest as base

CLIENT_ID = "bench-ingest-crash"


def stored_ids(since: dt.datetime) -> Counter[tuple[str, str]]:
    """(serial, msg id) → how many readings are stored for it, received since ``since``."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT d.serial, r.msg_id, count(*) FROM monitoring_reading r "
            "JOIN monitoring_device d ON d.id = r.device_id "
            "WHERE r.received_at >= %s GROUP BY d.serial, r.msg_id",
            [since],
        )
        return Counter({(serial, msg_id): n for serial, msg_id, n in cursor.fetchall()})


def counter(name: str) -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT value FROM monitoring_ingestcounter WHERE name = %s", [name])
        row = cursor.fetchone()
    return int(row[0]) if row else 0


def published_ids(packets: list[bytes]) -> list[tuple[str, str]]:
    """(serial, msg id) of each pre-encoded PUBLISH packet (QoS 1: topic, packet id, body)."""
    out = []
    for packet in packets:
        n, shift, i = 0, 0, 1
        while True:  # the remaining length
            byte = packet[i]
            n |= (byte & 0x7F) << shift
            i += 1
            shift += 7
            if not byte & 0x80:
                break
        topic_len = int.from_bytes(packet[i : i + 2], "big")
        topic = packet[i + 2 : i + 2 + topic_len].decode()
        body = json.loads(packet[i + 2 + topic_len + 2 :])
        out.append((topic.split("/")[2], str(body["id"])))
    return out


def run(args: argparse.Namespace) -> dict[str, Any]:
    from django.utils import timezone

    from silvercare.alerts.models import Alert, AlertEvent
    from silvercare.monitoring.wire import RawPublisher

    devices = base.prepare(args.elders, args.devices)
    sos_serials = al.sos_devices(devices)
    if len(sos_serials) < args.sos:
        sys.exit(f"only {len(sos_serials)} elders with an SOS device: use --elders/--devices")
    rng = random.Random(args.seed)
    presses = list(
        zip(
            rng.sample(sos_serials, args.sos),
            [rng.uniform(1, args.seconds - 1) for _ in range(args.sos)],
            strict=True,
        )
    )
    kill_at = [args.seconds * (k + 1) / (args.kills + 1) for k in range(args.kills)]
    background = base.make_packets(devices, int(args.rate * args.seconds), args.seed + 100)
    since = timezone.now()
    with tempfile.TemporaryDirectory() as tmp:
        broker, port = base.start_broker(Path(tmp))
        # The SMS gateway is not the point here: a local one that answers at once.
        watcher = al.Observer(base._free_port(), 0.0)
        gateway = f"http://127.0.0.1:{watcher.gateway_port}/sms"
        env = al.worker_env(port, ALERTS_GATEWAY_URL=gateway)
        state: dict[str, Any] = {"worker": al.start_worker(env, CLIENT_ID), "kills": []}
        sos_packets: list[bytes] = []
        try:
            al.wait_subscribed(port, devices)
            publisher = RawPublisher("127.0.0.1", port, client_id=f"bench-pub-{time.time_ns()}")

            def press(serial: str, packet_id: int) -> Any:
                def go() -> None:
                    packet = al.sos_packet(serial, packet_id)
                    sos_packets.append(packet)
                    publisher.sock.sendall(packet)
                    publisher.sent += 1

                return go

            def kill() -> None:
                worker: subprocess.Popen[bytes] = state["worker"]
                worker.send_signal(signal.SIGKILL)
                worker.wait(10)
                state["kills"].append(round(time.time() - t0, 1))
                # Restarted on a timer: the load goes on while the worker is down.
                restart = threading.Timer(args.down, restart_worker)
                restart.start()

            def restart_worker() -> None:
                state["worker"] = al.start_worker(env, CLIENT_ID)

            events = [(at, press(s, 60_000 + i)) for i, (s, at) in enumerate(presses)]
            events += [(at, kill) for at in kill_at]
            accepted_before = base._accepted()
            duplicates_before = counter("duplicate")
            t0 = time.time()
            spent = al.paced_publish(publisher, background, args.rate, events)
            publisher.wait_acked(120)
            publisher.close()
            expected = len(background) + len(sos_packets)
            # The counter counts messages stored once (redeliveries are "duplicate").
            last, still = -1, time.time()
            while base._accepted() - accepted_before < expected:
                now_count = base._accepted()
                if now_count != last:
                    last, still = now_count, time.time()
                elif time.time() - still > args.settle:
                    break
                time.sleep(0.2)
            drained = time.time() - t0
            time.sleep(1.0)
            redelivered = counter("duplicate") - duplicates_before
        finally:
            state["worker"].send_signal(signal.SIGTERM)
            state["worker"].wait(30)
            watcher.close()
            base._forget_session(port, CLIENT_ID)
            broker.terminate()
            broker.wait(10)
    sent = published_ids(background) + published_ids(sos_packets)
    stored = stored_ids(since)
    sent_set = set(sent)
    missing = [k for k in sent_set if stored[k] == 0]
    doubled = {k: n for k, n in stored.items() if n > 1}
    pressed = [s for s, _at in presses]
    from silvercare.monitoring.models import Device

    elder_of = dict(Device.objects.filter(serial__in=pressed).values_list("serial", "elder_id"))
    alerts = Counter(
        Alert.objects.filter(kind="sos", created_at__gte=since).values_list("elder_id", flat=True)
    )
    sos_lost = [s for s in pressed if alerts[elder_of[s]] == 0]
    sos_doubled = [s for s in pressed if alerts[elder_of[s]] > 1]
    raised_events = AlertEvent.objects.filter(
        alert__kind="sos", alert__created_at__gte=since
    ).values_list("alert_id", "type")
    events_per_alert = Counter(a for a, t in raised_events if t in ("raised", "attached"))
    return {
        "seconds": args.seconds,
        "rate_target": args.rate,
        "rate_published": round(len(background) / spent),
        "kills_at_s": state["kills"],
        "down_s": args.down,
        "drained_after_s": round(drained, 1),
        "published": len(sent),
        "redelivered_and_dropped": redelivered,
        "distinct_published": len(sent_set),
        "readings_stored_distinct": sum(1 for k in sent_set if stored[k] > 0),
        "readings_missing": len(missing),
        "readings_stored_twice_or_more": len(doubled),
        "missing_examples": [list(k) for k in missing[:5]],
        "sos_pressed": len(pressed),
        "sos_alerts": sum(alerts[elder_of[s]] for s in pressed),
        "sos_lost": len(sos_lost),
        "sos_duplicate_alerts": len(sos_doubled),
        "sos_alerts_with_more_than_one_event": sum(1 for n in events_per_alert.values() if n > 1),
        "load_after": al.loadavg(),
        "machine": base.machine(),
        "at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rate", type=float, default=500, help="background messages/s")
    parser.add_argument("--seconds", type=float, default=40)
    parser.add_argument("--sos", type=int, default=20, help="SOS presses (distinct elders)")
    parser.add_argument("--kills", type=int, default=3)
    parser.add_argument("--down", type=float, default=1.0, help="seconds the worker stays dead")
    parser.add_argument(
        "--settle", type=float, default=20, help="give up when nothing is stored for SECONDS"
    )
    parser.add_argument("--elders", type=int, default=200)
    parser.add_argument("--devices", type=int, default=400)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    base.setup_django()
    load_before = al.loadavg()
    result = {"load_before": load_before, **run(args)}
    r, m = result, result["machine"]
    ok = (
        not (r["readings_missing"] or r["readings_stored_twice_or_more"] or r["sos_lost"])
        and not r["sos_duplicate_alerts"]
    )
    result["ok"] = ok
    print(
        f"load: {r['rate_published']:,} msg/s for {r['seconds']:.0f} s, worker killed (-9) at "
        f"{r['kills_at_s']} s, down {r['down_s']} s each; all stored after "
        f"{r['drained_after_s']} s\n"
        f"readings: {r['distinct_published']:,} published, {r['readings_stored_distinct']:,} "
        f"stored, {r['readings_missing']} missing, {r['readings_stored_twice_or_more']} stored "
        f"twice or more; {r['redelivered_and_dropped']:,} redeliveries dropped by message id\n"
        f"SOS: {r['sos_pressed']} pressed, {r['sos_alerts']} alerts, {r['sos_lost']} lost, "
        f"{r['sos_duplicate_alerts']} duplicate alerts, "
        f"{r['sos_alerts_with_more_than_one_event']} alerts with a repeated event\n"
        f"{'OK' if ok else 'FAILED'}; machine: {m['cpu']}, {m['cpus']} cores, PostgreSQL "
        f"{m['postgresql']}, {m['mosquitto']}; load average {r['load_before']} → "
        f"{r['load_after']}",
        flush=True,
    )
    al.RESULTS_DIR.mkdir(exist_ok=True)
    (al.RESULTS_DIR / "ingest_crash.json").write_text(json.dumps(result, indent=2) + "\n")
    if not ok:
        sys.exit(1)


if __name__ == "__main__":
    main()
