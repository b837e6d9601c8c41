"""The facts a rule sees about an elder, read only through the registry's and the
assessment capability's selectors (never their models), and how they are explained."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from silvercare.assessments.selectors import assessment_current_level
from silvercare.elders.choices import ADVANCED_AGE_YEARS, Category
from silvercare.elders.presenters import elder_categories
from silvercare.elders.selectors import ELDER_FACT_FIELDS, elder_age
from silvercare.subsidies.rules import CompiledRule, RuleResult

if TYPE_CHECKING:
    from silvercare.elders.models import Elder

Reason = dict[str, Any]


def elder_facts(elder: Elder, on: dt.date) -> dict[str, Any]:
    """Facts of ``elder`` on the date ``on`` (age and the advanced-age category follow it)."""
    current = assessment_current_level(elder)
    age = elder_age(elder, on)
    categories = [c for c in elder_categories(elder) if c != Category.ADVANCED_AGE]
    if age >= ADVANCED_AGE_YEARS:
        categories.insert(0, Category.ADVANCED_AGE.value)
    return {
        "level": current.level if current else None,
        "level_assessed_on": (
            timezone.localdate(current.assessed_at).isoformat() if current else None
        ),
        "categories": categories,
        "age": age,
        "hukou_type": elder.hukou_type,
        "region_code": elder.region_id,
        "has_disability_certificate": Category.DISABLED.value in categories,
        "income_band": None,
        "has_trade_in": False,  # set by a quote that uses a trade-in credit
    }


# Registry flag columns are ``is_<category>``.
_CATEGORY_COLUMNS = [
    (index, name.removeprefix("is_"))
    for index, name in enumerate(ELDER_FACT_FIELDS)
    if name.startswith("is_")
]
_LEVEL = ELDER_FACT_FIELDS.index("ability_level")
_LEVEL_AT = ELDER_FACT_FIELDS.index("ability_assessed_at")


def _age_getter(on: dt.date) -> Callable[[tuple[Any, ...]], int]:
    def age(row: tuple[Any, ...]) -> int:
        born = row[2]
        return int(on.year - born.year - ((on.month, on.day) < (born.month, born.day)))

    return age


def fact_getters(names: Iterable[str], on: dt.date) -> Callable[[tuple[Any, ...]], tuple[Any, ...]]:
    """A function giving, for one ``elder_fact_rows`` tuple, the values of just the facts
    ``names`` (in that order; lists become tuples): the key by which bulk evaluation
    groups elders. They are the values ``elder_facts`` gives."""
    age = _age_getter(on)
    disabled = ELDER_FACT_FIELDS.index("is_disabled")

    def categories(row: tuple[Any, ...]) -> tuple[str, ...]:
        found = tuple(name for index, name in _CATEGORY_COLUMNS if row[index])
        return (Category.ADVANCED_AGE.value, *found) if age(row) >= ADVANCED_AGE_YEARS else found

    zone = timezone.get_current_timezone()

    def assessed_on(row: tuple[Any, ...]) -> str | None:
        at = row[_LEVEL_AT]
        return at.astimezone(zone).date().isoformat() if at is not None else None

    getters: dict[str, Callable[[tuple[Any, ...]], Any]] = {
        "level": lambda row: row[_LEVEL] if row[_LEVEL_AT] is not None else None,
        "level_assessed_on": assessed_on,
        "categories": categories,
        "age": age,
        "hukou_type": lambda row: row[3],
        "region_code": lambda row: row[1],
        "has_disability_certificate": lambda row: bool(row[disabled]),
        "income_band": lambda row: None,
        "has_trade_in": lambda row: False,
    }
    chosen = [getters[name] for name in names]
    if len(chosen) == 1:
        [only] = chosen
        return lambda row: (only(row),)
    return lambda row: tuple([get(row) for get in chosen])


def facts_used(rule: CompiledRule, facts: dict[str, Any]) -> dict[str, Any]:
    """The facts the rule names, with this elder's values (what decided it)."""
    used = {name: facts.get(name) for name in rule.facts}
    if "level" in used:
        used["level_assessed_on"] = facts.get("level_assessed_on")
    return used


def fact_reasons(rule: CompiledRule, facts: dict[str, Any], *, passed: bool) -> list[Reason]:
    """Why-clauses for the facts the rule names: the level and its assessment date, the
    categories the rule tests (those the elder has; on a failure also those they lack)."""
    reasons: list[Reason] = []
    for name in rule.facts:
        if name in ("level", "level_assessed_on"):
            if any(r["code"] in ("level", "no_level") for r in reasons):
                continue
            if facts.get("level") is None:
                if not passed:
                    reasons.append({"code": "no_level", "params": {}})
            else:
                reasons.append(
                    {
                        "code": "level",
                        "params": {
                            "level": facts["level"],
                            "date": facts.get("level_assessed_on") or "—",
                        },
                    }
                )
        elif name == "categories":
            tested = [c for c in Category.values if c in rule.strings]
            for category in tested:
                if category in (facts.get("categories") or []):
                    reasons.append({"code": "category", "params": {"category": category}})
                elif not passed:
                    reasons.append({"code": "not_category", "params": {"category": category}})
        elif passed and name == "has_disability_certificate" and not facts.get(name):
            continue  # a passing rule that did not need it: saying "no certificate" is noise
        else:
            reasons.append({"code": "fact", "params": {"name": name, "value": facts.get(name)}})
    return reasons


def rule_failure(rule: CompiledRule, facts: dict[str, Any], result: RuleResult) -> Reason:
    empty = [name for name in rule.facts if facts.get(name) is None] if result.error else []
    return {"code": "rule_failed", "params": {"rule": rule.text, "empty": empty}}
