"""The elder, or a family member with the elder's consent, books a home-care service from the
portal: a requested order the provider accepts (then the co-pay shows) or declines; bad input
is refused per field with nothing saved; nobody books for an elder they do not act for."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from silvercare.audit.services import AuditContext
from silvercare.common.errors import DomainError
from silvercare.common.testing import STREET_A, client_for, make_user
from silvercare.elders.services import consent_record
from silvercare.homecare import services as homecare
from silvercare.homecare.models import CareOrder, ServiceType, Visit

pytestmark = pytest.mark.django_db


@pytest.fixture
def provider(regions: None) -> Any:
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
    provider.admin = admin
    return provider


def _form(chosen: Any, **over: str) -> dict[str, str]:
    values = {
        "service_type": "bathing",
        "provider": str(chosen.pk),
        "first_date": (timezone.localdate() + dt.timedelta(days=2)).isoformat(),
        "window": "morning",
        "recurrence": "once",
        "last_date": "",
        "notes": "请带防滑垫",
    }
    values.update(over)
    return values


def test_elder_books_and_sees_the_copay_once_accepted(
    elder: Any, elder_account: Any, provider: Any
) -> None:
    client = client_for(elder_account)
    assert "/care/" in client.get(f"/portal/elders/{elder.pk}/").content.decode()
    url = f"/portal/elders/{elder.pk}/care/"
    page = client.get(url).content.decode()
    assert provider.name in page
    response = client.post(url, _form(provider))
    assert response.status_code == 302
    order = CareOrder.objects.get()
    assert order.status == "requested" and order.elder_id == elder.pk
    assert order.window_start == 8 * 60 and order.window_end == 12 * 60
    assert order.notes == "请带防滑垫" and order.created_by == elder_account
    assert order.quote_id is None and Visit.objects.filter(order=order).count() == 1
    page = client.get(url).content.decode()
    assert "Requested" in page or "已申请" in page or order.get_status_display() in page
    homecare.order_accept(ctx=AuditContext(actor=provider.admin), order=order)
    order.refresh_from_db()
    assert order.quote_id is not None
    page = client.get(url).content.decode()
    assert f"{order.copay_fen / 100:.2f}" in page
    assert order.get_status_display() in page


def test_family_books_weekly_with_consent_only(
    elder: Any, daughter: Any, worker: Any, provider: Any
) -> None:
    client = client_for(daughter)
    url = f"/portal/elders/{elder.pk}/care/"
    first = timezone.localdate() + dt.timedelta(days=1)
    response = client.post(
        url,
        _form(
            provider,
            recurrence="weekly",
            window="afternoon",
            first_date=first.isoformat(),
            last_date=(first + dt.timedelta(days=14)).isoformat(),
        ),
    )
    assert response.status_code == 302
    order = CareOrder.objects.get()
    assert order.recurrence == "weekly" and order.visits.count() == 3
    consent_record(
        ctx=AuditContext(actor=worker), elder=elder, purpose="data_sharing", granted=False
    )
    assert client.get(url).status_code == 404
    assert client.post(url, _form(provider)).status_code == 404
    assert CareOrder.objects.count() == 1


def test_bad_booking_input_is_refused_per_field(
    elder: Any, elder_account: Any, provider: Any
) -> None:
    client = client_for(elder_account)
    url = f"/portal/elders/{elder.pk}/care/"
    yesterday = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    past = client.post(url, _form(provider, first_date=yesterday))
    assert past.status_code == 422
    assert 'class="error" role="alert"' in past.content.decode()
    assert client.post(url, _form(provider, provider="nope")).status_code == 400
    assert client.post(url, _form(provider, service_type="massage")).status_code == 400
    first = timezone.localdate() + dt.timedelta(days=3)
    backwards = client.post(
        url,
        _form(
            provider,
            recurrence="daily",
            first_date=first.isoformat(),
            last_date=(first - dt.timedelta(days=1)).isoformat(),
        ),
    )
    assert backwards.status_code == 422
    assert CareOrder.objects.count() == 0 and Visit.objects.count() == 0


def test_nobody_books_for_an_elder_they_do_not_act_for(
    elder: Any, other_elder: Any, elder_account: Any, son: Any, provider: Any
) -> None:
    assert (
        client_for(elder_account)
        .post(f"/portal/elders/{other_elder.pk}/care/", _form(provider))
        .status_code
        == 404
    )
    assert client_for(son).get(f"/portal/elders/{elder.pk}/care/").status_code == 404
    with pytest.raises(DomainError) as exc:
        homecare.order_request_for_elder(
            ctx=AuditContext(actor=elder_account),
            elder=other_elder,
            service_type=ServiceType.objects.get(code="bathing"),
            provider=provider,
            first_date=timezone.localdate() + dt.timedelta(days=1),
            window_start=480,
            window_end=720,
        )
    assert exc.value.status == 403
    assert CareOrder.objects.count() == 0
