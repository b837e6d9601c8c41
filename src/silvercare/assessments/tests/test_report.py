"""The 老年人能力评估报告 PDF of an assessment built through the real services."""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone
from pypdf import PdfReader

from silvercare.assessments import services
from silvercare.assessments.instruments import get_instrument
from silvercare.assessments.models import Assessment
from silvercare.assessments.report import assessment_report_pdf
from silvercare.audit.services import AuditContext
from silvercare.common.testing import id_number, make_assessor, make_elder

GBT = "gbt42195-2022"
# Lowered from the maximum: 2 + 2 + 3 + 3 = 10 points below 90.
LOWERED = {"B.1.3": 2, "B.2.4": 1, "B.3.4": 1, "B.4.4": 0}
FORMS = {
    "A.4.1": ["F00-F03"],
    "A.5.11": "no",
    "A.2.14.1": "once",
    "A.2.14.2": "once",
    "A.3.2": "child",
}
ELDER_ID = id_number(dt.date(1944, 5, 17), male=False, seq=321)


def answers() -> dict[str, int]:
    return {item.code: LOWERED.get(item.code, item.max_score) for item in get_instrument(GBT).items}


@pytest.fixture
def people(worker: Any) -> dict[str, Any]:
    assessor = make_assessor()
    assessor.display_name = "李评估"
    assessor.save()
    elder = make_elder(worker, name="王秀英", id_number=ELDER_ID)
    return {"worker": worker, "assessor": assessor, "elder": elder}


@pytest.fixture
def completed(
    people: dict[str, Any], django_capture_on_commit_callbacks: Callable[..., Any]
) -> Assessment:
    worker, assessor = people["worker"], people["assessor"]
    as_assessor = AuditContext(actor=assessor, via="test")
    assessment = services.assessment_book(
        ctx=AuditContext(actor=worker, via="test"),
        elder=people["elder"],
        reason="first",
        scheduled_for=timezone.localdate(),
        assessor=assessor,
        place="华富社区服务中心",
    )
    assessment = services.assessment_save_answers(
        ctx=as_assessor, assessment=assessment, items=answers(), forms=FORMS
    )
    assessment = services.assessment_submit(ctx=as_assessor, assessment=assessment)
    assessment = services.assessment_sign(
        ctx=as_assessor, assessment=assessment, informant_name="王小明"
    )
    with django_capture_on_commit_callbacks(execute=True):
        assessment = services.assessment_complete(ctx=as_assessor, assessment=assessment)
    return Assessment.objects.select_related("elder__region", "assessor").get(pk=assessment.pk)


def pdf_text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return "\n".join(page.extract_text() for page in reader.pages)


def squeeze(text: str) -> str:
    """Text without any whitespace: CJK lines break anywhere."""
    return re.sub(r"\s+", "", text)


def embedded_fonts(pdf: bytes) -> set[str]:
    """Base names (subset prefix and hyphens removed) of the fonts whose file is embedded."""
    reader = PdfReader(io.BytesIO(pdf))
    names: set[str] = set()
    for page in reader.pages:
        fonts = page["/Resources"].get_object().get("/Font", {})
        for ref in fonts.get_object().values():
            font = ref.get_object()
            for part in [font, *(d.get_object() for d in font.get("/DescendantFonts", []))]:
                descriptor = part.get("/FontDescriptor")
                if descriptor is None:
                    continue
                descriptor = descriptor.get_object()
                if any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")):
                    names.add(str(part["/BaseFont"]).split("+")[-1].replace("-", ""))
    return names


