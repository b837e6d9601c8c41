"""Typed, immutable building blocks for assessment instruments and their forms.

An instrument is pure data: domains, items, options with their scores, and the bands or
levels that interpret a total. Scoring logic that the data cannot express lives in at most
one rule function per instrument (see ``registry.py``).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class ScoreDirection(StrEnum):
    """Which way an instrument's scores point. Stored explicitly on every instrument."""

    HIGHER_IS_BETTER = "higher_is_better"
    LOWER_IS_BETTER = "lower_is_better"


@dataclass(frozen=True, slots=True)
class Option:
    """One answer of an item: the text as printed, an English rendering and its score."""

    score: int
    text_zh: str
    text_en: str


@dataclass(frozen=True, slots=True)
class Item:
    """One scored item (二级指标 for GB/T 42195)."""

    code: str
    title_zh: str
    title_en: str
    description_zh: str
    description_en: str
    options: tuple[Option, ...]
    note_zh: str = ""
    note_en: str = ""

    def __post_init__(self) -> None:
        if not self.options:
            raise ValueError(f"item {self.code} has no options")

    @property
    def allowed_scores(self) -> frozenset[int]:
        """The scores some option carries: exactly the values an input may give."""
        return frozenset(option.score for option in self.options)

    @property
    def max_score(self) -> int:
        return max(option.score for option in self.options)

    @property
    def min_score(self) -> int:
        return min(option.score for option in self.options)

    def options_for(self, score: int) -> tuple[Option, ...]:
        """The options carrying ``score`` (several for some Lawton items)."""
        return tuple(option for option in self.options if option.score == score)


@dataclass(frozen=True, slots=True)
class Domain:
    """A group of items whose scores are summed (一级指标 for GB/T 42195)."""

    code: str
    name_zh: str
    name_en: str
    item_codes: tuple[str, ...]
    source_ref: str = ""


@dataclass(frozen=True, slots=True)
class Band:
    """A named range of totals, both ends inclusive (e.g. Barthel ``mild`` = 61–99)."""

    code: str
    name_zh: str
    name_en: str
    min_total: int
    max_total: int

    def contains(self, total: int) -> bool:
        return self.min_total <= total <= self.max_total


@dataclass(frozen=True, slots=True)
class AbilityLevel:
    """A numbered level. ``min_total``/``max_total`` are set when the level follows
    directly from the total (GB/T 42195 preliminary level) and ``None`` otherwise."""

    level: int
    name_zh: str
    name_en: str
    min_total: int | None = None
    max_total: int | None = None


@dataclass(frozen=True, slots=True)
class Instrument:
    """An assessment instrument as data."""

    code: str
    name_zh: str
    name_en: str
    source: str
    direction: ScoreDirection
    items: tuple[Item, ...]
    domains: tuple[Domain, ...] = ()
    bands: tuple[Band, ...] = ()
    levels: tuple[AbilityLevel, ...] = ()

    def __post_init__(self) -> None:
        codes = [item.code for item in self.items]
        if len(set(codes)) != len(codes):
            raise ValueError(f"{self.code}: duplicate item codes")
        in_domains = [code for domain in self.domains for code in domain.item_codes]
        if self.domains and sorted(in_domains) != sorted(codes):
            raise ValueError(f"{self.code}: domains must partition the items exactly")
        _check_bands(self.code, self.bands, self.min_total, self.max_total)
        as_bands = tuple(
            Band(str(lvl.level), lvl.name_zh, lvl.name_en, lvl.min_total, lvl.max_total)
            for lvl in self.levels
            if lvl.min_total is not None and lvl.max_total is not None
        )
        if any((lvl.min_total is None) != (lvl.max_total is None) for lvl in self.levels):
            raise ValueError(f"{self.code}: a level has only one end of its range")
        _check_bands(self.code, as_bands, self.min_total, self.max_total)

    @property
    def item_codes(self) -> tuple[str, ...]:
        return tuple(item.code for item in self.items)

    def item(self, code: str) -> Item:
        for item in self.items:
            if item.code == code:
                return item
        raise KeyError(code)

    def domain(self, code: str) -> Domain:
        for domain in self.domains:
            if domain.code == code:
                return domain
        raise KeyError(code)

    def domain_max(self, code: str) -> int:
        return sum(self.item(item_code).max_score for item_code in self.domain(code).item_codes)

    def domain_min(self, code: str) -> int:
        return sum(self.item(item_code).min_score for item_code in self.domain(code).item_codes)

    @property
    def max_total(self) -> int:
        return sum(item.max_score for item in self.items)

    @property
    def min_total(self) -> int:
        return sum(item.min_score for item in self.items)

    def band_for(self, total: int) -> Band | None:
        for band in self.bands:
            if band.contains(total):
                return band
        return None

    def level_for(self, total: int) -> AbilityLevel | None:
        """The level whose total range contains ``total``, if levels carry ranges."""
        for level in self.levels:
            low, high = level.min_total, level.max_total
            if low is not None and high is not None and low <= total <= high:
                return level
        return None

    def level(self, number: int) -> AbilityLevel:
        for level in self.levels:
            if level.level == number:
                return level
        raise KeyError(number)


