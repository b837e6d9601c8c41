"""Travel times and the timing of one caregiver's route (used to build and explain plans).

Break semantics (docs/routing.md): a break of ``duration`` minutes lies wholly inside its
window and is taken between two stops (or before the first / after the last), wherever the
caregiver is at that moment: travel may happen before and after it. ``route_schedule`` finds
the earliest timing of a given visit order, placing the breaks by a small dynamic programme
(earliest time dominates, so it is exact).
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from silvercare.homecare.routing.problem import Caregiver, Distance, Point, Problem, Visit

EARTH_RADIUS_KM = 6371.0088
EPS = 1e-6

FloatMatrix = npt.NDArray[np.float64]


def distance_matrix(distance: Distance, points: list[Point]) -> FloatMatrix:
    """Pairwise distances: km for haversine (with the detour factor), units for euclidean."""
    pts = np.asarray(points, dtype=np.float64).reshape(-1, 2)
    if distance.kind == "haversine":
        lon = np.radians(pts[:, 0])
        lat = np.radians(pts[:, 1])
        dlat = lat[:, None] - lat[None, :]
        dlon = lon[:, None] - lon[None, :]
        a = (
            np.sin(dlat / 2) ** 2
            + np.cos(lat)[:, None] * np.cos(lat)[None, :] * np.sin(dlon / 2) ** 2
        )
        km = 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))
        out: FloatMatrix = km * distance.detour
        return out
    diff = pts[:, None, :] - pts[None, :, :]
    d: FloatMatrix = np.sqrt((diff**2).sum(axis=2))
    if distance.truncate_decimals is not None:
        f = 10.0**distance.truncate_decimals
        d = np.floor(d * f + 1e-9) / f
    return d


def speed_of(problem: Problem, cg: Caregiver) -> float | None:
    """km/h for haversine problems, None for euclidean (travel time = distance)."""
    if problem.distance.kind != "haversine":
        return None
    return cg.speed_kmh or problem.distance.speed_kmh


def minutes(dist: FloatMatrix, speed: float | None) -> FloatMatrix:
    if speed is None:
        return dist
    out: FloatMatrix = dist / speed * 60.0
    return out


@dataclass
class Stop:
    visit: Visit
    arrival: float
    start: float
    departure: float


@dataclass
class BreakSlot:
    start: float
    end: float
    after: str | None  # the visit before it; None when taken before the first visit


@dataclass
class Schedule:
    start_time: float  # leaves the start location
    end_time: float  # reaches the end location
    stops: list[Stop]
    breaks: list[BreakSlot]
    travel: float


class RouteTimer:
    """Times routes of one caregiver; ``loc`` maps visit ids to rows of ``travel``."""

    def __init__(
        self,
        cg: Caregiver,
        travel: FloatMatrix,
        loc: dict[str, int],
        start_row: int,
        end_row: int,
    ) -> None:
        self.cg = cg
        self.travel = travel
        self.loc = loc
        self.start_row = start_row
        self.end_row = end_row

    def can_serve(self, v: Visit) -> bool:
        if not v.skills <= self.cg.skills:
            return False
        return v.pinned_to is None or v.pinned_to == self.cg.id

    def loads_ok(self, visits: list[Visit]) -> bool:
        cg = self.cg
        if cg.max_visits is not None and len(visits) > cg.max_visits:
            return False
        return cg.capacity is None or sum(v.demand for v in visits) <= cg.capacity

    def legs(self, visits: list[Visit]) -> list[float]:
        rows = [self.start_row, *(self.loc[v.id] for v in visits), self.end_row]
        return [float(self.travel[a, b]) for a, b in itertools.pairwise(rows)]

    def schedule(self, visits: list[Visit]) -> Schedule | None:
        """The earliest feasible timing of ``visits`` in this order, or None."""
        cg = self.cg
        if not all(self.can_serve(v) for v in visits) or not self.loads_ok(visits):
            return None
        legs = self.legs(visits)
        brks = cg.breaks
        nb = len(brks)
        n = len(visits)
        # best[k][b]: earliest departure from node k (0 = start) having taken b breaks.
        inf = math.inf
        best = [[inf] * (nb + 1) for _ in range(n + 2)]
        back: list[list[tuple[int, list[float], float, float] | None]] = [
            [None] * (nb + 1) for _ in range(n + 2)
        ]
        best[0][0] = cg.start_time
        for k in range(n + 1):  # leg k goes from node k to node k + 1
            for b in range(nb + 1):
                t0 = best[k][b]
                if t0 == inf:
                    continue
                # take m more breaks on this leg
                t = t0
                remaining = legs[k]
                starts: list[float] = []
                for m in range(nb - b + 1):
                    if m > 0:
                        br = brks[b + m - 1]
                        bs = max(t, br.window[0])
                        if bs + br.duration > br.window[1] + EPS:
                            break
                        remaining -= min(remaining, bs - t)
                        t = bs + br.duration
                        starts = [*starts, bs]
                    arrival = t + remaining
                    if k < n:
                        v = visits[k]
                        begin = max(arrival, v.window[0])
                        if begin > v.window[1] + EPS:
                            continue
                        dep = begin + v.duration
                        if dep > cg.shift[1] + EPS:
                            continue
                    else:
                        if arrival > cg.shift[1] + EPS:
                            continue
                        begin = dep = arrival
                    if dep < best[k + 1][b + m] - EPS:
                        best[k + 1][b + m] = dep
                        back[k + 1][b + m] = (b, starts, arrival, begin)
        if best[n + 1][nb] == inf:
            return None
        # rebuild
        b = nb
        per_leg: list[tuple[list[float], float, float]] = [([], 0.0, 0.0)] * (n + 1)
        for k in range(n + 1, 0, -1):
            entry = back[k][b]
            assert entry is not None
            pb, starts, arrival, begin = entry
            per_leg[k - 1] = (starts, arrival, begin)
            b = pb
        stops: list[Stop] = []
        slots: list[BreakSlot] = []
        bi = 0
        for k in range(n + 1):
            starts, arrival, begin = per_leg[k]
            for bs in starts:
                slots.append(
                    BreakSlot(
                        start=bs,
                        end=bs + brks[bi].duration,
                        after=visits[k - 1].id if k > 0 else None,
                    )
                )
                bi += 1
            if k < n:
                v = visits[k]
                stops.append(Stop(v, arrival, begin, begin + v.duration))
        end_time = per_leg[n][1]
        start_time = cg.start_time
        # Leave as late as the first visit allows (no waiting on the doorstep).
        if stops and not per_leg[0][0]:
            late = stops[0].start - legs[0]
            if late > start_time:
                start_time = late
                stops[0].arrival = stops[0].start
        return Schedule(start_time, end_time, stops, slots, float(sum(legs)))
