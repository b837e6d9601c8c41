"""Caregiver routing (issue 13 part 3): each constraint on a small instance with a known answer.

Every plan is also checked by the independent verifier (routing/verify.py).
"""

from __future__ import annotations

import itertools
import math
import random
from typing import Any

import pytest

from silvercare.homecare.routing import RoutingInputError, solve, verify
from silvercare.homecare.routing.replan import replan_problem

LIMIT = 0.3


def plan_of(problem: dict[str, Any], limit: float = LIMIT) -> dict[str, Any]:
    plan = solve(problem, time_limit=limit, seed=1)
    assert verify(problem, plan) == []
    return plan


def route(plan: dict[str, Any], cid: str) -> dict[str, Any]:
    return next(r for r in plan["routes"] if r["caregiver"] == cid)


def order(plan: dict[str, Any], cid: str) -> list[str]:
    return [s["visit"] for s in route(plan, cid)["stops"]]


def stop(plan: dict[str, Any], vid: str) -> dict[str, Any]:
    return next(s for r in plan["routes"] for s in r["stops"] if s["visit"] == vid)


def reasons(plan: dict[str, Any]) -> dict[str, str]:
    return {u["visit"]: u["reason"] for u in plan["unassigned"]}


def cg(cid: str, start: list[float], shift: list[float] | None = None, **kw: Any) -> dict[str, Any]:
    return {"id": cid, "start": start, "shift": shift or [0, 1000], **kw}


def visit(vid: str, at: list[float], window: list[float], duration: float = 0, **kw: Any) -> dict:
    return {"id": vid, "location": at, "window": window, "duration": duration, **kw}


def euclid(caregivers: list[dict], visits: list[dict], **extra: Any) -> dict[str, Any]:
    return {"distance": {"kind": "euclidean"}, "caregivers": caregivers, "visits": visits, **extra}


def test_time_windows_force_the_longer_order() -> None:
    # Nearest first (a then b) would reach b at 50, after its window closes at 25.
    p = euclid(
        [cg("c1", [0, 0])],
        [visit("a", [10, 0], [40, 50]), visit("b", [20, 0], [0, 25])],
    )
    plan = plan_of(p)
    assert order(plan, "c1") == ["b", "a"]
    assert (stop(plan, "b")["start"], stop(plan, "a")["arrival"], stop(plan, "a")["start"]) == (
        20.0,
        30.0,
        40.0,
    )
    assert plan["total_travel"] == 40.0
    assert plan["unassigned"] == []


def test_skills_send_the_far_caregiver() -> None:
    # c2 sits on the bath visit but cannot bathe; c1 must come from 100 away.
    p = euclid(
        [cg("c1", [0, 0], skills=["bath"]), cg("c2", [100, 0])],
        [visit("bath", [100, 0], [0, 1000], 30, skills=["bath"])],
    )
    plan = plan_of(p)
    assert order(plan, "c1") == ["bath"]
    assert plan["total_travel"] == 200.0


def test_a_visit_needs_all_its_skills() -> None:
    p = euclid(
        [cg("c1", [0, 0], skills=["bath"]), cg("c2", [0, 0], skills=["medical"])],
        [visit("v", [1, 0], [0, 100], skills=["bath", "medical"])],
    )
    plan = plan_of(p)
    assert reasons(plan) == {"v": "no caregiver has all the skills it needs: bath, medical"}


def test_shift_bounds_the_route() -> None:
    p = euclid(
        [cg("c1", [0, 0], [100, 200])],
        [
            visit("in", [10, 0], [0, 300], 20),
            visit("before", [10, 0], [0, 50], 20),
            visit("too_far", [60, 0], [0, 1000], 30),  # 60 + 30 + 60 > 100 minutes of shift
        ],
    )
    plan = plan_of(p)
    r = route(plan, "c1")
    assert order(plan, "c1") == ["in"]
    assert r["start_time"] >= 100 and r["end_time"] <= 200
    assert stop(plan, "in")["start"] == 110.0
    why = reasons(plan)
    assert (
        why["before"]
        == "its window [0, 50] is outside the (remaining) shift of every caregiver with the skills"
    )
    assert why["too_far"].startswith("no caregiver with the skills can reach it")


def test_duration_longer_than_any_shift() -> None:
    p = euclid([cg("c1", [0, 0], [0, 60])], [visit("long", [0, 0], [0, 60], 90)])
    assert reasons(plan_of(p)) == {
        "long": "its duration (90 min) is longer than the shift of every caregiver with the skills"
    }


