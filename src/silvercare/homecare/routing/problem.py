"""Validate a routing problem (docs/routing.md) and turn it into typed objects.

Every problem found is collected, so one run reports all of them; the messages name the
place in the JSON (``visits[3].window``) and say what is wrong.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, TypeGuard

Point = tuple[float, float]

DAY_END = 7 * 24 * 60.0  # a plan never runs beyond a week of minutes


class RoutingInputError(ValueError):
    """The problem is not valid; ``errors`` lists each reason."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("; ".join(errors))
        self.errors = errors


@dataclass(frozen=True)
class Break:
    window: tuple[float, float]
    duration: float


@dataclass(frozen=True)
class Caregiver:
    id: str
    start: Point
    end: Point
    shift: tuple[float, float]
    start_time: float  # max(shift start, the re-plan's start_time)
    skills: frozenset[str]
    capacity: int | None
    max_visits: int | None
    breaks: tuple[Break, ...]
    speed_kmh: float | None


@dataclass(frozen=True)
class Visit:
    id: str
    location: Point
    window: tuple[float, float]
    duration: float
    skills: frozenset[str]
    demand: int
    pinned_to: str | None
    preferred_caregiver: str | None


@dataclass(frozen=True)
class Distance:
    kind: str  # "haversine" | "euclidean"
    speed_kmh: float = 15.0
    detour: float = 1.0
    truncate_decimals: int | None = None


@dataclass
class Problem:
    distance: Distance
    caregivers: list[Caregiver]
    visits: list[Visit]
    continuity_minutes: float = 10.0
    raw: dict[str, Any] = field(default_factory=dict)


_TOP = {"distance", "caregivers", "visits", "options"}
_DISTANCE = {"kind", "speed_kmh", "detour", "truncate_decimals"}
_CAREGIVER = {
    "id",
    "start",
    "end",
    "shift",
    "start_time",
    "skills",
    "capacity",
    "max_visits",
    "breaks",
    "speed_kmh",
}
_VISIT = {
    "id",
    "location",
    "window",
    "duration",
    "skills",
    "demand",
    "pinned_to",
    "preferred_caregiver",
}
_OPTIONS = {"continuity_minutes"}


def _is_num(v: object) -> TypeGuard[float]:
    return isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)


def _is_int(v: object) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


class _Checker:
    def __init__(self) -> None:
        self.errors: list[str] = []

    def err(self, where: str, msg: str) -> None:
        self.errors.append(f"{where}: {msg}")

    def unknown(self, where: str, obj: dict[str, Any], allowed: set[str]) -> None:
        for key in sorted(set(obj) - allowed):
            self.err(where, f"unknown field '{key}' (allowed: {', '.join(sorted(allowed))})")

    def point(self, where: str, v: object, kind: str) -> Point | None:
        if not (isinstance(v, list | tuple) and len(v) == 2 and all(_is_num(x) for x in v)):
            self.err(where, "must be a pair of numbers")
            return None
        x, y = float(v[0]), float(v[1])
        if kind == "haversine" and not (-180 <= x <= 180 and -90 <= y <= 90):
            self.err(where, f"[{x}, {y}] is not a [longitude, latitude] pair")
            return None
        return (x, y)

    def interval(self, where: str, v: object, what: str) -> tuple[float, float] | None:
        if not (isinstance(v, list | tuple) and len(v) == 2 and all(_is_num(x) for x in v)):
            self.err(where, f"{what} must be a pair of numbers [start, end] in minutes")
            return None
        a, b = float(v[0]), float(v[1])
        if a < 0:
            self.err(where, f"{what} starts before the day ({a} < 0)")
            return None
        if b < a:
            self.err(where, f"{what} ends at {b}, before it starts at {a}")
            return None
        if b > DAY_END:
            self.err(where, f"{what} ends after {DAY_END:.0f} minutes")
            return None
        return (a, b)

    def skills(self, where: str, v: object) -> frozenset[str]:
        if v is None:
            return frozenset()
        if not (isinstance(v, list) and all(isinstance(s, str) and s for s in v)):
            self.err(where, "skills must be a list of non-empty strings")
            return frozenset()
        return frozenset(v)

    def count(self, where: str, v: object, what: str) -> int | None:
        if v is None:
            return None
        if not _is_int(v) or v < 0:  # type: ignore[operator]
            self.err(where, f"{what} must be a whole number ≥ 0")
            return None
        return int(v)  # type: ignore[call-overload, no-any-return]


