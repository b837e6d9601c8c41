"""Caregiver routing benchmark (issue 13): Solomon VRPTW and generated district instances.

Solomon instances come from the public repository PyVRP/Instances, branch ``vrptw``, folder
``VRPTW/Solomon`` (``*.vrp`` + ``*.sol``); keep them OUTSIDE this repository, e.g.::

    git clone --branch vrptw --depth 1 <PyVRP/Instances> /tmp/inst
    mkdir -p /work/data/vrptw && cp /tmp/inst/VRPTW/Solomon/* /work/data/vrptw/

Convention: the repository's best-known solutions follow the DIMACS 2021 rule (distances and
times truncated to one decimal, objective = total distance only, fleet of 25 free vehicles).
The instances are converted to the plan-routes JSON with ``"truncate_decimals": 1`` so our
plans are measured in exactly that convention; the number of vehicles is printed beside the
BKS's but is not part of the objective.

Every plan (ours and OR-Tools') is checked by silvercare.homecare.routing.verify.

Usage::

    nice -n 5 .venv/bin/python bench/routing.py solomon --data /work/data/vrptw [--subset]
    nice -n 5 .venv/bin/python bench/routing.py district
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from silvercare.homecare.routing import solve, verify
from silvercare.homecare.routing.replan import replan_problem
from silvercare.homecare.routing.solver import solve_problem

SUBSET = ["C101", "C105", "C201", "C205", "R101", "R105", "R201", "R205", "RC101", "RC105",
          "RC201", "RC205"]  # fmt: skip


def machine() -> str:
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return f"nproc={os.cpu_count()} cpu={cpu} load={load} python={platform.python_version()}"


# ---------------------------------------------------------------- Solomon


def read_solomon(path: Path) -> tuple[dict[str, Any], float, int]:
    """The instance as a plan-routes problem, plus the BKS cost and its number of routes."""
    lines = path.read_text().splitlines()
    head: dict[str, str] = {}
    sections: dict[str, list[list[float]]] = {}
    current = None
    for line in lines:
        s = line.strip()
        if not s or s == "EOF":
            continue
        if s.endswith("SECTION"):
            current = s
            sections[current] = []
        elif current is None and ":" in s:
            k, v = s.split(":", 1)
            head[k.strip()] = v.strip()
        elif current is not None:
            sections[current].append([float(x) for x in s.split()])
    coords = {int(r[0]): (r[1], r[2]) for r in sections["NODE_COORD_SECTION"]}
    demand = {int(r[0]): int(r[1]) for r in sections["DEMAND_SECTION"]}
    tw = {int(r[0]): (r[1], r[2]) for r in sections["TIME_WINDOW_SECTION"]}
    service = float(head.get("SERVICE_TIME", 0))
    depot = 1
    caregivers = [
        {
            "id": f"k{i + 1}",
            "start": list(coords[depot]),
            "shift": list(tw[depot]),
            "capacity": int(head["CAPACITY"]),
        }
        for i in range(int(head["VEHICLES"]))
    ]
    visits = [
        {
            "id": f"n{n}",
            "location": list(coords[n]),
            "window": list(tw[n]),
            "duration": service,
            "demand": demand[n],
        }
        for n in sorted(coords)
        if n != depot
    ]
    problem = {
        "distance": {"kind": "euclidean", "truncate_decimals": 1},
        "caregivers": caregivers,
        "visits": visits,
    }
    sol = path.with_suffix(".sol").read_text().splitlines()
    cost = next(float(x.split()[1]) for x in sol if x.startswith("Cost"))
    routes = sum(1 for x in sol if x.startswith("Route"))
    return problem, cost, routes


def solve_ortools(
    problem: dict[str, Any],
    time_limit: float,
    strategy: int | None = None,
    disjunction: bool = False,
) -> dict[str, Any]:
    """OR-Tools routing (GLS) on a single-depot problem in the plan-routes format."""
    from ortools.constraint_solver import pywrapcp, routing_enums_pb2

    from silvercare.homecare.routing.verify import _travel_fn

    scale = 10  # truncated to one decimal, so times x10 are exact integers
    travel = _travel_fn(problem)
    cgs = problem["caregivers"]
    vs = problem["visits"]
    pts = [cgs[0]["start"]] + [v["location"] for v in vs]
    n = len(pts)
    t = [[round(travel(a, b, 1.0) * scale) for b in pts] for a in pts]
    service = [0] + [round(v["duration"] * scale) for v in vs]
    manager = pywrapcp.RoutingIndexManager(n, len(cgs), 0)
    routing = pywrapcp.RoutingModel(manager)

    def dist_cb(i: int, j: int) -> int:
        return t[manager.IndexToNode(i)][manager.IndexToNode(j)]

    def time_cb(i: int, j: int) -> int:
        a, b = manager.IndexToNode(i), manager.IndexToNode(j)
        return service[a] + t[a][b]

    dcb = routing.RegisterTransitCallback(dist_cb)
    routing.SetArcCostEvaluatorOfAllVehicles(dcb)
    tcb = routing.RegisterTransitCallback(time_cb)
    horizon = round(cgs[0]["shift"][1] * scale)
    routing.AddDimension(tcb, horizon, horizon, False, "Time")
    time_dim = routing.GetDimensionOrDie("Time")
    for k, v in enumerate(vs, start=1):
        idx = manager.NodeToIndex(k)
        time_dim.CumulVar(idx).SetRange(
            round(v["window"][0] * scale), round(v["window"][1] * scale)
        )
    for vh in range(len(cgs)):
        time_dim.CumulVar(routing.Start(vh)).SetRange(round(cgs[0]["shift"][0] * scale), horizon)
        time_dim.CumulVar(routing.End(vh)).SetRange(0, horizon)
    demand = [0] + [int(v.get("demand", 0)) for v in vs]
    dem_cb = routing.RegisterUnaryTransitCallback(lambda i: demand[manager.IndexToNode(i)])
    routing.AddDimensionWithVehicleCapacity(
        dem_cb, 0, [int(c["capacity"]) for c in cgs], True, "Load"
    )
    if disjunction:  # a visit may be left out, at a prohibitive price
        for k in range(1, n):
            routing.AddDisjunction([manager.NodeToIndex(k)], 100 * max(map(max, t)))
    params = pywrapcp.DefaultRoutingSearchParameters()
    params.first_solution_strategy = (
        # Tried on C101, R101, RC105: PATH_CHEAPEST_ARC and AUTOMATIC find no first solution on
        # R101/RC105 within 10 s (with disjunctions they leave visits out); local cheapest
        # insertion always found a complete plan and was best of the complete ones.
        routing_enums_pb2.FirstSolutionStrategy.LOCAL_CHEAPEST_INSERTION
        if strategy is None
        else strategy
    )
    params.local_search_metaheuristic = (
        routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH
    )
    params.time_limit.FromMilliseconds(int(time_limit * 1000))
    sol = routing.SolveWithParameters(params)
    plan: dict[str, Any] = {"routes": [], "unassigned": [], "total_travel": 0.0}
    if sol is None:
        plan["unassigned"] = [
            {"visit": v["id"], "reason": "OR-Tools found no solution"} for v in vs
        ]
        return plan
    total = 0.0
    for k in range(1, n):
        if sol.Value(routing.NextVar(manager.NodeToIndex(k))) == manager.NodeToIndex(k):
            plan["unassigned"].append({"visit": vs[k - 1]["id"], "reason": "dropped"})
    for vh, cg in enumerate(cgs):
        idx = routing.Start(vh)
        seq = []
        while not routing.IsEnd(idx):
            idx = sol.Value(routing.NextVar(idx))
            node = manager.IndexToNode(idx)
            if node:
                seq.append(node)
        if not seq:
            continue
        # earliest timing of the sequence
        here, now, stops, tr = 0, float(cg["shift"][0]), [], 0.0
        for node in seq:
            leg = t[here][node] / scale
            tr += leg
            v = vs[node - 1]
            arr = now + leg
            st = max(arr, v["window"][0])
            stops.append({"visit": v["id"], "arrival": arr, "start": st,
                          "departure": st + v["duration"]})  # fmt: skip
            here, now = node, st + v["duration"]
        tr += t[here][0] / scale
        total += tr
        plan["routes"].append({"caregiver": cg["id"], "stops": stops, "breaks": [],
                               "start_time": cg["shift"][0], "end_time": now + t[here][0] / scale,
                               "travel": round(tr, 3)})  # fmt: skip
    plan["total_travel"] = round(total, 3)
    return plan


def bench_solomon(
    data: Path, names: list[str], time_limit: float, ortools: bool, cpu_clock: bool = False
) -> None:
    clock = "CPU" if cpu_clock else "wall"
    print(f"Solomon VRPTW, {time_limit:g} s ({clock}) per instance and solver; {machine()}")
    print("BKS convention: DIMACS (truncated to 0.1, distance only), from PyVRP/Instances vrptw")
    head = f"{'inst':7} {'BKS':>8} {'veh':>3} | {'pyvrp':>8} {'veh':>3} {'gap%':>6} {'cpu s':>5} ok"
    if ortools:
        head += f" | {'ortools':>8} {'veh':>3} {'gap%':>6} {'cpu s':>5} ok"
    print(head)
    gaps: dict[str, list[float]] = {"pyvrp": [], "ortools": []}
    bad: dict[str, int] = {"pyvrp": 0, "ortools": 0}
    for name in names:
        problem, bks, bks_routes = read_solomon(data / f"{name}.vrp")
        line = f"{name:7} {bks:8.1f} {bks_routes:3d}"
        if cpu_clock:
            runs = [
                (
                    "pyvrp",
                    lambda p: solve_problem(
                        p, time_limit=time_limit, seed=1, clock=time.process_time
                    ),
                )
            ]
        else:
            runs = [("pyvrp", lambda p: solve(p, time_limit=time_limit, seed=1))]
        if ortools:
            runs.append(("ortools", lambda p: solve_ortools(p, time_limit)))
        for label, run in runs:
            cpu0 = time.process_time()
            plan = run(problem)
            cpu = time.process_time() - cpu0
            errs = verify(problem, plan)
            used = sum(1 for r in plan["routes"] if r["stops"])
            ok = not errs and not plan["unassigned"]
            cost = plan["total_travel"]
            gap = 100 * (cost - bks) / bks
            if ok:
                gaps[label].append(gap)
            else:
                bad[label] += 1
            line += f" | {cost:8.1f} {used:3d} {gap:6.2f} {cpu:5.1f} {'yes' if ok else 'NO'}"
            if errs:
                line += f" ({errs[0]})"
        print(line, flush=True)
    for label in ("pyvrp", "ortools") if ortools else ("pyvrp",):
        g = gaps[label]
        if g:
            print(
                f"{label}: mean gap {statistics.mean(g):.2f} % over {len(g)} verified plans, "
                f"max {max(g):.2f} %, {bad[label]} plans failed verification or left visits"
            )


# ---------------------------------------------------------------- districts

SKILLS = ["bath", "medical", "dementia"]


def district(n_visits: int, n_caregivers: int, seed: int = 7) -> dict[str, Any]:
    """A generated day for a provider in Shenzhen (lon 113.9-114.2, lat 22.5-22.7)."""
    rng = random.Random(seed)
    n_stations = max(1, n_caregivers // 10)
    stations = [(rng.uniform(113.93, 114.17), rng.uniform(22.52, 22.68)) for _ in range(n_stations)]

    def near(p: tuple[float, float], km: float) -> list[float]:
        return [
            round(min(114.2, max(113.9, p[0] + rng.gauss(0, km / 103.0))), 6),
            round(min(22.7, max(22.5, p[1] + rng.gauss(0, km / 111.0))), 6),
        ]

    caregivers = []
    for i in range(n_caregivers):
        st = stations[i % n_stations]
        home = near(st, 0.3)
        skills = [s for s, p in zip(SKILLS, (0.4, 0.25, 0.3), strict=True) if rng.random() < p]
        part_time = rng.random() < 0.1
        shift = [480, 720] if part_time else [480, 1020]
        cg: dict[str, Any] = {
            "id": f"c{i + 1}",
            "start": home,
            "shift": shift,
            "skills": skills,
            "capacity": 8,
            "max_visits": 8 if part_time else 14,
        }
        if not part_time:
            cg["breaks"] = [{"window": [690, 810], "duration": 30}]
        if rng.random() < 0.15:
            cg["speed_kmh"] = 5.0  # walking
        caregivers.append(cg)
    visits = []
    for j in range(n_visits):
        st = stations[rng.randrange(n_stations)]
        need = [s for s, p in zip(SKILLS, (0.15, 0.08, 0.05), strict=True) if rng.random() < p]
        meal = rng.random() < 0.15
        start = rng.choice(range(480, 960, 15))
        width = rng.choice([30, 60, 120, 240])
        v: dict[str, Any] = {
            "id": f"v{j + 1}",
            "location": near(st, 1.2),
            "window": [start, min(1020, start + width)],
            "duration": 15 if meal else rng.choice([20, 30, 30, 45]),
            "skills": need,
        }
        if meal:
            v["demand"] = 1
        if rng.random() < 0.3:
            v["preferred_caregiver"] = f"c{rng.randrange(n_caregivers) + 1}"
        visits.append(v)
    return {
        "distance": {"kind": "haversine", "speed_kmh": 15, "detour": 1.3},
        "caregivers": caregivers,
        "visits": visits,
    }


def bench_district(limits: list[float], sizes: list[tuple[int, int]]) -> None:
    print(f"District instances (haversine, Shenzhen, skills, breaks); {machine()}")
    for nv, nc in sizes:
        problem = district(nv, nc)
        for tl in limits:
            t0, cpu0 = time.monotonic(), time.process_time()
            plan = solve(problem, time_limit=tl, seed=1)
            wall, cpu = time.monotonic() - t0, time.process_time() - cpu0
            errs = verify(problem, plan)
            used = sum(1 for r in plan["routes"] if r["stops"])
            print(
                f"{nv:5d} visits {nc:4d} caregivers  limit {tl:4.0f} s  wall {wall:5.1f} s  "
                f"cpu {cpu:5.1f} s  "
                f"served {nv - len(plan['unassigned']):5d}  unassigned {len(plan['unassigned']):3d}"
                f"  caregivers used {used:3d}  total travel {plan['total_travel']:9.1f} min  "
                f"verified {'yes' if not errs else 'NO: ' + errs[0]}",
                flush=True,
            )
            if tl == limits[0] and nv == 400:
                busiest = max(plan["routes"], key=lambda r: len(r["stops"]))
                re = replan_problem(problem, plan, at=640.0, absent={busiest["caregiver"]})
                t0 = time.monotonic()
                re_plan = solve(re, time_limit=4.0, seed=1)
                wall = time.monotonic() - t0
                errs = verify(re, re_plan)
                orphans = {s["visit"] for s in busiest["stops"] if s["start"] > 640}
                placed = orphans - {u["visit"] for u in re_plan["unassigned"]}
                print(
                    f"  re-plan at 10:40 after {busiest['caregiver']} drops out: "
                    f"wall {wall:.1f} s, "
                    f"{len(placed)}/{len(orphans)} of their remaining visits placed, "
                    f"{len(re['visits'])} visits re-planned, unassigned "
                    f"{len(re_plan['unassigned'])}, verified {'yes' if not errs else errs[0]}",
                    flush=True,
                )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    so = sub.add_parser("solomon")
    so.add_argument("--data", type=Path, required=True, help="folder with Solomon *.vrp + *.sol")
    so.add_argument("--time-limit", type=float, default=10.0)
    so.add_argument("--subset", action="store_true", help="two instances per class")
    so.add_argument("--only", nargs="*", help="instance names")
    so.add_argument("--no-ortools", action="store_true")
    so.add_argument(
        "--cpu-clock",
        action="store_true",
        help="PyVRP only: the limit counts this process's CPU time (fair on a busy machine)",
    )
    di = sub.add_parser("district")
    di.add_argument("--limits", type=float, nargs="*", default=[5.0, 30.0, 60.0])
    di.add_argument("--sizes", nargs="*", default=["100x10", "400x40", "1000x100"])
    di.add_argument("--dump", type=Path, help="write the generated problems here as JSON")
    args = ap.parse_args()
    if args.cmd == "solomon":
        if not args.data.is_dir():
            sys.exit(f"{args.data}: no such folder; see the docstring for how to get the data")
        names = args.only or (
            SUBSET if args.subset else sorted(p.stem for p in args.data.glob("*.vrp"))
        )
        bench_solomon(
            args.data,
            names,
            args.time_limit,
            not args.no_ortools and not args.cpu_clock,
            args.cpu_clock,
        )
    else:
        sizes = [tuple(int(x) for x in s.split("x")) for s in args.sizes]
        if args.dump:
            args.dump.mkdir(parents=True, exist_ok=True)
            for nv, nc in sizes:
                (args.dump / f"district-{nv}.json").write_text(json.dumps(district(nv, nc)))
        bench_district(args.limits, sizes)  # type: ignore[arg-type]
    _ = math


if __name__ == "__main__":
    main()