def test_break_is_taken_in_its_window_between_visits() -> None:
    # The break can only be [30, 60]; b is reached at 70 at the earliest (30 + 30 break + 10).
    p = euclid(
        [cg("c1", [0, 0], [0, 200], breaks=[{"window": [30, 60], "duration": 30}])],
        [visit("a", [10, 0], [0, 10], 20), visit("b", [20, 0], [60, 70], 10)],
    )
    plan = plan_of(p)
    r = route(plan, "c1")
    assert order(plan, "c1") == ["a", "b"]
    assert r["breaks"] == [{"start": 30.0, "end": 60.0, "after": "a"}]
    assert stop(plan, "b")["start"] == 70.0


def test_visit_that_collides_with_the_break_is_unassigned() -> None:
    p = euclid(
        [cg("c1", [0, 0], [0, 200], breaks=[{"window": [40, 80], "duration": 40}])],
        [visit("v", [0, 0], [50, 60], 30)],
    )
    plan = plan_of(p)
    assert reasons(plan) == {
        "v": "it cannot be fitted around the breaks of every caregiver with the skills"
    }
    assert route(plan, "c1")["breaks"] == [{"start": 40.0, "end": 80.0, "after": None}]


def test_each_caregiver_takes_their_own_break() -> None:
    p = euclid(
        [
            cg("early", [0, 0], [0, 300], breaks=[{"window": [60, 90], "duration": 30}]),
            cg("late", [0, 0], [0, 300], breaks=[{"window": [200, 230], "duration": 30}]),
        ],
        [visit(f"v{i}", [5 * i, 5], [0, 300], 20) for i in range(4)],
    )
    plan = plan_of(p)
    assert route(plan, "early")["breaks"][0]["start"] >= 60
    assert route(plan, "late")["breaks"][0]["start"] >= 200


def test_max_visits_per_caregiver() -> None:
    # Without the limits one caregiver would do all three (travel 2 instead of 4).
    p = euclid(
        [cg("a", [0, 0], max_visits=2), cg("b", [0, 0], max_visits=1)],
        [visit(f"v{i}", [1, 0], [0, 1000], 10) for i in range(3)],
    )
    plan = plan_of(p)
    assert (len(order(plan, "a")), len(order(plan, "b"))) == (2, 1)
    assert plan["total_travel"] == 4.0


def test_meal_round_capacity() -> None:
    p = euclid(
        [cg("c1", [0, 0], capacity=10)],
        [
            visit("m1", [1, 0], [0, 1000], 5, demand=6),
            visit("m2", [2, 0], [0, 1000], 5, demand=6),
            visit("m3", [3, 0], [0, 1000], 5, demand=12),
        ],
    )
    plan = plan_of(p)
    assert len(order(plan, "c1")) == 1
    why = reasons(plan)
    assert (
        why["m3"]
        == "its demand 12 exceeds the capacity of every caregiver with the skills (largest 10)"
    )
    dropped = next(v for v in ("m1", "m2") if v in why)
    # It fits alone, but the round already carries 6 of 10.
    assert (
        why[dropped] == "no room left on the rounds of the caregivers who could take it (demand 6)"
    )
    codes = {u["visit"]: u["code"] for u in plan["unassigned"]}
    assert codes == {"m3": "capacity", dropped: "capacity"}


def test_replan_starts_at_current_place_and_time() -> None:
    # At 10:40 (640) c1 is at [30, 0]; the visit is 10 away, so it cannot start before 650.
    p = euclid(
        [cg("c1", [30, 0], [480, 1020], start_time=640)],
        [visit("v", [40, 0], [600, 700], 30), visit("gone", [40, 0], [600, 630], 10)],
    )
    plan = plan_of(p)
    assert stop(plan, "v")["start"] == 650.0
    assert "outside the (remaining) shift" in reasons(plan)["gone"]


def test_pinned_visit_stays_with_its_caregiver() -> None:
    p = euclid(
        [cg("near", [0, 0]), cg("far", [100, 0], skills=[])],
        [visit("v", [1, 0], [0, 1000], 10, pinned_to="far"), visit("w", [1, 1], [0, 1000])],
    )
    plan = plan_of(p)
    assert order(plan, "far") == ["v"]
    assert order(plan, "near") == ["w"]


