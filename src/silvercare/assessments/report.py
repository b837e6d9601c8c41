"""The GB/T 42195-2022 附录C assessment report (老年人能力评估报告) as a PDF.

:func:`assessment_report_pdf` renders ``assessments/report.html`` with Django's template
engine and WeasyPrint. The report is in Chinese whatever the active language, shows the ID
number masked only, and uses only what is stored on the assessment (the scorer's ``result``
and the ``rules`` it used), so a stored assessment always renders to the same text.

Reproducible bytes: the PDF creation/modification dates are the completion time (or, for a
report still awaiting signatures, the time of the last change) and the PDF ``/ID`` is
derived from the assessment number, so the same assessment renders to identical bytes with
the same fonts and WeasyPrint version.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe

from silvercare.assessments.choices import Status
from silvercare.assessments.instruments import APPENDIX_A, get_instrument
from silvercare.assessments.models import Assessment
from silvercare.common.pdf import html_to_pdf

GBT = "gbt42195-2022"
TEMPLATE = "assessments/report.html"

SEX_ZH = {"M": "男", "F": "女"}
DOMAIN_LABELS = (
    ("C.1.1", "self_care", "自理能力得分"),
    ("C.1.2", "basic_motor", "基础运动能力得分"),
    ("C.1.3", "mental", "精神状态得分"),
    ("C.1.4", "perception_social", "感知觉与社会参与得分"),
)
# C.4 能力等级变更依据, as worded in the report form; the clause codes are the scorer's.
C4_CLAUSES = (
    ("coma", "处于昏迷状态者，直接评定为能力完全丧失（完全失能）"),
    (
        "diagnosis",
        "确诊为痴呆（F00～F03）、精神科专科医生诊断的其他精神和行为障碍疾病（F04～F99），"
        "在原有能力级别上应提高一个级别",
    ),
    (
        "care_risk_events",
        "近30天内发生过2次及以上照护风险事件（如跌倒、噎食、自杀、自伤、走失等），"
        "在原有能力级别上提高一个等级",
    ),
)
OUTCOME_ZH = {
    "raised": "已提高等级",
    "set": "已直接评定",
    "not_stacked": "未再提高（不叠加）",
    "same_clause": "未重复提高（同一依据）",
    "at_max_level": "已为最高等级",
    "no_change": "等级不变",
}
COUNTING_ZH = {"sum": "各类事件次数合计", "per_type": "任一类事件次数"}
CHECKED, UNCHECKED = "☑", "☐"


@dataclass(frozen=True)
class _Row:
    label: str
    value: str


def _local(moment: dt.datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    if moment is None:
        return ""
    return timezone.localtime(moment).strftime(fmt)


def _date(day: dt.date | str | None) -> str:
    if day is None or day == "":
        return ""
    if isinstance(day, str):
        return day
    return day.strftime("%Y-%m-%d")


def _age_on(birth: dt.date, day: dt.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def _person(user: Any) -> str:
    return str(user) if user is not None else ""


def base_date(assessment: Assessment) -> dt.date:
    """评估基准日期: the stored field, else the A.1.2 form value, else the scheduled day."""
    if assessment.base_date is not None:
        return assessment.base_date
    value = assessment.forms.get("A.1.2")
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    return assessment.scheduled_for


def _form_label(section: str, code: str, value: Any) -> str:
    """The Chinese label of a stored single-choice value of appendix A."""
    if not isinstance(value, str) or not value:
        return ""
    for form_section in APPENDIX_A:
        if form_section.code == section:
            try:
                return form_section.field(code).option(value).label_zh
            except KeyError:
                return value
    return value


def _rules_note(rules: dict[str, Any]) -> str:
    if not rules:
        return "变更规则：未记录。"
    parts = [
        f"昏迷评定为{rules.get('coma_level', 4)}级",
        "两项“提高一个级别”依据可叠加"
        if rules.get("stack_raises")
        else "两项“提高一个级别”依据不叠加（合计至多提高一级）",
        f"照护风险事件阈值{rules.get('risk_event_threshold', 2)}次"
        f"（{COUNTING_ZH.get(str(rules.get('risk_event_counting', 'sum')), '各类事件次数合计')}）",
        f"最高{rules.get('max_level', 4)}级",
    ]
    region = rules.get("policy_region")
    source = f"区域 {region} 的评估策略" if region else "国家标准默认设置"
    basis = rules.get("basis", "GB/T 42195-2022 C.4")
    return f"变更规则（{basis}）：{'；'.join(parts)}。来源：{source}。"


def report_context(assessment: Assessment, *, full_birth_date: bool = False) -> dict[str, Any]:
    """Everything the template shows, as plain strings and lists (no model access there)."""
    instrument = get_instrument(assessment.instrument)
    result: dict[str, Any] = assessment.result
    elder = assessment.elder
    day = base_date(assessment)

    reason = _form_label("A.1", "A.1.3", assessment.reason) or assessment.reason
    if assessment.reason_note:
        reason = f"{reason}（{assessment.reason_note}）"
    informant_relation = _form_label("A.3", "A.3.2", assessment.forms.get("A.3.2"))

    elder_rows = [
        _Row("姓名", elder.name),
        _Row("性别", SEX_ZH.get(elder.sex, elder.sex)),
        # The birth year only for readers without the personal-data right (ADR 0005).
        _Row("出生日期", _date(elder.birth_date))
        if full_birth_date
        else _Row("出生年份", f"{elder.birth_date.year}年"),
        _Row("年龄（基准日）", f"{_age_on(elder.birth_date, day)}岁"),
        _Row("公民身份号码", elder.id_number_masked),
        _Row("所属社区", elder.region.name),
    ]
    assessment_rows = [
        _Row("评估编号", assessment.number),
        _Row("评估基准日期", _date(day)),
        _Row("评估原因", reason),
        _Row("评估地点", assessment.place or "—"),
        _Row("评估工具", f"{instrument.source}《{instrument.name_zh}》"),
        _Row("完成时间", _local(assessment.completed_at) or "未完成（待签名确认）"),
    ]

    domains: dict[str, int] = result.get("domains", {})
    domain_rows = [
        {
            "code": code,
            "label": label,
            "score": domains.get(key, ""),
            "max": instrument.domain_max(key),
        }
        for code, key, label in DOMAIN_LABELS
    ]

    reasons: list[dict[str, Any]] = list(result.get("reasons", []))
    c4 = []
    for clause, text in C4_CLAUSES:
        matched = [r for r in reasons if r.get("clause") == clause]
        c4.append(
            {
                "box": CHECKED if matched else UNCHECKED,
                "text": text,
                "reasons": [
                    {
                        "text": r.get("text_zh", ""),
                        "outcome": OUTCOME_ZH.get(str(r.get("outcome")), ""),
                    }
                    for r in matched
                ],
            }
        )

    items = []
    for item in instrument.items:
        score = assessment.items.get(item.code)
        options = item.options_for(score) if isinstance(score, int) else ()
        items.append(
            {
                "code": item.code,
                "title": item.title_zh,
                "answer": "／".join(option.text_zh for option in options) or "未作答",
                "score": "" if score is None else score,
                "max": item.max_score,
            }
        )

    signatures = [
        {
            "role": "评估员",
            "name": _person(assessment.assessor),
            "signed": _local(assessment.assessor_signed_at) or "未签名",
        }
    ]
    if assessment.second_assessor_id is not None:
        signatures.append(
            {
                "role": "评估员（第二人）",
                "name": _person(assessment.second_assessor),
                "signed": _local(assessment.second_assessor_signed_at) or "未签名",
            }
        )
    signatures.append(
        {
            "role": "信息提供者",
            "name": assessment.informant_name
            + (f"（{informant_relation}）" if informant_relation else ""),
            "signed": _local(assessment.informant_signed_at) or "未签名",
        }
    )

    correction = None
    if assessment.corrects_id is not None:
        earlier = assessment.corrects
        correction = {
            "number": earlier.number if earlier else "",
            "completed": _local(earlier.completed_at) if earlier else "",
            "reason": assessment.correction_reason,
        }

    preliminary = result.get("preliminary_level")
    final = result.get("final_level")
    return {
        "title": "老年人能力评估报告",
        "number": assessment.number,
        "is_final": assessment.status == Status.COMPLETED,
        "footer_css": _css_string(f"老年人能力评估报告　评估编号 {assessment.number}"),
        "elder_rows": _pairs(elder_rows),
        "assessment_rows": _pairs(assessment_rows),
        "domain_rows": domain_rows,
        "total": result.get("total"),
        "max_total": instrument.max_total,
        "preliminary": f"{preliminary}级　{result.get('preliminary_level_name_zh', '')}",
        "final": f"{final}级　{result.get('final_level_name_zh', '')}",
        "c4": c4,
        "rules_note": _rules_note(assessment.rules or result.get("rules", {})),
        "items": items,
        "signatures": signatures,
        "correction": correction,
        "created": _w3c(_report_time(assessment)),
    }


def _pairs(rows: list[_Row]) -> list[list[_Row]]:
    """Two label/value pairs per table row."""
    return [rows[index : index + 2] for index in range(0, len(rows), 2)]


def _css_string(text: str) -> str:
    """A quoted CSS string; anything but letters, digits and CJK becomes a CSS escape."""
    escaped = "".join(
        char if char.isalnum() or char in " -　" else f"\\{ord(char):06x}" for char in text
    )
    return mark_safe(f'"{escaped}"')  # noqa: S308 - built from escaped characters only


def _report_time(assessment: Assessment) -> dt.datetime:
    return assessment.completed_at or assessment.updated_at


def _w3c(moment: dt.datetime) -> str:
    return timezone.localtime(moment).replace(microsecond=0).isoformat()


def _check(assessment: Assessment) -> None:
    if assessment.instrument != GBT:
        raise ValueError(
            f"the report form is GB/T 42195-2022 appendix C; {assessment.number} uses "
            f"{assessment.instrument}"
        )
    if assessment.status not in (Status.REVIEW, Status.COMPLETED) or not assessment.result:
        raise ValueError(
            f"assessment {assessment.number} has no result yet (status {assessment.status})"
        )


def assessment_report_pdf(assessment: Assessment, *, full_birth_date: bool = False) -> bytes:
    """The 老年人能力评估报告 of a scored assessment (status review or completed) as PDF.

    Raises:
        ValueError: the assessment has no result (booked, in progress, cancelled) or does
            not use GB/T 42195-2022.
    """
    _check(assessment)
    html = render_to_string(TEMPLATE, report_context(assessment, full_birth_date=full_birth_date))
    return html_to_pdf(html, identifier=f"silvercare-assessment-{assessment.number}")
