"""Helpers shared by the instrument rule functions: totals and field type checks."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeAlias

from .config import ScoringSettings
from .errors import ScoringError
from .types import Instrument

#: A rule function turns validated item scores (and the record's other fields) into the
#: result object. Adding an instrument means adding its data and at most one of these.
Rule: TypeAlias = Callable[
    [Instrument, Mapping[str, int], Mapping[str, Any], ScoringSettings], dict[str, Any]
]


def is_int(value: object) -> bool:
    """True for a real ``int``; ``bool`` is rejected although it is an ``int`` subclass."""
    return isinstance(value, int) and not isinstance(value, bool)


def type_name(value: object) -> str:
    """A JSON-flavoured name of a value's type, for error messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, Mapping):
        return "object"
    if isinstance(value, list | tuple):
        return "array"
    return type(value).__name__


_TYPE_NAMES_ZH = {
    "null": "空值",
    "boolean": "布尔值",
    "integer": "整数",
    "number": "小数",
    "string": "字符串",
    "object": "对象",
    "array": "数组",
}


def type_name_zh(value: object) -> str:
    """The Chinese name of a value's type, for error messages."""
    name = type_name(value)
    return _TYPE_NAMES_ZH.get(name, name)


def item_total(scores: Mapping[str, int], codes: tuple[str, ...]) -> int:
    return sum(scores[code] for code in codes)


def domain_totals(instrument: Instrument, scores: Mapping[str, int]) -> dict[str, int]:
    """The sum of each domain, in the instrument's domain order."""
    return {domain.code: item_total(scores, domain.item_codes) for domain in instrument.domains}


def invalid_field(name: str, message_zh: str, message_en: str) -> ScoringError:
    return ScoringError("invalid_field", item=name, message_zh=message_zh, message_en=message_en)


def optional_bool(record: Mapping[str, Any], name: str) -> bool | None:
    """The field ``name`` as a bool; absent or ``null`` gives ``None``."""
    value = record.get(name)
    if value is None or isinstance(value, bool):
        return value
    raise invalid_field(
        name,
        f"字段 {name} 必须为布尔值（true/false），实际为 {type_name_zh(value)}",
        f"field {name} must be a boolean (true/false), got {type_name(value)}",
    )


def optional_str_list(record: Mapping[str, Any], name: str) -> tuple[str, ...]:
    """The field ``name`` as a list of strings; absent or ``null`` gives ``()``."""
    value = record.get(name)
    if value is None:
        return ()
    if not isinstance(value, list | tuple):
        raise invalid_field(
            name,
            f"字段 {name} 必须为字符串列表，实际为 {type_name_zh(value)}",
            f"field {name} must be a list of strings, got {type_name(value)}",
        )
    for position, element in enumerate(value):
        if not isinstance(element, str):
            raise invalid_field(
                name,
                f"字段 {name} 的第 {position} 项必须为字符串，实际为 {type_name_zh(element)}",
                f"field {name}: element {position} must be a string, got {type_name(element)}",
            )
    return tuple(value)


def optional_count_map(
    record: Mapping[str, Any], name: str, keys: tuple[str, ...]
) -> dict[str, int]:
    """The field ``name`` as an object of non-negative ints with only ``keys``.

    Absent or ``null`` gives all zeros; a missing key counts as 0.
    """
    value = record.get(name)
    counts = dict.fromkeys(keys, 0)
    if value is None:
        return counts
    allowed = ", ".join(keys)
    if not isinstance(value, Mapping):
        raise invalid_field(
            name,
            f"字段 {name} 必须为对象（键：{allowed}），实际为 {type_name_zh(value)}",
            f"field {name} must be an object (keys: {allowed}), got {type_name(value)}",
        )
    for key, count in value.items():
        if key not in keys:
            raise invalid_field(
                name,
                f"字段 {name} 含有未知的键 {key!r}（允许：{allowed}）",
                f"field {name} has an unknown key {key!r} (allowed: {allowed})",
            )
        if not is_int(count) or count < 0:
            raise invalid_field(
                name,
                f"字段 {name}.{key} 必须为非负整数，实际为 {count!r}",
                f"field {name}.{key} must be a non-negative integer, got {count!r}",
            )
        counts[key] = count
    return counts


def band_rule(
    instrument: Instrument,
    scores: Mapping[str, int],
    record: Mapping[str, Any],
    settings: ScoringSettings,
) -> dict[str, Any]:
    """The generic rule: the total, and the band containing it (``None`` without bands)."""
    total = item_total(scores, instrument.item_codes)
    band = instrument.band_for(total)
    return {
        "instrument": instrument.code,
        "total": total,
        "band": band.code if band is not None else None,
    }
