"""Configurable scoring rules: the choices the sources leave open, as frozen data.

* :class:`LevelChangeRules` — GB/T 42195-2022 附录C C.4 (能力等级变更依据).
* :class:`LawtonSettings` — the optional 1969 men's scoring of the Lawton IADL.
* :class:`LtcGradingConfig` — domain cut-offs and the 0–5 matrix of the 2021 long-term-care
  standard. These are NOT verified; no grade is computed unless a config is passed.

Every config has ``to_dict()`` so the configuration used can be stored with a result.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final, Literal

RiskEventCounting = Literal["sum", "per_type"]

#: The care-risk event kinds of GB/T 42195 A.2.14, as keys of ``risk_events_30d``.
RISK_EVENT_KINDS: Final[tuple[str, ...]] = (
    "fall",
    "wandering",
    "choking",
    "suicide_self_harm",
    "other",
)

#: The label every LTC grading config carries unless a region has confirmed its own table.
LTC_GRADING_STATUS: Final[str] = (
    "regional setting to be confirmed — not the verified national table"
)


@dataclass(frozen=True, slots=True)
class LevelChangeRules:
    """GB/T 42195-2022 C.4 level change rules.

    Attributes:
        coma_level: the level a person in a coma (A.5.11 昏迷 = 有) is given, whatever the
            scores. C.4 says 能力完全丧失（完全失能）, level 4. Two transcriptions of item
            B.3.9 carry a note "处于昏迷状态者，直接评定为重度失能" (level 3), which looks
            like a leftover from MZ/T 039 where 重度失能 was the top level; whether the
            published PDF contains that note is unverified. C.4 wins, hence 4. Coma never
            lowers a level: the final level is at least ``coma_level``.
        stack_raises: C.4 has two "提高一个级别" clauses (diagnosis; care-risk events) and
            does not say whether both together give +2. ``False`` (default, as the GO
            reference implementation): at most +1 in total. ``True``: each triggered clause
            adds +1. Dementia and a psychiatric diagnosis are one clause either way.
        risk_event_threshold: the number of care-risk events in the last 30 days that
            triggers a raise (C.4: "2次及以上").
        risk_event_counting: ``"sum"`` (default; the literal reading): the total over all
            kinds is compared with the threshold. ``"per_type"``: some single kind must reach
            the threshold (seen in one public implementation; kept only as an option).
        max_level: the highest level a raise can reach.
    """

    coma_level: int = 4
    stack_raises: bool = False
    risk_event_threshold: int = 2
    risk_event_counting: RiskEventCounting = "sum"
    max_level: int = 4

    def __post_init__(self) -> None:
        for name in ("coma_level", "risk_event_threshold", "max_level"):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool):
                raise TypeError(f"LevelChangeRules.{name} must be an int")
        if not isinstance(self.stack_raises, bool):
            raise TypeError("LevelChangeRules.stack_raises must be a bool")
        if not 0 <= self.max_level <= 4:
            raise ValueError("LevelChangeRules.max_level must be between 0 and 4")
        if not 0 <= self.coma_level <= self.max_level:
            raise ValueError("LevelChangeRules.coma_level must be between 0 and max_level")
        if self.risk_event_threshold < 1:
            raise ValueError("LevelChangeRules.risk_event_threshold must be at least 1")
        if self.risk_event_counting not in ("sum", "per_type"):
            raise ValueError("LevelChangeRules.risk_event_counting must be 'sum' or 'per_type'")

    def to_dict(self) -> dict[str, Any]:
        return {
            "basis": "GB/T 42195-2022 C.4",
            "coma_level": self.coma_level,
            "stack_raises": self.stack_raises,
            "risk_event_threshold": self.risk_event_threshold,
            "risk_event_counting": self.risk_event_counting,
            "max_level": self.max_level,
        }


@dataclass(frozen=True, slots=True)
class LawtonSettings:
    """Lawton IADL options.

    ``male_1969_scoring``: in the original 1969 scoring men were scored only on telephone,
    shopping, transportation, medications and finances (0–5). Many modern tools score all
    8 items for everyone, which is the default here. When this is ``True`` and the record
    says ``"sex": "male"``, food preparation, housekeeping and laundry are left out of the
    total (the record must still contain valid scores for them).
    """

    male_1969_scoring: bool = False

    def __post_init__(self) -> None:
        if not isinstance(self.male_1969_scoring, bool):
            raise TypeError("LawtonSettings.male_1969_scoring must be a bool")

    def to_dict(self) -> dict[str, Any]:
        return {"male_1969_scoring": self.male_1969_scoring}


@dataclass(frozen=True, slots=True)
class GradeBand:
    """One grade of a domain: totals ``min_total..max_total`` inclusive."""

    grade: int
    min_total: int
    max_total: int


@dataclass(frozen=True, slots=True)
class DomainCutoffs:
    """The grades of one LTC domain (0 能力完好 … 3 重度受损)."""

    domain: str
    bands: tuple[GradeBand, ...]

    def grade_for(self, total: int) -> int | None:
        for band in self.bands:
            if band.min_total <= total <= band.max_total:
                return band.grade
        return None


@dataclass(frozen=True, slots=True)
class LtcGradingConfig:
    """Domain cut-offs and the combination matrix of the LTC 2021 standard, as settings.

    The national values are not verified (see the design notes, §3.3–3.4): every config
    carries a ``status`` label that the scorer copies into the result.

    Attributes:
        name: a short identifier of this table (e.g. a region's name for it).
        domain_cutoffs: one entry for each of ``adl``, ``cognition`` and
            ``perception_communication``; grades 0–3 with 0 = best.
        matrix: ``matrix[adl_grade][other_grade]`` is the 失能等级 0–5, where
            ``other_grade`` is the worse of the cognition and perception/communication
            grades (以失能等级严重的判断).
        grade_names_zh / grade_names_en: names of the domain grades 0–3.
        status: the verification label.
        source: where the values come from.
    """

    name: str
    domain_cutoffs: tuple[DomainCutoffs, ...]
    matrix: tuple[tuple[int, ...], ...]
    grade_names_zh: tuple[str, ...] = ("能力完好", "轻度受损", "中度受损", "重度受损")
    grade_names_en: tuple[str, ...] = (
        "intact",
        "mildly impaired",
        "moderately impaired",
        "severely impaired",
    )
    status: str = LTC_GRADING_STATUS
    source: str = ""

    def __post_init__(self) -> None:
        grades = len(self.grade_names_zh)
        if len(self.grade_names_en) != grades:
            raise ValueError("LtcGradingConfig: grade names differ in length")
        if len(self.matrix) != grades or any(len(row) != grades for row in self.matrix):
            raise ValueError(f"LtcGradingConfig: matrix must be {grades} x {grades}")
        if any(not 0 <= level <= 5 for row in self.matrix for level in row):
            raise ValueError("LtcGradingConfig: matrix levels must be between 0 and 5")
        domains = [cutoffs.domain for cutoffs in self.domain_cutoffs]
        if len(set(domains)) != len(domains):
            raise ValueError("LtcGradingConfig: a domain is listed twice")
        for cutoffs in self.domain_cutoffs:
            if any(not 0 <= band.grade < grades for band in cutoffs.bands):
                raise ValueError(f"LtcGradingConfig: bad grade in {cutoffs.domain}")

    def cutoffs(self, domain: str) -> DomainCutoffs:
        for cutoffs in self.domain_cutoffs:
            if cutoffs.domain == domain:
                return cutoffs
        raise KeyError(domain)

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "status": self.status,
            "source": self.source,
            "domain_cutoffs": {
                cutoffs.domain: [
                    {"grade": band.grade, "min": band.min_total, "max": band.max_total}
                    for band in cutoffs.bands
                ]
                for cutoffs in self.domain_cutoffs
            },
            "matrix": [list(row) for row in self.matrix],
        }


@dataclass(frozen=True, slots=True)
class ScoringSettings:
    """Everything configurable, handed to each instrument's rule function."""

    level_change_rules: LevelChangeRules = LevelChangeRules()
    lawton: LawtonSettings = LawtonSettings()
    ltc_grading: LtcGradingConfig | None = None
