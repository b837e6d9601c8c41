"""A family member rates a past visit and complains from the portal (through the home-care
capability); the elder's page shows the next visit and who is coming."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from silvercare.audit.services import AuditContext
from silvercare.common.testing import STREET_A, client_for, make_user
from silvercare.homecare import services as homecare
from silvercare.homecare.models import Complaint, Feedback, ServiceType, Visit

pytestmark = pytest.mark.django_db


@pytest.fixture
def done_visit(elder: Any, worker: Any) -> Visit:
    officer = make_user("civil_affairs", "440304000000", "care_officer")
    provider = homecare.provider_create(
        ctx=AuditContext(actor=officer),
        name="福田颐康居家服务中心",
        region_code="440304000000",
        served=[STREET_A],
        contract_number="FT-HC-2026-01",
    )
    admin = make_user("care_provider_admin", "440304000000", "care_admin")
    homecare.provider_staff_link(ctx=AuditContext(actor=officer), provider=provider, user=admin)
    order = homecare.order_create(
        ctx=AuditContext(actor=worker),
        elder=elder,
        service_type=ServiceType.objects.get(code="bathing"),
        provider=provider,
        first_date=timezone.localdate(),
        window_start=0,
        window_end=1440,
    )
    homecare.order_accept(ctx=AuditContext(actor=admin), order=order)
    Visit.objects.filter(order=order).update(status="completed")  # as the caregiver's day ends
    return order.visits.get()


def test_family_rates_and_complains(elder: Any, daughter: Any, done_visit: Visit) -> None:
    client = client_for(daughter)
    page = client.get(f"/portal/elders/{elder.pk}/").content.decode()
    assert f"/visits/{done_visit.pk}/rate/" in page
    url = f"/portal/elders/{elder.pk}/visits/{done_visit.pk}/rate/"
    assert client.get(url).status_code == 200
    bad = client.post(url, {"rating": "9"})
    assert bad.status_code == 200 and Feedback.objects.count() == 0
    response = client.post(url, {"rating": "2", "comment": "迟到了一小时", "complain": "on"})
    assert response.status_code == 302
    feedback = Feedback.objects.get()
    assert feedback.rating == 2 and feedback.by == "family"
    assert Complaint.objects.get().text == "迟到了一小时"


def test_no_rating_of_another_elders_visit(
    elder: Any, other_elder: Any, daughter: Any, done_visit: Visit
) -> None:
    client = client_for(daughter)
    url = f"/portal/elders/{other_elder.pk}/visits/{done_visit.pk}/rate/"
    assert client.get(url).status_code == 404
    assert client.post(url, {"rating": "5"}).status_code == 404
    assert Feedback.objects.count() == 0


def test_elder_rates_her_own_visit(
    elder: Any, other_elder: Any, elder_account: Any, done_visit: Visit
) -> None:
    client = client_for(elder_account)
    assert (
        f"/visits/{done_visit.pk}/rate/"
        in client.get(f"/portal/elders/{elder.pk}/").content.decode()
    )
    url = f"/portal/elders/{elder.pk}/visits/{done_visit.pk}/rate/"
    assert client.post(url, {"rating": "5", "comment": "很细心"}).status_code == 302
    feedback = Feedback.objects.get()
    assert feedback.rating == 5 and feedback.by == "elder"
    other = f"/portal/elders/{other_elder.pk}/visits/{done_visit.pk}/rate/"
    assert client.post(other, {"rating": "1"}).status_code == 404
    assert Feedback.objects.count() == 1


def test_registry_says_who_the_account_acts_for(
    elder: Any, other_elder: Any, elder_account: Any, daughter: Any, son: Any
) -> None:
    from silvercare.elders.selectors import account_acts_for, elders_of_account

    assert [(e.pk, c) for e, c in elders_of_account(user=elder_account)] == [(elder.pk, None)]
    assert [e.pk for e, _c in elders_of_account(user=daughter)] == [elder.pk]
    assert elders_of_account(user=son) == []
    assert not account_acts_for(user=elder_account, elder_id=other_elder.pk)
    assert not account_acts_for(user=daughter, elder_id="not-a-uuid")
