"""Appendix A knows the elder: the fields the registry holds are prefilled from it, personal
ones masked by role and revealed only through the registry's audited reveal, never stored
with the assessment; corrections go back to the registry through its services.

The vault test registers a person, fills a whole assessment (form page and API), imports
and exports, then reads every text column of every model straight from the database: the
ID number and the phones appear nowhere in plain text."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from django.apps import apps
from django.db import connection, models
from django.test import Client
from django.utils import timezone
from openpyxl import Workbook

from silvercare.accounts.services import grant_add
from silvercare.assessments.instruments import GBT42195
from silvercare.assessments.models import Assessment
from silvercare.assessments.services import assessment_book
from silvercare.audit.models import AuditEvent
from silvercare.audit.services import AuditContext
from silvercare.common import crypto
from silvercare.common.testing import (
    COMMUNITY_A1,
    STREET_A,
    client_for,
    id_number,
    make_assessor,
    make_elder,
    make_user,
)
from silvercare.elders.models import Contact, Elder
from silvercare.elders.services import contact_add
from silvercare.elders.spreadsheet import COLUMNS

pytestmark = pytest.mark.django_db
FULL = {item.code: item.max_score for item in GBT42195.items}
ELDER_PHONE = "13755501234"
CONTACT_PHONE = "13655507890"


@pytest.fixture
def visit(worker: Any) -> dict[str, Any]:
    number = id_number(seq=321)
    elder = make_elder(worker, COMMUNITY_A1, name="冯桂香", id_number=number, phone=ELDER_PHONE)
    contact = contact_add(
        ctx=AuditContext(actor=worker),
        elder=elder,
        values={"name": "冯小军", "relationship": "child", "phone": CONTACT_PHONE},
    )
    assessor = make_assessor(username="assessor_feng")
    assessment = assessment_book(
        ctx=AuditContext(actor=worker),
        elder=elder,
        reason="first",
        scheduled_for=timezone.localdate(),
        assessor=assessor,
    )
    return {
        "worker": worker,
        "elder": elder,
        "number": number,
        "contact": contact,
        "assessor": assessor,
        "assessment": assessment,
        "client": client_for(assessor),
        "step": f"/assessments/{assessment.pk}/step/A/",
        "api": f"/api/v1/assessments/{assessment.pk}",
    }


def _put(client: Client, url: str, forms: dict[str, Any], items: Any = None) -> Any:
    return client.put(
        f"{url}/answers",
        {"items": items or {}, "forms": forms},
        content_type="application/json",
    )


def test_appendix_a_is_prefilled_from_the_registry_masked(visit: dict[str, Any]) -> None:
    page = visit["client"].get(visit["step"])
    assert page.status_code == 200
    body = page.content.decode()
    elder, contact = visit["elder"], visit["contact"]
    for shown in (
        visit["assessment"].number,  # A.1.1
        "冯桂香",  # A.2.1
        elder.birth_date.isoformat(),  # A.2.3: the assessor holds the personal-data right
        elder.id_number_masked,  # A.2.8, masked
        contact.phone_masked,  # A.3.4, masked
        "冯小军",  # A.3.3, chosen from the registry's contacts
    ):
        assert shown in body, shown
    assert visit["number"] not in body and CONTACT_PHONE not in body
    assert 'form="reveal-form"' in body
    # The medication table fits a tablet and becomes cards on a phone (separate CSS file).
    assert "silvercare/assessment-form.css" in body and 'class="appendix-table"' in body
    assert 'data-label="' in body
    # An assessor cannot change the registry: no correction inputs, a pointer instead.
    assert 'name="registry_update"' not in body and 'name="A.2.8"' not in body


def test_reveal_on_the_form_is_the_registry_s_audited_reveal(visit: dict[str, Any]) -> None:
    response = visit["client"].post(visit["step"], {"reveal": "1"})
    assert response.status_code == 200
    body = response.content.decode()
    assert visit["number"] in body and CONTACT_PHONE in body
    assert "no-store" in response["Cache-Control"]
    event = AuditEvent.objects.get(action="view_pii")
    assert event.entity_id == str(visit["elder"].pk) and event.actor == visit["assessor"]
    assert Assessment.objects.get(pk=visit["assessment"].pk).forms.get("A.2.8") is None


def test_personal_fields_are_never_stored_with_the_assessment(visit: dict[str, Any]) -> None:
    client = visit["client"]
    same = _put(client, visit["api"], {"A.2.8": visit["number"], "A.3.4": CONTACT_PHONE})
    assert same.status_code == 200, same.content
    forms = same.json()["forms"]
    assert "A.2.8" not in forms and "A.3.4" not in forms
    assert forms["A.3.contact"] == visit["contact"].pk  # a reference, not the phone
    assert visit["number"] not in same.content.decode()
    assert CONTACT_PHONE not in same.content.decode()
    # A different value is refused: the registry holds it, and an assessor may not edit it.
    other = id_number(seq=322)
    for forms_in, field in (
        ({"A.2.8": other}, "A.2.8"),
        ({"A.2.1": "别人"}, "A.2.1"),
        ({"A.2.3": "1950-01-01"}, "A.2.3"),
        ({"A.3.4": "13900000000"}, "A.3.4"),
        ({"A.1.1": "X-1"}, "A.1.1"),
    ):
        refused = _put(client, visit["api"], forms_in)
        assert refused.status_code == 422, forms_in
        assert [e["field"] for e in refused.json()["errors"]] == [field]
    elder = Elder.objects.get(pk=visit["elder"].pk)
    assert elder.name == "冯桂香" and elder.id_number_hash == visit["elder"].id_number_hash


def test_corrections_go_back_to_the_registry_through_its_services(
    visit: dict[str, Any],
) -> None:
    assessor = visit["assessor"]
    # The same person also keeps the street's registry: now they may offer changes back.
    grant_add(
        ctx=AuditContext(actor=None),
        user=assessor,
        role="community_worker",
        region_code=STREET_A,
        check_actor=False,
    )
    client = client_for(assessor)
    body = client.get(visit["step"]).content.decode()
    assert 'name="registry_update"' in body and 'name="A.2.8"' in body
    post = {"A.2.1": "冯桂芬", "A.3.3": "冯小红", "A.3.4": "13511112222", "A.3.2": "child"}
    unticked = client.post(visit["step"], {**post, "save": "1"})
    assert unticked.status_code == 422
    assert Elder.objects.get(pk=visit["elder"].pk).name == "冯桂香"
    saved = client.post(visit["step"], {**post, "registry_update": "on", "save": "1"})
    assert saved.status_code == 302, saved.content.decode()[-2000:]
    elder = Elder.objects.get(pk=visit["elder"].pk)
    assert elder.name == "冯桂芬"
    new_contact = Contact.objects.get(elder=elder, name="冯小红")
    assert new_contact.relationship == "child"
    forms = Assessment.objects.get(pk=visit["assessment"].pk).forms
    assert forms["A.3.contact"] == new_contact.pk
    assert not {"A.2.1", "A.3.3", "A.3.4"} & set(forms)
    # Audited by the registry, on the elder's record, and noted on the assessment's row.
    registry_rows = AuditEvent.objects.filter(
        entity_type="elder", entity_id=str(elder.pk), action="update", actor=assessor
    )
    assert {tuple(r.changes) for r in registry_rows} == {("name",), ("contacts",)}
    answers = AuditEvent.objects.filter(entity_type="assessment", summary="answers saved").last()
    assert answers is not None and answers.changes["registry"] == ["name", "contacts"]


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
    buf.name = "vault.xlsx"
    return buf


TEXT_FIELDS = (models.CharField, models.TextField, models.JSONField)


def _stored_text() -> list[tuple[str, str, str]]:
    """(table, column, raw value) of every text-like column of every model."""
    found = []
    with connection.cursor() as cursor:
        for model in apps.get_models(include_auto_created=True):
            table = model._meta.db_table
            for field in model._meta.concrete_fields:
                if not isinstance(field, TEXT_FIELDS):
                    continue
                column = connection.ops.quote_name(field.column)
                cursor.execute(f"SELECT {column} FROM {connection.ops.quote_name(table)}")  # noqa: S608
                found += [(table, field.column, str(v)) for (v,) in cursor.fetchall() if v]
    return found


def test_no_plain_id_number_or_phone_anywhere_in_the_database(
    visit: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    client, worker_client = visit["client"], client_for(visit["worker"])
    # A whole assessment: appendix A through the form page and the API, then signed off.
    page = client.post(
        visit["step"],
        {
            "A.2.1": "冯桂香",
            "A.2.3": visit["elder"].birth_date.isoformat(),
            "A.2.8": visit["number"],
            "A.3.1": "冯小军",
            "A.3.2": "child",
            "A.3.3": "冯小军",
            "A.3.4": CONTACT_PHONE,
            "A.5.11": "no",
            "A.4.2[0]A.4.2.1": "阿司匹林",
            "save": "1",
        },
    )
    assert page.status_code == 302, page.content.decode()[-1500:]
    api = _put(client, visit["api"], {"A.2.8": visit["number"], "A.3.4": CONTACT_PHONE}, FULL)
    assert api.status_code == 200, api.content
    assert client.post(f"{visit['api']}/submit").status_code == 200
    sign = client.post(
        f"{visit['api']}/sign", {"informant_name": "冯小军"}, content_type="application/json"
    )
    assert sign.status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(f"{visit['api']}/complete").status_code == 200
    # An import with a contact, committed; an unmasked export; lookups by ID and phone.
    imported_id, imported_phone, imported_contact = id_number(seq=323), "13822203333", "13922204444"
    upload = worker_client.post(
        "/elders/import/",
        {
            "file": _sheet(
                [
                    {
                        "name": "导入冯",
                        "id_number": imported_id,
                        "region_code": COMMUNITY_A1,
                        "phone": imported_phone,
                        "contact_name": "导入联系人",
                        "contact_relationship": "子女",
                        "contact_phone": imported_contact,
                    }
                ]
            )
        },
    )
    assert upload.status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        worker_client.post(upload["Location"].rstrip("/") + "/commit/")
    assert Elder.objects.filter(name="导入冯").exists()
    export = worker_client.get("/elders/export.xlsx")
    assert export.status_code == 200
    for q in (visit["number"], ELDER_PHONE):
        assert worker_client.get("/elders/", {"q": q}).status_code == 200

    secrets = [
        visit["number"],
        ELDER_PHONE,
        CONTACT_PHONE,
        imported_id,
        imported_phone,
        imported_contact,
    ]
    leaks = [
        (table, column)
        for table, column, value in _stored_text()
        for secret in secrets
        if secret in value or secret in json.dumps(value)
    ]
    assert leaks == []
    # …and each is there, encrypted.
    elder = Elder.objects.get(pk=visit["elder"].pk)
    assert crypto.decrypt(elder.id_number_enc, purpose="elder.id_number") == visit["number"]
    imported = Elder.objects.get(name="导入冯")
    assert crypto.decrypt(imported.id_number_enc, purpose="elder.id_number") == imported_id
    assert crypto.decrypt(imported.contacts.get().phone_enc, purpose="contact.phone") == (
        imported_contact
    )


def test_report_shows_the_birth_date_only_to_the_personal_data_right(
    visit: dict[str, Any],
) -> None:
    from silvercare.assessments.tests.test_report import pdf_text, squeeze

    client = visit["client"]
    assert _put(client, visit["api"], {}, FULL).status_code == 200
    assert client.post(f"{visit['api']}/submit").status_code == 200
    birth = visit["elder"].birth_date
    url = f"/assessments/{visit['assessment'].pk}/report.pdf"
    full = squeeze(pdf_text(client.get(url).content))
    assert birth.isoformat() in full
    caregiver = make_user("caregiver", STREET_A)
    coarse = squeeze(pdf_text(client_for(caregiver).get(url).content))
    assert birth.isoformat() not in coarse and f"{birth.year}年" in coarse
    assert visit["number"] not in coarse
