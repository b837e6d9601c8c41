"""Check a plan against its problem, independently of the solver and of schedule.py.

It reads the raw JSON of both, recomputes every travel time with its own formulas and walks
each route's reported timeline: every leg must leave enough time to travel and take the
breaks placed on it, every visit must start inside its window and after the caregiver
arrived, every route must start and end inside the shift, and skills, pins, capacity,
max visits and breaks must all hold. Returns the list of violations (empty when valid).
"""

from __future__ import annotations

import math
from typing import Any

TOL = 0.01  # minutes: plans report times rounded to 0.001


def _travel_fn(problem: dict[str, Any]) -> Any:
    dist = problem["distance"]
    if dist["kind"] == "haversine":
        detour = float(dist.get("detour", 1.0))

        def km(a: list[float], b: list[float]) -> float:
            lon1, lat1, lon2, lat2 = map(math.radians, (a[0], a[1], b[0], b[1]))
            h = (
                math.sin((lat2 - lat1) / 2) ** 2
                + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
            )
            return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(h))) * detour

        def hav(a: list[float], b: list[float], speed: float) -> float:
            return km(a, b) / speed * 60.0

        return hav
    digits = dist.get("truncate_decimals")

    def euc(a: list[float], b: list[float], speed: float) -> float:
        d = math.hypot(a[0] - b[0], a[1] - b[1])
        if digits is not None:
            d = math.floor(d * 10**digits + 1e-9) / 10**digits
        return d

    return euc


def verify_plan(problem: dict[str, Any], plan: dict[str, Any]) -> list[str]:
    errors: list[str] = []
    travel = _travel_fn(problem)
    default_speed = float(problem["distance"].get("speed_kmh", 15.0))
    cgs = {c["id"]: c for c in problem["caregivers"]}
    visits = {v["id"]: v for v in problem["visits"]}
    seen: dict[str, str] = {}
    total = 0.0
    route_cgs: set[str] = set()
    for r in plan.get("routes", []):
        cid = r.get("caregiver")
        if cid not in cgs:
            errors.append(f"route for unknown caregiver {cid!r}")
            continue
        if cid in route_cgs:
            errors.append(f"caregiver {cid} has two routes")
        route_cgs.add(cid)
        c = cgs[cid]
        speed = float(c.get("speed_kmh", default_speed))
        shift = c["shift"]
        earliest = max(shift[0], c.get("start_time", shift[0]))
        skills = set(c.get("skills", []))
        stops = r.get("stops", [])
        load = 0
        for s in stops:
            vid = s.get("visit")
            if vid not in visits:
                errors.append(f"{cid}: unknown visit {vid!r}")
                continue
            if vid in seen:
                errors.append(f"visit {vid} is planned twice ({seen[vid]} and {cid})")
            seen[vid] = cid
            v = visits[vid]
            missing = set(v.get("skills", [])) - skills
            if missing:
                errors.append(f"{cid} lacks skills {sorted(missing)} for {vid}")
            if v.get("pinned_to") not in (None, cid):
                errors.append(f"{vid} is pinned to {v['pinned_to']} but planned for {cid}")
            load += int(v.get("demand", 0))
        if c.get("capacity") is not None and load > c["capacity"]:
            errors.append(f"{cid}: load {load} exceeds capacity {c['capacity']}")
        if c.get("max_visits") is not None and len(stops) > c["max_visits"]:
            errors.append(f"{cid}: {len(stops)} visits exceed max_visits {c['max_visits']}")
        if any(s.get("visit") not in visits for s in stops):
            continue
        # breaks: each reported break matches one of the caregiver's, inside its window
        specs = sorted(
            ((b["window"][0], b["window"][1], b["duration"]) for b in c.get("breaks", [])),
        )
        got = sorted(r.get("breaks", []), key=lambda b: b["start"])
        if stops or got:
            if len(got) != len(specs):
                errors.append(f"{cid}: {len(got)} breaks planned, {len(specs)} required")
            free = list(specs)
            for b in got:
                match = next(
                    (
                        sp
                        for sp in free
                        if b["start"] >= sp[0] - TOL
                        and b["end"] <= sp[1] + TOL
                        and b["end"] - b["start"] >= sp[2] - TOL
                    ),
                    None,
                )
                if match is None:
                    errors.append(f"{cid}: break {b} does not match any break window")
                else:
                    free.remove(match)
        if not stops and not got:
            continue  # the caregiver is not sent out
        # walk the timeline
        here = c["start"]
        t = float(r.get("start_time", earliest))
        if t < earliest - TOL:
            errors.append(f"{cid}: leaves at {t}, before the shift allows ({earliest})")
        prev: str | None = None
        route_travel = 0.0
        legs = [*stops, None]
        for s in legs:
            target = visits[s["visit"]]["location"] if s else c.get("end", c["start"])
            leg = travel(here, target, speed)
            route_travel += leg
            on_leg = [b for b in got if b.get("after") == prev]
            arrive = float(s["arrival"]) if s else float(r.get("end_time", math.inf))
            need = leg + sum(b["end"] - b["start"] for b in on_leg)
            if arrive - t < need - TOL:
                errors.append(
                    f"{cid}: {need:.2f} min of travel and breaks do not fit between "
                    f"{prev or 'start'} ({t:.2f}) and {s['visit'] if s else 'end'} ({arrive:.2f})"
                )
            cursor = t
            for b in sorted(on_leg, key=lambda b: b["start"]):
                if b["start"] < cursor - TOL:
                    errors.append(f"{cid}: break at {b['start']} overlaps other activity")
                cursor = b["end"]
            if on_leg and cursor > arrive + TOL:
                errors.append(f"{cid}: break ends after arriving at the next stop")
            if s is None:
                if arrive > shift[1] + TOL:
                    errors.append(f"{cid}: back at {arrive:.2f}, after the shift ends ({shift[1]})")
                break
            v = visits[s["visit"]]
            start = float(s["start"])
            if start < arrive - TOL:
                errors.append(f"{cid}: {v['id']} starts before the caregiver arrives")
            w = v["window"]
            if start < w[0] - TOL or start > w[1] + TOL:
                errors.append(f"{cid}: {v['id']} starts at {start:.2f}, outside its window {w}")
            dep = float(s.get("departure", start + v.get("duration", 0)))
            if dep < start + float(v.get("duration", 0)) - TOL:
                errors.append(f"{cid}: {v['id']} is left before its duration is over")
            if dep > shift[1] + TOL:
                errors.append(f"{cid}: {v['id']} ends after the shift")
            here, t, prev = v["location"], dep, v["id"]
        if abs(route_travel - float(r.get("travel", route_travel))) > TOL:
            errors.append(f"{cid}: reports travel {r.get('travel')}, recomputed {route_travel:.3f}")
        total += route_travel
    unassigned = {u["visit"] for u in plan.get("unassigned", [])}
    for vid in visits:
        if vid in seen and vid in unassigned:
            errors.append(f"visit {vid} is both planned and unassigned")
        if vid not in seen and vid not in unassigned:
            errors.append(f"visit {vid} is neither planned nor unassigned")
    for u in plan.get("unassigned", []):
        if not u.get("reason"):
            errors.append(f"unassigned visit {u.get('visit')} has no reason")
    if abs(total - float(plan.get("total_travel", total))) > TOL * max(1, len(route_cgs)):
        errors.append(f"total_travel {plan.get('total_travel')} != recomputed {total:.3f}")
    return errors
