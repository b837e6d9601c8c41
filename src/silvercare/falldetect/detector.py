"""Placement-aware fall detectors: ``detector_for("wrist").detect(samples, rate_hz)``.

Three ways in, one model:

* ``detect(samples, rate_hz)`` / ``detect_timed(t, samples)``: a whole recording → alarm times.
* ``detect_many(recordings)``: many recordings, one model evaluation for all their windows.
* the ingest path: one :class:`FallStream` per device turns incoming chunks into windows
  (``stream.push(t, samples)``); the ingest collects the windows of every device in a batch,
  scores them with one ``detector.score_windows(windows)`` call and hands each stream its
  scores back (``stream.alarms(times, scores)``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np
import numpy.typing as npt

from silvercare.falldetect.features import candidates, window_features, windows_at
from silvercare.falldetect.model import FallModel
from silvercare.falldetect.signal import (
    RecordingError,
    Uniform,
    check_recording,
    merge_alarms,
    to_grid,
)

FloatArray = npt.NDArray[np.float64]
PLACEMENTS = ("wrist", "waist", "chest")


@dataclass(frozen=True)
class Windows:
    """Candidate windows of one recording or stream: peak times (s) and (k, W, 3) windows."""

    times: FloatArray
    windows: FloatArray

    @classmethod
    def empty(cls, length: int) -> Windows:
        return cls(np.zeros(0), np.zeros((0, length, 3)))


class FallDetector:
    """A trained model for one placement."""

    def __init__(self, model: FallModel) -> None:
        self.model = model
        self.placement = model.placement
        self.spec = model.spec
        self.threshold = model.threshold
        self.refractory_s = model.refractory_s

    @property
    def min_duration_s(self) -> float:
        """Shortest recording that holds one whole window."""
        return self.spec.pre_s + self.spec.post_s

    def to_grid(self, t: FloatArray, samples: FloatArray) -> Uniform:
        return to_grid(
            t,
            samples,
            cutoff_hz=self.model.cutoff_hz,
            order=self.model.filter_order,
            rate_hz=self.spec.rate_hz,
        )

    def windows(self, t: FloatArray, samples: FloatArray) -> Windows:
        """Every candidate window of a recording (samples (n, 3) in g at times ``t``)."""
        uniform = self.to_grid(t, samples)
        index = candidates(uniform, self.spec)
        return Windows(uniform.times(index), windows_at(uniform, index, self.spec))

    def score_windows(self, windows: FloatArray) -> FloatArray:
        """Log-odds of a fall for each (W, 3) window of a (k, W, 3) batch."""
        return self.model.ensemble.decision(window_features(windows, self.spec))

    def alarms(self, times: FloatArray, scores: FloatArray) -> list[float]:
        """Alarm times: windows scoring at least the threshold, merged within the refractory."""
        return merge_alarms(times[scores >= self.threshold], self.refractory_s)

    def detect_timed(self, t: FloatArray, samples: FloatArray) -> list[float]:
        t = np.asarray(t, dtype=np.float64)
        samples = np.asarray(samples, dtype=np.float64)
        check_recording(t, samples, min_duration_s=0.0)
        found = self.windows(t, samples)
        return self.alarms(found.times, self.score_windows(found.windows))

    def detect(self, samples: FloatArray, rate_hz: float) -> list[float]:
        """Alarm times in seconds from the first of ``samples`` ((n, 3) in g at ``rate_hz``)."""
        if not rate_hz > 0:
            raise RecordingError("the sampling rate must be positive")
        samples = np.asarray(samples, dtype=np.float64)
        return self.detect_timed(np.arange(len(samples)) / float(rate_hz), samples)

    def detect_many(self, recordings: Sequence[tuple[FloatArray, FloatArray]]) -> list[list[float]]:
        """Alarm times for each ``(t, samples)``, scoring every window in one batch."""
        found = [self.windows(np.asarray(t), np.asarray(s)) for t, s in recordings]
        if not found:
            return []
        scores = self.score_windows(np.concatenate([f.windows for f in found]))
        result = []
        start = 0
        for item in found:
            stop = start + len(item.times)
            result.append(self.alarms(item.times, scores[start:stop]))
            start = stop
        return result

    def stream(self) -> FallStream:
        return FallStream(self)


@dataclass
class FallStream:
    """One device's accelerometer stream, cut into candidate windows as samples arrive.

    Keeps the last ``keep_s`` seconds of raw samples; each :meth:`push` re-grids that buffer and
    returns the windows of candidates that are complete now and were not returned before. A
    candidate is judged once its post-impact part has arrived (``post_s`` seconds later)."""

    detector: FallDetector
    keep_s: float = 12.0
    _t: FloatArray = field(default_factory=lambda: np.zeros(0))
    _acc: FloatArray = field(default_factory=lambda: np.zeros((0, 3)))
    _first: float = np.nan
    _judged_until: float = -np.inf
    _last_alarm: float = -np.inf

    def push(self, t: FloatArray, samples: FloatArray) -> Windows:
        spec = self.detector.spec
        t = np.asarray(t, dtype=np.float64)
        samples = np.asarray(samples, dtype=np.float64).reshape(-1, 3)
        if len(self._t):
            newer = t > self._t[-1]
            t, samples = t[newer], samples[newer]
        elif len(t):
            self._first = float(t[0])
        self._t = np.concatenate([self._t, t])
        self._acc = np.concatenate([self._acc, samples])
        if len(self._t) == 0:
            return Windows.empty(spec.length)
        keep = self._t >= self._t[-1] - self.keep_s
        self._t, self._acc = self._t[keep], self._acc[keep]
        if len(self._t) < 2 or self._t[-1] - self._t[0] < spec.post_s:
            return Windows.empty(spec.length)
        uniform = self.detector.to_grid(self._t, self._acc)
        index = candidates(uniform, spec)
        times = uniform.times(index)
        # Judge a candidate once, and only with its whole pre-impact part in the buffer (at the
        # very start of the stream, the part there is).
        fresh = times > self._judged_until + spec.separation_s / 2
        whole = (times >= self._t[0] + spec.pre_s) | (self._t[0] == self._first)
        chosen = index[fresh & whole]
        if len(chosen) == 0:
            return Windows.empty(spec.length)
        self._judged_until = float(uniform.times(chosen[-1]))
        return Windows(uniform.times(chosen), windows_at(uniform, chosen, spec))

    def alarms(self, times: FloatArray, scores: FloatArray) -> list[float]:
        """Alarm times among windows this stream returned, given their scores."""
        result = []
        for when in times[scores >= self.detector.threshold]:
            if when - self._last_alarm >= self.detector.refractory_s:
                self._last_alarm = float(when)
                result.append(float(when))
        return result


def model_path(placement: str) -> Path:
    return Path(str(resources.files("silvercare.falldetect") / "models" / f"{placement}.json"))


def available_placements() -> tuple[str, ...]:
    return tuple(p for p in PLACEMENTS if model_path(p).exists())


@lru_cache(maxsize=len(PLACEMENTS))
def detector_for(placement: str) -> FallDetector:
    """The shipped detector for a device's declared placement (``wrist``, ``waist``, ``chest``)."""
    if placement not in available_placements():
        known = ", ".join(available_placements())
        raise ValueError(f"no fall detector for placement {placement!r} (shipped: {known})")
    return FallDetector(FallModel.load(model_path(placement)))
