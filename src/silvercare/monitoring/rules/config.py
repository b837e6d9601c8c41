"""Small validators for rule configurations (JSON dicts written by people and forms)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from silvercare.monitoring.rules.errors import RuleConfigError
from silvercare.monitoring.rules.signals import SEVERITIES


def section(spec: Mapping[str, Any], key: str, path: str) -> Mapping[str, Any]:
    value = spec.get(key)
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise RuleConfigError(f"{path}{key}", "invalid_type", "expected an object")
    return value


def known_keys(spec: Mapping[str, Any], allowed: set[str], path: str) -> None:
    for key in spec:
        if key not in allowed:
            raise RuleConfigError(f"{path}{key}", "unknown_field", f"unknown field {key!r}")


def number(
    spec: Mapping[str, Any],
    key: str,
    path: str,
    default: float,
    *,
    minimum: float | None = None,
    maximum: float | None = None,
) -> float:
    value = spec.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int | float) or value != value:
        raise RuleConfigError(f"{path}{key}", "invalid_number", f"expected a number, got {value!r}")
    if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        raise RuleConfigError(
            f"{path}{key}", "out_of_range", f"{value!r} is outside [{minimum}, {maximum}]"
        )
    return float(value)


def integer(
    spec: Mapping[str, Any], key: str, path: str, default: int, *, minimum: int, maximum: int
) -> int:
    value = spec.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int):
        raise RuleConfigError(f"{path}{key}", "invalid_integer", f"expected an integer: {value!r}")
    if not minimum <= value <= maximum:
        raise RuleConfigError(
            f"{path}{key}", "out_of_range", f"{value!r} is outside [{minimum}, {maximum}]"
        )
    return value


def severity(spec: Mapping[str, Any], key: str, path: str, default: str) -> str:
    value = spec.get(key, default)
    if value not in SEVERITIES:
        raise RuleConfigError(
            f"{path}{key}", "invalid_severity", f"expected one of {', '.join(SEVERITIES)}"
        )
    return str(value)


def text(spec: Mapping[str, Any], key: str, path: str, default: str = "") -> str:
    value = spec.get(key, default)
    if not isinstance(value, str) or len(value) > 200:
        raise RuleConfigError(f"{path}{key}", "invalid_text", "expected a string (≤ 200 chars)")
    return value
