"""The per-elder rule pages' forms: posted fields → one section of the rule configuration
(``monitoring.rules`` spec), or field errors. The service compiles the result again, so
these only turn text into numbers and shapes; the rules' own limits stay in one place."""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _

from silvercare.common.errors import FieldError
from silvercare.monitoring import error_codes as codes

_HHMM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


class FormErrors(Exception):  # noqa: N818 - carries field errors, not a failure
    def __init__(self, errors: list[FieldError]) -> None:
        super().__init__(errors)
        self.errors = errors


def _number(post: Mapping[str, str], name: str, errors: list[FieldError]) -> float | None:
    raw = str(post.get(name, "")).strip().replace("，", ",")
    try:
        value = float(raw)
    except ValueError:
        errors.append(FieldError(name, codes.RULE_INVALID, _("Enter a number.")))
        return None
    if value != value or value in (float("inf"), float("-inf")):
        errors.append(FieldError(name, codes.RULE_INVALID, _("Enter a number.")))
        return None
    return int(value) if value.is_integer() else value


def _time(post: Mapping[str, str], name: str, errors: list[FieldError]) -> str:
    raw = str(post.get(name, "")).strip()
    if not _HHMM.match(raw):
        errors.append(FieldError(name, codes.RULE_INVALID, _("Enter a time as HH:MM.")))
    return raw


def _on(post: Mapping[str, str], name: str) -> bool:
    return str(post.get(name, "")) in ("1", "on", "true")


def thresholds_value(post: Mapping[str, str], rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The overrides: levels switched off (``None``) and levels whose numbers differ from
    the default by condition; rows as ``selectors.threshold_rows`` gives them."""
    errors: list[FieldError] = []
    out: dict[str, Any] = {}
    for row in rows:
        key = row["key"]
        default = row["default"]
        level: Any
        if not _on(post, f"{key}.on"):
            if default is None:
                continue
            level = None
        else:
            numbers = {
                f: _number(post, f"{key}.{f}", errors) for f in ("limit", "duration_s", "margin")
            }
            if any(v is None for v in numbers.values()):
                continue
            if default is not None and all(default.get(f) == v for f, v in numbers.items()):
                continue
            level = numbers
        out.setdefault(row["metric"], {}).setdefault(row["direction"], {})[row["severity"]] = level
    if errors:
        raise FormErrors(errors)
    return out


def zone_from_post(post: Mapping[str, str]) -> dict[str, Any]:
    """One geofence zone from the add-zone form: a circle (centre + radius) or a polygon
    (one ``longitude,latitude`` point per line)."""
    errors: list[FieldError] = []
    name = str(post.get("name", "")).strip()
    if not name or len(name) > 60:
        errors.append(
            FieldError("name", codes.RULE_INVALID, _("Give the zone a name (up to 60 characters)."))
        )
    kind = str(post.get("type", "safe"))
    if kind not in ("safe", "danger"):
        errors.append(FieldError("type", codes.RULE_INVALID, _("Choose safe or danger zone.")))
    zone: dict[str, Any] = {"id": uuid.uuid4().hex[:8], "name": name, "type": kind}
    if str(post.get("shape", "circle")) == "polygon":
        points: list[list[float]] = []
        lines = [ln.strip() for ln in str(post.get("points", "")).splitlines() if ln.strip()]
        for index, line in enumerate(lines[:1000]):
            parts = [p.strip() for p in line.replace("，", ",").split(",")]
            try:
                lon, lat = float(parts[0]), float(parts[1])
                if len(parts) != 2:
                    raise ValueError
            except (ValueError, IndexError):
                errors.append(
                    FieldError(
                        "points",
                        codes.RULE_INVALID,
                        _("Line %(n)s: write longitude,latitude.") % {"n": index + 1},
                    )
                )
                break
            points.append([lon, lat])
        if len(lines) < 3 and not any(e.field == "points" for e in errors):
            errors.append(
                FieldError("points", codes.RULE_INVALID, _("A polygon needs at least 3 points."))
            )
        zone["polygon"] = points
    else:
        for name_ in ("lat", "lon", "radius_m"):
            value = _number(post, name_, errors)
            if value is not None:
                zone[name_] = value
    if errors:
        raise FormErrors(errors)
    return zone


def inactivity_value(post: Mapping[str, str]) -> dict[str, Any]:
    errors: list[FieldError] = []
    out: dict[str, Any] = {}
    if _on(post, "no_motion.on"):
        out["no_motion"] = {
            "hours": _number(post, "no_motion.hours", errors),
            "window": [
                _time(post, "no_motion.start", errors),
                _time(post, "no_motion.end", errors),
            ],
        }
    else:
        out["no_motion"] = None
    if _on(post, "out_of_bed.on"):
        out["out_of_bed"] = {"by": _time(post, "out_of_bed.by", errors)}
    else:
        out["out_of_bed"] = None
    if _on(post, "bed_empty.on"):
        out["bed_empty"] = {
            "minutes": _number(post, "bed_empty.minutes", errors),
            "window": [
                _time(post, "bed_empty.start", errors),
                _time(post, "bed_empty.end", errors),
            ],
        }
    else:
        out["bed_empty"] = None
    if errors:
        raise FormErrors(errors)
    return out


def dose_from_post(post: Mapping[str, str]) -> dict[str, Any]:
    errors: list[FieldError] = []
    name = str(post.get("name", "")).strip()
    if not name or len(name) > 100:
        errors.append(
            FieldError("name", codes.RULE_INVALID, _("Name the medicine (up to 100 characters)."))
        )
    dose: dict[str, Any] = {
        "id": uuid.uuid4().hex[:8],
        "name": name,
        "time": _time(post, "time", errors),
        "window_min": _number(post, "window_min", errors),
    }
    if str(post.get("compartment", "")).strip():
        dose["compartment"] = _number(post, "compartment", errors)
    if errors:
        raise FormErrors(errors)
    return dose


def device_value(post: Mapping[str, str]) -> dict[str, Any]:
    errors: list[FieldError] = []
    out = {
        "offline_minutes": _number(post, "offline_minutes", errors),
        "battery_low_pct": _number(post, "battery_low_pct", errors),
    }
    if errors:
        raise FormErrors(errors)
    return out


def field_of(path: str) -> str:
    """The form field a compiler path names: ``geofence.zones[3].radius_m`` → ``radius_m``,
    ``inactivity.no_motion.hours`` → ``no_motion.hours``, ``thresholds.spo2.below.urgent.limit``
    → ``spo2.below.urgent.limit``."""
    head, _sep, rest = path.partition(".")
    rest = re.sub(r"^(zones|doses)\[\d+\]\.?", "", rest)
    return rest or head
