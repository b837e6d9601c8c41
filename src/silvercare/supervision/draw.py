"""The random-inspection draw (双随机一公开), algorithm ``sc-draw-1``.

Standard library only, no Django: anyone can run this file on a draw's published JSON
(``python draw.py draw-12.json``) and get the same targets and inspectors. The rules:

1. Every key is ordered by its *rank*, the hex SHA-256 of the UTF-8 text
   ``seed + ":" + key`` (for inspectors of a target: ``seed + ":" + target_key + ":" +
   inspector_key``); ascending hex order, ties impossible in practice, broken by the key.
2. Targets fall into strata by credit grade: a grade named in ``ratios["by_grade"]`` is its
   own stratum with that ratio, every other target (any other grade, or none) is in the
   ``default`` stratum with ``ratios["default_bp"]``. Ratios are basis points (500 = 5 %).
   From a stratum of n targets, ``ceil(n * bp / 10000)`` are taken, lowest rank first.
3. The selected targets, ordered by rank, each get ``inspectors_per_target`` inspectors:
   the eligible inspectors ordered by (assignments so far in this draw, inspector rank),
   first ones taken. An inspector is not eligible for a target when the target's region
   code starts with one of the inspector's employment prefixes, or when the pair
   ``[inspector_key, target_key]`` is listed in ``conflicts``.
4. A draw with no targets, or a target short of eligible inspectors, is refused.

``canonical(obj)`` is the byte form the digests are taken over: JSON with sorted keys, no
spaces, UTF-8.
"""

from __future__ import annotations

import hashlib
import json
import sys
from dataclasses import dataclass
from typing import Any

ALGORITHM = "sc-draw-1"
DEFAULT_STRATUM = "default"


class DrawRefusedError(Exception):
    """The pools cannot give a draw; ``code`` says why, ``params`` with what."""

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


@dataclass(frozen=True)
class Target:
    key: str
    name: str
    kind: str
    region: str
    grade: str


@dataclass(frozen=True)
class Inspector:
    key: str
    name: str
    employment: tuple[str, ...]


def canonical(obj: Any) -> bytes:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode(
        "utf-8"
    )


def digest(obj: Any) -> str:
    return hashlib.sha256(canonical(obj)).hexdigest()


def rank(seed: str, *parts: str) -> str:
    return hashlib.sha256(":".join((seed, *parts)).encode("utf-8")).hexdigest()


def take_count(size: int, basis_points: int) -> int:
    """ceil(size * bp / 10000) in integers."""
    return (size * basis_points + 9999) // 10000


def stratum_of(grade: str, ratios: dict[str, Any]) -> str:
    by_grade: dict[str, int] = ratios.get("by_grade") or {}
    return grade if grade and grade in by_grade else DEFAULT_STRATUM


def run(
    *,
    seed: str,
    targets: list[dict[str, Any]],
    inspectors: list[dict[str, Any]],
    conflicts: list[list[str]],
    ratios: dict[str, Any],
    inspectors_per_target: int,
) -> dict[str, Any]:
    """The draw's result: strata counts and the selected targets with their inspectors."""
    pool = [
        Target(t["key"], t["name"], t["kind"], t["region"], t.get("grade") or "") for t in targets
    ]
    people = [Inspector(i["key"], i["name"], tuple(i.get("employment") or ())) for i in inspectors]
    if not pool:
        raise DrawRefusedError("empty_target_pool")
    if not people:
        raise DrawRefusedError("empty_inspector_pool")
    by_grade: dict[str, int] = ratios.get("by_grade") or {}
    strata: dict[str, list[Target]] = {}
    for target in pool:
        strata.setdefault(stratum_of(target.grade, ratios), []).append(target)
    chosen: list[Target] = []
    counts = []
    for name in sorted(strata):
        members = sorted(strata[name], key=lambda t: (rank(seed, t.key), t.key))
        bp = int(by_grade[name]) if name in by_grade else int(ratios.get("default_bp", 0))
        take = take_count(len(members), bp)
        chosen += members[:take]
        counts.append({"stratum": name, "pool": len(members), "ratio_bp": bp, "taken": take})
    if not chosen:
        raise DrawRefusedError("nothing_selected")
    blocked = {(pair[0], pair[1]) for pair in conflicts}
    load = {p.key: 0 for p in people}
    selections = []
    for target in sorted(chosen, key=lambda t: (rank(seed, t.key), t.key)):
        eligible = [
            p
            for p in people
            if (p.key, target.key) not in blocked
            and not any(prefix and target.region.startswith(prefix) for prefix in p.employment)
        ]
        eligible.sort(key=lambda p: (load[p.key], rank(seed, target.key, p.key), p.key))
        if len(eligible) < inspectors_per_target:
            raise DrawRefusedError(
                "not_enough_inspectors",
                target=target.name,
                eligible=str(len(eligible)),
                needed=str(inspectors_per_target),
            )
        picked = eligible[:inspectors_per_target]
        for p in picked:
            load[p.key] += 1
        selections.append(
            {
                "target": target.key,
                "name": target.name,
                "grade": target.grade,
                "inspectors": [p.key for p in picked],
            }
        )
    return {"algorithm": ALGORITHM, "strata": counts, "selections": selections}


def run_published(data: dict[str, Any]) -> dict[str, Any]:
    """Re-run a draw from its published JSON (the download of the public page)."""
    pools = data["pools"]
    return run(
        seed=data["seed"],
        targets=pools["targets"],
        inspectors=pools["inspectors"],
        conflicts=pools["conflicts"],
        ratios=data["ratios"],
        inspectors_per_target=int(data["inspectors_per_target"]),
    )


def verify_published(data: dict[str, Any]) -> list[str]:
    """What does not match in a published draw (empty when it all matches)."""
    problems = []
    if data.get("algorithm") != ALGORITHM:
        problems.append(f"algorithm {data.get('algorithm')!r} is not {ALGORITHM}")
    if digest(data["pools"]) != data.get("pools_digest"):
        problems.append("the pools do not match their recorded digest")
    try:
        result = run_published(data)
    except DrawRefusedError as refused:
        return [*problems, f"the pools give no draw: {refused.code}"]
    if result != data.get("result"):
        problems.append("re-running the draw gives different targets or inspectors")
    return problems


if __name__ == "__main__":  # pragma: no cover - the reference entry point for the public
    with open(sys.argv[1], encoding="utf-8") as handle:
        published = json.load(handle)
    found = verify_published(published)
    sys.stdout.write(json.dumps(run_published(published), ensure_ascii=False, indent=2) + "\n")
    sys.stdout.write(("MATCH" if not found else "MISMATCH: " + "; ".join(found)) + "\n")
    sys.exit(1 if found else 0)
