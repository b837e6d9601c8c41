# ruff: noqa: T201 - a command-line script reports by printing
"""Write public test data in the ``silvercare fall-eval`` folder format.

    .venv/bin/python scripts/falls/export_eval_set.py --data /work/data/falls

Writes, under DATA (never into the repository):

* ``eval_sisfall_test_waist/``: the SisFall test subjects (every subject not in the training
  split of scripts/falls/train.py), ADXL345 at its native 200 Hz, in g;
* ``eval_sisfall_test_waist_mma8451q/``: the same trials from the data set's second
  accelerometer (MMA8451Q, ±8 g) — another device at the same place;
* ``eval_umafall_<placement>/`` for wrist, waist and chest: every UMAFall trial with that mote
  (about 20 Hz, timestamps as recorded). The wrist and chest detectors were trained on all of
  UMAFall, so fall-eval on those folders measures the training set; their honest figures are the
  leave-subjects-out ones printed by train.py. The waist detector never saw UMAFall: its folder
  is an external check.

Then e.g. ``silvercare fall-eval /work/data/falls/eval_sisfall_test_waist --placement waist``.
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections.abc import Iterable
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from train import SISFALL_TEST_SUBJECTS  # noqa: E402

from silvercare.falldetect import datasets  # noqa: E402


def write_folder(folder: Path, recordings: Iterable[datasets.Recording]) -> int:
    folder.mkdir(parents=True, exist_ok=True)
    count = 0
    with open(folder / "labels.csv", "w", newline="", encoding="utf-8") as labels:
        writer = csv.writer(labels)
        writer.writerow(["file", "is_fall"])
        for recording in recordings:
            name = f"{recording.name}.csv"
            table = np.column_stack([recording.t, recording.acc])
            np.savetxt(
                folder / name,
                table,
                delimiter=",",
                fmt=["%.4f", "%.8g", "%.8g", "%.8g"],
                header="t,ax,ay,az",
                comments="",
            )
            writer.writerow([name, int(recording.is_fall)])
            count += 1
    return count


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", type=Path, default=Path("/work/data/falls"))
    parser.add_argument(
        "--only",
        nargs="+",
        default=["sisfall", "sisfall-mma", "umafall"],
        choices=["sisfall", "sisfall-mma", "umafall"],
    )
    args = parser.parse_args(argv)
    sisfall = args.data / "SisFall_dataset"
    if "sisfall" in args.only:
        n = write_folder(
            args.data / "eval_sisfall_test_waist",
            datasets.load_sisfall(sisfall, SISFALL_TEST_SUBJECTS),
        )
        print(f"eval_sisfall_test_waist: {n} recordings")
    if "sisfall-mma" in args.only:
        n = write_folder(
            args.data / "eval_sisfall_test_waist_mma8451q",
            datasets.load_sisfall(sisfall, SISFALL_TEST_SUBJECTS, sensor="mma8451q"),
        )
        print(f"eval_sisfall_test_waist_mma8451q: {n} recordings")
    if "umafall" in args.only:
        for placement in ("wrist", "waist", "chest"):
            skipped: list[str] = []
            n = write_folder(
                args.data / f"eval_umafall_{placement}",
                datasets.load_umafall(args.data / "UMAFall_Dataset", placement, skipped=skipped),
            )
            print(f"eval_umafall_{placement}: {n} recordings ({len(skipped)} unreadable files)")


if __name__ == "__main__":
    main()
