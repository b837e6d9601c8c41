"""Property tests of the GB/T 42195 scorer (hypothesis)."""

from __future__ import annotations

from typing import Any

import pytest

pytest.importorskip("hypothesis")

import itertools

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from silvercare.assessments.instruments import (
    BARTHEL,
    GBT42195,
    LTC2021,
    LevelChangeRules,
    ScoringError,
    preliminary_level,
    score_record,
)

# No example database: nothing is written to the working directory.
PROPERTY = settings(database=None, max_examples=300, suppress_health_check=[HealthCheck.too_slow])

gbt_items = st.fixed_dictionaries(
    {item.code: st.sampled_from(sorted(item.allowed_scores)) for item in GBT42195.items}
)
diagnoses = st.lists(
    st.sampled_from(["F00", "F01.1", "f03", "F04", "F20", "F99.9", "I10", "G30", "其他", ""]),
    max_size=4,
)
risk_events = st.fixed_dictionaries(
    {},
    optional={
        kind: st.integers(min_value=0, max_value=4)
        for kind in ("fall", "wandering", "choking", "suicide_self_harm", "other")
    },
)
rules = st.builds(
    LevelChangeRules,
    coma_level=st.integers(min_value=3, max_value=4),
    stack_raises=st.booleans(),
    risk_event_threshold=st.integers(min_value=1, max_value=4),
    risk_event_counting=st.sampled_from(["sum", "per_type"]),
)


@PROPERTY
@given(
    items=gbt_items,
    coma=st.booleans(),
    dx=diagnoses,
    psychiatrist=st.booleans(),
    events=risk_events,
    config=rules,
)
def test_gbt_invariants(
    items: dict[str, int],
    coma: bool,
    dx: list[str],
    psychiatrist: bool,
    events: dict[str, int],
    config: LevelChangeRules,
) -> None:
    record: dict[str, Any] = {
        "instrument": "gbt42195-2022",
        "items": items,
        "coma": coma,
        "diagnoses": dx,
        "diagnosed_by_psychiatrist": psychiatrist,
        "risk_events_30d": events,
    }
    result = score_record(record, rules=config)
    assert result["total"] == sum(items.values())
    assert sum(result["domains"].values()) == result["total"]
    for domain in GBT42195.domains:
        expected = sum(items[code] for code in domain.item_codes)
        assert result["domains"][domain.code] == expected
        assert 0 <= expected <= GBT42195.domain_max(domain.code)
    assert result["preliminary_level"] == preliminary_level(result["total"])
    assert result["preliminary_level"] <= result["final_level"] <= 4
    raises = sum(1 for r in result["reasons"] if r["outcome"] == "raised")
    assert raises <= (2 if config.stack_raises else 1)
    if coma:
        assert result["final_level"] >= config.coma_level
        assert result["reasons"][-1]["code"] == "coma"
    if not result["reasons"]:
        assert result["final_level"] == result["preliminary_level"]
    # The reasons chain from the preliminary to the final level.
    level = result["preliminary_level"]
    for reason in result["reasons"]:
        assert reason["level_before"] == level
        assert reason["changed_level"] == (reason["level_after"] != level)
        level = reason["level_after"]
    assert level == result["final_level"]


@PROPERTY
@given(items=gbt_items)
def test_gbt_without_change_fields_final_equals_preliminary(items: dict[str, int]) -> None:
    result = score_record({"instrument": "gbt42195-2022", "items": items})
    assert result["final_level"] == result["preliminary_level"]
    assert result["reasons"] == []


def test_level_is_monotonic_non_increasing_in_total() -> None:
    levels = [preliminary_level(total) for total in range(91)]
    assert all(a >= b for a, b in itertools.pairwise(levels))
    assert (levels[0], levels[90]) == (4, 0)


@PROPERTY
@given(low=gbt_items, high=gbt_items)
def test_level_monotonic_across_records(low: dict[str, int], high: dict[str, int]) -> None:
    a = score_record({"instrument": "gbt42195-2022", "items": low})
    b = score_record({"instrument": "gbt42195-2022", "items": high})
    if a["total"] <= b["total"]:
        assert a["preliminary_level"] >= b["preliminary_level"]
    else:
        assert a["preliminary_level"] <= b["preliminary_level"]


@PROPERTY
@given(
    items=st.fixed_dictionaries(
        {item.code: st.sampled_from(sorted(item.allowed_scores)) for item in BARTHEL.items}
    )
)
def test_barthel_total_and_band(items: dict[str, int]) -> None:
    result = score_record({"instrument": "barthel", "items": items})
    assert result["total"] == sum(items.values())
    assert result["total"] % 5 == 0
    band = BARTHEL.band_for(result["total"])
    assert band is not None
    assert result["band"] == band.code


@PROPERTY
@given(
    items=st.fixed_dictionaries(
        {item.code: st.sampled_from(sorted(item.allowed_scores)) for item in LTC2021.items}
    )
)
def test_ltc_domain_totals(items: dict[str, int]) -> None:
    result = score_record({"instrument": "ltc-2021", "items": items})
    for domain in LTC2021.domains:
        assert result["domains"][domain.code] == sum(items[c] for c in domain.item_codes)
    assert result["grade"] is None


@PROPERTY
@given(code=st.sampled_from(list(GBT42195.item_codes)), score=st.integers(-50, 50))
def test_gbt_score_accepted_iff_an_option_carries_it(code: str, score: int) -> None:
    items = {item.code: item.max_score for item in GBT42195.items}
    items[code] = score
    record = {"instrument": "gbt42195-2022", "items": items}
    if score in GBT42195.item(code).allowed_scores:
        assert score_record(record)["total"] == 90 - GBT42195.item(code).max_score + score
    else:
        with pytest.raises(ScoringError, match=f"score {score} is not an option of {code}"):
            score_record(record)
