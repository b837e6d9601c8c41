"""Signal handling shared by training, evaluation and production: checks, resampling, filtering.

Every detector sees the same thing whatever the device sends: acceleration in g on a uniform
50 Hz grid, low-passed at a few hertz. Recordings at any rate (and with timestamp jitter, as the
UMAFall motes have) are first averaged over one output period when the input is faster than the
grid (a boxcar whose nulls fall on multiples of 50 Hz, so nothing folds onto the band kept), then
linearly interpolated onto the grid, then low-passed with a causal Butterworth filter. The cut-off
stays well below the Nyquist frequency of the slowest accepted input (15 Hz), so a 20 Hz wrist
mote, a 50 Hz watch and a 200 Hz waist clip give the detector the same signal.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import numpy.typing as npt
from scipy import signal as sps

FloatArray = npt.NDArray[np.float64]

GRID_RATE_HZ = 50.0
MIN_RATE_HZ = 15.0  # below this the low-pass band is not captured
MAX_GAP_S = 1.0  # a longer hole in the timestamps is a gap, not jitter
MAX_ABS_G = 40.0  # beyond any wearable accelerometer's range (±16 g per axis → 27.7 g)
RESTING_MAGNITUDE_G = (0.5, 2.0)  # a recording's median |a| outside this is not in g


class RecordingError(ValueError):
    """A recording the detector cannot judge; ``str()`` says why in a few words."""


@dataclass(frozen=True)
class Uniform:
    """Acceleration on the detector's grid: ``acc`` (m, 3) in g at ``rate_hz``, from ``t0``."""

    t0: float
    rate_hz: float
    acc: FloatArray

    def times(self, index: npt.NDArray[np.intp] | int) -> FloatArray:
        return self.t0 + np.asarray(index, dtype=np.float64) / self.rate_hz


def check_recording(t: FloatArray, acc: FloatArray, *, min_duration_s: float) -> None:
    """Raise :class:`RecordingError` unless ``t``/``acc`` is something the detector can judge.

    Refused: non-finite values, time not increasing, gaps longer than ``MAX_GAP_S``, a mean rate
    below ``MIN_RATE_HZ``, fewer than ``min_duration_s`` seconds, values beyond ``MAX_ABS_G`` or a
    median magnitude that cannot be g (m/s² or raw counts would land here)."""
    if acc.ndim != 2 or acc.shape[1] != 3 or t.shape != (acc.shape[0],):
        raise RecordingError("expected n times and n×3 accelerations")
    if len(t) < 2:
        raise RecordingError(f"too few samples ({len(t)})")
    if not (np.isfinite(t).all() and np.isfinite(acc).all()):
        raise RecordingError("non-finite values")
    steps = np.diff(t)
    if (steps <= 0).any():
        at = int(np.argmax(steps <= 0)) + 1
        raise RecordingError(f"time does not increase at row {at + 1} (t={t[at]:g})")
    duration = float(t[-1] - t[0])
    if duration < min_duration_s:
        raise RecordingError(
            f"too few samples: {len(t)} samples cover {duration:.1f} s, "
            f"at least {min_duration_s:g} s needed"
        )
    largest = float(steps.max())
    if largest > MAX_GAP_S:
        at = int(np.argmax(steps))
        raise RecordingError(f"gap of {largest:.2f} s after t={t[at]:g}")
    rate = (len(t) - 1) / duration
    if rate < MIN_RATE_HZ:
        raise RecordingError(f"sampling rate {rate:.1f} Hz is below {MIN_RATE_HZ:g} Hz")
    peak = float(np.abs(acc).max())
    if peak > MAX_ABS_G:
        raise RecordingError(f"absurd magnitude: {peak:.1f} g (acceleration must be in g)")
    median = float(np.median(np.sqrt((acc * acc).sum(axis=1))))
    low, high = RESTING_MAGNITUDE_G
    if not low <= median <= high:
        raise RecordingError(f"absurd magnitude: median |a| is {median:.2f} g (expected about 1 g)")


@lru_cache(maxsize=8)
def _lowpass(cutoff_hz: float, rate_hz: float, order: int) -> FloatArray:
    sos: FloatArray = sps.butter(order, cutoff_hz, btype="low", fs=rate_hz, output="sos")
    return sos


def to_grid(
    t: FloatArray,
    acc: FloatArray,
    *,
    cutoff_hz: float,
    order: int = 4,
    rate_hz: float = GRID_RATE_HZ,
) -> Uniform:
    """Resample ``acc`` (n, 3) sampled at times ``t`` onto a uniform grid and low-pass it."""
    t = np.asarray(t, dtype=np.float64)
    acc = np.asarray(acc, dtype=np.float64)
    duration = float(t[-1] - t[0])
    in_rate = (len(t) - 1) / duration if duration > 0 else rate_hz
    span = round(in_rate / rate_hz)
    if span >= 2:
        # Causal boxcar over one output period: zeros at every multiple of the grid rate.
        csum = np.cumsum(np.vstack([np.zeros((1, 3)), acc]), axis=0)
        smoothed = np.empty_like(acc)
        smoothed[span - 1 :] = (csum[span:] - csum[:-span]) / span
        head = np.arange(1, span, dtype=np.float64)[:, None]
        smoothed[: span - 1] = csum[1:span] / head
        acc = smoothed
    count = int(np.floor(duration * rate_hz + 1e-9)) + 1
    grid = t[0] + np.arange(count, dtype=np.float64) / rate_hz
    resampled = np.empty((count, 3), dtype=np.float64)
    for axis in range(3):
        resampled[:, axis] = np.interp(grid, t, acc[:, axis])
    sos = _lowpass(cutoff_hz, rate_hz, order)
    zi = sps.sosfilt_zi(sos)[:, :, None] * resampled[0][None, None, :]
    filtered, _ = sps.sosfilt(sos, resampled, axis=0, zi=zi)
    return Uniform(t0=float(t[0]), rate_hz=rate_hz, acc=np.ascontiguousarray(filtered))


def peak_threshold_alarms(
    t: FloatArray, acc: FloatArray, *, threshold_g: float = 2.5, refractory_s: float = 10.0
) -> list[float]:
    """The plain baseline: an alarm whenever a raw sample's |a| reaches ``threshold_g``.

    Alarms closer than ``refractory_s`` to the previous one are merged into it."""
    magnitude = np.sqrt((acc * acc).sum(axis=1))
    hits = t[magnitude >= threshold_g]
    return merge_alarms(hits, refractory_s)


def merge_alarms(times: FloatArray, refractory_s: float) -> list[float]:
    alarms: list[float] = []
    for when in np.sort(np.asarray(times, dtype=np.float64)):
        if not alarms or when - alarms[-1] >= refractory_s:
            alarms.append(float(when))
    return alarms
