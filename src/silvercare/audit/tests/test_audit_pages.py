"""The audit trail must always answer, and read as sentences: every kind of event the code
writes is created through the services, then the city-wide trail and an elder's history
are read in English and in Chinese."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone, translation
from openpyxl import Workbook

from silvercare.accounts.models import RoleGrant
from silvercare.accounts.services import grant_add, grant_remove, token_create, token_revoke
from silvercare.assessments.instruments import GBT42195
from silvercare.assessments.models import AssessmentPolicy
from silvercare.assessments.services import (
    assessment_book,
    assessment_cancel,
    assessment_complete,
    assessment_save_answers,
    assessment_sign,
    assessment_submit,
    policy_save,
    trigger_add,
)
from silvercare.audit.models import AuditAction, AuditEvent
from silvercare.audit.presenters import audit_rows
from silvercare.audit.services import AuditContext, audit_record
from silvercare.common import crypto
from silvercare.common.errors import ValidationFailed
from silvercare.common.testing import (
    COMMUNITY_A1,
    COMMUNITY_A2,
    COMMUNITY_LUOHU,
    client_for,
    id_number,
    make_assessor,
    make_elder,
    make_user,
)
from silvercare.elders.selectors import ElderFilters, elder_search
from silvercare.elders.services import (
    consent_record,
    contact_add,
    contact_remove,
    elder_reveal,
    elder_update,
)
from silvercare.elders.spreadsheet import COLUMNS

pytestmark = pytest.mark.django_db
FULL = {item.code: item.max_score for item in GBT42195.items}
# What must never reach a reader: Python/JSON syntax, machine values, developer summaries.
RAW = [
    "[None",
    "None,",
    ", None]",
    "'local_rural'",
    "local_rural",
    "hukou_type",
    "living_situation",
    "answers saved",
    "unmasked",
    "{'",
    '{"',
    "reassessment requested:",
    "created token",
    "True]",
]


def _sheet(rows: list[dict[str, Any]]) -> io.BytesIO:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append([c.header_zh for c in COLUMNS])
    for row in rows:
        values = {"hukou_type": "本地城镇", "living_situation": "与配偶", **row}
        ws.append([values.get(c.key, "") for c in COLUMNS])
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    buf.name = "名单.xlsx"
    return buf


@pytest.fixture
def every_event(worker: Any, other_worker: Any, django_capture_on_commit_callbacks: Any) -> Any:
    """One of each event the code writes (grep audit_record / _audit across src)."""
    ctx = AuditContext(actor=worker, ip_address="10.1.2.3")
    elder = make_elder(worker, COMMUNITY_A1, name="审计对象")
    # Registry: update with choices, categories, a move, coordinates, status.
    elder_update(
        ctx=ctx,
        elder=elder,
        changes={
            "hukou_type": "local_rural",
            "living_situation": "alone",
            "categories": {"disabled"},
            "region_code": COMMUNITY_A2,
            "latitude": 22.5,
            "longitude": 114.1,
            "phone": "13911112222",
        },
    )
    contact = contact_add(
        ctx=ctx,
        elder=elder,
        values={"name": "审计联系人", "relationship": "child", "phone": "13622223333"},
    )
    contact_remove(ctx=ctx, elder=elder, contact_id=contact.pk)
    consent_record(ctx=ctx, elder=elder, purpose="monitoring", granted=True)
    elder_reveal(ctx=ctx, elder=elder)
    number = crypto.decrypt(elder.id_number_enc, purpose="elder.id_number")
    list(elder_search(actor=worker, filters=ElderFilters(q=number), ctx=ctx))  # lookup
    with pytest.raises(ValidationFailed):  # duplicate hit from another district
        make_elder(other_worker, COMMUNITY_LUOHU, id_number=number)
    client = client_for(worker)
    assert client.get("/elders/export.xlsx?category=disabled").status_code == 200
    upload = client.post(
        "/elders/import/",
        {
            "file": _sheet(
                [{"name": "导入者", "id_number": id_number(), "region_code": COMMUNITY_A1}]
            )
        },
    )
    assert upload.status_code == 302
    batch_url = upload["Location"]
    with django_capture_on_commit_callbacks(execute=True):
        client.post(batch_url.rstrip("/") + "/commit/")
    # Assessments: booked, answers (items and form fields), scored, signed, completed,
    # another cancelled; a reassessment trigger; qualifications; a regional policy.
    assessor = make_assessor(username="审计评估员")
    actx = AuditContext(actor=assessor, via="api")
    assessment = assessment_book(
        ctx=ctx, elder=elder, reason="first", scheduled_for=timezone.localdate(), assessor=assessor
    )
    assessment_save_answers(
        ctx=actx,
        assessment=assessment,
        items=dict(FULL),
        forms={"A.2.6": "han", "A.2.10": ["alone"], "A.2.14.1": "once", "A.5.11": "no"},
    )
    assessment_save_answers(ctx=actx, assessment=assessment, forms={"A.2.14.1": "twice"})
    assessment_submit(ctx=actx, assessment=assessment)
    assessment_sign(ctx=actx, assessment=assessment, informant_name="女儿")
    with django_capture_on_commit_callbacks(execute=True):
        assessment_complete(ctx=actx, assessment=assessment)
    today = timezone.localdate()
    other = assessment_book(
        ctx=ctx, elder=elder, reason="routine", scheduled_for=today, assessor=assessor
    )
    assessment_cancel(ctx=ctx, assessment=other, note="家属要求改期")
    with django_capture_on_commit_callbacks(execute=True):
        trigger_add(ctx=ctx, elder=elder, reason="hospital_discharge")
    admin = make_user("system_admin", "440300000000", "审计管理员")
    admin_ctx = AuditContext(actor=admin)
    policy = AssessmentPolicy(region_id="440304000000", reassessment_months=6)
    policy_save(ctx=admin_ctx, policy=policy, changed=["reassessment_months"])
    grant_add(ctx=admin_ctx, user=worker, role="caregiver", region_code=COMMUNITY_A1)
    grant_remove(ctx=admin_ctx, grant=RoleGrant.objects.get(user=worker, role="caregiver"))
    token, _raw = token_create(ctx=ctx, name="审计令牌")
    token_revoke(ctx=ctx, token_id=token.pk)
    # Rows written by earlier versions: answers as code lists, and an unknown kind.
    for changes in (
        {"items": ["B.1.1"], "forms": ["A.2.4"]},
        {"mystery": {"nested": [1, None]}, "flag": [None, True]},
    ):
        audit_record(
            ctx=ctx,
            action=AuditAction.UPDATE,
            entity_type="assessment" if "items" in changes else "mystery",
            entity_id=str(assessment.pk),
            region_code=COMMUNITY_A2,
            summary="answers saved" if "items" in changes else "",
            changes=changes,
        )
    return {
        "elder": elder,
        "assessment": assessment,
        "officer": make_user("civil_affairs", "440300000000", "审计官员"),
    }


def _pages(client: Client, url: str) -> list[str]:
    bodies, page = [], 1
    while True:
        response = client.get(f"{url}?page={page}")
        assert response.status_code == 200, (url, page, response.status_code)
        body = response.content.decode()
        bodies.append(body.split("<main", 1)[1])
        if f"page={page + 1}" not in body:
            return bodies
        page += 1


def _clean(body: str) -> str:
    return re.sub(r"<[^>]+>", " ", body)


def test_every_kind_of_event_reads_as_plain_english(every_event: dict[str, Any]) -> None:
    kinds = set(AuditEvent.objects.values_list("action", flat=True))
    assert kinds >= {
        "create", "update", "delete", "view_pii", "lookup", "duplicate_hit", "export",
        "import", "token",
    }  # fmt: skip
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(every_event["officer"])
    text = " ".join(_clean(b) for b in _pages(client, "/audit/"))
    for raw in RAW:
        assert raw not in text, raw
    for readable in [
        "Hukou type",
        "Local rural hukou",
        "Living situation",
        "Lives alone",
        "Disabled",
        "Answers saved",
        "B.1.1",  # items answered, with their titles
        "Assessment completed",
        "Reassessment requested: Hospital discharge",
        "Rows exported",
        "Rows with full personal data",
        "Spreadsheet import",
        "Registry search",
        "Attempt to register an ID number that is already registered",
        "Consent: Monitoring",
        "Contact added",
        "Contact removed",
        "Shown in full",
        "Role granted: Caregiver",
        "Assessment rules of",
        "A.2.14.1",  # the form field whose answer changed, with its old and new value
    ]:
        assert readable in text, readable
    # A form change shows its old and new answer by their labels, not their codes.
    assert "Once → Twice" in text


def test_audit_pages_answer_in_chinese_too(every_event: dict[str, Any]) -> None:
    client = client_for(every_event["officer"])
    text = " ".join(_clean(b) for b in _pages(client, "/audit/"))
    for raw in RAW:
        assert raw not in text, raw
    assert "户籍类型" in text  # "Hukou type", an existing translation
    history = client.get(f"/elders/{every_event['elder'].pk}/audit/")
    assert history.status_code == 200
    assert "户籍类型" in _clean(history.content.decode())


def test_filtered_and_elder_history_pages_answer(every_event: dict[str, Any]) -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(every_event["officer"])
    for action in AuditAction.values:
        assert client.get(f"/audit/?action={action}").status_code == 200
    history = _clean(client.get(f"/elders/{every_event['elder'].pk}/audit/").content.decode())
    assert "Hukou type" in history and "Registry search" in history
    assert "Attempt to register an ID number that is already registered" in history
    for raw in RAW:
        assert raw not in history, raw


def test_rows_outside_every_region_present_plainly_too(every_event: dict[str, Any]) -> None:
    """Rows without a region (users, tokens) reach no regional page; the presenter still
    turns every stored row into plain text."""
    with translation.override("en"):
        rows = audit_rows(AuditEvent.objects.select_related("actor"))
        text = " ".join(
            f"{r.who} {r.what} {r.record} {r.via} "
            + " ".join(f"{line.label} {line.value}" for line in r.lines)
            for r in rows
        )
    assert len(rows) == AuditEvent.objects.count()
    for raw in RAW:
        assert raw not in text, raw
    for readable in ["API token created: 审计令牌", "API token revoked: 审计令牌", "Web page"]:
        assert readable in text, readable
