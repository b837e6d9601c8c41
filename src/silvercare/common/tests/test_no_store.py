"""Issue 7, point 13: every response carrying unmasked personal data says
``Cache-Control: no-store`` — the revealed record (page and API), the edit form that shows
revealed values, the export, and an assessment's PDF report and FHIR bundle."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from silvercare.assessments import services as assessment_services
from silvercare.assessments.instruments import get_instrument
from silvercare.assessments.models import Assessment
from silvercare.audit.services import AuditContext
from silvercare.common.testing import COMMUNITY_A1, client_for, id_number, make_assessor, make_elder

pytestmark = pytest.mark.django_db
ID_NUMBER = id_number(seq=404)
GBT = "gbt42195-2022"
FORMS = {"A.4.1": ["F00-F03"], "A.5.11": "no", "A.2.14.1": "once", "A.2.14.2": "once"}


def no_store(response: Any) -> bool:
    return "no-store" in response.get("Cache-Control", "")


@pytest.fixture
def world(worker: Any) -> dict[str, Any]:
    return {
        "worker": worker,
        "client": client_for(worker),
        "elder": make_elder(worker, COMMUNITY_A1, id_number=ID_NUMBER),
    }


def test_the_revealed_record_is_not_stored(world: dict[str, Any]) -> None:
    client: Client = world["client"]
    elder = world["elder"]
    page = client.post(f"/elders/{elder.pk}/reveal/")
    assert page.status_code == 200 and ID_NUMBER in page.content.decode()
    assert no_store(page)
    api = client.get(f"/api/v1/elders/{elder.pk}?reveal=true")
    assert api.status_code == 200 and api.json()["id_number"] == ID_NUMBER
    assert no_store(api)
    # The masked record may be cached like any page.
    assert not no_store(client.get(f"/api/v1/elders/{elder.pk}"))


def test_the_edit_form_and_the_export_are_not_stored(world: dict[str, Any]) -> None:
    client: Client = world["client"]
    form = client.get(f"/elders/{world['elder'].pk}/edit/")
    assert form.status_code == 200 and ID_NUMBER in form.content.decode()
    assert no_store(form)
    export = client.get("/elders/export.xlsx")
    assert export.status_code == 200
    assert no_store(export)


@pytest.fixture
def completed(
    world: dict[str, Any], django_capture_on_commit_callbacks: Callable[..., Any]
) -> Assessment:
    assessor = make_assessor()
    as_assessor = AuditContext(actor=assessor, via="test")
    items = {item.code: item.max_score for item in get_instrument(GBT).items}
    assessment = assessment_services.assessment_book(
        ctx=AuditContext(actor=world["worker"], via="test"),
        elder=world["elder"],
        reason="first",
        scheduled_for=timezone.localdate(),
        assessor=assessor,
    )
    assessment = assessment_services.assessment_save_answers(
        ctx=as_assessor, assessment=assessment, items=items, forms=FORMS
    )
    assessment = assessment_services.assessment_submit(ctx=as_assessor, assessment=assessment)
    assessment = assessment_services.assessment_sign(
        ctx=as_assessor, assessment=assessment, informant_name="王小明"
    )
    with django_capture_on_commit_callbacks(execute=True):
        return assessment_services.assessment_complete(ctx=as_assessor, assessment=assessment)


def test_the_assessment_report_and_fhir_bundle_are_not_stored(
    world: dict[str, Any], completed: Assessment
) -> None:
    client: Client = world["client"]
    report = client.get(f"/assessments/{completed.pk}/report.pdf")
    assert report.status_code == 200 and report["Content-Type"] == "application/pdf"
    assert no_store(report)
    fhir = client.get(f"/api/v1/assessments/{completed.pk}/fhir")
    assert fhir.status_code == 200
    assert no_store(fhir)