def test_report_of_completed_assessment(completed: Assessment) -> None:
    result = completed.result
    assert result["total"] == 80
    assert result["preliminary_level"] == 1
    assert result["final_level"] == 2

    pdf = assessment_report_pdf(completed)

    assert pdf.startswith(b"%PDF")
    text = squeeze(pdf_text(pdf))
    dementia = next(r for r in result["reasons"] if r["code"] == "dementia_diagnosis")
    risk = next(r for r in result["reasons"] if r["code"] == "care_risk_events")
    for expected in (
        "老年人能力评估报告",
        "王秀英",
        completed.number,
        "首次评估",
        "C.1一级指标分级",
        "C.2老年人能力总得分",
        "80分/90分",
        "C.3老年人能力初步等级",
        f"1级{result['preliminary_level_name_zh']}",
        "C.4能力等级变更依据",
        "C.5老年人能力最终等级",
        f"2级{result['final_level_name_zh']}",
        squeeze(dementia["text_zh"]),
        squeeze(risk["text_zh"]),
        "☑确诊为痴呆（F00～F03）",
        "☐处于昏迷状态者",
        "不叠加",
        "李评估",
        "王小明（子女）",
        "进食",
        "上下楼梯",
    ):
        assert squeeze(expected) in text, expected
    assert "能力中度受损（中度失能）" in text
    # Only the masked ID number is printed.
    assert completed.elder.id_number_masked in text
    assert ELDER_ID not in text
    assert "草稿" not in text
    assert any("NotoSansCJK" in name for name in embedded_fonts(pdf))


def test_report_is_reproducible(completed: Assessment) -> None:
    first = assessment_report_pdf(completed)
    again = Assessment.objects.get(pk=completed.pk)
    second = assessment_report_pdf(again)
    assert pdf_text(first) == pdf_text(second)
    assert first == second
    info = PdfReader(io.BytesIO(first)).metadata
    assert info is not None
    local = timezone.localtime(completed.completed_at)
    assert str(info["/CreationDate"]).startswith(f"D:{local:%Y%m%d%H%M%S}")


def test_review_report_is_marked_as_draft(people: dict[str, Any]) -> None:
    as_assessor = AuditContext(actor=people["assessor"], via="test")
    assessment = services.assessment_book(
        ctx=AuditContext(actor=people["worker"], via="test"),
        elder=people["elder"],
        reason="routine",
        scheduled_for=timezone.localdate(),
        assessor=people["assessor"],
    )
    assessment = services.assessment_save_answers(
        ctx=as_assessor, assessment=assessment, items=answers(), forms={"A.5.11": "yes"}
    )
    assessment = services.assessment_submit(ctx=as_assessor, assessment=assessment)

    text = squeeze(pdf_text(assessment_report_pdf(assessment)))

    assert "草稿" in text
    assert "☑处于昏迷状态者" in text
    assert "4级能力完全丧失（完全失能）" in text
    assert "未签名" in text


def test_correction_note(
    completed: Assessment,
    people: dict[str, Any],
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    as_assessor = AuditContext(actor=people["assessor"], via="test")
    correction = services.assessment_book(
        ctx=AuditContext(actor=people["worker"], via="test"),
        elder=people["elder"],
        reason="review",
        scheduled_for=timezone.localdate(),
        assessor=people["assessor"],
        corrects=completed,
        correction_reason="记忆条目录入错误",
    )
    correction = services.assessment_save_answers(
        ctx=as_assessor, assessment=correction, items={**answers(), "B.3.4": 4}, forms=FORMS
    )
    correction = services.assessment_submit(ctx=as_assessor, assessment=correction)

    text = squeeze(pdf_text(assessment_report_pdf(correction)))

    assert f"更正此前的评估{completed.number}" in text
    assert "记忆条目录入错误" in text
    assert "因对评估结果有疑问进行的复评" in text


@pytest.mark.parametrize("step", ["booked", "in_progress", "cancelled"])
def test_unscored_assessment_raises(people: dict[str, Any], step: str) -> None:
    worker_ctx = AuditContext(actor=people["worker"], via="test")
    assessment = services.assessment_book(
        ctx=worker_ctx,
        elder=people["elder"],
        reason="first",
        scheduled_for=timezone.localdate(),
        assessor=people["assessor"],
    )
    if step == "in_progress":
        assessment = services.assessment_save_answers(
            ctx=AuditContext(actor=people["assessor"], via="test"),
            assessment=assessment,
            items={"B.1.1": 4},
        )
    elif step == "cancelled":
        assessment = services.assessment_cancel(ctx=worker_ctx, assessment=assessment)

    with pytest.raises(ValueError, match="no result"):
        assessment_report_pdf(assessment)
