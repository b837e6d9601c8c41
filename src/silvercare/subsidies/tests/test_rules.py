"""Eligibility rules in CEL: refused with the place of the error, evaluated on facts."""

from __future__ import annotations

import pytest
from django.utils import translation

from silvercare.common.errors import ValidationFailed
from silvercare.subsidies.rules import rule_compile, rule_evaluate
from silvercare.subsidies.services import rule_field_errors, rule_test_run

RULE = 'level >= 2 || "disabled" in categories'


def errors(text: str) -> list[tuple[str, str, str]]:
    with translation.override("en"):
        return [(e.code, e.params["line"], e.params["column"]) for e in rule_field_errors(text)]


def test_a_rule_that_does_not_parse_is_refused_with_its_line_and_column() -> None:
    assert errors("level >= ") == [("rule_syntax", "1", "7")]
    assert errors('age > 80 &&\n  categories.exists(c, c == "x"') == [("rule_syntax", "2", "29")]


def test_an_unknown_fact_is_refused_with_its_position_and_the_known_facts() -> None:
    assert errors("age >= 80 && income > 3") == [("rule_unknown_fact", "1", "14")]
    with translation.override("en"):
        message = rule_field_errors("age >= 80 && income > 3")[0].message
    assert "income" in str(message) and "has_disability_certificate" in str(message)
    # A macro's own variable is known inside the macro only.
    assert errors('categories.exists(c, c == "disabled")') == []
    assert errors('categories.exists(c, c == "disabled") && c == "x"') == [
        ("rule_unknown_fact", "1", "42")
    ]


def test_unknown_functions_non_conditions_and_type_mixes_are_refused() -> None:
    assert errors("size(categories) > 0 && now() > 1") == [("rule_unknown_function", "1", "25")]
    assert [e[0] for e in errors("age + 1")] == ["rule_not_boolean"]
    assert [e[0] for e in errors('age > "80"')] == ["rule_type_error"]
    assert [e[0] for e in errors("")] == ["rule_syntax"]
    assert [e[0] for e in errors("true || " * 300 + "true")] == ["rule_too_long"]


def test_comparing_with_null_works_both_ways() -> None:
    """cel-python 0.5.0 raises on ``3 != null``; our equality treats null as CEL does."""
    rule = rule_compile("(level != null && level >= 2) || has_disability_certificate")
    assert rule_evaluate(rule, {"level": 3, "has_disability_certificate": False}).passed
    assert not rule_evaluate(rule, {"level": 1, "has_disability_certificate": False}).passed
    assert not rule_evaluate(rule, {"level": None, "has_disability_certificate": False}).passed
    assert rule_evaluate(rule, {"level": None, "has_disability_certificate": True}).passed


def test_a_rule_comparing_an_empty_level_fails_and_says_which_fact_was_empty() -> None:
    with translation.override("en"):
        run = rule_test_run(rule_text="level >= 2", facts={"level": None})
    assert not run.passed
    assert run.reasons[0]["params"]["empty"] == ["level"]


def test_test_run_on_typed_facts() -> None:
    passed = rule_test_run(rule_text=RULE, facts={"level": 1, "categories": ["disabled"]})
    failed = rule_test_run(rule_text=RULE, facts={"level": 1, "categories": []})
    assert passed.passed and not failed.passed
    assert passed.facts_used == {
        "level": 1,
        "level_assessed_on": None,
        "categories": ["disabled"],
    }
    with pytest.raises(ValidationFailed) as bad:
        rule_test_run(rule_text=RULE, facts={"level": "three"})
    assert bad.value.errors[0].field == "facts"
    with pytest.raises(ValidationFailed) as unknown:
        rule_test_run(rule_text=RULE, facts={"salary": 3})
    assert unknown.value.errors[0].code == "facts_invalid"


def test_ages_and_levels_are_evaluated_once_per_interval_with_the_same_verdicts() -> None:
    """Bulk evaluation memoises by the values a rule compares with: ``age >= 75`` sees
    ages 60–74 alike. The verdict must equal evaluating the true value, every time."""
    from celpy.evaluation import CELEvalError

    from silvercare.subsidies.rules import _activation, _evaluate_cached

    # rule -> how many evaluations for 46 ages and 6 levels (null, 0–4)
    rules = {
        "age >= 75 || level != null && level >= 3": 3 * 4,  # ages <75, 75, >75; levels too
        "75 <= age && level == 2": 3 * 4,
        "age > 80 || age < 65": 5,
        "age + 1 >= 80": 46,  # arithmetic: not reduced, evaluated per value
    }
    for text, expected in rules.items():
        rule = rule_compile(text)
        _evaluate_cached.cache_clear()
        for age in range(60, 106):
            for level in (None, 0, 1, 2, 3, 4):
                facts = {"age": age, "level": level}
                try:
                    direct = bool(rule.program.evaluate(_activation(facts)))
                except CELEvalError:
                    direct = False
                assert rule_evaluate(rule, facts).passed == direct, (text, age, level)
        assert _evaluate_cached.cache_info().currsize == expected, text
    assert rule_compile("age > 80 || age < 65").int_literals == (("age", (65, 80)),)
