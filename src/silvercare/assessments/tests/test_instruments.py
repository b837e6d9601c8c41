"""Tests of the pure instrument package: data, validation, levels and the C.4 rules.

The expected tables below are written out independently of the package data, from
``shared/design/assessment-instruments.md``; ``test_instruments_sources.py`` additionally
checks the option text character for character against that file when it is present.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from silvercare.assessments.instruments import (
    APPENDIX_A,
    BARTHEL,
    ERROR_CODES,
    GBT42195,
    LAWTON_IADL,
    LTC2021,
    LTC_GRADING_STATUS,
    LTC_QUOTED_GRADING,
    DomainCutoffs,
    FieldKind,
    GradeBand,
    LawtonSettings,
    LevelChangeRules,
    LtcGradingConfig,
    ScoreDirection,
    ScoringError,
    all_instruments,
    appendix_a_section,
    diagnosis_group,
    gbt42195_fields_from_form,
    get_instrument,
    instrument_codes,
    preliminary_level,
    register,
    score_many,
    score_record,
)

# --- Expected tables, written out from the design notes ----------------------------------------

# GB/T 42195 §1.2–§1.7: item → maximum; every item's options run 0..max in steps of 1.
GBT_MAXIMA: dict[str, int] = {
    "B.1.1": 4, "B.1.2": 4, "B.1.3": 4, "B.1.4": 4, "B.1.5": 4, "B.1.6": 4, "B.1.7": 4,
    "B.1.8": 4,
    "B.2.1": 4, "B.2.2": 4, "B.2.3": 4, "B.2.4": 3,
    "B.3.1": 4, "B.3.2": 4, "B.3.3": 4, "B.3.4": 4, "B.3.5": 4, "B.3.6": 4, "B.3.7": 1,
    "B.3.8": 1, "B.3.9": 2,
    "B.4.1": 2, "B.4.2": 2, "B.4.3": 4, "B.4.4": 3, "B.4.5": 4,
}  # fmt: skip
GBT_DOMAINS: dict[str, tuple[list[str], int]] = {
    "self_care": ([f"B.1.{n}" for n in range(1, 9)], 32),
    "basic_motor": ([f"B.2.{n}" for n in range(1, 5)], 15),
    "mental": ([f"B.3.{n}" for n in range(1, 10)], 28),
    "perception_social": ([f"B.4.{n}" for n in range(1, 6)], 15),
}
BARTHEL_SCORES: dict[str, set[int]] = {
    "feeding": {0, 5, 10},
    "bathing": {0, 5},
    "grooming": {0, 5},
    "dressing": {0, 5, 10},
    "bowels": {0, 5, 10},
    "bladder": {0, 5, 10},
    "toilet": {0, 5, 10},
    "transfers": {0, 5, 10, 15},
    "mobility": {0, 5, 10, 15},
    "stairs": {0, 5, 10},
}
LAWTON_OPTION_SCORES: dict[str, list[int]] = {
    "telephone": [1, 1, 1, 0],
    "shopping": [1, 0, 0, 0],
    "food_preparation": [1, 0, 0, 0],
    "housekeeping": [1, 1, 1, 1, 0],
    "laundry": [1, 1, 0],
    "transportation": [1, 1, 1, 0, 0],
    "medications": [1, 0, 0],
    "finances": [1, 1, 0],
}
LTC_SCORES: dict[str, set[int]] = {
    "feeding": {0, 5, 10},
    "dressing": {0, 5, 10},
    "face_oral_hygiene": {0, 5},
    "bowel_control": {0, 5, 10},
    "bladder_control": {0, 5, 10},
    "toilet_use": {0, 5, 10},
    "walking": {0, 5, 10, 15},
    "transfer": {0, 5, 10, 15},
    "stairs": {0, 5, 10},
    "bathing": {0, 5},
    "time_orientation": {0, 1, 2, 3, 4},
    "person_orientation": {0, 1, 2, 3, 4},
    "place_orientation": {0, 1, 2, 3, 4},
    "memory": {0, 1, 2, 3, 4},
    "vision": {0, 1, 2, 3, 4},
    "hearing": {0, 1, 2, 3, 4},
    "communication": {0, 1, 2, 3, 4},
}


# --- Helpers -------------------------------------------------------------------------------------


def gbt_items(total: int = 90) -> dict[str, int]:
    """Item scores summing to ``total``: start from the maxima, lower items in order."""
    assert 0 <= total <= 90
    items = dict(GBT_MAXIMA)
    deficit = 90 - total
    for code, maximum in GBT_MAXIMA.items():
        cut = min(deficit, maximum)
        items[code] = maximum - cut
        deficit -= cut
    assert sum(items.values()) == total
    return items


def gbt_record(total: int = 90, **fields: Any) -> dict[str, Any]:
    return {"instrument": "gbt42195-2022", "items": gbt_items(total), **fields}


def max_record(code: str) -> dict[str, Any]:
    instrument = get_instrument(code)
    return {"instrument": code, "items": {i.code: i.max_score for i in instrument.items}}


def barthel_record(total: int) -> dict[str, Any]:
    """Barthel item scores summing to ``total`` (a multiple of 5)."""
    items = {code: max(scores) for code, scores in BARTHEL_SCORES.items()}
    deficit = 100 - total
    for code, scores in BARTHEL_SCORES.items():
        cut = min(deficit, max(scores))
        items[code] = max(scores) - cut
        deficit -= cut
    assert deficit == 0
    return {"instrument": "barthel", "items": items}


def raise_error(record: Any, **kwargs: Any) -> ScoringError:
    with pytest.raises(ScoringError) as caught:
        score_record(record, **kwargs)
    return caught.value


def codes(result: dict[str, Any]) -> list[str]:
    return [reason["code"] for reason in result["reasons"]]


# --- Registry and instrument data ---------------------------------------------------------------


def test_registry_lists_the_four_instruments() -> None:
    assert instrument_codes() == ("gbt42195-2022", "barthel", "lawton-iadl", "ltc-2021")
    assert [i.code for i in all_instruments()] == list(instrument_codes())
    assert get_instrument("barthel") is BARTHEL
    with pytest.raises(KeyError):
        get_instrument("mzt039-2013")


def test_register_refuses_a_duplicate_code() -> None:
    with pytest.raises(ValueError, match="already registered"):
        register(BARTHEL)


@pytest.mark.parametrize("instrument", [GBT42195, BARTHEL, LAWTON_IADL, LTC2021])
def test_every_instrument_is_higher_is_better_and_fully_labelled(instrument: Any) -> None:
    assert instrument.direction is ScoreDirection.HIGHER_IS_BETTER
    assert instrument.name_zh
    assert instrument.name_en
    for item in instrument.items:
        assert item.title_zh
        assert item.title_en
        assert item.options
        for option in item.options:
            assert option.text_zh
            assert option.text_en
            assert not any("\u4e00" <= ch <= "\u9fff" for ch in option.text_en), option


def test_gbt_has_26_items_in_4_domains_with_maxima_32_15_28_15() -> None:
    assert len(GBT42195.items) == 26
    assert list(GBT42195.item_codes) == list(GBT_MAXIMA)
    assert [d.code for d in GBT42195.domains] == list(GBT_DOMAINS)
    for code, (item_codes, maximum) in GBT_DOMAINS.items():
        assert list(GBT42195.domain(code).item_codes) == item_codes
        assert GBT42195.domain_max(code) == maximum
    assert [len(d.item_codes) for d in GBT42195.domains] == [8, 4, 9, 5]
    assert GBT42195.max_total == 90
    assert GBT42195.min_total == 0


@pytest.mark.parametrize(("code", "maximum"), list(GBT_MAXIMA.items()))
def test_gbt_item_allowed_scores_match_the_standard(code: str, maximum: int) -> None:
    item = GBT42195.item(code)
    assert item.allowed_scores == frozenset(range(maximum + 1))
    # One option per score, printed best first.
    assert [option.score for option in item.options] == list(range(maximum, -1, -1))


@pytest.mark.parametrize(
    ("code", "allowed"),
    [
        ("B.2.4", {0, 1, 2, 3}),
        ("B.3.7", {0, 1}),
        ("B.3.8", {0, 1}),
        ("B.3.9", {0, 1, 2}),
        ("B.4.1", {0, 1, 2}),
        ("B.4.2", {0, 1, 2}),
        ("B.4.4", {0, 1, 2, 3}),
        ("B.1.1", {0, 1, 2, 3, 4}),
    ],
)
def test_gbt_items_with_short_scales(code: str, allowed: set[int]) -> None:
    assert GBT42195.item(code).allowed_scores == allowed


@pytest.mark.parametrize(("code", "maximum"), list(GBT_MAXIMA.items()))
def test_gbt_every_allowed_score_is_accepted_and_nothing_else(code: str, maximum: int) -> None:
    for score in range(maximum + 1):
        items = gbt_items(90)
        items[code] = score
        result = score_record({"instrument": "gbt42195-2022", "items": items})
        assert result["total"] == 90 - (maximum - score)
    for bad in (-1, maximum + 1, 5, 10):
        items = gbt_items(90)
        items[code] = bad
        error = raise_error({"instrument": "gbt42195-2022", "items": items})
        assert (error.code, error.item) == ("invalid_score", code)


def test_common_scale_text_is_shared_by_seven_items() -> None:
    common = {"B.1.2", "B.1.3", "B.1.4", "B.1.5", "B.1.8", "B.2.1", "B.2.2"}
    texts = {code: [o.text_zh for o in GBT42195.item(code).options] for code in common}
    expected = [
        "独立完成，不需要协助",
        "在他人指导或提示下完成",
        "需要他人协助，但以自身完成为主",
        "主要依靠他人协助，自身能给予配合",
        "完全依赖他人协助，且不能给予配合",
    ]
    assert all(value == expected for value in texts.values())


def test_gbt_level_table() -> None:
    names = [(lvl.level, lvl.name_zh, lvl.min_total, lvl.max_total) for lvl in GBT42195.levels]
    assert names == [
        (0, "能力完好", 90, 90),
        (1, "能力轻度受损（轻度失能）", 66, 89),
        (2, "能力中度受损（中度失能）", 46, 65),
        (3, "能力重度受损（重度失能）", 30, 45),
        (4, "能力完全丧失（完全失能）", 0, 29),
    ]


# --- GB/T 42195 scoring --------------------------------------------------------------------------


def test_issue_example_exact_result() -> None:
    record = {
        "instrument": "gbt42195-2022",
        "items": dict(GBT_MAXIMA),
        "coma": False,
        "diagnoses": ["F01.1", "I10"],
        "diagnosed_by_psychiatrist": False,
        "risk_events_30d": {"fall": 1, "wandering": 1},
    }
    result = score_record(record)
    assert {k: result[k] for k in ("instrument", "domains", "total")} == {
        "instrument": "gbt42195-2022",
        "domains": {"self_care": 32, "basic_motor": 15, "mental": 28, "perception_social": 15},
        "total": 90,
    }
    assert list(result["domains"]) == ["self_care", "basic_motor", "mental", "perception_social"]
    assert result["preliminary_level"] == 0
    assert result["final_level"] == 1
    dementia, risk = result["reasons"]
    assert dementia["code"] == "dementia_diagnosis"
    assert dementia["changed_level"] is True
    assert (dementia["level_before"], dementia["level_after"]) == (0, 1)
    assert dementia["evidence"] == {"codes": ["F01.1"]}
    assert "F01.1" in dementia["text_zh"]
    assert "F01.1" in dementia["text_en"]
    assert "I10" not in dementia["text_en"]
    assert risk["code"] == "care_risk_events"
    assert risk["changed_level"] is False
    assert risk["outcome"] == "not_stacked"
    assert risk["evidence"]["total"] == 2
    assert risk["evidence"]["events"]["fall"] == 1
    assert risk["evidence"]["events"]["wandering"] == 1
    assert "2次" in risk["text_zh"]
    assert "跌倒1次" in risk["text_zh"]
    assert "走失1次" in risk["text_zh"]
    assert "2 care-risk events" in risk["text_en"]
    assert "do not stack" in risk["text_en"]
    assert result["rules"] == {
        "basis": "GB/T 42195-2022 C.4",
        "coma_level": 4,
        "stack_raises": False,
        "risk_event_threshold": 2,
        "risk_event_counting": "sum",
        "max_level": 4,
    }
    assert result["final_level_name_zh"] == "能力轻度受损（轻度失能）"
    assert result["preliminary_level_name_en"] == "Intact ability"
    json.dumps(result, ensure_ascii=False)  # JSON-ready


@pytest.mark.parametrize(
    ("total", "level"),
    [(90, 0), (89, 1), (66, 1), (65, 2), (46, 2), (45, 3), (30, 3), (29, 4), (0, 4)],
)
def test_every_level_boundary(total: int, level: int) -> None:
    result = score_record(gbt_record(total))
    assert result["total"] == total
    assert sum(result["domains"].values()) == total
    assert result["preliminary_level"] == level
    assert result["final_level"] == level
    assert result["reasons"] == []
    assert preliminary_level(total) == level


def test_preliminary_level_rejects_totals_outside_0_90() -> None:
    for total in (-1, 91):
        with pytest.raises(ValueError, match="outside"):
            preliminary_level(total)


def test_no_change_fields_means_no_change() -> None:
    result = score_record(gbt_record(70))
    assert (result["preliminary_level"], result["final_level"], result["reasons"]) == (1, 1, [])


def test_null_optional_fields_are_treated_as_absent() -> None:
    record = gbt_record(
        70, coma=None, diagnoses=None, diagnosed_by_psychiatrist=None, risk_events_30d=None
    )
    assert score_record(record)["final_level"] == 1


# Coma (A.5.11) ---------------------------------------------------------------------------------


def test_coma_with_full_scores_gives_level_4() -> None:
    result = score_record(gbt_record(90, coma=True))
    assert result["preliminary_level"] == 0
    assert result["final_level"] == 4
    (reason,) = result["reasons"]
    assert reason["code"] == "coma"
    assert reason["changed_level"] is True
    assert reason["outcome"] == "set"
    assert reason["evidence"]["field"] == "A.5.11"
    assert "完全失能" in reason["text_zh"]
    assert "coma" in reason["text_en"]


def test_coma_when_already_level_4_is_listed_without_change() -> None:
    result = score_record(gbt_record(10, coma=True))
    assert result["final_level"] == 4
    (reason,) = result["reasons"]
    assert (reason["code"], reason["changed_level"], reason["outcome"]) == (
        "coma",
        False,
        "no_change",
    )


def test_coma_false_does_nothing() -> None:
    assert score_record(gbt_record(90, coma=False))["final_level"] == 0


def test_coma_level_is_configurable_and_never_lowers() -> None:
    rules = LevelChangeRules(coma_level=3)
    assert score_record(gbt_record(90, coma=True), rules=rules)["final_level"] == 3
    assert score_record(gbt_record(10, coma=True), rules=rules)["final_level"] == 4
    assert score_record(gbt_record(90, coma=True), rules=rules)["rules"]["coma_level"] == 3


def test_coma_and_raises_together() -> None:
    result = score_record(gbt_record(70, coma=True, diagnoses=["F00"]))
    assert result["final_level"] == 4
    assert codes(result) == ["dementia_diagnosis", "coma"]
    assert [r["changed_level"] for r in result["reasons"]] == [True, True]


# Diagnoses (A.4.1) -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "code",
    [
        "F00",
        "F01.1",
        "F02.8",
        "F03",
        "f03",
        " F00.9 ",
        "F01.100x001",
        "F00.0*",
        "Ｆ０１．１",  # full-width input
        "F00-F03",  # the A.4.1 checklist value
        "F00～F03",
    ],
)
def test_dementia_codes_raise_one_level(code: str) -> None:
    result = score_record(gbt_record(70, diagnoses=["I10", code]))
    assert (result["preliminary_level"], result["final_level"]) == (1, 2)
    (reason,) = result["reasons"]
    assert reason["code"] == "dementia_diagnosis"
    assert reason["evidence"] == {"codes": [code.strip()]}
    assert code.strip() in reason["text_zh"]


@pytest.mark.parametrize("code", ["F04", "F20", "F32.1", "f99", "F04-F99"])
def test_other_mental_disorders_raise_only_with_a_psychiatrist(code: str) -> None:
    without = score_record(gbt_record(70, diagnoses=[code]))
    assert without["final_level"] == 1
    assert without["reasons"] == []
    stated_false = score_record(gbt_record(70, diagnoses=[code], diagnosed_by_psychiatrist=False))
    assert stated_false["final_level"] == 1
    with_psychiatrist = score_record(
        gbt_record(70, diagnoses=[code], diagnosed_by_psychiatrist=True)
    )
    assert with_psychiatrist["final_level"] == 2
    assert codes(with_psychiatrist) == ["psychiatric_diagnosis"]
    assert code in with_psychiatrist["reasons"][0]["text_en"]


@pytest.mark.parametrize(
    "code", ["I10", "G30.1", "E11", "F", "F0", "痴呆", "", "FF01", "F00-F99", "G00-G03", "其他"]
)
def test_other_entries_do_not_raise(code: str) -> None:
    result = score_record(gbt_record(70, diagnoses=[code], diagnosed_by_psychiatrist=True))
    assert result["final_level"] == 1
    assert result["reasons"] == []


def test_diagnosis_group_classification() -> None:
    assert diagnosis_group("F03.9") == "dementia"
    assert diagnosis_group("F04") == "psychiatric"
    assert diagnosis_group("F10.2") == "psychiatric"
    assert diagnosis_group("F01-F02") == "dementia"
    assert diagnosis_group("F03-F04") is None
    assert diagnosis_group("F03-F01") is None
    assert diagnosis_group("G30") is None


def test_dementia_and_psychiatric_diagnosis_are_one_clause() -> None:
    record = gbt_record(70, diagnoses=["F01", "F20"], diagnosed_by_psychiatrist=True)
    for rules in (LevelChangeRules(), LevelChangeRules(stack_raises=True)):
        result = score_record(record, rules=rules)
        assert result["final_level"] == 2
        assert codes(result) == ["dementia_diagnosis", "psychiatric_diagnosis"]
        assert result["reasons"][1]["outcome"] == "same_clause"
        assert result["reasons"][1]["changed_level"] is False


def test_repeated_codes_are_listed_once() -> None:
    result = score_record(gbt_record(70, diagnoses=["F01", "F01", "F03"]))
    assert result["reasons"][0]["evidence"] == {"codes": ["F01", "F03"]}
    assert result["final_level"] == 2


# Care-risk events (A.2.14) ---------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["fall", "wandering", "choking", "suicide_self_harm", "other"])
def test_exactly_one_risk_event_does_not_raise(kind: str) -> None:
    result = score_record(gbt_record(70, risk_events_30d={kind: 1}))
    assert result["final_level"] == 1
    assert result["reasons"] == []


def test_two_events_of_different_kinds_raise() -> None:
    result = score_record(gbt_record(70, risk_events_30d={"choking": 1, "suicide_self_harm": 1}))
    assert result["final_level"] == 2
    (reason,) = result["reasons"]
    assert reason["code"] == "care_risk_events"
    assert reason["changed_level"] is True
    assert reason["evidence"]["total"] == 2
    assert "噎食1次" in reason["text_zh"]
    assert "自杀、自伤1次" in reason["text_zh"]


def test_two_events_of_one_kind_and_three_or_more_raise() -> None:
    assert score_record(gbt_record(70, risk_events_30d={"fall": 2}))["final_level"] == 2
    assert score_record(gbt_record(70, risk_events_30d={"wandering": 3}))["final_level"] == 2


def test_zero_counts_are_fine() -> None:
    events = {"fall": 0, "wandering": 0, "choking": 0, "suicide_self_harm": 0, "other": 0}
    assert score_record(gbt_record(70, risk_events_30d=events))["final_level"] == 1


def test_risk_event_threshold_is_configurable() -> None:
    rules = LevelChangeRules(risk_event_threshold=3)
    record = gbt_record(70, risk_events_30d={"fall": 1, "other": 1})
    assert score_record(record, rules=rules)["final_level"] == 1
    record = gbt_record(70, risk_events_30d={"fall": 2, "other": 1})
    assert score_record(record, rules=rules)["final_level"] == 2


def test_per_type_counting_option() -> None:
    rules = LevelChangeRules(risk_event_counting="per_type")
    spread = gbt_record(70, risk_events_30d={"fall": 1, "wandering": 1})
    assert score_record(spread, rules=rules)["final_level"] == 1
    same = gbt_record(70, risk_events_30d={"fall": 2})
    result = score_record(same, rules=rules)
    assert result["final_level"] == 2
    assert result["reasons"][0]["evidence"]["counting"] == "per_type"


# Stacking and the cap --------------------------------------------------------------------------


def test_two_raising_rules_raise_once_by_default() -> None:
    record = gbt_record(70, diagnoses=["F03"], risk_events_30d={"fall": 2})
    result = score_record(record)
    assert (result["preliminary_level"], result["final_level"]) == (1, 2)
    assert codes(result) == ["dementia_diagnosis", "care_risk_events"]
    assert [r["changed_level"] for r in result["reasons"]] == [True, False]
    assert "不叠加" in result["reasons"][1]["text_zh"]


def test_two_raising_rules_stack_when_configured() -> None:
    record = gbt_record(70, diagnoses=["F03"], risk_events_30d={"fall": 2})
    result = score_record(record, rules=LevelChangeRules(stack_raises=True))
    assert (result["preliminary_level"], result["final_level"]) == (1, 3)
    assert [r["changed_level"] for r in result["reasons"]] == [True, True]
    assert result["rules"]["stack_raises"] is True


def test_stacked_raises_are_capped_at_4() -> None:
    record = gbt_record(40, diagnoses=["F20"], diagnosed_by_psychiatrist=True)
    record["risk_events_30d"] = {"fall": 1, "other": 1}
    result = score_record(record, rules=LevelChangeRules(stack_raises=True))
    assert (result["preliminary_level"], result["final_level"]) == (3, 4)
    assert [r["outcome"] for r in result["reasons"]] == ["raised", "at_max_level"]


def test_a_raise_at_level_4_stays_4_and_says_so() -> None:
    result = score_record(gbt_record(20, diagnoses=["F02.8"]))
    assert (result["preliminary_level"], result["final_level"]) == (4, 4)
    (reason,) = result["reasons"]
    assert reason["changed_level"] is False
    assert reason["outcome"] == "at_max_level"
    assert "not raised further" in reason["text_en"]
    assert "不再提高" in reason["text_zh"]


def test_both_raises_at_level_4_both_listed() -> None:
    result = score_record(gbt_record(0, diagnoses=["F00"], risk_events_30d={"fall": 5}))
    assert result["final_level"] == 4
    assert [r["outcome"] for r in result["reasons"]] == ["at_max_level", "at_max_level"]


def test_max_level_setting_caps_raises_but_never_lowers() -> None:
    rules = LevelChangeRules(max_level=3, coma_level=3)
    assert score_record(gbt_record(40, diagnoses=["F00"]), rules=rules)["final_level"] == 3
    assert score_record(gbt_record(10, diagnoses=["F00"]), rules=rules)["final_level"] == 4


@pytest.mark.parametrize(
    "kwargs",
    [
        {"coma_level": 5},
        {"coma_level": -1},
        {"max_level": 5},
        {"max_level": 2},  # below the default coma level 4
        {"risk_event_threshold": 0},
        {"risk_event_counting": "types"},
    ],
)
def test_invalid_rule_configurations_are_refused(kwargs: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="LevelChangeRules"):
        LevelChangeRules(**kwargs)


def test_rule_configurations_are_frozen() -> None:
    rules = LevelChangeRules()
    with pytest.raises(AttributeError):
        rules.stack_raises = True  # type: ignore[misc]


# --- Validation ---------------------------------------------------------------------------------


def test_error_codes_are_the_five() -> None:
    assert ERROR_CODES == (
        "unknown_instrument",
        "missing_item",
        "unknown_item",
        "invalid_score",
        "invalid_field",
    )


def test_unknown_instrument() -> None:
    error = raise_error({"instrument": "mzt039", "items": {}})
    assert (error.code, error.item) == ("unknown_instrument", None)
    assert "mzt039" in error.message_en
    assert "gbt42195-2022" in error.message_en
    assert "未知" in error.message_zh
    assert str(error) == error.message_en
    assert error.index is None


@pytest.mark.parametrize("record", [{"items": {}}, {"instrument": 3, "items": {}}])
def test_missing_or_non_string_instrument(record: dict[str, Any]) -> None:
    assert raise_error(record).code == "unknown_instrument"


def test_unknown_item() -> None:
    record = gbt_record(90)
    record["items"]["B.5.1"] = 1
    error = raise_error(record)
    assert (error.code, error.item) == ("unknown_item", "B.5.1")


def test_missing_item() -> None:
    record = gbt_record(90)
    del record["items"]["B.3.4"]
    error = raise_error(record)
    assert (error.code, error.item) == ("missing_item", "B.3.4")
    assert "B.3.4" in error.message_en
    assert "记忆" in error.message_zh


def test_disallowed_score_message() -> None:
    record = gbt_record(90)
    record["items"]["B.1.3"] = 5
    error = raise_error(record)
    assert (error.code, error.item) == ("invalid_score", "B.1.3")
    assert error.message_en == "score 5 is not an option of B.1.3 (allowed: 0, 1, 2, 3, 4)"
    assert str(error) == error.message_en


@pytest.mark.parametrize("bad", [True, False, 4.0, 3.5, "4", None, [4], {"score": 4}])
def test_non_integer_scores_are_rejected(bad: Any) -> None:
    record = gbt_record(90)
    record["items"]["B.2.1"] = bad
    error = raise_error(record)
    assert (error.code, error.item) == ("invalid_score", "B.2.1")


@pytest.mark.parametrize("items", [None, [], "B.1.1=4", 90])
def test_items_must_be_an_object(items: Any) -> None:
    error = raise_error({"instrument": "gbt42195-2022", "items": items})
    assert (error.code, error.item) == ("invalid_field", "items")


@pytest.mark.parametrize("record", [[], "gbt", 3, None])
def test_a_record_must_be_an_object(record: Any) -> None:
    error = raise_error(record)
    assert (error.code, error.item) == ("invalid_field", None)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("coma", "yes"),
        ("coma", 1),
        ("coma", 0),
        ("diagnosed_by_psychiatrist", "true"),
        ("diagnosed_by_psychiatrist", 1),
        ("diagnoses", "F01"),
        ("diagnoses", ["F01", 3]),
        ("diagnoses", {"F01": True}),
        ("risk_events_30d", [1, 1]),
        ("risk_events_30d", 2),
        ("risk_events_30d", {"falls": 1}),
        ("risk_events_30d", {"fall": -1}),
        ("risk_events_30d", {"fall": True}),
        ("risk_events_30d", {"fall": 1.0}),
        ("risk_events_30d", {"fall": "2"}),
    ],
)
def test_gbt_field_types_are_checked(field: str, value: Any) -> None:
    error = raise_error(gbt_record(90, **{field: value}))
    assert (error.code, error.item) == ("invalid_field", field)
    assert field in error.message_en
    assert field in error.message_zh


def test_items_are_checked_before_fields() -> None:
    record = gbt_record(90, coma="yes")
    record["items"]["B.1.1"] = 9
    assert raise_error(record).code == "invalid_score"


def test_unknown_top_level_keys_are_ignored() -> None:
    assert score_record(gbt_record(90, id="abc", note="x"))["final_level"] == 0


def test_error_to_dict() -> None:
    error = raise_error({"instrument": "x"})
    assert error.to_dict() == {
        "code": "unknown_instrument",
        "item": None,
        "index": None,
        "message_zh": error.message_zh,
        "message_en": error.message_en,
    }


def test_score_many_in_order_and_stops_at_the_first_bad_record() -> None:
    good = [gbt_record(90), max_record("barthel"), gbt_record(50)]
    assert [r["total"] for r in score_many(good)] == [90, 100, 50]
    bad_barthel = max_record("barthel")
    bad_barthel["items"]["bathing"] = 10
    bad_gbt = gbt_record(90)
    bad_gbt["items"]["B.1.1"] = 7
    with pytest.raises(ScoringError) as caught:
        score_many([gbt_record(90), bad_barthel, bad_gbt])
    assert caught.value.index == 1
    assert (caught.value.code, caught.value.item) == ("invalid_score", "bathing")
    assert score_many([]) == []


def test_score_many_passes_rules_through() -> None:
    record = gbt_record(70, diagnoses=["F03"], risk_events_30d={"fall": 2})
    (result,) = score_many([record], rules=LevelChangeRules(stack_raises=True))
    assert result["final_level"] == 3


# --- Barthel -----------------------------------------------------------------------------------


def test_barthel_items_and_scores() -> None:
    assert list(BARTHEL.item_codes) == list(BARTHEL_SCORES)
    for code, scores in BARTHEL_SCORES.items():
        assert BARTHEL.item(code).allowed_scores == scores
    assert BARTHEL.max_total == 100


@pytest.mark.parametrize(
    ("total", "band"),
    [(100, "none"), (95, "mild"), (65, "mild"), (60, "moderate"), (45, "moderate"),
     (40, "severe"), (0, "severe")],
)  # fmt: skip
def test_barthel_bands_from_records(total: int, band: str) -> None:
    assert score_record(barthel_record(total)) == {
        "instrument": "barthel",
        "total": total,
        "band": band,
    }


@pytest.mark.parametrize(
    ("total", "band", "name_zh"),
    [
        (100, "none", "无需依赖"),
        (99, "mild", "轻度依赖"),
        (61, "mild", "轻度依赖"),
        (60, "moderate", "中度依赖"),
        (41, "moderate", "中度依赖"),
        (40, "severe", "重度依赖"),
        (0, "severe", "重度依赖"),
    ],
)
def test_barthel_band_boundaries(total: int, band: str, name_zh: str) -> None:
    # 99, 61 and 41 are not reachable with 5-point items; the table still has to be right.
    found = BARTHEL.band_for(total)
    assert found is not None
    assert (found.code, found.name_zh) == (band, name_zh)


@pytest.mark.parametrize(
    ("code", "score"), [("bathing", 10), ("grooming", 10), ("feeding", 15), ("stairs", 3)]
)
def test_barthel_invalid_scores(code: str, score: int) -> None:
    record = max_record("barthel")
    record["items"][code] = score
    error = raise_error(record)
    assert (error.code, error.item) == ("invalid_score", code)


def test_barthel_ignores_gbt_fields() -> None:
    record = max_record("barthel")
    record["coma"] = True
    assert score_record(record)["band"] == "none"


# --- Lawton IADL ---------------------------------------------------------------------------------


def test_lawton_items_option_scores_and_allowed_scores() -> None:
    assert list(LAWTON_IADL.item_codes) == list(LAWTON_OPTION_SCORES)
    for code, option_scores in LAWTON_OPTION_SCORES.items():
        item = LAWTON_IADL.item(code)
        assert [o.score for o in item.options] == option_scores
        assert item.allowed_scores == {0, 1}
    assert len(LAWTON_IADL.item("housekeeping").options_for(1)) == 4
    assert LAWTON_IADL.bands == ()


@pytest.mark.parametrize("total", range(9))
def test_lawton_totals(total: int) -> None:
    codes_ = list(LAWTON_OPTION_SCORES)
    items = {code: 1 if index < total else 0 for index, code in enumerate(codes_)}
    result = score_record({"instrument": "lawton-iadl", "items": items})
    assert result == {"instrument": "lawton-iadl", "total": total, "band": None}


def test_lawton_invalid_score() -> None:
    record = max_record("lawton-iadl")
    record["items"]["laundry"] = 2
    error = raise_error(record)
    assert (error.code, error.item) == ("invalid_score", "laundry")
    assert "allowed: 0, 1" in error.message_en


def test_lawton_male_1969_scoring_is_off_by_default() -> None:
    record = max_record("lawton-iadl")
    record["sex"] = "male"
    assert score_record(record) == {"instrument": "lawton-iadl", "total": 8, "band": None}


def test_lawton_male_1969_scoring_when_enabled() -> None:
    settings = LawtonSettings(male_1969_scoring=True)
    record = max_record("lawton-iadl")
    record["sex"] = "male"
    result = score_record(record, lawton=settings)
    assert result["total"] == 5
    assert result["max_total"] == 5
    assert result["band"] is None
    assert result["scored_items"] == [
        "telephone",
        "shopping",
        "transportation",
        "medications",
        "finances",
    ]
    assert result["settings"] == {"male_1969_scoring": True}
    record["sex"] = "female"
    assert score_record(record, lawton=settings)["total"] == 8
    del record["sex"]
    assert score_record(record, lawton=settings)["max_total"] == 8


@pytest.mark.parametrize("sex", ["M", "男", 1, True])
def test_lawton_sex_is_checked(sex: Any) -> None:
    record = max_record("lawton-iadl")
    record["sex"] = sex
    error = raise_error(record)
    assert (error.code, error.item) == ("invalid_field", "sex")


# --- LTC 2021 ------------------------------------------------------------------------------------


def test_ltc_items_domains_and_scores() -> None:
    assert list(LTC2021.item_codes) == list(LTC_SCORES)
    for code, scores in LTC_SCORES.items():
        assert LTC2021.item(code).allowed_scores == scores
    assert [(d.code, len(d.item_codes), LTC2021.domain_max(d.code)) for d in LTC2021.domains] == [
        ("adl", 10, 100),
        ("cognition", 4, 16),
        ("perception_communication", 3, 12),
    ]
    assert [lvl.name_zh for lvl in LTC2021.levels] == [
        "基本正常",
        "轻度失能",
        "中度失能",
        "重度失能Ⅰ级",
        "重度失能Ⅱ级",
        "重度失能Ⅲ级",
    ]


def test_ltc_totals_and_no_grade_without_config() -> None:
    record = max_record("ltc-2021")
    record["items"]["walking"] = 5
    record["items"]["memory"] = 2
    record["items"]["hearing"] = 0
    result = score_record(record)
    assert result == {
        "instrument": "ltc-2021",
        "domains": {"adl": 90, "cognition": 14, "perception_communication": 8},
        "grade": None,
    }


def test_ltc_grade_only_with_an_explicit_config_and_labelled() -> None:
    record = max_record("ltc-2021")
    record["items"].update({"walking": 5, "transfer": 5, "stairs": 0, "bathing": 0})  # ADL 65
    record["items"].update({"memory": 2, "time_orientation": 1})  # cognition 11
    result = score_record(record, ltc_grading=LTC_QUOTED_GRADING)
    grade = result["grade"]
    assert result["domains"] == {"adl": 65, "cognition": 11, "perception_communication": 12}
    assert grade["domain_grades"] == {"adl": 1, "cognition": 1, "perception_communication": 0}
    assert grade["level"] == 1
    assert grade["name_zh"] == "轻度失能"
    assert grade["status"] == LTC_GRADING_STATUS
    assert LTC_GRADING_STATUS == (
        "regional setting to be confirmed — not the verified national table"
    )
    assert grade["config"]["name"] == LTC_QUOTED_GRADING.name
    json.dumps(result, ensure_ascii=False)


def test_ltc_zero_scores_with_quoted_config() -> None:
    items = dict.fromkeys(LTC_SCORES, 0)
    result = score_record(
        {"instrument": "ltc-2021", "items": items}, ltc_grading=LTC_QUOTED_GRADING
    )
    assert result["grade"]["level"] == 5
    assert result["grade"]["name_zh"] == "重度失能Ⅲ级"


def test_ltc_incomplete_config_is_refused() -> None:
    config = LtcGradingConfig(
        name="broken",
        domain_cutoffs=(DomainCutoffs("adl", (GradeBand(0, 100, 100), GradeBand(3, 0, 90))),),
        matrix=LTC_QUOTED_GRADING.matrix,
    )
    with pytest.raises(ValueError, match="broken"):
        score_record(max_record("ltc-2021"), ltc_grading=config)


def test_ltc_config_shape_is_checked() -> None:
    with pytest.raises(ValueError, match="matrix"):
        LtcGradingConfig(name="x", domain_cutoffs=(), matrix=((0, 1), (1, 2)))
    with pytest.raises(ValueError, match="between 0 and 5"):
        LtcGradingConfig(name="x", domain_cutoffs=(), matrix=((6,) * 4,) * 4)


# --- Appendix A ----------------------------------------------------------------------------------


def test_appendix_a_sections_and_key_fields() -> None:
    assert [s.code for s in APPENDIX_A] == ["A.1", "A.2", "A.3", "A.4", "A.5"]
    assert [f.code for f in appendix_a_section("A.5").fields] == [f"A.5.{n}" for n in range(1, 13)]
    assert [f.code for f in appendix_a_section("A.2").fields] == [f"A.2.{n}" for n in range(1, 15)]
    coma = appendix_a_section("A.5").field("A.5.11")
    assert (coma.key, coma.label_zh, [o.label_zh for o in coma.options]) == (
        "coma",
        "昏迷",
        ["无", "有"],
    )
    risk = appendix_a_section("A.2").field("risk_events_30d")
    assert risk.kind is FieldKind.GROUP
    assert [c.key for c in risk.children] == [
        "fall",
        "wandering",
        "choking",
        "suicide_self_harm",
        "other",
    ]
    for child in risk.children:
        assert [(o.label_zh, o.count) for o in child.options] == [
            ("无", 0),
            ("发生过1次", 1),
            ("发生过2次", 2),
            ("发生过3次及以上", 3),
        ]
    for section in APPENDIX_A:
        for form_field in section.fields:
            assert form_field.label_zh
            assert form_field.label_en
            for option in form_field.options:
                assert option.label_zh
                assert option.label_en


def test_appendix_a_diagnosis_checklist_feeds_the_scorer() -> None:
    options = appendix_a_section("A.4").field("A.4.1").options
    assert len(options) == 23
    assert len([o for o in options if o.icd10]) == 20
    groups = {o.value: diagnosis_group(o.value) for o in options}
    assert groups["F00-F03"] == "dementia"
    assert groups["F04-F99"] == "psychiatric"
    assert [v for v, g in groups.items() if g is not None] == ["F00-F03", "F04-F99"]
    for option in options:
        if option.icd10:
            assert diagnosis_group(option.icd10) == groups[option.value]


def test_form_values_to_record_fields() -> None:
    fields = gbt42195_fields_from_form(
        coma="no",
        diagnoses=["F00-F03", "I10-I15"],
        risk_events={"fall": "once", "wandering": "three_or_more"},
    )
    assert fields == {
        "coma": False,
        "diagnoses": ["F00-F03", "I10-I15"],
        "diagnosed_by_psychiatrist": False,
        "risk_events_30d": {"fall": 1, "wandering": 3},
    }
    result = score_record({"instrument": "gbt42195-2022", "items": gbt_items(90), **fields})
    assert result["final_level"] == 1
    assert codes(result) == ["dementia_diagnosis", "care_risk_events"]
    assert gbt42195_fields_from_form(coma="yes")["coma"] is True
    with pytest.raises(KeyError):
        gbt42195_fields_from_form(coma="maybe")
    with pytest.raises(KeyError):
        gbt42195_fields_from_form(risk_events={"falls": "once"})


def test_package_imports_nothing_outside_the_standard_library() -> None:
    """No Django, no database: every import is relative or from the standard library."""
    import ast
    import sys
    from pathlib import Path

    import silvercare.assessments.instruments as package

    folder = Path(package.__file__).parent
    for path in sorted(folder.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                assert name.split(".")[0] in sys.stdlib_module_names, (path.name, name)


def test_scoring_error_survives_pickling() -> None:
    import pickle

    error = raise_error({"instrument": "x"})
    error.index = 3
    copy = pickle.loads(pickle.dumps(error))  # noqa: S301 - our own object
    assert copy.to_dict() == error.to_dict()
    assert str(copy) == str(error)
