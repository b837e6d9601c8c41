"""Solve a routing problem with PyVRP 0.14 and explain the result (docs/routing.md).

What PyVRP lacks natively is modelled as follows (all hard constraints stay hard):

* skills: one load dimension per skill some visit needs and some caregiver lacks; a visit
  loads 1 there, a caregiver without the skill has capacity 0, others enough for all visits;
* maximum visits: a load dimension where every visit loads 1 and the capacity is max_visits;
* breaks: a dummy client per break with the break's window (latest start = end - duration)
  and the duration as service time, located at a "pivot" place.  By the triangle inequality
  i -> pivot -> j is never shorter than i -> j, so a timing the solver finds stays feasible
  when the caregiver simply takes the break wherever they are (see schedule.py).  Each break
  is a required group of candidate pivots (the caregiver's start and a few nearby visits);
  breaks with the same window and duration form a class with its own load dimension whose
  capacity is the caregiver's number of such breaks, so every caregiver takes exactly theirs;
* pinned visits: binary codes over the caregivers with pins, two load dimensions per bit;
* visits are optional with a prize far above any detour, so an impossible visit is dropped
  instead of wrecking the search (PyVRP issue #842), and serving more visits always wins;
* continuity of care: after solving, a visit is moved to its preferred caregiver when the
  route stays feasible and the extra travel is at most ``options.continuity_minutes``.
"""

from __future__ import annotations

import math
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib.metadata import version
from typing import Any

import numpy as np
from pyvrp import RandomNumberGenerator, Solution
from pyvrp.exceptions import PenaltyBoundWarning
from pyvrp.IteratedLocalSearch import IteratedLocalSearch, IteratedLocalSearchParams
from pyvrp.PenaltyManager import PenaltyManager, PenaltyParams
from pyvrp.search import (
    OPERATORS,
    LocalSearch,
    NeighbourhoodParams,
    PerturbationManager,
    PerturbationParams,
    compute_neighbours,
)

from silvercare.homecare.routing.problem import Break, Caregiver, Problem, Visit, parse_problem
from silvercare.homecare.routing.schedule import (
    FloatMatrix,
    RouteTimer,
    Schedule,
    distance_matrix,
    minutes,
    speed_of,
)

SCALE = 1000  # solver integers are thousandths of a minute
BREAK_CANDIDATES = 4
POST_SHARE = 0.1  # of the time limit kept for repair and continuity moves

REASON_DROPPED = ("dropped", "no caregiver could reach it in its window given the other visits")


@dataclass
class _Ctx:
    problem: Problem
    points: list[tuple[float, float]]
    loc: dict[str, int]  # visit id -> point row
    start_row: dict[str, int]
    end_row: dict[str, int]
    dist: FloatMatrix
    travel: dict[float | None, FloatMatrix] = field(default_factory=dict)
    timers: dict[str, RouteTimer] = field(default_factory=dict)

    def travel_for(self, cg: Caregiver) -> FloatMatrix:
        speed = speed_of(self.problem, cg)
        if speed not in self.travel:
            self.travel[speed] = minutes(self.dist, speed)
        return self.travel[speed]

    def timer(self, cg: Caregiver) -> RouteTimer:
        if cg.id not in self.timers:
            self.timers[cg.id] = RouteTimer(
                cg, self.travel_for(cg), self.loc, self.start_row[cg.id], self.end_row[cg.id]
            )
        return self.timers[cg.id]


def _context(problem: Problem) -> _Ctx:
    points: list[tuple[float, float]] = []
    index: dict[tuple[float, float], int] = {}

    def row(p: tuple[float, float]) -> int:
        if p not in index:
            index[p] = len(points)
            points.append(p)
        return index[p]

    start_row = {c.id: row(c.start) for c in problem.caregivers}
    end_row = {c.id: row(c.end) for c in problem.caregivers}
    loc = {v.id: row(v.location) for v in problem.visits}
    dist = distance_matrix(problem.distance, points)
    return _Ctx(problem, points, loc, start_row, end_row, dist)


