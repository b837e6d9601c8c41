"""Synthetic accelerometer recordings for tests and benchmarks (not for training).

Each generator returns a function of time so the same movement can be sampled at any rate:
``sample(signal, rate_hz, duration_s)`` → (t, acc in g).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
Signal = Callable[[FloatArray], FloatArray]

UPRIGHT = np.array([0.0, -1.0, 0.0])  # gravity along −y while standing (as SisFall's waist)
LYING = np.array([0.0, 0.0, 1.0])


def _noise(t: FloatArray, seed: int, level: float) -> FloatArray:
    """Smooth, rate-independent noise: a few sines with random phases."""
    rng = np.random.default_rng(seed)
    result = np.zeros((len(t), 3))
    for axis in range(3):
        for freq in (0.7, 1.9, 3.1):
            result[:, axis] += level * np.sin(2 * np.pi * freq * t + rng.uniform(0, 2 * np.pi))
    return result


def quiet(seed: int = 0) -> Signal:
    """Standing or sitting still: gravity plus a little sway."""

    def signal(t: FloatArray) -> FloatArray:
        return UPRIGHT[None, :] + _noise(t, seed, 0.01)

    return signal


def walking(seed: int = 0, cadence_hz: float = 1.8) -> Signal:
    """Gentle walking: a vertical bounce of ±0.25 g at the step rate."""

    def signal(t: FloatArray) -> FloatArray:
        bounce = 0.25 * np.sin(2 * np.pi * cadence_hz * t)
        sway = 0.08 * np.sin(np.pi * cadence_hz * t)
        acc = UPRIGHT[None, :] * (1 + bounce[:, None])
        acc[:, 0] += sway
        return acc + _noise(t, seed, 0.01)

    return signal


def fall(at_s: float = 6.0, seed: int = 0, impact_g: float = 4.0) -> Signal:
    """Walking, 0.4 s of near free fall, an impact peaking at ``at_s`` (a 50 ms-wide bump of
    ``impact_g``), then lying still on the side. Smooth enough to be sampled at 20 Hz."""

    def signal(t: FloatArray) -> FloatArray:
        walk = walking(seed)(t)
        # Orientation: upright until the impact, lying 0.3 s later.
        turn = np.clip((t - at_s) / 0.3, 0.0, 1.0)[:, None]
        direction = (1 - turn) * UPRIGHT[None, :] + turn * LYING[None, :]
        direction /= np.linalg.norm(direction, axis=1)[:, None]
        # Magnitude: 1 g, dropping to 0.15 g in free fall, then the impact bump.
        drop = 0.85 * np.exp(-(((t - (at_s - 0.25)) / 0.15) ** 2))
        bump = impact_g * np.exp(-0.5 * ((t - at_s) / 0.05) ** 2)
        acc = direction * (1.0 - drop + bump)[:, None]
        before = (t < at_s - 0.5)[:, None]
        acc = np.where(before, walk, acc)
        still = t >= at_s
        acc[still] += _noise(t[still], seed + 1, 0.005)
        return acc

    return signal


def sample(
    signal: Signal, rate_hz: float, duration_s: float, *, jitter_s: float = 0.0, seed: int = 0
) -> tuple[FloatArray, FloatArray]:
    """Sample ``signal`` at ``rate_hz`` for ``duration_s`` (optionally with timestamp jitter)."""
    t = np.arange(round(duration_s * rate_hz) + 1) / rate_hz
    if jitter_s:
        rng = np.random.default_rng(seed)
        t = np.sort(t + rng.uniform(-jitter_s, jitter_s, len(t)))
        t -= t[0]
    return t, signal(t)
