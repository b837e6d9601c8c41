"""``silvercare fall-eval DIR --placement P [--details]``: the shipped detector on labelled data.

DIR holds ``labels.csv`` (columns ``file,is_fall``) and one CSV per recording with columns
``t,ax,ay,az`` (seconds, g, any rate). A file that cannot be judged — missing, missing columns,
non-numeric values, too few samples, gaps, absurd magnitudes — is reported on its own line and
left out; the evaluation always runs to the end. Exit status: 0 when at least one recording was
evaluated, 1 when none could be, 2 when DIR has no usable labels.csv or the placement has no
detector.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import TextIO

import numpy as np

from silvercare.falldetect.detector import FallDetector, detector_for
from silvercare.falldetect.evaluation import (
    EvalSetError,
    LabelledFile,
    Outcome,
    baseline_alarms,
    iter_chunks,
    read_labels,
    read_recording,
    summary_lines,
)
from silvercare.falldetect.signal import RecordingError, check_recording

EXIT_OK = 0
EXIT_NOTHING_EVALUATED = 1
EXIT_INVALID = 2
BATCH = 64  # recordings whose windows are scored together


def _evaluate_batch(
    detector: FallDetector,
    folder: Path,
    batch: list[LabelledFile],
    skipped: list[tuple[str, str]],
) -> list[Outcome]:
    loaded: list[tuple[LabelledFile, np.ndarray, np.ndarray]] = []
    for item in batch:
        path = folder / item.file
        try:
            if not path.is_file():
                raise RecordingError("file not found")
            t, acc = read_recording(path)
            check_recording(t, acc, min_duration_s=detector.min_duration_s)
        except RecordingError as error:
            skipped.append((item.file, str(error)))
            continue
        loaded.append((item, t, acc))
    alarms = detector.detect_many([(t, acc) for _, t, acc in loaded])
    return [
        Outcome(
            name=item.file,
            is_fall=item.is_fall,
            duration_s=float(t[-1] - t[0]),
            alarms=tuple(found),
            baseline_alarms=tuple(baseline_alarms(t, acc, detector.refractory_s)),
        )
        for (item, t, acc), found in zip(loaded, alarms, strict=True)
    ]


def _times(alarms: tuple[float, ...]) -> str:
    return ", ".join(f"{when:.1f}" for when in alarms) if alarms else "-"


def fall_eval(
    folder: str | Path,
    placement: str,
    stdout: TextIO,
    stderr: TextIO,
    *,
    details: bool = False,
    detector: FallDetector | None = None,
) -> int:
    """Evaluate ``detector`` (the shipped one for ``placement`` by default) on ``folder``."""
    started = time.perf_counter()
    folder = Path(folder)
    try:
        chosen = detector or detector_for(placement)
    except ValueError as error:
        stderr.write(f"error: {error}\n")
        return EXIT_INVALID
    try:
        listing = read_labels(folder)
    except EvalSetError as error:
        stderr.write(f"error: {error}\n")
        return EXIT_INVALID
    skipped: list[tuple[str, str]] = list(listing.problems)
    outcomes: list[Outcome] = []
    for batch in iter_chunks(listing.files, BATCH):
        outcomes.extend(_evaluate_batch(chosen, folder, batch, skipped))
    elapsed = time.perf_counter() - started

    listed = len(listing.files) + len(listing.problems)
    stdout.write(f"fall-eval {folder} · placement {chosen.placement}\n")
    stdout.write(
        f"recordings: {listed} listed, {len(outcomes)} evaluated, {len(skipped)} skipped "
        f"({elapsed:.1f} s)\n"
    )
    for name, reason in skipped:
        stdout.write(f"skipped {name}: {reason}\n")
    if details and outcomes:
        stdout.write("\nfile\tlabel\tdetector\talarms (s)\tbaseline\tbaseline alarms (s)\n")
        for item in outcomes:
            stdout.write(
                f"{item.name}\t{'fall' if item.is_fall else 'no fall'}\t"
                f"{_verdict(item.detected, item.is_fall)}\t{_times(item.alarms)}\t"
                f"{_verdict(item.baseline_detected, item.is_fall)}\t"
                f"{_times(item.baseline_alarms)}\n"
            )
    stdout.write("\n")
    for line in summary_lines(outcomes):
        stdout.write(line.rstrip() + "\n")
    stdout.write("per recording; [95 % interval] (Wilson; exact Poisson for the hourly rate)\n")
    return EXIT_OK if outcomes else EXIT_NOTHING_EVALUATED


def _verdict(alarm: bool, is_fall: bool) -> str:
    if is_fall:
        return "detected" if alarm else "MISSED"
    return "FALSE ALARM" if alarm else "quiet"