def _reason(ctx: _Ctx, v: Visit) -> tuple[str, str] | None:
    """Why ``v`` cannot be served even alone, by checking each constraint; None if it can."""
    cgs = ctx.problem.caregivers
    if v.pinned_to is not None:
        cgs = [c for c in cgs if c.id == v.pinned_to]
        who = f"its pinned caregiver {v.pinned_to}"
    else:
        who = "every caregiver with the skills"
    skilled = [c for c in cgs if v.skills <= c.skills]
    if not skilled:
        need = ", ".join(sorted(v.skills))
        if v.pinned_to is not None:
            missing = ", ".join(sorted(v.skills - cgs[0].skills))
            return "skills", f"its pinned caregiver {v.pinned_to} lacks the skills: {missing}"
        return "skills", f"no caregiver has all the skills it needs: {need}"
    with_room = [c for c in skilled if c.capacity is None or c.capacity >= v.demand]
    if not with_room:
        top = max(c.capacity or 0 for c in skilled)
        return "capacity", f"its demand {v.demand} exceeds the capacity of {who} (largest {top})"
    counted = [c for c in with_room if c.max_visits != 0]
    if not counted:
        return "max_visits", f"max_visits is 0 for {who}"
    long_enough = [c for c in counted if c.shift[1] - c.start_time >= v.duration - 1e-9]
    if not long_enough:
        return "duration", f"its duration ({v.duration:g} min) is longer than the shift of {who}"
    overlapping = [
        c
        for c in long_enough
        if v.window[0] <= c.shift[1] - v.duration + 1e-9 and v.window[1] >= c.start_time - 1e-9
    ]
    if not overlapping:
        return "window", (
            f"its window [{v.window[0]:g}, {v.window[1]:g}] is outside the (remaining) shift "
            f"of {who}"
        )
    for c in overlapping:
        if ctx.timer(c).schedule([v]) is not None:
            return None
    no_breaks = [
        c
        for c in overlapping
        if RouteTimer(
            _without_breaks(c),
            ctx.travel_for(c),
            ctx.loc,
            ctx.start_row[c.id],
            ctx.end_row[c.id],
        ).schedule([v])
        is not None
    ]
    if no_breaks:
        return "breaks", f"it cannot be fitted around the breaks of {who}"
    subject = (
        f"its pinned caregiver {v.pinned_to} cannot"
        if v.pinned_to
        else "no caregiver with the skills can"
    )
    return (
        "unreachable",
        f"{subject} reach it within its window and be back by the end of the shift",
    )


def _without_breaks(c: Caregiver) -> Caregiver:
    from dataclasses import replace

    return replace(c, breaks=())


def _ceil(x: float) -> int:
    return math.ceil(x * SCALE - 1e-6)


def _floor(x: float) -> int:
    """Latest times round down, so the solver is never more lenient than the problem."""
    return math.floor(x * SCALE + 1e-6)


@dataclass
class _Model:
    data: Any
    client_kind: list[tuple[str, Any]]  # ("visit", Visit) | ("break", caregiver class)
    type_members: list[list[Caregiver]]


