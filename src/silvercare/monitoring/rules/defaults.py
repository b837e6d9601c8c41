"""Default health thresholds, and the changes each condition makes to them, as data.

Shape: ``{metric: {"below"|"above": {severity: {limit, duration_s, margin[, max_gap_s]}}}}``.
An elder's thresholds are ``BASE_THRESHOLDS``, then each of the elder's conditions in the order
of ``CONDITION_THRESHOLDS``, then the elder's own overrides, merged key by key
(:func:`merge`); a ``None`` value removes a level (``{"glucose": {"above": {"warning": None}}}``).
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from typing import Any, Final

#: Metric → unit (readings carry these units; the ingest converts).
METRICS: Final[dict[str, str]] = {
    "heart_rate": "bpm",
    "spo2": "%",
    "bp_systolic": "mmHg",
    "bp_diastolic": "mmHg",
    "glucose": "mmol/L",
    "temperature": "°C",
}

BASE_THRESHOLDS: Final[dict[str, Any]] = {
    "heart_rate": {
        "below": {"urgent": {"limit": 40, "duration_s": 60, "margin": 5}},
        "above": {
            "warning": {"limit": 120, "duration_s": 300, "margin": 10},
            "urgent": {"limit": 140, "duration_s": 120, "margin": 10},
        },
    },
    "spo2": {
        "below": {
            "urgent": {"limit": 90, "duration_s": 120, "margin": 2},
            "critical": {"limit": 85, "duration_s": 60, "margin": 2},
        },
    },
    # Cuff monitors and glucometers give single measurements: no duration.
    "bp_systolic": {
        "below": {"warning": {"limit": 90, "duration_s": 0, "margin": 5}},
        "above": {
            "warning": {"limit": 160, "duration_s": 0, "margin": 10},
            "urgent": {"limit": 180, "duration_s": 0, "margin": 10},
        },
    },
    "bp_diastolic": {
        "below": {"warning": {"limit": 50, "duration_s": 0, "margin": 5}},
        "above": {
            "warning": {"limit": 100, "duration_s": 0, "margin": 5},
            "urgent": {"limit": 120, "duration_s": 0, "margin": 5},
        },
    },
    "glucose": {
        "below": {
            "urgent": {"limit": 3.9, "duration_s": 0, "margin": 0.5},
            "critical": {"limit": 3.0, "duration_s": 0, "margin": 0.5},
        },
        "above": {"warning": {"limit": 11.1, "duration_s": 0, "margin": 1.0}},
    },
    "temperature": {
        "below": {"urgent": {"limit": 35.0, "duration_s": 0, "margin": 0.3}},
        "above": {
            "warning": {"limit": 38.0, "duration_s": 0, "margin": 0.3},
            "urgent": {"limit": 39.5, "duration_s": 0, "margin": 0.3},
        },
    },
}

#: Condition → override merged on the base. Keys are the canonical condition names of
#: :func:`condition_key`.
CONDITION_THRESHOLDS: Final[dict[str, Any]] = {
    # COPD: chronic hypoxaemia; target 88-92 % (GOLD), so 90 would alarm all day.
    "copd": {"spo2": {"below": {"urgent": {"limit": 88}}}},
    # Treated hypertension: tolerate higher readings before a warning; the crisis level stays.
    "hypertension": {
        "bp_systolic": {"above": {"warning": {"limit": 170}}},
        "bp_diastolic": {"above": {"warning": {"limit": 105}}},
    },
    # Diabetes: hyperglycaemia is expected up to 13.9; 16.7 and above is urgent.
    "diabetes": {
        "glucose": {
            "above": {
                "warning": {"limit": 13.9},
                "urgent": {"limit": 16.7, "duration_s": 0, "margin": 1.0},
            }
        }
    },
}

#: ICD-10 ranges (the assessment's diagnosis codes, e.g. "J44", "I10-I15", "E10-E14", "E11.9").
_ICD_RANGES: Final[tuple[tuple[str, int, int, str], ...]] = (
    ("J", 44, 44, "copd"),
    ("I", 10, 15, "hypertension"),
    ("E", 10, 14, "diabetes"),
)


def condition_key(code: str) -> str | None:
    """A condition's canonical name: ``"copd"``/``"COPD"`` or an ICD-10 code in range
    (``"J44"``, ``"E11.9"``, ``"I10-I15"``); None when no thresholds depend on it."""
    name = code.strip().lower()
    if name in CONDITION_THRESHOLDS:
        return name
    head = code.strip()[:3].upper()
    if len(head) == 3 and head[1:].isascii() and head[1:].isdigit():
        number = int(head[1:])
        for letter, low, high, key in _ICD_RANGES:
            if head[0] == letter and low <= number <= high:
                return key
    return None


def merge(base: Mapping[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    """Deep merge of JSON objects: objects merge key by key, ``None`` deletes, the rest replaces."""
    out = copy.deepcopy(dict(base))
    for key, value in override.items():
        if value is None:
            out.pop(key, None)
        elif isinstance(value, Mapping) and isinstance(out.get(key), Mapping):
            out[key] = merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def thresholds_for(
    conditions: Iterable[str], overrides: Mapping[str, Any] | None
) -> dict[str, Any]:
    """The merged threshold data for an elder with these conditions and overrides."""
    keys = {key for code in conditions if (key := condition_key(code)) is not None}
    merged: dict[str, Any] = copy.deepcopy(BASE_THRESHOLDS)
    for key, change in CONDITION_THRESHOLDS.items():
        if key in keys:
            merged = merge(merged, change)
    if overrides:
        merged = merge(merged, overrides)
    return merged
