"""Monitoring rules micro-benchmark: readings/s per rule and through the engine, ticks/s.

    .venv/bin/python bench/rules.py [--readings 200000] [--repeat 5]

Readings are built up front (the ingest builds them while decoding); the timed loop is only
the rule call, as the ingest makes it. "best" is the fastest of the repeats (on a shared
machine the median carries other jobs' load); both are printed. No database, no Django.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

import shapely  # noqa: E402

from silvercare.monitoring.rules import (  # noqa: E402
    device,
    engine,
    geofence,
    inactivity,
    medication,
    sos,
    thresholds,
)
from silvercare.monitoring.rules.reading import Reading  # noqa: E402

T0 = datetime(2026, 12, 1, tzinfo=UTC)
HOME = (22.5431, 114.0579)


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return (
        f"{cpu}, {os.cpu_count()} cores, load {load:.1f}, Python {platform.python_version()}, "
        f"shapely {shapely.__version__}, {platform.system()} {platform.release()}"
    )


def stream(kind: str, n: int, make: Callable[[int], dict[str, Any]]) -> list[Reading]:
    return [Reading("W1", "e1", kind, T0 + timedelta(seconds=5 * i), make(i)) for i in range(n)]


def spo2(i: int) -> dict[str, Any]:
    # mostly normal, with runs of low SpO2 so pending/active/clear paths are exercised
    return {"percent": 87 if (i // 50) % 4 == 0 else 96}


def bp(i: int) -> dict[str, Any]:
    high = (i // 200) % 10 == 0  # a hypertensive spell now and then
    return {"systolic": 185 if high else 130, "diastolic": 85, "pulse": 70 + i % 20}


def location(i: int) -> dict[str, Any]:
    # a walk out of the home zone and back, every 400 fixes
    metres = abs((i % 400) - 200) * 3.0
    return {"lat": HOME[0] + metres / 110_574.0, "lon": HOME[1], "accuracy_m": 10}


def timed(fn: Callable[[], object], repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return times


def report(label: str, count: int, times: list[float], unit: str = "readings") -> None:
    best, median = count / min(times), count / statistics.median(times)
    print(f"{label:<34} {best:>12,.0f} {unit}/s best  {median:>12,.0f} median")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--readings", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    n, repeat = args.readings, args.repeat
    random.seed(7)
    print(f"machine: {machine()}")
    print(f"{n:,} readings per run, {repeat} runs\n")

    block = [[HOME[1] + dx / 1e4, HOME[0] + dy / 1e4] for dx, dy in
             ((-20, -20), (20, -20), (25, 0), (20, 20), (-20, 20), (-25, 0))]  # fmt: skip
    circle = {"id": "home", "lat": HOME[0], "lon": HOME[1], "radius_m": 300}
    cases: list[tuple[str, Any, Any, list[Reading]]] = [
        ("thresholds (spo2)", thresholds.compile_config(["copd"]),
         thresholds.evaluate, stream("spo2", n, spo2)),
        ("thresholds (bp: 3 metrics)", thresholds.compile_config(["copd"]),
         thresholds.evaluate, stream("bp", n, bp)),
        ("geofence (1 safe circle)", geofence.compile_config({"zones": [circle]}),
         geofence.evaluate, stream("location", n, location)),
        ("geofence (1 safe polygon)", geofence.compile_config({"zones": [{"polygon": block}]}),
         geofence.evaluate, stream("location", n, location)),
        ("geofence (circle+polygon+danger)", geofence.compile_config(
            {"zones": [circle, {"id": "b", "polygon": block},
                       {"id": "river", "type": "danger", "lat": 22.56, "lon": 114.06,
                        "radius_m": 100}]}),
         geofence.evaluate, stream("location", n, location)),
        ("inactivity (motion)", inactivity.compile_config({}, "Asia/Shanghai"),
         inactivity.evaluate, stream("motion", n, lambda i: {"room": "hall"})),
        ("inactivity (bed)", inactivity.compile_config({}, "Asia/Shanghai"),
         inactivity.evaluate, stream("bed", n, lambda i: {"occupied": i % 100 < 90})),
        ("sos (presses)", sos.compile_config({}), sos.evaluate,
         stream("sos", n // 10, lambda i: {"presses": 1})),
        ("device (battery)", device.compile_config({}), device.evaluate,
         stream("battery", n, lambda i: {"percent": 100 - (i % 100)})),
        ("device (heartbeat)", device.compile_config({}), device.evaluate,
         stream("heartbeat", n, lambda i: {})),
        ("medication (pill box)", medication.compile_config(
            {"doses": [{"time": "08:00"}, {"time": "20:00"}]}, "Asia/Shanghai"),
         medication.evaluate, stream("pill_box", n // 10, lambda i: {"opened": True})),
    ]  # fmt: skip
    for label, config, fn, readings in cases:

        def run(config: Any = config, fn: Any = fn, readings: list[Reading] = readings) -> None:
            state: dict[str, Any] = {}
            for r in readings:
                state = fn(config, state, r)[0]

        report(label, len(readings), timed(run, repeat))

    rules = engine.compile_rules(
        {"geofence": {"zones": [circle]}, "medication": {"doses": [{"time": "08:00"}]}},
        conditions=["copd"],
    )
    kinds: list[tuple[str, Callable[[int], dict[str, Any]]]] = [
        ("spo2", spo2), ("hr", lambda i: {"bpm": 72}), ("location", location),
        ("motion", lambda i: {"room": "hall"}), ("heartbeat", lambda i: {}),
    ]  # fmt: skip
    elders = 1000
    mixed = [
        Reading(f"D{i % elders}", f"e{i % elders}", kinds[i % 5][0],
                T0 + timedelta(seconds=i // elders * 5), kinds[i % 5][1](i // elders))
        for i in range(n)
    ]  # fmt: skip

    def run_engine() -> None:
        states: dict[str, dict[str, dict[str, Any]]] = {}
        for r in mixed:
            elder = states.get(r.elder_id)
            if elder is None:
                elder = states[r.elder_id] = {}
            engine.evaluate(rules, elder, r)

    print()
    report(f"engine, mixed kinds, {elders} elders", len(mixed), timed(run_engine, repeat))

    states = {f"e{i}": {} for i in range(elders)}
    for r in mixed:
        engine.evaluate(rules, states[r.elder_id], r)
    now = T0 + timedelta(hours=3)

    def run_ticks() -> None:
        for elder in states.values():
            engine.tick(rules, elder, now)

    report("engine.tick (all rules)", elders, timed(run_ticks, repeat), unit="elders")


if __name__ == "__main__":
    main()