def _build(ctx: _Ctx, visits: list[Visit]) -> _Model:
    from pyvrp import Client, ClientGroup, Depot, Location, ProblemData, VehicleType

    problem = ctx.problem
    cgs = problem.caregivers
    n_visits = len(visits)
    big_count = max(n_visits, 1)

    # -- load dimensions
    dims: list[str] = []
    skill_dims: dict[str, int] = {}
    needed = set().union(*(v.skills for v in visits)) if visits else set()
    for s in sorted(needed):
        if any(s not in c.skills for c in cgs):
            skill_dims[s] = len(dims)
            dims.append(f"skill:{s}")
    maxv_dim = None
    if any(c.max_visits is not None for c in cgs):
        maxv_dim = len(dims)
        dims.append("max_visits")
    cap_dim = None
    if any(v.demand for v in visits):
        cap_dim = len(dims)
        dims.append("capacity")
    break_classes: dict[Break, int] = {}
    for c in cgs:
        for b in c.breaks:
            if b not in break_classes:
                break_classes[b] = len(dims)
                dims.append(f"break:{b.window}:{b.duration}")
    pinned_ids = sorted({v.pinned_to for v in visits if v.pinned_to})
    code = {cid: i + 1 for i, cid in enumerate(pinned_ids)}
    nbits = max(1, len(pinned_ids).bit_length()) if pinned_ids else 0
    pin_dim0 = len(dims)
    for j in range(nbits):
        dims.extend([f"pin:{j}:0", f"pin:{j}:1"])
    nd = len(dims)

    # -- locations: the distinct points; break pivots reuse them
    locations = [Location(x=p[0], y=p[1]) for p in ctx.points]

    # -- depots: one per distinct start/end point
    depot_of: dict[int, int] = {}
    depots: list[Any] = []
    for c in cgs:
        for r in (ctx.start_row[c.id], ctx.end_row[c.id]):
            if r not in depot_of:
                depot_of[r] = len(depots)
                depots.append(Depot(location=r))

    # -- vehicle types: identical caregivers share one
    speeds = sorted({speed_of(problem, c) or 0.0 for c in cgs})
    profile_of = {s: i for i, s in enumerate(speeds)}

    def capacity(c: Caregiver) -> list[int]:
        cap = [0] * nd
        for s, d in skill_dims.items():
            cap[d] = big_count if s in c.skills else 0
        if maxv_dim is not None:
            cap[maxv_dim] = big_count if c.max_visits is None else c.max_visits
        if cap_dim is not None:
            total = sum(v.demand for v in visits)
            cap[cap_dim] = total if c.capacity is None else c.capacity
        for b, d in break_classes.items():
            cap[d] = sum(1 for x in c.breaks if x == b)
        if nbits:
            k = code.get(c.id, 0)
            for j in range(nbits):
                bit = (k >> j) & 1
                cap[pin_dim0 + 2 * j + bit] = big_count
        return cap

    groups_of_types: dict[tuple[Any, ...], list[Caregiver]] = {}
    for c in cgs:
        key = (
            ctx.start_row[c.id],
            ctx.end_row[c.id],
            c.start_time,
            c.shift,
            tuple(capacity(c)),
            speed_of(problem, c),
        )
        groups_of_types.setdefault(key, []).append(c)
    vehicle_types = []
    type_members: list[list[Caregiver]] = []
    for members in groups_of_types.values():
        c = members[0]
        vehicle_types.append(
            VehicleType(
                num_available=len(members),
                capacity=capacity(c),
                start_depot=depot_of[ctx.start_row[c.id]],
                end_depot=depot_of[ctx.end_row[c.id]],
                tw_early=_ceil(c.start_time),
                tw_late=_floor(c.shift[1]),
                profile=profile_of[speed_of(problem, c) or 0.0],
                name=",".join(m.id for m in members),
            )
        )
        type_members.append(members)

    # -- matrices (distance = cost = travel minutes; duration rounded up: conservative)
    dist_mats = []
    dur_mats = []
    for spd in speeds:
        t = minutes(ctx.dist, spd or None)
        dist_mats.append(np.rint(t * SCALE).astype(np.int64))
        dur_mats.append(np.ceil(t * SCALE - 1e-6).astype(np.int64))
    max_edge = max(int(m.max()) for m in dist_mats) if dist_mats else 0
    prize = 10 * (2 * max_edge + SCALE)

    clients = []
    kinds: list[tuple[str, Any]] = []
    for v in visits:
        load = [0] * nd
        for s in v.skills:
            if s in skill_dims:
                load[skill_dims[s]] = 1
        if maxv_dim is not None:
            load[maxv_dim] = 1
        if cap_dim is not None:
            load[cap_dim] = v.demand
        if v.pinned_to:
            k = code[v.pinned_to]
            for j in range(nbits):
                load[pin_dim0 + 2 * j + ((k >> j) & 1)] = 1
        clients.append(
            Client(
                location=ctx.loc[v.id],
                delivery=load,
                service_duration=_ceil(v.duration),
                tw_early=_ceil(v.window[0]),
                tw_late=_floor(v.window[1]),
                prize=prize,
                required=False,
                name=v.id,
            )
        )
        kinds.append(("visit", v))

    groups = []
    for c in cgs:
        for b in c.breaks:
            load = [0] * nd
            load[break_classes[b]] = 1
            pivots = [ctx.start_row[c.id]]
            near = sorted(
                (
                    v
                    for v in visits
                    if v.skills <= c.skills
                    and v.window[0] <= b.window[1] + 60
                    and v.window[1] >= b.window[0] - 60
                ),
                key=lambda v: float(ctx.dist[ctx.start_row[c.id], ctx.loc[v.id]]),
            )
            for v in near:
                r = ctx.loc[v.id]
                if r not in pivots:
                    pivots.append(r)
                if len(pivots) >= BREAK_CANDIDATES:
                    break
            group_members: list[int] = []
            for r in pivots:
                group_members.append(len(clients))
                clients.append(
                    Client(
                        location=r,
                        delivery=load,
                        service_duration=_ceil(b.duration),
                        tw_early=_ceil(b.window[0]),
                        tw_late=_floor(b.window[1] - b.duration),
                        required=len(pivots) == 1,
                        name=f"break:{c.id}",
                    )
                )
                kinds.append(("break", b))
            if len(group_members) > 1:
                groups.append(ClientGroup(clients=group_members, required=True))
    # groups reference client indices; fix their "group" field on the clients
    for gi, g in enumerate(groups):
        for ci in g.clients:
            old = clients[ci]
            clients[ci] = Client(
                location=old.location,
                delivery=old.delivery,
                service_duration=old.service_duration,
                tw_early=old.tw_early,
                tw_late=old.tw_late,
                required=False,
                group=gi,
                name=old.name,
            )
    data = ProblemData(
        locations=locations,
        clients=clients,
        depots=depots,
        vehicle_types=vehicle_types,
        distance_matrices=dist_mats,  # type: ignore[arg-type]
        duration_matrices=dur_mats,  # type: ignore[arg-type]
        groups=groups,
    )
    return _Model(data, kinds, type_members)


