"""Per-recording evaluation of a detector, shared by ``silvercare fall-eval`` and the scripts.

A recording counts as a detected fall when at least one alarm is raised in it. Sensitivity is
over fall recordings, specificity over the others; false alarms per hour count every alarm
(after merging alarms within the refractory period) in non-fall recordings per hour of them.
Intervals are Wilson score intervals at 95 %. The baseline is the plain peak-magnitude
threshold (2.5 g on the raw samples) evaluated on the same recordings.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import numpy.typing as npt

from silvercare.falldetect.signal import RecordingError, peak_threshold_alarms

FloatArray = npt.NDArray[np.float64]
BASELINE_G = 2.5
REQUIRED_COLUMNS = ("t", "ax", "ay", "az")
_TRUE = {"1", "true", "yes", "y", "fall"}
_FALSE = {"0", "false", "no", "n", "adl"}


def wilson(successes: int, total: int, z: float = 1.959963984540054) -> tuple[float, float]:
    """95 % Wilson score interval of a proportion; (nan, nan) when ``total`` is 0."""
    if total <= 0:
        return (math.nan, math.nan)
    p = successes / total
    denominator = 1 + z * z / total
    centre = (p + z * z / (2 * total)) / denominator
    half = z * math.sqrt(p * (1 - p) / total + z * z / (4 * total * total)) / denominator
    return (max(0.0, centre - half), min(1.0, centre + half))


@dataclass(frozen=True)
class Outcome:
    """One evaluated recording."""

    name: str
    is_fall: bool
    duration_s: float
    alarms: tuple[float, ...]
    baseline_alarms: tuple[float, ...]
    group: str = ""  # activity code or name, for breakdowns

    @property
    def detected(self) -> bool:
        return bool(self.alarms)

    @property
    def baseline_detected(self) -> bool:
        return bool(self.baseline_alarms)


@dataclass(frozen=True)
class Figures:
    """Sensitivity, specificity and false alarms per hour of one method on a set."""

    falls: int
    falls_detected: int
    adls: int
    adls_with_alarm: int
    adl_hours: float
    false_alarms: int

    @property
    def sensitivity(self) -> float:
        return self.falls_detected / self.falls if self.falls else math.nan

    @property
    def specificity(self) -> float:
        return (self.adls - self.adls_with_alarm) / self.adls if self.adls else math.nan

    @property
    def sensitivity_ci(self) -> tuple[float, float]:
        return wilson(self.falls_detected, self.falls)

    @property
    def specificity_ci(self) -> tuple[float, float]:
        return wilson(self.adls - self.adls_with_alarm, self.adls)

    @property
    def false_alarms_per_hour(self) -> float:
        return self.false_alarms / self.adl_hours if self.adl_hours > 0 else math.nan

    @property
    def false_alarms_per_hour_ci(self) -> tuple[float, float]:
        """Exact (Garwood) 95 % interval of a Poisson rate."""
        if self.adl_hours <= 0:
            return (math.nan, math.nan)
        low, high = poisson_interval(self.false_alarms)
        return (low / self.adl_hours, high / self.adl_hours)


def poisson_interval(count: int) -> tuple[float, float]:
    from scipy.stats import chi2

    low = 0.0 if count == 0 else float(chi2.ppf(0.025, 2 * count)) / 2
    high = float(chi2.ppf(0.975, 2 * count + 2)) / 2
    return (low, high)


def figures(outcomes: Iterable[Outcome], *, baseline: bool = False) -> Figures:
    falls = falls_detected = adls = adls_with_alarm = false_alarms = 0
    adl_seconds = 0.0
    for item in outcomes:
        alarms = item.baseline_alarms if baseline else item.alarms
        if item.is_fall:
            falls += 1
            falls_detected += bool(alarms)
        else:
            adls += 1
            adls_with_alarm += bool(alarms)
            false_alarms += len(alarms)
            adl_seconds += item.duration_s
    return Figures(
        falls=falls,
        falls_detected=falls_detected,
        adls=adls,
        adls_with_alarm=adls_with_alarm,
        adl_hours=adl_seconds / 3600,
        false_alarms=false_alarms,
    )


def percent(value: float) -> str:
    return "n/a" if math.isnan(value) else f"{100 * value:.1f} %"


def interval(bounds: tuple[float, float]) -> str:
    low, high = bounds
    if math.isnan(low):
        return ""
    return f"[{100 * low:.1f}–{100 * high:.1f}]"


def summary_lines(outcomes: list[Outcome]) -> list[str]:
    """The figures of the detector and the baseline side by side."""
    ours, base = figures(outcomes), figures(outcomes, baseline=True)
    width = 36

    def row(label: str, left: str, right: str) -> str:
        return f"{label:<24}{left:<{width}}{right}"

    def rate(fig: Figures) -> str:
        if math.isnan(fig.false_alarms_per_hour):
            return "n/a"
        low, high = fig.false_alarms_per_hour_ci
        return (
            f"{fig.false_alarms_per_hour:.2f} ({fig.false_alarms} in {fig.adl_hours:.2f} h) "
            f"[{low:.2f}–{high:.2f}]"
        )

    return [
        row("", "detector", f"baseline (peak |a| ≥ {BASELINE_G:g} g)"),
        row(
            "sensitivity",
            f"{percent(ours.sensitivity)} ({ours.falls_detected}/{ours.falls}) "
            f"{interval(ours.sensitivity_ci)}",
            f"{percent(base.sensitivity)} ({base.falls_detected}/{base.falls}) "
            f"{interval(base.sensitivity_ci)}",
        ),
        row(
            "specificity",
            f"{percent(ours.specificity)} ({ours.adls - ours.adls_with_alarm}/{ours.adls}) "
            f"{interval(ours.specificity_ci)}",
            f"{percent(base.specificity)} ({base.adls - base.adls_with_alarm}/{base.adls}) "
            f"{interval(base.specificity_ci)}",
        ),
        row("false alarms per hour", rate(ours), rate(base)),
    ]


# --- the fall-eval folder format -------------------------------------------------------------


@dataclass(frozen=True)
class LabelledFile:
    file: str
    is_fall: bool


@dataclass
class Listing:
    files: list[LabelledFile] = field(default_factory=list)
    problems: list[tuple[str, str]] = field(default_factory=list)  # (file or row, reason)


class EvalSetError(ValueError):
    """The folder cannot be evaluated at all (no readable labels.csv)."""


def read_labels(folder: Path) -> Listing:
    """``folder/labels.csv`` with columns ``file,is_fall``; bad rows become problems."""
    path = Path(folder) / "labels.csv"
    listing = Listing()
    seen: set[str] = set()
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            header = [name.strip() for name in (reader.fieldnames or [])]
            if "file" not in header or "is_fall" not in header:
                raise EvalSetError(f"{path} must have the columns file,is_fall")
            reader.fieldnames = header
            for number, row in enumerate(reader, start=2):
                name = (row.get("file") or "").strip()
                label = (row.get("is_fall") or "").strip().lower()
                where = name or f"labels.csv row {number}"
                if not name:
                    listing.problems.append((where, "no file name"))
                elif Path(name).is_absolute() or ".." in Path(name).parts:
                    listing.problems.append((where, "file must be a path inside the folder"))
                elif name in seen:
                    listing.problems.append((where, f"listed twice (row {number})"))
                elif label not in _TRUE | _FALSE:
                    listing.problems.append((where, f"is_fall must be 1 or 0, not {label!r}"))
                else:
                    seen.add(name)
                    listing.files.append(LabelledFile(name, label in _TRUE))
    except OSError as error:
        raise EvalSetError(f"cannot read {path}: {error.strerror or error}") from error
    except (csv.Error, UnicodeDecodeError) as error:
        raise EvalSetError(f"{path} is not a readable CSV file: {error}") from error
    return listing


def read_recording(path: Path) -> tuple[FloatArray, FloatArray]:
    """A ``t,ax,ay,az`` CSV (any column order, other columns ignored) → (t, acc in g).

    Raises :class:`RecordingError` for anything unreadable."""
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            first = handle.readline()
            header = [name.strip().lower() for name in next(csv.reader([first]), [])]
            missing = [name for name in REQUIRED_COLUMNS if name not in header]
            if missing:
                raise RecordingError(f"missing column(s) {', '.join(missing)}")
            columns = [header.index(name) for name in REQUIRED_COLUMNS]
            try:
                data = np.loadtxt(handle, delimiter=",", usecols=columns, ndmin=2, dtype=np.float64)
            except ValueError as error:
                message = str(error).splitlines()[0]
                raise RecordingError(f"non-numeric or missing value: {message}") from None
    except OSError as error:
        raise RecordingError(f"cannot read: {error.strerror or error}") from None
    except UnicodeDecodeError:
        raise RecordingError("not UTF-8 text") from None
    return data[:, 0], data[:, 1:4]


def baseline_alarms(t: FloatArray, acc: FloatArray, refractory_s: float) -> list[float]:
    return peak_threshold_alarms(t, acc, threshold_g=BASELINE_G, refractory_s=refractory_s)


def iter_chunks(items: list[LabelledFile], size: int) -> Iterator[list[LabelledFile]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