def _check_bands(owner: str, bands: tuple[Band, ...], low: int, high: int) -> None:
    """Bands, if any, must cover ``low..high`` exactly once, without gaps or overlaps."""
    if not bands:
        return
    ordered = sorted(bands, key=lambda band: band.min_total)
    expected = low
    for band in ordered:
        if band.min_total > band.max_total:
            raise ValueError(f"{owner}: band {band.code} is empty")
        if band.min_total != expected:
            raise ValueError(f"{owner}: bands leave a gap or overlap at {expected}")
        expected = band.max_total + 1
    if expected != high + 1:
        raise ValueError(f"{owner}: bands do not reach the maximum {high}")


# --- Form fields (GB/T 42195 appendix A) ---------------------------------------------------


class FieldKind(StrEnum):
    """How a form field is filled in."""

    TEXT = "text"
    DATE = "date"
    NUMBER = "number"
    SINGLE_CHOICE = "single_choice"
    MULTI_CHOICE = "multi_choice"
    GROUP = "group"
    TABLE = "table"


@dataclass(frozen=True, slots=True)
class FieldOption:
    """One choice of a form field.

    ``value`` is the stable machine value stored by forms and APIs. ``count`` is the number
    an option stands for (care-risk events: 无 = 0 … 发生过3次及以上 = 3). ``icd10`` is the
    ICD-10 code or range printed next to a diagnosis. ``group_zh``/``group_en`` name the
    heading a sub-option sits under (A.5.6 牙列缺损 …). ``needs_detail`` marks an option
    followed by a blank to fill in (A.5.2 部位____).
    """

    value: str
    label_zh: str
    label_en: str
    count: int | None = None
    icd10: str | None = None
    group_zh: str | None = None
    group_en: str | None = None
    needs_detail: bool = False


@dataclass(frozen=True, slots=True)
class FormField:
    """One field of a form. ``key`` is the machine name used in records and APIs."""

    code: str
    key: str
    label_zh: str
    label_en: str
    kind: FieldKind
    options: tuple[FieldOption, ...] = ()
    children: tuple[FormField, ...] = ()
    unit: str = ""
    note_zh: str = ""
    note_en: str = ""

    def option(self, value: str) -> FieldOption:
        for option in self.options:
            if option.value == value:
                return option
        raise KeyError(value)


@dataclass(frozen=True, slots=True)
class FormSection:
    """A table of a form (A.1 … A.5)."""

    code: str
    title_zh: str
    title_en: str
    fields: tuple[FormField, ...]

    def field(self, code_or_key: str) -> FormField:
        for form_field in _walk(self.fields):
            if code_or_key in (form_field.code, form_field.key):
                return form_field
        raise KeyError(code_or_key)


def _walk(fields: tuple[FormField, ...]) -> list[FormField]:
    found: list[FormField] = []
    for form_field in fields:
        found.append(form_field)
        found.extend(_walk(form_field.children))
    return found