LARGE = 300  # clients; above this the start is made cheaper (see _run_pyvrp)


def _neighbours(data: Any, k: int = 40, weight_wait: float = 0.2) -> dict[Any, list[Any]]:
    """Granular neighbourhoods as PyVRP's (distance + time-window proximity), in numpy.

    PyVRP's own computation takes seconds for ~1,400 clients on a busy machine.
    """
    from pyvrp import Activity, ActivityType

    clients = data.clients()
    n = len(clients)
    rows = np.array([c.location for c in clients])
    dur = data.duration_matrix(0)[np.ix_(rows, rows)].astype(np.float64)
    dist = data.distance_matrix(0)[np.ix_(rows, rows)].astype(np.float64)
    early = np.array([c.tw_early for c in clients], dtype=np.float64)
    late = np.array([min(c.tw_late, 1 << 40) for c in clients], dtype=np.float64)
    service = np.array([c.service_duration for c in clients], dtype=np.float64)
    wait = np.maximum(early[None, :] - dur - service[:, None] - late[:, None], 0)
    warp = np.maximum(early[:, None] + service[:, None] + dur - late[None, :], 0)
    prox = dist + weight_wait * wait + warp
    prox = np.minimum(prox, prox.T)
    np.fill_diagonal(prox, np.inf)
    k = min(k, n - 1)
    if k <= 0:
        return {Activity(ActivityType.CLIENT, i): [] for i in range(n)}
    near = np.argpartition(prox, k - 1, axis=1)[:, :k]
    acts = [Activity(ActivityType.CLIENT, i) for i in range(n)]
    out = {}
    for i in range(n):
        order = near[i][np.argsort(prox[i, near[i]])]
        out[acts[i]] = [acts[j] for j in order]
    return out


class _Until:
    """PyVRP stopping criterion: stop once ``clock()`` passes ``deadline``."""

    def __init__(self, clock: Callable[[], float], deadline: float) -> None:
        self.clock = clock
        self.deadline = deadline

    def __call__(self, best_cost: float) -> bool:
        return self.clock() > self.deadline


def _run_pyvrp(
    data: Any, deadline: float, seed: int, clock: Callable[[], float] = time.monotonic
) -> Any:
    """PyVRP's ``solve`` (iterated local search), with a cheaper start on large problems."""
    rng = RandomNumberGenerator(seed=seed)
    large = data.num_clients > LARGE
    neighbours = _neighbours(data) if large else compute_neighbours(data, NeighbourhoodParams())
    ls = LocalSearch(data, rng, neighbours, PerturbationManager(PerturbationParams()))
    for op in OPERATORS:
        if op.supports(data):
            ls.add_operator(op(data))
    params = PenaltyParams()
    pm = PenaltyManager(params.midpoint_penalties(data), params)
    with warnings.catch_warnings():
        # Skills are capacity-0 load dimensions: PyVRP warns when their penalty saturates.
        warnings.simplefilter("ignore", PenaltyBoundWarning)
        init = ls(Solution.make_random(data, rng), pm.max_cost_evaluator(), exhaustive=True)
        algo = IteratedLocalSearch(data, pm, ls, init, IteratedLocalSearchParams())
        return algo.run(_Until(clock, deadline), False, False).best


