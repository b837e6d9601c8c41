"""The one scorer shared by the CLI, the API and the web forms.

A record is a JSON-style object::

    {"instrument": "gbt42195-2022",
     "items": {"B.1.1": 4, ...},             # every item, each score an option's score
     "coma": false,                          # GB/T 42195 only, all optional:
     "diagnoses": ["F01.1", "I10"],
     "diagnosed_by_psychiatrist": false,
     "risk_events_30d": {"fall": 1, "wandering": 1}}

Other top-level keys (ids, notes) are ignored. Errors raise :class:`ScoringError`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from .common import is_int, type_name, type_name_zh
from .config import LawtonSettings, LevelChangeRules, LtcGradingConfig, ScoringSettings
from .errors import ScoringError
from .registry import get_registered, instrument_codes
from .types import Instrument


def score_record(
    record: Mapping[str, Any],
    *,
    rules: LevelChangeRules | None = None,
    ltc_grading: LtcGradingConfig | None = None,
    lawton: LawtonSettings | None = None,
) -> dict[str, Any]:
    """Validate and score one record.

    Args:
        record: the input object (see the module docstring).
        rules: GB/T 42195 C.4 rules; ``None`` means the defaults ``LevelChangeRules()``.
        ltc_grading: an LTC 2021 grading table; without one no LTC grade is computed.
        lawton: Lawton IADL settings; ``None`` means ``LawtonSettings()``.

    Returns:
        A JSON-ready dict whose shape depends on the instrument.

    Raises:
        ScoringError: the record is not valid for its instrument.
    """
    settings = ScoringSettings(
        level_change_rules=rules if rules is not None else LevelChangeRules(),
        lawton=lawton if lawton is not None else LawtonSettings(),
        ltc_grading=ltc_grading,
    )
    return _score(record, settings)


def score_many(
    records: Sequence[Mapping[str, Any]],
    *,
    rules: LevelChangeRules | None = None,
    ltc_grading: LtcGradingConfig | None = None,
    lawton: LawtonSettings | None = None,
) -> list[dict[str, Any]]:
    """Score records in order; stop at the first bad one.

    Raises:
        ScoringError: with ``index`` set to the 0-based index of the bad record.
    """
    results: list[dict[str, Any]] = []
    for index, record in enumerate(records):
        try:
            results.append(
                score_record(record, rules=rules, ltc_grading=ltc_grading, lawton=lawton)
            )
        except ScoringError as error:
            error.index = index
            raise
    return results


def validate_items(instrument: Instrument, items: object) -> dict[str, int]:
    """The item scores of a record, checked against the instrument, in instrument order.

    Checks, in this order: ``items`` is an object; no unknown item; then for each item in
    the instrument's order: present, an ``int`` (not ``bool``, float or string), and a
    score that one of the item's options carries.
    """
    if not isinstance(items, Mapping):
        raise ScoringError(
            "invalid_field",
            item="items",
            message_zh=f"字段 items 必须为对象（条目编码 → 分值），实际为 {type_name_zh(items)}",
            message_en=f"field items must be an object (item code → score), got {type_name(items)}",
        )
    known = set(instrument.item_codes)
    for key in items:
        if key not in known:
            name = str(key)
            raise ScoringError(
                "unknown_item",
                item=name,
                message_zh=f"{instrument.code} 没有条目 {name}",
                message_en=f"{instrument.code} has no item {name}",
            )
    scores: dict[str, int] = {}
    for item in instrument.items:
        if item.code not in items:
            raise ScoringError(
                "missing_item",
                item=item.code,
                message_zh=f"缺少条目 {item.code}（{item.title_zh}）的分值",
                message_en=f"no score for item {item.code} ({item.title_en})",
            )
        value = items[item.code]
        allowed = ", ".join(str(score) for score in sorted(item.allowed_scores))
        if not is_int(value):
            raise ScoringError(
                "invalid_score",
                item=item.code,
                message_zh=f"条目 {item.code} 的分值必须为整数，实际为 {type_name_zh(value)} "
                f"{value!r}（允许：{allowed}）",
                message_en=f"score of {item.code} must be an integer, got {type_name(value)} "
                f"{value!r} (allowed: {allowed})",
            )
        if value not in item.allowed_scores:
            raise ScoringError(
                "invalid_score",
                item=item.code,
                message_zh=f"分值 {value} 不是条目 {item.code} 的选项分值（允许：{allowed}）",
                message_en=f"score {value} is not an option of {item.code} (allowed: {allowed})",
            )
        scores[item.code] = value
    return scores


def _score(record: object, settings: ScoringSettings) -> dict[str, Any]:
    if not isinstance(record, Mapping):
        raise ScoringError(
            "invalid_field",
            item=None,
            message_zh=f"记录必须为对象，实际为 {type_name_zh(record)}",
            message_en=f"a record must be an object, got {type_name(record)}",
        )
    code = record.get("instrument")
    known = ", ".join(instrument_codes())
    try:
        if not isinstance(code, str):
            raise KeyError(code)
        entry = get_registered(code)
    except KeyError:
        shown = "none" if code is None else repr(code)
        raise ScoringError(
            "unknown_instrument",
            item=None,
            message_zh=f"未知的评估工具 {shown}（可用：{known}）",
            message_en=f"unknown instrument {shown} (known: {known})",
        ) from None
    scores = validate_items(entry.instrument, record.get("items"))
    return entry.rule(entry.instrument, scores, record, settings)
