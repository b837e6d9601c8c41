"""The independent plan verifier catches hand-broken plans; `silvercare plan-routes` exit codes."""

from __future__ import annotations

import copy
import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from silvercare.homecare.management.commands.plan_routes import plan_routes_cli
from silvercare.homecare.routing import solve, verify

PROBLEM: dict[str, Any] = {
    "distance": {"kind": "euclidean"},
    "caregivers": [
        {
            "id": "c1",
            "start": [0, 0],
            "shift": [0, 300],
            "skills": ["bath"],
            "capacity": 10,
            "max_visits": 3,
            "breaks": [{"window": [100, 160], "duration": 30}],
        },
        {"id": "c2", "start": [10, 10], "shift": [0, 300], "capacity": 10},
    ],
    "visits": [
        {"id": "bath", "location": [5, 0], "window": [20, 60], "duration": 40, "skills": ["bath"]},
        {"id": "meal", "location": [0, 5], "window": [0, 200], "duration": 10, "demand": 4},
        {"id": "chat", "location": [10, 5], "window": [150, 250], "duration": 30},
        {"id": "walk", "location": [12, 12], "window": [30, 90], "duration": 30, "demand": 3},
    ],
}


@pytest.fixture(scope="module")
def plan() -> dict[str, Any]:
    result = solve(PROBLEM, time_limit=0.5)
    assert result["unassigned"] == []
    return result


def broken(plan: dict[str, Any]) -> dict[str, Any]:
    return copy.deepcopy(plan)


def where(plan: dict[str, Any], vid: str) -> tuple[dict[str, Any], dict[str, Any]]:
    for r in plan["routes"]:
        for s in r["stops"]:
            if s["visit"] == vid:
                return r, s
    raise AssertionError(vid)


def test_the_solved_plan_verifies(plan: dict[str, Any]) -> None:
    assert verify(PROBLEM, plan) == []


def test_start_outside_the_window_is_caught(plan: dict[str, Any]) -> None:
    bad = broken(plan)
    _, s = where(bad, "bath")
    s["arrival"] = s["start"] = 70.0
    s["departure"] = 110.0
    assert any("bath starts at 70.00, outside its window" in e for e in verify(PROBLEM, bad))


def test_arrival_faster_than_travel_is_caught(plan: dict[str, Any]) -> None:
    bad = broken(plan)
    r, s = where(bad, "bath")
    r["start_time"] = s["arrival"] - 1  # 5 units away, 1 minute before
    assert any("do not fit between start" in e for e in verify(PROBLEM, bad))


def test_missing_skill_and_lost_visit_are_caught(plan: dict[str, Any]) -> None:
    bad = broken(plan)
    r, s = where(bad, "bath")
    r["stops"].remove(s)
    errors = verify(PROBLEM, bad)
    assert "visit bath is neither planned nor unassigned" in errors
    bad2 = broken(plan)
    r1 = next(r for r in bad2["routes"] if r["caregiver"] == "c1")
    r1["caregiver"], r1["breaks"] = "c2", []
    bad2["routes"] = [r1]
    assert any("c2 lacks skills ['bath'] for bath" in e for e in verify(PROBLEM, bad2))


def test_capacity_max_visits_and_breaks_are_caught(plan: dict[str, Any]) -> None:
    problem = copy.deepcopy(PROBLEM)
    problem["caregivers"][0]["capacity"] = 1
    problem["caregivers"][0]["max_visits"] = 0
    errors = verify(problem, plan)
    assert any("exceeds capacity 1" in e for e in errors)
    assert any("exceed max_visits 0" in e for e in errors)
    bad = broken(plan)
    next(r for r in bad["routes"] if r["caregiver"] == "c1")["breaks"] = []
    assert "c1: 0 breaks planned, 1 required" in verify(PROBLEM, bad)


def test_reported_travel_must_match(plan: dict[str, Any]) -> None:
    bad = broken(plan)
    bad["total_travel"] = plan["total_travel"] - 5
    assert any(e.startswith("total_travel") for e in verify(PROBLEM, bad))


def run(path: Path, **kw: Any) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = plan_routes_cli(str(path), out, err, **kw)
    return code, out.getvalue(), err.getvalue()


def test_cli_prints_the_plan(tmp_path: Path) -> None:
    path = tmp_path / "p.json"
    path.write_text(json.dumps(PROBLEM))
    code, out, err = run(path, time_limit=0.3)
    assert (code, err) == (0, "")
    plan = json.loads(out)
    assert set(plan) >= {"routes", "unassigned", "total_travel"}
    assert {r["caregiver"] for r in plan["routes"]} == {"c1", "c2"}
    assert set(plan["routes"][0]["stops"][0]) == {"visit", "arrival", "start", "departure"}
    assert verify(PROBLEM, plan) == []


def test_cli_bad_input_exits_2(tmp_path: Path) -> None:
    path = tmp_path / "p.json"
    bad = copy.deepcopy(PROBLEM)
    bad["visits"][0]["window"] = [60, 20]
    path.write_text(json.dumps(bad))
    assert run(path, time_limit=0.3) == (
        2,
        "",
        f"{path}: visits[0].window: window ends at 20.0, before it starts at 60.0\n",
    )
    path.write_text("{not json")
    code, out, err = run(path)
    assert (code, out) == (2, "") and "not JSON" in err
    code, out, err = run(tmp_path / "missing.json")
    assert (code, out) == (2, "") and "cannot read" in err


def test_command_exit_code(tmp_path: Path) -> None:
    path = tmp_path / "p.json"
    path.write_text(json.dumps({"distance": {"kind": "euclidean"}, "caregivers": []}))
    err = io.StringIO()
    with pytest.raises(SystemExit) as exc:
        call_command("plan_routes", str(path), "--time-limit", "0.2", stderr=err)
    assert exc.value.code == 2
    assert "caregivers: required: a non-empty list" in err.getvalue()
    path.write_text(json.dumps(PROBLEM))
    out = io.StringIO()
    call_command("plan_routes", str(path), "--time-limit", "0.2", stdout=out)
    assert json.loads(out.getvalue())["unassigned"] == []
