"""Issue 7, point 12: a booking never names a user outside the elder's area.

An assessor id from another district is answered exactly like an id nobody has, so the
booking form cannot be used to look up who works where.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from silvercare.assessments import services
from silvercare.assessments.models import Assessment
from silvercare.audit.services import AuditContext
from silvercare.common.errors import ValidationFailed
from silvercare.common.testing import COMMUNITY_A1, client_for, make_assessor, make_elder

pytestmark = pytest.mark.django_db
HIDDEN_NAME = "罗湖的评估员"


@pytest.fixture
def setting(worker: Any) -> dict[str, Any]:
    elsewhere = make_assessor("440303000000", "luohu_assessor_named")
    elsewhere.display_name = HIDDEN_NAME
    elsewhere.save(update_fields=["display_name"])
    return {
        "worker": worker,
        "elder": make_elder(worker, COMMUNITY_A1),
        "local": make_assessor(username="local_assessor"),
        "elsewhere": elsewhere,
    }


def post_booking(setting: dict[str, Any], **ids: Any) -> Any:
    body = {
        "elder_id": str(setting["elder"].pk),
        "reason": "first",
        "scheduled_for": timezone.localdate().isoformat(),
        **ids,
    }
    client = client_for(setting["worker"])
    return client.post("/api/v1/assessments/", body, content_type="application/json")


def test_an_assessor_elsewhere_is_answered_like_a_missing_user(setting: dict[str, Any]) -> None:
    missing_id = setting["elsewhere"].pk + 10_000
    for field in ("assessor_id", "second_assessor_id"):
        extra = {} if field == "assessor_id" else {"assessor_id": setting["local"].pk}
        elsewhere = post_booking(setting, **extra, **{field: setting["elsewhere"].pk})
        missing = post_booking(setting, **extra, **{field: missing_id})
        assert elsewhere.status_code == missing.status_code == 422
        assert elsewhere.json() == missing.json()
        assert [(e["field"], e["code"]) for e in elsewhere.json()["errors"]] == [
            (field, "unknown_user")
        ]
        for name in (HIDDEN_NAME, "luohu_assessor_named"):
            assert name not in elsewhere.content.decode()
    assert not Assessment.objects.exists()
    assert post_booking(setting, assessor_id=setting["local"].pk).status_code == 201


def test_the_booking_service_names_nobody_outside_the_area(setting: dict[str, Any]) -> None:
    with pytest.raises(ValidationFailed) as refused:
        services.assessment_book(
            ctx=AuditContext(actor=setting["worker"]),
            elder=setting["elder"],
            reason="first",
            scheduled_for=timezone.localdate(),
            assessor=setting["local"],
            second_assessor=setting["elsewhere"],
        )
    errors = [error.as_dict() for error in refused.value.errors]
    assert [(e["field"], e["code"]) for e in errors] == [("second_assessor", "unknown_user")]
    assert HIDDEN_NAME not in errors[0]["message"]
