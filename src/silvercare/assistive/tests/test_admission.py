"""Catalogue admission: apply → qualification check → expert review → public notice
(objections) → listed or rejected; every step with actor and reason; illegal steps refused."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from silvercare.assistive import services
from silvercare.assistive.models import AdmissionStatus as S
from silvercare.assistive.tests.conftest import ctx, values
from silvercare.audit.models import AuditEvent
from silvercare.common.errors import DomainError, ValidationFailed
from silvercare.common.testing import client_for


@pytest.fixture
def draft(vendor: Any, enterprise: Any) -> Any:
    return services.product_save(ctx=ctx(vendor), enterprise=enterprise, values=values())


def test_the_whole_workflow_with_actor_and_reason(draft: Any, vendor: Any, curator: Any) -> None:
    admission = services.admission_apply(ctx=ctx(vendor), product=draft, notice_days=5)
    draft.refresh_from_db()
    assert (admission.status, draft.status) == (S.SUBMITTED, "pending")
    today = timezone.localdate()
    for to in (S.QUALIFIED, S.REVIEWED, S.NOTICE):
        admission = services.admission_advance(
            ctx=ctx(curator), admission=admission, to=to, reason=f"ok {to}"
        )
    assert admission.notice_ends == today + dt.timedelta(days=5)
    services.objection_record(
        ctx=ctx(curator), admission=admission, raised_by="李先生", text="座宽标注与实物不符"
    )
    # Listing waits for the end of the notice period.
    with pytest.raises(DomainError) as early:
        services.admission_advance(ctx=ctx(curator), admission=admission, to=S.LISTED, reason="x")
    assert early.value.code == "notice_period_not_over"
    # After objections, listing needs a reason.
    later = today + dt.timedelta(days=5)
    with pytest.raises(ValidationFailed) as reasonless:
        services.admission_advance(
            ctx=ctx(curator), admission=admission, to=S.LISTED, reason="", on=later
        )
    assert reasonless.value.errors[0].code == "reason_required"
    admission = services.admission_advance(
        ctx=ctx(curator),
        admission=admission,
        to=S.LISTED,
        reason="复核实物座宽 46 cm，异议不成立",
        on=later,
    )
    draft.refresh_from_db()
    assert draft.status == "listed" and draft.listed_at is not None
    steps = list(admission.steps.values_list("from_status", "to_status", "actor__username"))
    assert steps == [
        ("", "submitted", "vendor_user"),
        ("submitted", "qualified", "at_curator"),
        ("qualified", "reviewed", "at_curator"),
        ("reviewed", "notice", "at_curator"),
        ("notice", "listed", "at_curator"),
    ]
    assert admission.steps.last().reason == "复核实物座宽 46 cm，异议不成立"
    assert AuditEvent.objects.filter(entity_id=str(admission.pk)).count() == 6


@pytest.mark.parametrize(
    ("path", "illegal"),
    [
        ((), S.REVIEWED),  # expert review before the qualification check
        ((), S.NOTICE),
        ((), S.LISTED),
        ((S.QUALIFIED,), S.LISTED),
        ((S.QUALIFIED,), S.NOTICE),
        ((S.QUALIFIED, S.REVIEWED), S.LISTED),  # no listing without public notice
        ((S.QUALIFIED, S.REVIEWED), S.QUALIFIED),
        ((S.QUALIFIED, S.REVIEWED, S.NOTICE), S.REVIEWED),
    ],
)
def test_illegal_steps_are_refused(
    draft: Any, vendor: Any, curator: Any, path: tuple[str, ...], illegal: str
) -> None:
    admission = services.admission_apply(ctx=ctx(vendor), product=draft)
    for to in path:
        admission = services.admission_advance(
            ctx=ctx(curator), admission=admission, to=to, reason=""
        )
    with pytest.raises(DomainError) as refused:
        services.admission_advance(ctx=ctx(curator), admission=admission, to=illegal, reason="x")
    assert refused.value.code == "admission_illegal_step" and refused.value.status == 409
    admission.refresh_from_db()
    assert admission.status == (path[-1] if path else S.SUBMITTED)
    assert admission.steps.count() == len(path) + 1


def test_rejection_needs_a_reason_and_ends_the_admission(
    draft: Any, vendor: Any, curator: Any
) -> None:
    admission = services.admission_apply(ctx=ctx(vendor), product=draft)
    with pytest.raises(ValidationFailed):
        services.admission_advance(ctx=ctx(curator), admission=admission, to=S.REJECTED, reason="")
    admission = services.admission_advance(
        ctx=ctx(curator), admission=admission, to=S.REJECTED, reason="缺医疗器械注册证"
    )
    draft.refresh_from_db()
    assert draft.status == "rejected"
    with pytest.raises(DomainError):
        services.admission_advance(ctx=ctx(curator), admission=admission, to=S.QUALIFIED, reason="")
    # The enterprise may fix the product and apply again.
    again = services.admission_apply(ctx=ctx(vendor), product=draft)
    assert again.status == S.SUBMITTED


def test_who_may_take_which_step(draft: Any, vendor: Any, curator: Any, worker: Any) -> None:
    with pytest.raises(DomainError) as outsider:
        services.admission_apply(ctx=ctx(worker), product=draft)
    assert outsider.value.status == 403
    with pytest.raises(ValidationFailed):
        services.admission_apply(ctx=ctx(vendor), product=draft, notice_days=0)
    admission = services.admission_apply(ctx=ctx(vendor), product=draft)
    with pytest.raises(DomainError) as twice:
        services.admission_apply(ctx=ctx(vendor), product=draft)
    assert twice.value.code == "admission_open"
    with pytest.raises(DomainError) as self_approval:
        services.admission_advance(ctx=ctx(vendor), admission=admission, to=S.QUALIFIED, reason="")
    assert self_approval.value.status == 403
    with pytest.raises(DomainError):
        services.objection_record(ctx=ctx(curator), admission=admission, raised_by="a", text="b")


def test_admission_through_pages_and_api(draft: Any, vendor: Any, curator: Any) -> None:
    vendor_client = client_for(vendor)
    response = vendor_client.post(
        f"/assistive/products/{draft.pk}/apply/", {"notice_days": 3, "note": "首次申请"}
    )
    assert response.status_code == 302
    admission = draft.admissions.get()
    curator_client = client_for(curator)
    page = curator_client.post(
        f"/assistive/admissions/{admission.pk}/",
        {"step": "1", "to": "qualified", "reason": "资质齐全"},
    )
    assert page.status_code == 302
    api = curator_client.post(
        f"/api/v1/assistive/admissions/{admission.pk}/steps",
        {"to": "listed", "reason": ""},
        content_type="application/json",
    )
    assert api.status_code == 409 and api.json()["code"] == "admission_illegal_step"
    api = curator_client.post(
        f"/api/v1/assistive/admissions/{admission.pk}/steps",
        {"to": "reviewed", "reason": "专家评审通过"},
        content_type="application/json",
    )
    assert api.status_code == 200 and api.json()["status"] == "reviewed"
    # Another enterprise's user does not see the admission.
    from silvercare.common.testing import make_user

    rival = make_user("enterprise", "440304000000", "rival_vendor")
    assert client_for(rival).get(f"/assistive/admissions/{admission.pk}/").status_code == 404
    assert client_for(rival).get(f"/api/v1/assistive/admissions/{admission.pk}").status_code == 404
    assert vendor_client.get(f"/assistive/admissions/{admission.pk}/").status_code == 200
