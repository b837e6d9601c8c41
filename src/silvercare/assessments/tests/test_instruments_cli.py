"""Tests of ``assess_score_cli``: files in, JSON or one error line out, exit 0 or 2."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

from silvercare.assessments.instruments import (
    GBT42195,
    LevelChangeRules,
    assess_score_cli,
    score_record,
)


def gbt_record(**fields: Any) -> dict[str, Any]:
    items = {item.code: item.max_score for item in GBT42195.items}
    return {"instrument": "gbt42195-2022", "items": items, **fields}


def barthel_record(**overrides: int) -> dict[str, Any]:
    items = {
        "feeding": 10,
        "bathing": 5,
        "grooming": 5,
        "dressing": 10,
        "bowels": 10,
        "bladder": 10,
        "toilet": 10,
        "transfers": 15,
        "mobility": 15,
        "stairs": 10,
    }
    items.update(overrides)
    return {"instrument": "barthel", "items": items}


def run(path: Path, **kwargs: Any) -> tuple[int, str, str]:
    stdout, stderr = io.StringIO(), io.StringIO()
    status = assess_score_cli(str(path), stdout, stderr, **kwargs)
    return status, stdout.getvalue(), stderr.getvalue()


def write(tmp_path: Path, data: Any, name: str = "records.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def test_single_object(tmp_path: Path) -> None:
    record = gbt_record(
        coma=False,
        diagnoses=["F01.1", "I10"],
        diagnosed_by_psychiatrist=False,
        risk_events_30d={"fall": 1, "wandering": 1},
    )
    status, out, err = run(write(tmp_path, record))
    assert (status, err) == (0, "")
    result = json.loads(out)
    assert result == score_record(record)
    assert result["final_level"] == 1
    # Chinese is printed as is, with an indent of 2.
    assert "能力轻度受损" in out
    assert "\\u" not in out
    assert out == json.dumps(result, ensure_ascii=False, indent=2) + "\n"


def test_list_in_order(tmp_path: Path) -> None:
    records = [
        barthel_record(),
        gbt_record(coma=True),
        {"instrument": "lawton-iadl", "items": dict.fromkeys(_LAWTON, 0)},
        barthel_record(stairs=0, bathing=0),
    ]
    status, out, err = run(write(tmp_path, records))
    assert (status, err) == (0, "")
    results = json.loads(out)
    assert [r["instrument"] for r in results] == [
        "barthel",
        "gbt42195-2022",
        "lawton-iadl",
        "barthel",
    ]
    assert results[0] == {"instrument": "barthel", "total": 100, "band": "none"}
    assert results[1]["final_level"] == 4
    assert results[2] == {"instrument": "lawton-iadl", "total": 0, "band": None}
    assert results[3] == {"instrument": "barthel", "total": 85, "band": "mild"}


_LAWTON = (
    "telephone",
    "shopping",
    "food_preparation",
    "housekeeping",
    "laundry",
    "transportation",
    "medications",
    "finances",
)


def test_empty_list(tmp_path: Path) -> None:
    assert run(write(tmp_path, [])) == (0, "[]\n", "")


def test_bad_record_at_index_1(tmp_path: Path) -> None:
    bad = gbt_record()
    bad["items"]["B.1.3"] = 5
    status, out, err = run(write(tmp_path, [gbt_record(), bad, gbt_record()]))
    assert status == 2
    assert out == ""
    assert err == (
        "record 1: item B.1.3: invalid_score: score 5 is not an option of B.1.3 "
        "(allowed: 0, 1, 2, 3, 4)\n"
    )


def test_bad_record_at_index_2_barthel(tmp_path: Path) -> None:
    records = [barthel_record(), barthel_record(), barthel_record(bathing=10)]
    status, out, err = run(write(tmp_path, records))
    assert (status, out) == (2, "")
    assert err.startswith("record 2: item bathing: invalid_score: ")


def test_bad_field_is_named_as_a_field(tmp_path: Path) -> None:
    status, out, err = run(write(tmp_path, [gbt_record(coma="yes")]))
    assert (status, out) == (2, "")
    assert err.startswith("record 0: field coma: invalid_field: ")


def test_single_bad_object_is_record_0(tmp_path: Path) -> None:
    record = gbt_record()
    del record["items"]["B.4.5"]
    status, out, err = run(write(tmp_path, record))
    assert (status, out) == (2, "")
    assert err.startswith("record 0: item B.4.5: missing_item: ")


def test_unknown_instrument(tmp_path: Path) -> None:
    status, out, err = run(write(tmp_path, [barthel_record(), {"instrument": "x", "items": {}}]))
    assert (status, out) == (2, "")
    assert err.startswith("record 1: unknown_instrument: unknown instrument 'x'")


def test_non_object_record(tmp_path: Path) -> None:
    status, out, err = run(write(tmp_path, [barthel_record(), 3]))
    assert (status, out) == (2, "")
    assert err.startswith("record 1: invalid_field: ")


def test_invalid_json(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text('{"instrument": "barthel", ', encoding="utf-8")
    status, out, err = run(path)
    assert (status, out) == (2, "")
    assert "is not valid JSON" in err
    assert "line 1" in err


def test_top_level_scalar(tmp_path: Path) -> None:
    status, out, err = run(write(tmp_path, "barthel"))
    assert (status, out) == (2, "")
    assert "must hold a JSON object or a list" in err


def test_missing_file(tmp_path: Path) -> None:
    status, out, err = run(tmp_path / "nope.json")
    assert (status, out) == (2, "")
    assert err.startswith("error: cannot read ")


def test_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin1.json"
    path.write_bytes(b'{"note": "\xe9"}')
    status, out, err = run(path)
    assert (status, out) == (2, "")
    assert "UTF-8" in err


def test_utf8_bom_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "bom.json"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(barthel_record()).encode())
    status, out, _ = run(path)
    assert status == 0
    assert json.loads(out)["total"] == 100


def test_rules_can_be_passed(tmp_path: Path) -> None:
    record = gbt_record(diagnoses=["F00"], risk_events_30d={"fall": 2})
    status, out, _ = run(write(tmp_path, record), rules=LevelChangeRules(stack_raises=True))
    assert status == 0
    assert json.loads(out)["final_level"] == 2