def _route_dict(cg: Caregiver, sched: Schedule | None, problem: Problem) -> dict[str, Any]:
    if sched is None:
        return {
            "caregiver": cg.id,
            "stops": [],
            "breaks": [],
            "start_time": cg.start_time,
            "end_time": cg.start_time,
            "travel": 0.0,
            "duration": 0.0,
        }
    out: dict[str, Any] = {
        "caregiver": cg.id,
        "stops": [
            {
                "visit": s.visit.id,
                "arrival": round(s.arrival, 3),
                "start": round(s.start, 3),
                "departure": round(s.departure, 3),
            }
            for s in sched.stops
        ],
        "breaks": [
            {"start": round(b.start, 3), "end": round(b.end, 3), "after": b.after}
            for b in sched.breaks
        ],
        "start_time": round(sched.start_time, 3),
        "end_time": round(sched.end_time, 3),
        "travel": round(sched.travel, 3),
        "duration": round(sched.end_time - sched.start_time, 3),
    }
    if problem.distance.kind == "haversine":
        speed = speed_of(problem, cg) or 1.0
        out["distance_km"] = round(sched.travel * speed / 60.0, 3)
    return out


def solve_problem(
    raw: dict[str, Any],
    *,
    time_limit: float = 5.0,
    seed: int = 1,
    clock: Callable[[], float] = time.monotonic,
) -> dict[str, Any]:
    """``clock`` measures the time limit: wall time; the benchmark may pass CPU time."""
    t_begin = clock()
    problem = parse_problem(raw)
    ctx = _context(problem)
    unassigned: dict[str, tuple[str, str]] = {}
    servable: list[Visit] = []
    for v in problem.visits:
        why = _reason(ctx, v)
        if why is None:
            servable.append(v)
        else:
            unassigned[v.id] = why

    plan_routes: dict[str, list[Visit]] = {c.id: [] for c in problem.caregivers}
    feasible = True
    if servable:
        model = _build(ctx, servable)
        best = _run_pyvrp(model.data, t_begin + time_limit * (1 - POST_SHARE), seed, clock)
        feasible = bool(best.is_feasible())
        pool = [list(m) for m in model.type_members]
        for route in best.routes():
            members = pool[route.vehicle_type()]
            cg = members.pop(0)
            seq = [
                model.client_kind[act.idx][1]
                for act in route
                if act.is_client() and model.client_kind[act.idx][0] == "visit"
            ]
            plan_routes[cg.id] = seq

    by_id = {c.id: c for c in problem.caregivers}
    # Repair (only if the solver's best was infeasible): drop visits until each route times.
    for cid, seq in plan_routes.items():
        timer = ctx.timer(by_id[cid])
        while seq and timer.schedule(seq) is None:
            worst = max(range(len(seq)), key=lambda i: _removal_gain(timer, seq, i))
            seq.pop(worst)
    served = {v.id for seq in plan_routes.values() for v in seq}
    dropped = [v for v in servable if v.id not in served]
    # Insert dropped visits where they fit, then continuity moves.
    # The post-pass keeps its share even when the search overran its budget.
    deadline = max(t_begin + time_limit, clock() + POST_SHARE * time_limit)
    for v in dropped:
        if clock() > deadline or not _insert_best(ctx, plan_routes, by_id, v, limit=math.inf):
            unassigned[v.id] = _dropped_reason(ctx, plan_routes, by_id, v)
    _continuity(ctx, plan_routes, by_id, problem.continuity_minutes, deadline, clock)

    routes = []
    total = 0.0
    for c in problem.caregivers:
        seq = plan_routes[c.id]
        sched = ctx.timer(c).schedule(seq)
        if sched is None:  # cannot happen after repair, kept for safety
            for v in seq:
                unassigned[v.id] = REASON_DROPPED
            sched = ctx.timer(c).schedule([])
        if not seq and not c.breaks:
            sched = None
        d = _route_dict(c, sched, problem)
        total += d["travel"]
        routes.append(d)
    order = {v.id: i for i, v in enumerate(problem.visits)}
    return {
        "routes": routes,
        "unassigned": [
            {"visit": vid, "reason": r[1], "code": r[0]}
            for vid, r in sorted(unassigned.items(), key=lambda kv: order[kv[0]])
        ],
        "total_travel": round(total, 3),
        "solver": {
            "name": "pyvrp",
            "version": version("pyvrp"),
            "time_limit": time_limit,
            "seed": seed,
            "runtime": round(clock() - t_begin, 3),
            "solver_feasible": feasible,
        },
    }


