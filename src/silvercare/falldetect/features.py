"""Impact candidates and the features of the window around each one.

A candidate is a local maximum of the low-passed magnitude |a| that reaches the placement's
candidate level and is the largest within ±1 s. Its window runs from ``pre_s`` before the peak to
``post_s`` after it (the post-impact part is what tells a fall from a sit or a stumble: lying
still in a new orientation). Windows are (k, W, 3) arrays on the 50 Hz grid with the peak at
index ``pre``; :func:`window_features` turns a batch of them into a (k, F) feature matrix with
numpy alone. Every feature is independent of how the device is mounted (magnitudes and the
angle between the orientations before and after the peak).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy.ndimage import maximum_filter1d

from silvercare.falldetect.signal import Uniform

FloatArray = npt.NDArray[np.float64]
IndexArray = npt.NDArray[np.intp]

FEATURE_NAMES: tuple[str, ...] = (
    "peak_g",  # |a| at the candidate
    "dip_g",  # lowest |a| in the second before it (free fall)
    "peak_minus_dip_g",
    "velocity_gs",  # lowest running ∫(|a|−1) over the second before the peak (fall speed, g·s)
    "vertical_velocity_gs",  # the same along the gravity direction before the fall
    "impact_area_gs",  # ∫||a|−1| over ±0.5 s
    "jerk_gps",  # largest change of |a| per second over ±0.5 s
    "pre_mean_g",  # before the fall: [start, peak−0.5 s]
    "pre_std_g",
    "pre_motion_g",  # RMS distance of the vector from its mean (movement, any orientation)
    "settle_mean_g",  # [peak+0.25 s, peak+1 s]
    "post_mean_g",  # after the fall: [peak+1 s, end]
    "post_std_g",
    "post_motion_g",
    "post_max_g",  # [peak+0.5 s, end]: does the activity go on?
    "tilt_deg",  # angle between the mean vectors before and after
    "busy_fraction",  # share of the window with |a| ≥ 1.3 g (jogging, hopping)
)


@dataclass(frozen=True)
class WindowSpec:
    """Where the window lies around the candidate, in seconds, and when a peak counts."""

    pre_s: float = 2.0
    post_s: float = 3.0
    candidate_g: float = 1.4
    separation_s: float = 1.0
    rate_hz: float = 50.0

    @property
    def pre(self) -> int:
        return round(self.pre_s * self.rate_hz)

    @property
    def post(self) -> int:
        return round(self.post_s * self.rate_hz)

    @property
    def length(self) -> int:
        return self.pre + self.post + 1


def candidates(uniform: Uniform, spec: WindowSpec, *, start: int = 0) -> IndexArray:
    """Grid indices of the impact candidates whose whole post-impact part is recorded.

    ``start`` skips candidates before that index (streaming: already judged)."""
    magnitude = np.sqrt(_sum3(uniform.acc * uniform.acc))
    radius = round(spec.separation_s * spec.rate_hz)
    local_max = maximum_filter1d(magnitude, size=2 * radius + 1, mode="nearest")
    is_peak = (magnitude >= spec.candidate_g) & (magnitude >= local_max)
    # A plateau holds several equal maxima: keep the first of each run.
    is_peak[1:] &= ~is_peak[:-1]
    index: IndexArray = np.flatnonzero(is_peak)
    last = len(magnitude) - 1 - spec.post
    return index[(index >= start) & (index <= last)]


def windows_at(uniform: Uniform, index: IndexArray, spec: WindowSpec) -> FloatArray:
    """The (k, W, 3) windows around ``index``; a window starting before the recording repeats
    its first sample."""
    offsets = np.arange(-spec.pre, spec.post + 1)
    rows = np.clip(index[:, None] + offsets[None, :], 0, len(uniform.acc) - 1)
    windows: FloatArray = uniform.acc[rows]
    return windows


def _sum3(values: FloatArray) -> FloatArray:
    """Sum over a last axis of length 3, in order: numpy's reduction over so short an axis is
    several times slower than three additions."""
    result: FloatArray = values[..., 0] + values[..., 1] + values[..., 2]
    return result


def _mean(values: FloatArray) -> FloatArray:
    """Row means (as ``values.mean(axis=1)``, without its per-call overhead)."""
    result: FloatArray = values.sum(axis=1) / values.shape[1]
    return result


def _std(values: FloatArray) -> FloatArray:
    """Row standard deviations (as ``values.std(axis=1)``)."""
    centred = values - _mean(values)[:, None]
    result: FloatArray = np.sqrt(_mean(centred * centred))
    return result


def window_features(windows: FloatArray, spec: WindowSpec) -> FloatArray:
    """(k, F) features in the order of :data:`FEATURE_NAMES` for (k, W, 3) windows."""
    windows = np.asarray(windows, dtype=np.float64)
    if windows.ndim != 3 or windows.shape[1:] != (spec.length, 3):
        raise ValueError(f"windows must be (k, {spec.length}, 3), got {windows.shape}")
    rate = spec.rate_hz
    p = spec.pre
    second = round(rate)
    half = second // 2
    quarter = second // 4
    magnitude = np.sqrt(_sum3(windows * windows))
    peak = magnitude[:, p]
    before = magnitude[:, p - second : p + 1]
    dip = before.min(axis=1)
    velocity = np.cumsum(before - 1.0, axis=1).min(axis=1) / rate
    around = magnitude[:, p - half : p + half + 1]
    impact_area = np.abs(around - 1.0).sum(axis=1) / rate
    jerk = np.abs(np.diff(around, axis=1)).max(axis=1) * rate

    pre_vec = windows[:, : p - half + 1]
    post_vec = windows[:, p + second :]
    pre_mag = magnitude[:, : p - half + 1]
    post_mag = magnitude[:, p + second :]
    settle = magnitude[:, p + quarter : p + second + 1]
    pre_mean_vec = pre_vec.sum(axis=1) / pre_vec.shape[1]
    post_mean_vec = post_vec.sum(axis=1) / post_vec.shape[1]
    pre_spread = _sum3((pre_vec - pre_mean_vec[:, None, :]) ** 2)
    post_spread = _sum3((post_vec - post_mean_vec[:, None, :]) ** 2)
    pre_norm = np.sqrt(_sum3(pre_mean_vec * pre_mean_vec))
    post_norm = np.sqrt(_sum3(post_mean_vec * post_mean_vec))
    gravity = pre_mean_vec / np.maximum(pre_norm, 1e-9)[:, None]
    along = _sum3(windows[:, p - second : p + 1] * gravity[:, None, :])
    cosine = _sum3(pre_mean_vec * post_mean_vec) / np.maximum(pre_norm * post_norm, 1e-9)

    features = np.empty((len(windows), len(FEATURE_NAMES)))
    features[:, 0] = peak
    features[:, 1] = dip
    features[:, 2] = peak - dip
    features[:, 3] = velocity
    features[:, 4] = np.cumsum(along - 1.0, axis=1).min(axis=1) / rate
    features[:, 5] = impact_area
    features[:, 6] = jerk
    features[:, 7] = _mean(pre_mag)
    features[:, 8] = _std(pre_mag)
    features[:, 9] = np.sqrt(_mean(pre_spread))
    features[:, 10] = _mean(settle)
    features[:, 11] = _mean(post_mag)
    features[:, 12] = _std(post_mag)
    features[:, 13] = np.sqrt(_mean(post_spread))
    features[:, 14] = magnitude[:, p + half :].max(axis=1)
    features[:, 15] = np.degrees(np.arccos(np.clip(cosine, -1.0, 1.0)))
    features[:, 16] = (magnitude >= 1.3).sum(axis=1) / magnitude.shape[1]
    return features
