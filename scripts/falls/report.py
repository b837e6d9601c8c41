# ruff: noqa: T201 - a command-line script reports by printing
"""Final figures of the shipped detectors, for docs/fall-detection.md.

    .venv/bin/python scripts/falls/report.py --data /work/data/falls

* waist detector on the SisFall **test** subjects (never used for any choice), ADXL345 and the
  second sensor (MMA8451Q), with misses and false alarms by activity code;
* waist detector on UMAFall's waist mote (a device and people it never saw);
* the 2.5 g peak-threshold baseline beside each.

The wrist and chest figures to quote are the leave-subjects-out ones of train.py (stored in the
model files under ``training.leave_subjects_out``); this script prints them from there.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from train import SISFALL_TEST_SUBJECTS, load_cached  # noqa: E402

from silvercare.falldetect import datasets  # noqa: E402
from silvercare.falldetect.detector import FallDetector, detector_for  # noqa: E402
from silvercare.falldetect.evaluation import Outcome, baseline_alarms, summary_lines  # noqa: E402
from silvercare.falldetect.signal import RecordingError, check_recording  # noqa: E402


def evaluate(detector: FallDetector, recordings: list[datasets.Recording]) -> list[Outcome]:
    kept = []
    for r in recordings:
        try:
            check_recording(r.t, r.acc, min_duration_s=detector.min_duration_s)
        except RecordingError as error:
            print(f"  skipped {r.name}: {error}")
            continue
        kept.append(r)
    alarms = detector.detect_many([(r.t, r.acc) for r in kept])
    return [
        Outcome(
            name=r.name,
            is_fall=r.is_fall,
            duration_s=r.duration_s,
            alarms=tuple(found),
            baseline_alarms=tuple(baseline_alarms(r.t, r.acc, detector.refractory_s)),
            group=r.activity,
        )
        for r, found in zip(kept, alarms, strict=True)
    ]


def show(title: str, outcomes: list[Outcome]) -> None:
    print(f"\n## {title}")
    for line in summary_lines(outcomes):
        print("  " + line)
    missed = Counter(o.group for o in outcomes if o.is_fall and not o.detected)
    alarms = Counter(o.group for o in outcomes if not o.is_fall for _ in o.alarms)
    totals = Counter(o.group for o in outcomes)
    print(
        "  missed falls by activity: "
        + (", ".join(f"{code} {n}/{totals[code]}" for code, n in sorted(missed.items())) or "none")
    )
    print(
        "  false alarms by activity: "
        + (", ".join(f"{code} {n}" for code, n in sorted(alarms.items())) or "none")
    )
    names = [o.name for o in outcomes if o.is_fall != o.detected]
    print("  wrong recordings: " + (", ".join(sorted(names)) or "none"))
    base_missed = Counter(o.group for o in outcomes if o.is_fall and not o.baseline_detected)
    base_alarms = Counter(o.group for o in outcomes if not o.is_fall for _ in o.baseline_alarms)
    print("  baseline misses: " + ", ".join(f"{c} {n}" for c, n in sorted(base_missed.items())))
    print(
        "  baseline false alarms: " + ", ".join(f"{c} {n}" for c, n in sorted(base_alarms.items()))
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=Path("/work/data/falls"))
    parser.add_argument("--cache", type=Path, default=None)
    args = parser.parse_args(argv)
    cache = args.cache or args.data / "cache"
    sisfall = args.data / "SisFall_dataset"
    waist = detector_for("waist")

    for sensor in ("adxl345", "mma8451q"):
        recordings = load_cached(
            cache,
            f"sisfall_test_{sensor}",
            lambda sensor=sensor: datasets.load_sisfall(
                sisfall, SISFALL_TEST_SUBJECTS, sensor=sensor
            ),
        )
        outcomes = evaluate(waist, recordings)
        subjects = sorted({r.subject for r in recordings})
        show(f"waist, SisFall test split ({sensor}; {', '.join(subjects)})", outcomes)

    skipped: list[str] = []
    uma_waist = load_cached(
        cache,
        "umafall_waist",
        lambda: datasets.load_umafall(args.data / "UMAFall_Dataset", "waist", skipped=skipped),
    )
    show(
        "waist detector on UMAFall waist (external: other people, other device, 20 Hz)",
        evaluate(waist, uma_waist),
    )

    for placement in ("wrist", "chest"):
        try:
            model = detector_for(placement).model
        except ValueError:
            continue
        loso = model.metadata.get("leave_subjects_out")
        print(f"\n## {placement}: UMAFall leave-subjects-out (from the model file)\n  {loso}")
    print()
    print(
        "inputs per SisFall test recording at 200 Hz:",
        int(np.median([len(r.t) for r in recordings])),
        "samples (median)",
    )


if __name__ == "__main__":
    main()
