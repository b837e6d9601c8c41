"""Realistic telemetry for the demo, the tests and the benchmarks (``silvercare simulate``).

``messages_for`` makes v1 messages for a device type (vitals with a configurable share of
abnormal values, SOS presses, locations that may wander off); over MQTT they go through
``wire.RawPublisher``, which sends pre-encoded QoS 1 packets as fast as the broker takes
them (the publisher is never the bottleneck of a benchmark)."""

from __future__ import annotations

import datetime as dt
import json
import random
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from silvercare.monitoring.broker import TOPIC_ROOT

KINDS_BY_TYPE: dict[str, tuple[str, ...]] = {
    "watch": ("hr", "spo2", "steps", "location", "battery"),
    "band": ("hr", "spo2", "steps", "battery"),
    "pendant": ("location", "battery", "heartbeat"),
    "sos_button": ("heartbeat", "battery"),
    "sos_card": ("heartbeat", "location"),
    "bp_monitor": ("bp",),
    "glucometer": ("glucose",),
    "pulse_oximeter": ("spo2", "hr"),
    "thermometer": ("temperature",),
    "bed_sensor": ("bed",),
    "door_sensor": ("door", "heartbeat"),
    "motion_sensor": ("motion", "heartbeat"),
    "smoke_sensor": ("smoke", "heartbeat"),
    "gas_sensor": ("gas", "heartbeat"),
    "water_leak_sensor": ("water_leak", "heartbeat"),
    "pill_box": ("pill_box", "battery"),
    "gateway": ("heartbeat",),
}
SOS_TYPES = frozenset({"watch", "band", "pendant", "sos_button", "sos_card"})


@dataclass(frozen=True)
class Rates:
    """Shares of messages (or devices, for ``offline``) that are out of the ordinary."""

    sos: float = 0.0005
    abnormal: float = 0.02
    wander: float = 0.01
    offline: float = 0.02


def _fields(
    kind: str, rng: random.Random, abnormal: bool, home: tuple[float, float]
) -> dict[str, object]:
    if kind == "hr":
        return {"bpm": rng.choice([35, 150]) if abnormal else rng.randint(58, 95)}
    if kind == "spo2":
        return {"percent": rng.randint(82, 88) if abnormal else rng.randint(94, 99)}
    if kind == "bp":
        if abnormal:
            return {"systolic": rng.randint(165, 195), "diastolic": rng.randint(100, 118)}
        return {"systolic": rng.randint(110, 138), "diastolic": rng.randint(68, 88)}
    if kind == "glucose":
        return {"mmol_l": round(rng.uniform(2.6, 3.5) if abnormal else rng.uniform(4.5, 7.5), 1)}
    if kind == "temperature":
        return {
            "celsius": round(rng.uniform(38.3, 39.8) if abnormal else rng.uniform(36.2, 37.2), 1)
        }
    if kind == "steps":
        return {"count": rng.randint(0, 8000)}
    if kind == "location":
        spread = 0.02 if abnormal else 0.0008
        return {
            "lat": round(home[0] + rng.uniform(-spread, spread), 6),
            "lon": round(home[1] + rng.uniform(-spread, spread), 6),
            "accuracy_m": rng.randint(5, 30),
        }
    if kind == "battery":
        return {"percent": rng.randint(3, 9) if abnormal else rng.randint(20, 100)}
    if kind == "heartbeat":
        return {"rssi": rng.randint(-90, -40)}
    if kind == "bed":
        return {
            "occupied": rng.random() < 0.7,
            "hr": rng.randint(52, 80),
            "rr": rng.randint(10, 20),
        }
    if kind == "motion":
        return {"room": rng.choice(["kitchen", "bedroom", "hall"])}
    if kind == "door":
        return {"open": rng.random() < 0.5}
    if kind in {"smoke", "water_leak"}:
        return {"alarm": abnormal}
    if kind == "gas":
        return {"alarm": abnormal, "ppm": rng.randint(300, 900) if abnormal else rng.randint(0, 40)}
    if kind == "pill_box":
        return {"opened": True, "compartment": rng.randint(1, 7)}
    return {}


def message(
    *,
    serial: str,
    device_type: str,
    seq: int,
    ts: dt.datetime,
    rng: random.Random,
    rates: Rates,
    home: tuple[float, float] = (22.55, 114.09),
) -> tuple[str, bytes]:
    """(topic, payload) of one message of the device."""
    fields: dict[str, object]
    if device_type in SOS_TYPES and rng.random() < rates.sos:
        kind, fields = "sos", {"presses": 1}
    else:
        kind = rng.choice(KINDS_BY_TYPE.get(device_type, ("heartbeat",)))
        odd = rates.wander if kind == "location" else rates.abnormal
        fields = _fields(kind, rng, rng.random() < odd, home)
    body = {"kind": kind, "id": f"{serial}-{seq}", "ts": ts.isoformat(), **fields}
    return f"{TOPIC_ROOT}/{serial}/{kind}", json.dumps(body, separators=(",", ":")).encode()


def stream(
    devices: list[tuple[str, str]],
    *,
    count: int,
    start: dt.datetime,
    rate: float,
    rates: Rates,
    seed: int = 1,
    first_seq: int = 0,
) -> Iterator[tuple[str, str, bytes]]:
    """(serial, topic, payload) for ``count`` messages spread over the online devices, with
    timestamps as if sent at ``rate`` messages a second from ``start``."""
    rng = random.Random(seed)  # noqa: S311  # simulated data, reproducible by seed
    online = [d for d in devices if rng.random() >= rates.offline] or devices[:1]
    for n in range(count):
        serial, device_type = online[n % len(online)]
        ts = start + dt.timedelta(seconds=n / max(rate, 1.0))
        topic, payload = message(
            serial=serial, device_type=device_type, seq=first_seq + n, ts=ts, rng=rng, rates=rates
        )
        yield serial, topic, payload


# --- Replaying labelled accelerometer recordings (fall-eval's folder format) -----------------

STANDARD_GRAVITY = 9.80665


def recording_messages(
    *,
    serial: str,
    t: npt.ArrayLike,
    acc: npt.ArrayLike,
    start: dt.datetime,
    seq: int,
    rate_hz: int = 50,
    per_message: int = 50,
) -> list[tuple[str, str, bytes]]:
    """(serial, topic, payload) of the ``accel`` messages of one recording (``t`` in seconds,
    ``acc`` in g, any rate): resampled to ``rate_hz``, sent as m/s² in messages of
    ``per_message`` samples, the first sample at ``start``."""
    times = np.asarray(t, dtype=np.float64)
    values = np.asarray(acc, dtype=np.float64).reshape(-1, 3)
    grid = np.arange(0.0, float(times[-1] - times[0]) + 1e-9, 1.0 / rate_hz) + times[0]
    resampled = np.column_stack([np.interp(grid, times, values[:, i]) for i in range(3)])
    resampled = np.round(resampled * STANDARD_GRAVITY, 3)
    out = []
    for n, first in enumerate(range(0, len(grid), per_message)):
        part = resampled[first : first + per_message]
        body = {
            "kind": "accel",
            "id": f"{serial}-rec-{seq + n}",
            "ts": (start + dt.timedelta(seconds=first / rate_hz)).isoformat(),
            "rate_hz": rate_hz,
            "samples": part.tolist(),
        }
        payload = json.dumps(body, separators=(",", ":")).encode()
        out.append((serial, f"{TOPIC_ROOT}/{serial}/accel", payload))
    return out
