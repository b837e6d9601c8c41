"""GB/T 42195-2022 附录C: the C.4 level change rules, C.5 final level, and the rule function.

C.4 能力等级变更依据 (design notes §1.9), as worded in the report form:

* 处于昏迷状态者，直接评定为能力完全丧失（完全失能） — read from A.5.11 昏迷, not from B.3.9
  (whose 0-point option lumps 昏睡 with 昏迷);
* 确诊为痴呆（F00～F03）、精神科专科医生诊断的其他精神和行为障碍疾病（F04～F99），
  在原有能力级别上应提高一个级别 — read from A.4.1 疾病诊断;
* 近30天内发生过2次及以上照护风险事件（如跌倒、噎食、自杀、自伤、走失等），
  在原有能力级别上提高一个等级 — read from A.2.14.

What the text leaves open is configurable in :class:`~.config.LevelChangeRules`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final, Literal

from .common import domain_totals, item_total, optional_bool, optional_count_map, optional_str_list
from .config import RISK_EVENT_KINDS, LevelChangeRules, ScoringSettings
from .gbt42195 import GBT42195, preliminary_level
from .types import Instrument

#: The optional record fields read by the C.4 rules.
RECORD_FIELDS: Final[tuple[str, ...]] = (
    "coma",
    "diagnoses",
    "diagnosed_by_psychiatrist",
    "risk_events_30d",
)

RISK_EVENT_NAMES_ZH: Final[Mapping[str, str]] = {
    "fall": "跌倒",
    "wandering": "走失",
    "choking": "噎食",
    "suicide_self_harm": "自杀、自伤",
    "other": "其他",
}
RISK_EVENT_NAMES_EN: Final[Mapping[str, str]] = {
    "fall": "fall",
    "wandering": "wandering",
    "choking": "choking",
    "suicide_self_harm": "suicide or self-harm",
    "other": "other",
}


# --- Diagnoses (A.4.1) ---------------------------------------------------------------------------

DiagnosisGroup = Literal["dementia", "psychiatric"]

# An ICD-10 code: a letter, two digits, an optional sub-code (".1", ".100x001") and an
# optional dagger/asterisk mark of the dual classification (e.g. "F00.0*").
_ICD10_CODE = re.compile(r"^([A-Z])(\d{2})(?:\.[0-9A-Z]*)?[*†+]?$")
# A range as printed on the A.4.1 checklist: "F00～F03", "F00-F03", "F04~F99".
_ICD10_RANGE = re.compile(r"^([A-Z])(\d{2})[-~～–—至]([A-Z]?)(\d{2})$")


def normalise_icd10(text: str) -> str:
    """Upper case, full-width forms folded (NFKC), all whitespace removed."""
    folded = unicodedata.normalize("NFKC", text)
    return "".join(folded.split()).upper()


def diagnosis_group(text: str) -> DiagnosisGroup | None:
    """Which C.4 diagnosis clause an A.4.1 entry falls under, if any.

    ``"dementia"`` for F00–F03 (any sub-code: "F01.1", "f03", "F00.9", or the checklist
    range "F00～F03"); ``"psychiatric"`` for F04–F99; ``None`` otherwise (other chapters,
    free text, ranges straddling both groups).
    """
    code = normalise_icd10(text)
    match = _ICD10_CODE.match(code)
    if match:
        letter, first = match.group(1), int(match.group(2))
        last = first
    else:
        match = _ICD10_RANGE.match(code)
        if not match or match.group(3) not in ("", match.group(1)):
            return None
        letter, first, last = match.group(1), int(match.group(2)), int(match.group(4))
    if letter != "F" or first > last:
        return None
    if last <= 3:
        return "dementia"
    if first >= 4:
        return "psychiatric"
    return None


# --- Level change (C.4, C.5) --------------------------------------------------------------------

Outcome = Literal["raised", "set", "not_stacked", "same_clause", "at_max_level", "no_change"]


@dataclass(frozen=True, slots=True)
class LevelChangeReason:
    """One triggered C.4 rule and what it did.

    ``code``: ``coma``, ``dementia_diagnosis``, ``psychiatric_diagnosis`` or
    ``care_risk_events``. ``clause``: the C.4 clause (``coma``, ``diagnosis``,
    ``care_risk_events``). ``outcome``: ``raised`` / ``set`` (the level changed),
    ``not_stacked`` (another clause already raised it and raises do not stack),
    ``same_clause`` (the other diagnosis already raised it under the same clause),
    ``at_max_level`` (already at the highest level), ``no_change`` (coma: the level was
    already at least the coma level).
    """

    code: str
    clause: str
    outcome: Outcome
    level_before: int
    level_after: int
    evidence: Mapping[str, Any]
    text_zh: str
    text_en: str

    @property
    def changed_level(self) -> bool:
        return self.level_after != self.level_before

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "clause": self.clause,
            "changed_level": self.changed_level,
            "outcome": self.outcome,
            "level_before": self.level_before,
            "level_after": self.level_after,
            "evidence": dict(self.evidence),
            "text_zh": self.text_zh,
            "text_en": self.text_en,
        }


@dataclass(frozen=True, slots=True)
class LevelChangeInputs:
    """The C.4 inputs of one record (A.5.11, A.4.1, A.2.14)."""

    coma: bool = False
    diagnoses: tuple[str, ...] = ()
    diagnosed_by_psychiatrist: bool = False
    risk_events_30d: Mapping[str, int] | None = None

    @classmethod
    def from_record(cls, record: Mapping[str, Any]) -> LevelChangeInputs:
        """Read and type-check the optional fields; raises ``ScoringError``."""
        return cls(
            coma=optional_bool(record, "coma") or False,
            diagnoses=optional_str_list(record, "diagnoses"),
            diagnosed_by_psychiatrist=optional_bool(record, "diagnosed_by_psychiatrist") or False,
            risk_events_30d=optional_count_map(record, "risk_events_30d", RISK_EVENT_KINDS),
        )


def _name_zh(level: int) -> str:
    return f"{level}级 {GBT42195.level(level).name_zh}"


def _name_en(level: int) -> str:
    return f"level {level}, {GBT42195.level(level).name_en.lower()}"


def _raise_suffix(
    outcome: Outcome, before: int, after: int, raised_by: tuple[str, str] | None
) -> tuple[str, str]:
    if outcome == "raised":
        return (
            f"在原有能力级别上提高一个级别（{before}级→{after}级）",
            f"level raised by one ({before} → {after})",
        )
    if outcome == "not_stacked":
        by_zh, by_en = raised_by or ("其他变更依据", "another rule")
        return (
            f"已因{by_zh}提高一个级别，提高不叠加，不再提高",
            f"the level was already raised for {by_en} and raises do not stack: not raised again",
        )
    if outcome == "same_clause":
        return (
            "与痴呆诊断属同一项变更依据，不重复提高",
            "same C.4 clause as the dementia diagnosis: not raised again",
        )
    return (
        f"已处于最高等级（{before}级），不再提高",
        f"already at the highest level ({before}): not raised further",
    )


def _unique(values: list[str]) -> list[str]:
    return list(dict.fromkeys(values))


def apply_level_change(
    preliminary: int, inputs: LevelChangeInputs, rules: LevelChangeRules
) -> tuple[int, list[LevelChangeReason]]:
    """C.4/C.5: the final level from the preliminary level, and the reasons.

    Order: the two "提高一个级别" clauses (diagnosis, then care-risk events) raise the
    preliminary level by one each, capped at ``rules.max_level``, and at most once in total
    unless ``rules.stack_raises``; then coma sets the level to at least ``rules.coma_level``
    (coma never lowers a level). The final level is never below the preliminary level.
    Every triggered rule yields a reason, whether or not it changed the level.
    """
    level = preliminary
    reasons: list[LevelChangeReason] = []
    raised_by: tuple[str, str] | None = None  # (zh, en) of the clause that raised the level

    def try_raise() -> tuple[Outcome, int, int]:
        nonlocal level
        before = level
        if raised_by is not None and not rules.stack_raises:
            return "not_stacked", before, before
        if level >= rules.max_level:
            return "at_max_level", before, before
        level += 1
        return "raised", before, level

    # Clause 2: 确诊为痴呆（F00～F03）、精神科专科医生诊断的其他精神和行为障碍疾病（F04～F99），
    # 在原有能力级别上应提高一个级别. One clause: both diagnoses together raise once.
    dementia = _unique([d.strip() for d in inputs.diagnoses if diagnosis_group(d) == "dementia"])
    psychiatric = _unique(
        [d.strip() for d in inputs.diagnoses if diagnosis_group(d) == "psychiatric"]
    )
    triggered: list[tuple[str, list[str], str, str]] = []
    if dementia:
        triggered.append(
            (
                "dementia_diagnosis",
                dementia,
                f"确诊为痴呆（F00～F03）：{'、'.join(dementia)}",
                f"dementia diagnosed (F00–F03): {', '.join(dementia)}",
            )
        )
    if psychiatric and inputs.diagnosed_by_psychiatrist:
        triggered.append(
            (
                "psychiatric_diagnosis",
                psychiatric,
                f"精神科专科医生诊断的其他精神和行为障碍疾病（F04～F99）：{'、'.join(psychiatric)}",
                "other mental and behavioural disorder (F04–F99) diagnosed by a "
                f"psychiatrist: {', '.join(psychiatric)}",
            )
        )
    for position, (code, matched, text_zh, text_en) in enumerate(triggered):
        outcome: Outcome
        if position == 0:
            outcome, before, after = try_raise()
        else:
            outcome, before, after = "same_clause", level, level
        suffix_zh, suffix_en = _raise_suffix(outcome, before, after, raised_by)
        reasons.append(
            LevelChangeReason(
                code=code,
                clause="diagnosis",
                outcome=outcome,
                level_before=before,
                level_after=after,
                evidence={"codes": matched},
                text_zh=f"{text_zh}；{suffix_zh}",
                text_en=f"{text_en}; {suffix_en}",
            )
        )
        if outcome == "raised":
            raised_by = ("疾病诊断", "a diagnosis")

    # Clause 3: 近30天内发生过2次及以上照护风险事件（如跌倒、噎食、自杀、自伤、走失等），
    # 在原有能力级别上提高一个等级.
    counts = dict.fromkeys(RISK_EVENT_KINDS, 0)
    counts.update(inputs.risk_events_30d or {})
    total_events = sum(counts.values())
    threshold = rules.risk_event_threshold
    if rules.risk_event_counting == "sum":
        risk_triggered = total_events >= threshold
    else:
        risk_triggered = any(count >= threshold for count in counts.values())
    if risk_triggered:
        listed = [kind for kind in RISK_EVENT_KINDS if counts[kind] > 0]
        detail_zh = "、".join(f"{RISK_EVENT_NAMES_ZH[kind]}{counts[kind]}次" for kind in listed)
        detail_en = ", ".join(f"{RISK_EVENT_NAMES_EN[kind]} {counts[kind]}" for kind in listed)
        if rules.risk_event_counting == "sum":
            text_zh = (
                f"近30天内发生过{total_events}次照护风险事件（{detail_zh}），"
                f"达到{threshold}次及以上"
            )
            text_en = (
                f"{total_events} care-risk events in the last 30 days ({detail_en}), "
                f"threshold {threshold}"
            )
        else:
            text_zh = f"近30天内同一类照护风险事件发生{threshold}次及以上（{detail_zh}）"
            text_en = (
                f"one kind of care-risk event reached {threshold} in the last 30 days ({detail_en})"
            )
        outcome, before, after = try_raise()
        suffix_zh, suffix_en = _raise_suffix(outcome, before, after, raised_by)
        reasons.append(
            LevelChangeReason(
                code="care_risk_events",
                clause="care_risk_events",
                outcome=outcome,
                level_before=before,
                level_after=after,
                evidence={
                    "events": dict(counts),
                    "total": total_events,
                    "threshold": threshold,
                    "counting": rules.risk_event_counting,
                },
                text_zh=f"{text_zh}；{suffix_zh}",
                text_en=f"{text_en}; {suffix_en}",
            )
        )
        if outcome == "raised":
            raised_by = ("照护风险事件", "care-risk events")

    # Clause 1: 处于昏迷状态者，直接评定为能力完全丧失（完全失能）.
    if inputs.coma:
        before = level
        target = rules.coma_level
        coma_outcome: Outcome
        if level < target:
            level = target
            coma_outcome = "set"
            text_zh = f"处于昏迷状态（A.5.11 昏迷：有），直接评定为{_name_zh(target)}"
            text_en = f"in a coma (A.5.11 coma: yes): rated directly as {_name_en(target)}"
        else:
            coma_outcome = "no_change"
            text_zh = (
                f"处于昏迷状态（A.5.11 昏迷：有），评定为{_name_zh(target)}；"
                f"当前已为{before}级，不变"
            )
            text_en = (
                f"in a coma (A.5.11 coma: yes): rated {_name_en(target)}; the level is "
                f"already {before}, unchanged"
            )
        reasons.append(
            LevelChangeReason(
                code="coma",
                clause="coma",
                outcome=coma_outcome,
                level_before=before,
                level_after=level,
                evidence={"field": "A.5.11", "coma": True, "coma_level": target},
                text_zh=text_zh,
                text_en=text_en,
            )
        )
    return level, reasons


def score_gbt42195(
    instrument: Instrument,
    scores: Mapping[str, int],
    record: Mapping[str, Any],
    settings: ScoringSettings,
) -> dict[str, Any]:
    """The GB/T 42195 rule: domain totals, total, C.3 preliminary and C.5 final level."""
    inputs = LevelChangeInputs.from_record(record)
    rules = settings.level_change_rules
    domains = domain_totals(instrument, scores)
    total = item_total(scores, instrument.item_codes)
    preliminary = preliminary_level(total)
    final, reasons = apply_level_change(preliminary, inputs, rules)
    return {
        "instrument": instrument.code,
        "domains": domains,
        "total": total,
        "preliminary_level": preliminary,
        "final_level": final,
        "reasons": [reason.to_dict() for reason in reasons],
        "preliminary_level_name_zh": instrument.level(preliminary).name_zh,
        "preliminary_level_name_en": instrument.level(preliminary).name_en,
        "final_level_name_zh": instrument.level(final).name_zh,
        "final_level_name_en": instrument.level(final).name_en,
        "rules": rules.to_dict(),
    }
