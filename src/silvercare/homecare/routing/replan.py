"""Build the re-planning problem during the day (docs/routing.md, "Re-planning")."""

from __future__ import annotations

import copy
from typing import Any


def replan_problem(
    problem: dict[str, Any],
    plan: dict[str, Any],
    *,
    at: float,
    absent: frozenset[str] | set[str] = frozenset(),
) -> dict[str, Any]:
    """The problem to solve at time ``at`` when the caregivers in ``absent`` drop out.

    Visits already started (done or under way) by ``at`` stay as planned and leave the
    problem; the absent caregivers' other visits go back into it. Every other caregiver
    starts where they are when free: at the place of their last started visit when it ends
    (or ``at``), or at home at ``at`` if they have not left. Breaks already begun are
    dropped; a break window that has opened is narrowed to start no earlier than that time.
    """
    visits = {v["id"]: v for v in problem["visits"]}
    started: set[str] = set()
    caregivers = []
    routes = {r["caregiver"]: r for r in plan.get("routes", [])}
    for c in problem["caregivers"]:
        r = routes.get(c["id"], {"stops": [], "breaks": []})
        begun = [s for s in r["stops"] if s["start"] <= at]
        started |= {s["visit"] for s in begun}
        if c["id"] in absent:
            continue
        cg = copy.deepcopy(c)
        free = max(at, c.get("start_time", c["shift"][0]))
        if begun:
            last = begun[-1]
            cg["start"] = visits[last["visit"]]["location"]
            free = max(free, last["departure"])
        cg["start_time"] = min(free, c["shift"][1])
        taken = sum(1 for b in r.get("breaks", []) if b["start"] <= at)
        remaining = sorted(c.get("breaks", []), key=lambda b: b["window"])[taken:]
        cg["breaks"] = [
            {
                "window": [max(b["window"][0], cg["start_time"]), b["window"][1]],
                "duration": b["duration"],
            }
            for b in remaining
            if b["window"][1] - max(b["window"][0], cg["start_time"]) >= b["duration"]
        ]
        if not cg["breaks"]:
            del cg["breaks"]
        caregivers.append(cg)
    out = {k: v for k, v in problem.items() if k not in ("caregivers", "visits")}
    out["caregivers"] = caregivers
    out["visits"] = []
    for v in problem["visits"]:
        if v["id"] in started:
            continue
        if v.get("pinned_to") in absent:  # pinned to someone who is not coming
            v = {k: x for k, x in v.items() if k != "pinned_to"}
        out["visits"].append(v)
    return out
