"""Needs-based selection: the rules in ``data/rules.json`` evaluated on an elder's latest
assessment answers and declared needs. Pure functions: no database access here."""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from typing import Any

from silvercare.assistive.classification import DATA


@dataclass(frozen=True)
class Match:
    rule: str
    type_codes: tuple[str, ...]
    reasons_zh: tuple[str, ...]
    reasons_en: tuple[str, ...]


@functools.cache
def rule_data() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((DATA / "rules.json").read_text(encoding="utf-8"))
    return data


def need_labels() -> dict[str, tuple[str, str]]:
    return {n["code"]: (n["zh"], n["en"]) for n in rule_data()["needs"]}


def _holds(
    cond: dict[str, Any], items: dict[str, Any], forms: dict[str, Any], needs: set[str]
) -> tuple[str, str] | None:
    if "item" in cond:
        score = items.get(cond["item"])
        if not isinstance(score, int) or isinstance(score, bool):
            return None
        if not cond.get("min", 0) <= score <= cond.get("max", 99):
            return None
        return cond["zh"].format(score=score), cond["en"].format(score=score)
    if "form" in cond:
        value = forms.get(cond["form"])
        values = value if isinstance(value, list) else [value]
        if not any(v in cond["in"] for v in values):
            return None
        return cond["zh"], cond["en"]
    if "need" in cond:
        return (cond["zh"], cond["en"]) if cond["need"] in needs else None
    return None


def evaluate(items: dict[str, Any], forms: dict[str, Any], needs: set[str]) -> list[Match]:
    """Every rule that applies, with the texts of the conditions that made it apply."""
    out = []
    for rule in rule_data()["rules"]:
        reasons: list[tuple[str, str]] = []
        ok = True
        for cond in rule.get("all", []):
            held = _holds(cond, items, forms, needs)
            if held is None:
                ok = False
                break
            reasons.append(held)
        if not ok:
            continue
        if rule.get("any"):
            anys = [h for c in rule["any"] if (h := _holds(c, items, forms, needs)) is not None]
            if not anys:
                continue
            reasons += [r for r in anys if r not in reasons]
        out.append(
            Match(
                rule=rule["code"],
                type_codes=tuple(rule["types"]),
                reasons_zh=tuple(r[0] for r in reasons),
                reasons_en=tuple(r[1] for r in reasons),
            )
        )
    return out
