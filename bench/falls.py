"""Fall-detector benchmark: inference time per window, single and batched, per placement;
the whole pipeline per recording; and ``fall-eval`` on 1,000 synthetic recordings.

    .venv/bin/python bench/falls.py [--batch 256] [--repeat 200] [--recordings 1000]

No data set needed: windows come from synthetic recordings (silvercare.falldetect.synthetic).
"best" is the fastest of the repeats: on a shared machine the median carries other jobs' load.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from silvercare.falldetect import synthetic  # noqa: E402
from silvercare.falldetect.cli import fall_eval  # noqa: E402
from silvercare.falldetect.detector import available_placements, detector_for  # noqa: E402


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
        f"numpy {np.__version__}, {platform.system()} {platform.release()}"
    )


def timed(fn: object, repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()  # type: ignore[operator]
        times.append(time.perf_counter() - start)
    return times


def windows_for(placement: str, count: int) -> np.ndarray:
    detector = detector_for(placement)
    found = []
    seed = 0
    while sum(len(w) for w in found) < count:
        recording = synthetic.sample(synthetic.fall(at_s=6.0, seed=seed), 50, 15.0)
        walk = synthetic.sample(synthetic.walking(seed, cadence_hz=1.5), 50, 30.0)
        walk = (walk[0], walk[1] * 1.3 - 0.3 * synthetic.UPRIGHT)  # livelier: more candidates
        for t, acc in (recording, walk):
            found.append(detector.windows(t, acc).windows)
        seed += 1
    return np.concatenate(found)[:count]


def write_eval_set(folder: Path, count: int) -> None:
    rows = []
    for i in range(count):
        fall = i % 3 == 0
        signal = synthetic.fall(at_s=6.0, seed=i) if fall else synthetic.walking(i)
        t, acc = synthetic.sample(signal, 50, 15.0 if fall else 30.0)
        buffer = io.StringIO()
        np.savetxt(
            buffer,
            np.column_stack([t, acc]),
            delimiter=",",
            fmt="%.5f",
            header="t,ax,ay,az",
            comments="",
        )
        (folder / f"r{i:04d}.csv").write_text(buffer.getvalue())
        rows.append((f"r{i:04d}.csv", int(fall)))
    with open(folder / "labels.csv", "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["file", "is_fall"])
        writer.writerows(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--batch", type=int, default=256)
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument("--recordings", type=int, default=1000)
    args = parser.parse_args()
    print(f"machine: {machine()}")
    for placement in available_placements():
        detector = detector_for(placement)
        windows = windows_for(placement, args.batch)
        single = timed(lambda d=detector, w=windows: d.score_windows(w[:1]), args.repeat)
        batch = timed(lambda d=detector, w=windows: d.score_windows(w), max(10, args.repeat // 10))
        _, acc = synthetic.sample(synthetic.walking(1), 50, 60.0)
        pipeline = timed(lambda d=detector, a=acc: d.detect(a, 50), 20)
        print(
            f"{placement}: one window {1e6 * statistics.median(single):.0f} µs median, "
            f"{1e6 * min(single):.0f} µs best (p95 {1e6 * np.percentile(single, 95):.0f} µs); "
            f"batch of {len(windows)}: {1e6 * statistics.median(batch) / len(windows):.1f} µs "
            f"per window median, {1e6 * min(batch) / len(windows):.1f} µs best; "
            f"whole pipeline on 60 s at 50 Hz: {1e3 * statistics.median(pipeline):.1f} ms"
        )
    if args.recordings:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            write_eval_set(folder, args.recordings)
            out, err = io.StringIO(), io.StringIO()
            start = time.perf_counter()
            fall_eval(folder, "waist", out, err)
            elapsed = time.perf_counter() - start
        print(f"fall-eval on {args.recordings} recordings (15–30 s at 50 Hz): {elapsed:.1f} s")


if __name__ == "__main__":
    main()