def parse_problem(data: object) -> Problem:
    c = _Checker()
    if not isinstance(data, dict):
        raise RoutingInputError(["problem: must be a JSON object"])
    c.unknown("problem", data, _TOP)

    dist_raw = data.get("distance")
    distance = Distance(kind="euclidean")
    if not isinstance(dist_raw, dict):
        c.err(
            "distance", 'required: {"kind": "haversine", "speed_kmh": 15} or {"kind": "euclidean"}'
        )
    else:
        c.unknown("distance", dist_raw, _DISTANCE)
        kind = dist_raw.get("kind")
        speed = dist_raw.get("speed_kmh", 15.0)
        detour = dist_raw.get("detour", 1.0)
        trunc = dist_raw.get("truncate_decimals")
        if kind not in ("haversine", "euclidean"):
            c.err("distance.kind", f"must be 'haversine' or 'euclidean', not {kind!r}")
        if not _is_num(speed) or speed <= 0:
            c.err("distance.speed_kmh", "must be a number > 0")
            speed = 15.0
        if not _is_num(detour) or detour < 1:
            c.err("distance.detour", "must be a number ≥ 1 (road distance / straight line)")
            detour = 1.0
        if trunc is not None and (not _is_int(trunc) or not 0 <= trunc <= 3):
            c.err("distance.truncate_decimals", "must be a whole number from 0 to 3")
            trunc = None
        if kind == "haversine" and "truncate_decimals" in dist_raw:
            c.err("distance.truncate_decimals", "only applies to euclidean distances")
        if kind == "euclidean" and ("speed_kmh" in dist_raw or "detour" in dist_raw):
            c.err("distance", "euclidean distances take no speed_kmh or detour")
        distance = Distance(
            kind=str(kind),
            speed_kmh=float(speed),
            detour=float(detour),
            truncate_decimals=trunc,
        )
    kind = distance.kind

    options = data.get("options", {})
    continuity = 10.0
    if not isinstance(options, dict):
        c.err("options", "must be an object")
    else:
        c.unknown("options", options, _OPTIONS)
        cm = options.get("continuity_minutes", 10.0)
        if not _is_num(cm) or cm < 0:
            c.err("options.continuity_minutes", "must be a number ≥ 0")
        else:
            continuity = float(cm)

    caregivers: list[Caregiver] = []
    cg_raw = data.get("caregivers")
    if not isinstance(cg_raw, list) or not cg_raw:
        c.err("caregivers", "required: a non-empty list")
        cg_raw = []
    seen: set[str] = set()
    for i, cr in enumerate(cg_raw):
        w = f"caregivers[{i}]"
        if not isinstance(cr, dict):
            c.err(w, "must be an object")
            continue
        c.unknown(w, cr, _CAREGIVER)
        cid = cr.get("id")
        if not isinstance(cid, str) or not cid:
            c.err(f"{w}.id", "required: a non-empty string")
            continue
        if cid in seen:
            c.err(f"{w}.id", f"duplicate caregiver id '{cid}'")
        seen.add(cid)
        start = c.point(f"{w}.start", cr.get("start"), kind)
        end = c.point(f"{w}.end", cr["end"], kind) if "end" in cr else start
        shift = c.interval(f"{w}.shift", cr.get("shift"), "shift")
        st = cr.get("start_time")
        if st is not None and not _is_num(st):
            c.err(f"{w}.start_time", "must be a number of minutes")
            st = None
        speed_c = cr.get("speed_kmh")
        if speed_c is not None:
            if not _is_num(speed_c) or speed_c <= 0:
                c.err(f"{w}.speed_kmh", "must be a number > 0")
                speed_c = None
            elif kind != "haversine":
                c.err(f"{w}.speed_kmh", "only applies to haversine distances")
                speed_c = None
        breaks: list[Break] = []
        br_raw = cr.get("breaks", [])
        if not isinstance(br_raw, list):
            c.err(f"{w}.breaks", "must be a list")
            br_raw = []
        for j, br in enumerate(br_raw):
            bw = f"{w}.breaks[{j}]"
            if not isinstance(br, dict):
                c.err(bw, "must be an object")
                continue
            c.unknown(bw, br, {"window", "duration"})
            win = c.interval(f"{bw}.window", br.get("window"), "break window")
            dur_raw = br.get("duration")
            if not _is_num(dur_raw) or dur_raw < 0:
                c.err(f"{bw}.duration", "must be a number of minutes ≥ 0")
                continue
            dur = float(dur_raw)
            if win is None:
                continue
            if win[1] - win[0] < dur:
                c.err(bw, f"a {dur:g}-minute break does not fit its window {list(win)}")
                continue
            if shift and (win[0] < shift[0] or win[1] > shift[1]):
                c.err(bw, f"break window {list(win)} is outside the shift {list(shift)}")
                continue
            breaks.append(Break(window=win, duration=dur))
        if start is None or end is None or shift is None:
            continue
        start_time = max(shift[0], float(st)) if st is not None else shift[0]
        if start_time > shift[1]:
            c.err(f"{w}.start_time", f"{st} is after the shift ends ({shift[1]})")
            continue
        caregivers.append(
            Caregiver(
                id=cid,
                start=start,
                end=end,
                shift=shift,
                start_time=start_time,
                skills=c.skills(f"{w}.skills", cr.get("skills")),
                capacity=c.count(f"{w}.capacity", cr.get("capacity"), "capacity"),
                max_visits=c.count(f"{w}.max_visits", cr.get("max_visits"), "max_visits"),
                breaks=tuple(sorted(breaks, key=lambda b: b.window)),
                speed_kmh=float(speed_c) if speed_c is not None else None,
            )
        )

    visits: list[Visit] = []
    v_raw = data.get("visits")
    if not isinstance(v_raw, list):
        c.err("visits", "required: a list")
        v_raw = []
    vseen: set[str] = set()
    for i, vr in enumerate(v_raw):
        w = f"visits[{i}]"
        if not isinstance(vr, dict):
            c.err(w, "must be an object")
            continue
        c.unknown(w, vr, _VISIT)
        vid = vr.get("id")
        if not isinstance(vid, str) or not vid:
            c.err(f"{w}.id", "required: a non-empty string")
            continue
        if vid in vseen:
            c.err(f"{w}.id", f"duplicate visit id '{vid}'")
        vseen.add(vid)
        loc = c.point(f"{w}.location", vr.get("location"), kind)
        win = c.interval(f"{w}.window", vr.get("window"), "window")
        vdur_raw = vr.get("duration", 0)
        vdur: float | None = None
        if not _is_num(vdur_raw) or vdur_raw < 0:
            c.err(f"{w}.duration", f"must be a number of minutes ≥ 0, not {vdur_raw!r}")
        else:
            vdur = float(vdur_raw)
        demand = c.count(f"{w}.demand", vr.get("demand"), "demand")
        pinned = vr.get("pinned_to")
        if pinned is not None and pinned not in seen:
            c.err(f"{w}.pinned_to", f"unknown caregiver {pinned!r}")
            pinned = None
        pref = vr.get("preferred_caregiver")
        if pref is not None and not isinstance(pref, str):
            c.err(f"{w}.preferred_caregiver", "must be a caregiver id")
            pref = None
        if pref not in seen:  # the usual caregiver may be off today: nothing to prefer
            pref = None
        if loc is None or win is None or vdur is None:
            continue
        visits.append(
            Visit(
                id=vid,
                location=loc,
                window=win,
                duration=vdur,
                skills=c.skills(f"{w}.skills", vr.get("skills")),
                demand=demand or 0,
                pinned_to=pinned,
                preferred_caregiver=pref,
            )
        )
    if c.errors:
        raise RoutingInputError(c.errors)
    return Problem(
        distance=distance,
        caregivers=caregivers,
        visits=visits,
        continuity_minutes=continuity,
        raw=data,
    )