def _removal_gain(timer: RouteTimer, seq: list[Visit], i: int) -> float:
    rest = seq[:i] + seq[i + 1 :]
    return 1.0 if timer.schedule(rest) is not None else 0.0


def _travel(timer: RouteTimer, seq: list[Visit]) -> float:
    return sum(timer.legs(seq))


def _dropped_reason(
    ctx: _Ctx, routes: dict[str, list[Visit]], by_id: dict[str, Caregiver], v: Visit
) -> tuple[str, str]:
    """Why a visit that fits alone was left out: every route that could take it is full
    (carrying capacity, or its maximum visits), else its window clashes with the others."""
    able = [cid for cid in routes if ctx.timer(by_id[cid]).can_serve(v)]
    if not able or any(ctx.timer(by_id[cid]).loads_ok([*routes[cid], v]) for cid in able):
        return REASON_DROPPED
    full_load = [
        cid
        for cid in able
        if by_id[cid].capacity is not None
        and sum(x.demand for x in routes[cid]) + v.demand > (by_id[cid].capacity or 0)
    ]
    if len(full_load) == len(able):
        return "capacity", (
            f"no room left on the rounds of the caregivers who could take it (demand {v.demand})"
        )
    return "max_visits", "max_visits is reached by every caregiver who could take it"


def _insert_best(
    ctx: _Ctx,
    routes: dict[str, list[Visit]],
    by_id: dict[str, Caregiver],
    v: Visit,
    *,
    limit: float,
    only: str | None = None,
    tries: int = 40,
) -> bool:
    """Insert ``v`` at its cheapest feasible place (extra travel ≤ limit).

    Candidate places are ranked by their extra travel (from the matrix, O(1) each) and timed
    in that order, at most ``tries`` of them.
    """
    cands: list[tuple[float, str, int]] = []
    for cid, seq in routes.items():
        if only is not None and cid != only:
            continue
        timer = ctx.timer(by_id[cid])
        if not timer.can_serve(v) or not timer.loads_ok([*seq, v]):
            continue
        rows = [timer.start_row, *(ctx.loc[x.id] for x in seq), timer.end_row]
        t = timer.travel
        r = ctx.loc[v.id]
        for pos in range(len(seq) + 1):
            a, b = rows[pos], rows[pos + 1]
            extra = float(t[a, r] + t[r, b] - t[a, b])
            if extra <= limit:
                cands.append((extra, cid, pos))
    cands.sort()
    for extra, cid, pos in cands[:tries]:
        seq = routes[cid]
        cand = [*seq[:pos], v, *seq[pos:]]
        if ctx.timer(by_id[cid]).schedule(cand) is not None:
            seq.insert(pos, v)
            return True
        del extra
    return False


def _continuity(
    ctx: _Ctx,
    routes: dict[str, list[Visit]],
    by_id: dict[str, Caregiver],
    allowance: float,
    deadline: float,
    clock: Callable[[], float],
) -> None:
    """Move visits to their preferred caregiver when it costs ≤ ``allowance`` extra travel."""
    where = {v.id: cid for cid, seq in routes.items() for v in seq}
    for cid, seq in list(routes.items()):
        for v in list(seq):
            pref = v.preferred_caregiver
            if pref is None or pref == cid or pref not in routes:
                continue
            if clock() > deadline:
                return
            timer = ctx.timer(by_id[cid])
            before = _travel(timer, seq)
            rest = [x for x in seq if x.id != v.id]
            saving = before - _travel(timer, rest)
            if timer.schedule(rest) is None:
                continue
            routes[cid] = rest
            if _insert_best(ctx, routes, by_id, v, limit=allowance + saving, only=pref):
                seq = rest
                where[v.id] = pref
            else:
                routes[cid] = seq
