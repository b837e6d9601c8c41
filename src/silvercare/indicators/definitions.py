"""Indicator definitions and policy targets, loaded from ``data/`` (see its SOURCE.md)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.utils.translation import get_language

from silvercare.regions.choices import PREFIX_LENGTH

DATA = Path(__file__).resolve().parent / "data"
UNITS = ("percent", "count", "seconds")
AGGREGATES = ("sum", "median")
DIRECTIONS = ("up", "down")


def _chinese() -> bool:
    return (get_language() or "zh-hans").startswith("zh")


@dataclass(frozen=True)
class Indicator:
    code: str
    source: str
    numerator: str
    denominator: str
    unit: str
    direction: str
    name_zh: str
    name_en: str
    definition_zh: str
    definition_en: str
    # "sum": numerator and denominator add up from areas to the regions above them;
    # "median": the numerator fact is a histogram {value: count}, pooled, and the figure its
    # median.
    aggregate: str = "sum"

    @property
    def name(self) -> str:
        return self.name_zh if _chinese() else self.name_en

    @property
    def definition(self) -> str:
        return self.definition_zh if _chinese() else self.definition_en

    def value(self, numerator: int, denominator: int | None) -> float | None:
        """The figure: a percentage of the denominator (none when it is 0), or the count."""
        if self.unit == "count":
            return float(numerator)
        if not denominator:
            return None
        return 100.0 * numerator / denominator

    def better(self, value: float, than: float) -> bool:
        return value >= than if self.direction == "up" else value <= than


def region_level(code: str) -> int:
    """The level of a 12-digit statistical code: the shortest prefix it is padded from."""
    for level in sorted(PREFIX_LENGTH):
        if code == code[: PREFIX_LENGTH[level]].ljust(12, "0"):
            return level
    return 5


def region_prefix(code: str) -> str:
    return code[: PREFIX_LENGTH[region_level(code)]]


@dataclass(frozen=True)
class Target:
    indicator: str
    region: str
    region_name: str
    value: float
    comparison: str
    year: int
    baseline: float | None
    baseline_year: int | None
    document: str
    clause: str
    seed: str

    def binds(self, region_code: str) -> bool:
        """A target binds its region and every region inside it."""
        return region_code.startswith(region_prefix(self.region))

    @property
    def symbol(self) -> str:
        return "≥" if self.comparison == ">=" else "≤"

    def met_by(self, value: float) -> bool:
        return value >= self.value if self.comparison == ">=" else value <= self.value


@cache
def indicators() -> tuple[Indicator, ...]:
    rows = json.loads((DATA / "indicators.json").read_text(encoding="utf-8"))
    found = tuple(Indicator(**row) for row in rows)
    for ind in found:
        if (
            ind.unit not in UNITS
            or ind.direction not in DIRECTIONS
            or ind.aggregate not in AGGREGATES
        ):
            raise ValueError(f"indicator {ind.code}: unknown unit, direction or aggregate")
        if ind.unit == "percent" and not ind.denominator:
            raise ValueError(f"indicator {ind.code}: a percentage needs a denominator")
    return found


def indicator(code: str) -> Indicator | None:
    return next((i for i in indicators() if i.code == code), None)


@cache
def targets() -> tuple[Target, ...]:
    rows = json.loads((DATA / "targets.json").read_text(encoding="utf-8"))
    found = tuple(Target(**row) for row in rows)
    codes = {i.code for i in indicators()}
    for target in found:
        if target.indicator not in codes or target.comparison not in (">=", "<="):
            raise ValueError(f"target of {target.indicator}: unknown indicator or comparison")
    return found


def targets_for(indicator_code: str, region_code: str) -> tuple[list[Target], list[Target]]:
    """(the targets binding the region, the indicator's targets elsewhere, as references)."""
    mine = [t for t in targets() if t.indicator == indicator_code]
    binding = [t for t in mine if t.binds(region_code)]
    return binding, [t for t in mine if t not in binding]