def test_replan_after_a_caregiver_drops_out_keeps_started_visits() -> None:
    day = euclid(
        [
            cg("a", [0, 0], [0, 400], breaks=[{"window": [120, 240], "duration": 30}]),
            cg("b", [0, 0], [0, 400]),
        ],
        [
            visit("a1", [10, 0], [10, 20], 30, pinned_to="a"),
            visit("a2", [20, 0], [200, 220], 30, pinned_to="a"),
            visit("b1", [0, 10], [10, 20], 120, pinned_to="b"),
            visit("b2", [0, 20], [260, 300], 30, pinned_to="b"),
        ],
    )
    plan = plan_of(day)
    assert (order(plan, "a"), order(plan, "b")) == (["a1", "a2"], ["b1", "b2"])
    # At 100 "a" calls in sick; a1 is done, b1 (10-130) is under way.
    re = replan_problem(day, plan, at=100, absent={"a"})
    assert [v["id"] for v in re["visits"]] == ["a2", "b2"]
    assert "pinned_to" not in re["visits"][0]
    (b,) = re["caregivers"]
    assert (b["start"], b["start_time"]) == ([0, 10], stop(plan, "b1")["departure"])
    new = plan_of(re)
    assert order(new, "b") == ["a2", "b2"]
    assert route(new, "b")["start_time"] >= stop(plan, "b1")["departure"]


def test_pinned_to_a_caregiver_without_the_skill() -> None:
    p = euclid(
        [cg("c1", [0, 0]), cg("c2", [0, 0], skills=["bath"])],
        [visit("v", [1, 0], [0, 1000], 10, skills=["bath"], pinned_to="c1")],
    )
    assert reasons(plan_of(p)) == {"v": "its pinned caregiver c1 lacks the skills: bath"}


@pytest.mark.parametrize(("allowance", "expected"), [(10, "usual"), (0, "near")])
def test_continuity_prefers_the_usual_caregiver_within_allowance(
    allowance: float, expected: str
) -> None:
    # near: 2 minutes of travel; usual: 6 (4 more, within 10 but not within 0).
    p = euclid(
        [cg("near", [0, 0]), cg("usual", [2, 0])],
        [visit("v", [-1, 0], [0, 100], 30, preferred_caregiver="usual")],
        options={"continuity_minutes": allowance},
    )
    assert order(plan_of(p), expected) == ["v"]


def test_haversine_travel_and_walking_speed() -> None:
    # 0.01 degree of latitude is 1.112 km: 4.45 min at 15 km/h, 13.3 min walking at 5 km/h.
    p = {
        "distance": {"kind": "haversine", "speed_kmh": 15},
        "caregivers": [
            cg("bike", [114.0, 22.5], [0, 100]),
            cg("walk", [114.0, 22.6], [0, 100], speed_kmh=5),
        ],
        "visits": [
            visit("b", [114.0, 22.51], [0, 100], 10),
            visit("w", [114.0, 22.61], [0, 100], 10),
        ],
    }
    plan = plan_of(p)
    assert order(plan, "bike") == ["b"] and order(plan, "walk") == ["w"]
    assert route(plan, "bike")["travel"] == pytest.approx(2 * 1.11195 / 15 * 60, abs=0.01)
    assert route(plan, "walk")["travel"] == pytest.approx(2 * 1.11195 / 5 * 60, abs=0.01)
    assert route(plan, "walk")["distance_km"] == pytest.approx(2.2239, abs=0.001)


def _brute_force(p: dict[str, Any]) -> float:
    """Optimum of a two-identical-caregiver instance by enumerating every order and split."""
    depot = p["caregivers"][0]["start"]
    horizon = p["caregivers"][0]["shift"][1]
    cap = p["caregivers"][0]["capacity"]
    vs = p["visits"]

    def cost(seq: tuple[dict, ...]) -> float:
        t, here, total = 0.0, depot, 0.0
        if sum(v["demand"] for v in seq) > cap:
            return math.inf
        for v in seq:
            d = math.dist(here, v["location"])
            total += d
            t = max(t + d, v["window"][0])
            if t > v["window"][1]:
                return math.inf
            t += v["duration"]
            here = v["location"]
        d = math.dist(here, depot)
        return total + d if t + d <= horizon else math.inf

    best = math.inf
    for perm in itertools.permutations(vs):
        for k in range(len(vs) + 1):
            best = min(best, cost(perm[:k]) + cost(perm[k:]))
    return best


