"""Issue 8, point 6: cancelling an assessment asks first, and the way to it sits apart from
"Score the answers" (at the end of the page, in its own section)."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone, translation

from silvercare.assessments import services
from silvercare.assessments.choices import Status
from silvercare.assessments.models import Assessment
from silvercare.audit.models import AuditEvent
from silvercare.audit.services import AuditContext
from silvercare.common.testing import (
    COMMUNITY_A1,
    STREET_A,
    client_for,
    make_assessor,
    make_elder,
    make_user,
)

pytestmark = pytest.mark.django_db


def zh(msgid: str) -> str:
    with translation.override("zh-hans"):
        return translation.gettext(msgid)


@pytest.fixture
def setting(worker: Any) -> dict[str, Any]:
    assessor = make_assessor(username="assessor_a")
    elder = make_elder(worker, COMMUNITY_A1, name="周玉兰")
    assessment = services.assessment_book(
        ctx=AuditContext(actor=worker),
        elder=elder,
        reason="first",
        scheduled_for=timezone.localdate(),
        assessor=assessor,
    )
    services.assessment_save_answers(
        ctx=AuditContext(actor=assessor), assessment=assessment, items={"B.1.1": 4}
    )
    return {
        "worker": worker,
        "assessor": assessor,
        "assessment": assessment,
        "detail": f"/assessments/{assessment.pk}/",
        "cancel": f"/assessments/{assessment.pk}/cancel/",
    }


def status_of(setting: dict[str, Any]) -> str:
    return str(Assessment.objects.get(pk=setting["assessment"].pk).status)


def test_the_way_to_cancel_is_a_link_in_its_own_section_after_the_main_actions(
    setting: dict[str, Any],
) -> None:
    # The assessor may book, so may cancel too: their page has both "score" and "cancel".
    html = client_for(setting["assessor"]).get(setting["detail"]).content.decode()
    assert f'action="{setting["cancel"]}"' not in html  # no one-tap form
    assert 'action="/assessments/' + str(setting["assessment"].pk) + '/cancel/"' not in html
    score = html.index('id="submit-button"')
    zone = html.index('<section class="danger-zone"')
    assert score < zone
    danger = html[zone : html.index("</section>", zone)]
    assert f'href="{setting["cancel"]}"' in danger
    assert html.count("/cancel/") == 1  # only there


def test_a_post_without_the_confirmation_cancels_nothing(setting: dict[str, Any]) -> None:
    before = AuditEvent.objects.count()
    response = client_for(setting["worker"]).post(setting["cancel"], {"note": "家属要求"})
    assert response.status_code == 200
    assert zh("Yes, cancel the assessment") in response.content.decode()
    assert status_of(setting) == Status.IN_PROGRESS
    assert AuditEvent.objects.count() == before


def test_the_question_says_what_is_cancelled(setting: dict[str, Any]) -> None:
    response = client_for(setting["worker"]).get(setting["cancel"])
    html = response.content.decode()
    assert response.status_code == 200
    assert "周玉兰" in html and setting["assessment"].number in html
    assert zh("Keep the assessment") in html
    assert status_of(setting) == Status.IN_PROGRESS


def test_confirming_cancels_and_records_the_reason(setting: dict[str, Any]) -> None:
    before = AuditEvent.objects.count()
    client = client_for(setting["worker"])
    response = client.post(setting["cancel"], {"confirm": "yes", "note": "老人住院"})

    assert response.status_code == 302 and response["Location"] == setting["detail"]
    cancelled = Assessment.objects.get(pk=setting["assessment"].pk)
    assert cancelled.status == Status.CANCELLED
    assert "老人住院" in cancelled.reason_note
    assert AuditEvent.objects.count() == before + 1
    page = client.get(setting["detail"]).content.decode()
    assert zh("The assessment was cancelled.") in page
    assert "/cancel/" not in page  # nothing left to cancel
    assert client.get(setting["cancel"]).status_code == 302  # the question is gone too


def test_whoever_may_not_cancel_gets_neither_the_question_nor_the_cancellation(
    setting: dict[str, Any],
) -> None:
    caregiver = make_user("caregiver", STREET_A)  # reads assessments, may not book or cancel
    client = client_for(caregiver)
    assert client.get(setting["detail"]).status_code == 200
    assert "/cancel/" not in client.get(setting["detail"]).content.decode()
    assert client.get(setting["cancel"]).status_code == 403
    assert client.post(setting["cancel"], {"confirm": "yes"}).status_code == 403
    assert status_of(setting) == Status.IN_PROGRESS