def test_matches_the_brute_force_optimum() -> None:
    rng = random.Random(4)
    visits = []
    for i in range(6):
        a = rng.randrange(0, 120)
        visits.append(
            visit(
                f"v{i}",
                [rng.randrange(-30, 30), rng.randrange(-30, 30)],
                [a, a + 40],
                10,
                demand=rng.randrange(1, 5),
            )
        )
    p = euclid([cg(f"c{i}", [0, 0], [0, 300], capacity=10) for i in range(2)], visits)
    optimum = _brute_force(p)
    assert optimum < math.inf
    plan = plan_of(p, limit=1.0)
    assert plan["unassigned"] == []
    assert plan["total_travel"] == pytest.approx(optimum, abs=1e-3)


def test_problem_errors_are_all_reported() -> None:
    p = {
        "distance": {"kind": "haversine", "speed_kmh": 15},
        "caregivers": [
            cg("c1", [114.0, 22.5], [480, 1020], colour="red"),
            cg("c1", [114.0, 95.0], [600, 500]),
        ],
        "visits": [
            visit("v1", [114.0, 22.5], [600, 540], -5),
            visit("v2", [114.0, 22.5], [600, 660], 30, pinned_to="nobody", skills="bath"),
        ],
    }
    with pytest.raises(RoutingInputError) as exc:
        solve(p, time_limit=LIMIT)
    assert exc.value.errors == [
        "caregivers[0]: unknown field 'colour' (allowed: breaks, capacity, end, id, max_visits,"
        " shift, skills, speed_kmh, start, start_time)",
        "caregivers[1].id: duplicate caregiver id 'c1'",
        "caregivers[1].start: [114.0, 95.0] is not a [longitude, latitude] pair",
        "caregivers[1].shift: shift ends at 500.0, before it starts at 600.0",
        "visits[0].window: window ends at 540.0, before it starts at 600.0",
        "visits[0].duration: must be a number of minutes ≥ 0, not -5",
        "visits[1].pinned_to: unknown caregiver 'nobody'",
        "visits[1].skills: skills must be a list of non-empty strings",
    ]


def test_missing_parts_and_wrong_kinds() -> None:
    with pytest.raises(RoutingInputError) as exc:
        solve({"distance": {"kind": "manhattan"}, "visits": {}}, time_limit=LIMIT)
    assert exc.value.errors == [
        "distance.kind: must be 'haversine' or 'euclidean', not 'manhattan'",
        "caregivers: required: a non-empty list",
        "visits: required: a list",
    ]
    with pytest.raises(RoutingInputError) as exc:
        solve(
            euclid(
                [cg("c1", [0, 0], [0, 100], breaks=[{"window": [10, 20], "duration": 30}])],
                [],
            )
        )
    assert exc.value.errors == [
        "caregivers[0].breaks[0]: a 30-minute break does not fit its window [10.0, 20.0]"
    ]


def test_no_visits_is_an_empty_plan() -> None:
    plan = plan_of(euclid([cg("c1", [0, 0])], []))
    assert plan["unassigned"] == [] and plan["total_travel"] == 0
    assert route(plan, "c1")["stops"] == []


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_mixed_days_always_verify(seed: int) -> None:
    """Every constraint at once on random days: the plan must pass the verifier."""
    rng = random.Random(seed)
    caregivers = [
        cg(
            f"c{i}",
            [rng.uniform(0, 50), rng.uniform(0, 50)],
            [rng.choice([0, 60]), rng.choice([400, 480])],
            skills=rng.sample(["bath", "medical"], rng.randrange(3)),
            capacity=rng.choice([None, 5]),
            max_visits=rng.choice([None, 4, 6]),
            breaks=[{"window": [180, 260], "duration": rng.choice([20, 30])}],
        )
        for i in range(3)
    ]
    for c in caregivers:
        if c["capacity"] is None:
            del c["capacity"]
        if c["max_visits"] is None:
            del c["max_visits"]
    visits = []
    for j in range(16):
        a = rng.randrange(0, 400)
        v = visit(
            f"v{j}",
            [rng.uniform(0, 50), rng.uniform(0, 50)],
            [a, a + rng.choice([20, 60, 200])],
            rng.choice([10, 30, 45]),
            skills=rng.sample(["bath", "medical"], rng.choice([0, 0, 1])),
            demand=rng.randrange(3),
        )
        if rng.random() < 0.15:
            v["pinned_to"] = f"c{rng.randrange(3)}"
        if rng.random() < 0.3:
            v["preferred_caregiver"] = f"c{rng.randrange(3)}"
        visits.append(v)
    plan = plan_of(euclid(caregivers, visits))
    planned = sum(len(r["stops"]) for r in plan["routes"])
    assert planned + len(plan["unassigned"]) == 16
    assert planned > 0
