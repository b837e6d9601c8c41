"""The elder, or a family member with consent, reports a fault on a leased device from the
portal: the same malfunction incident the rental operator records, on the operator's list.
Nobody reports on someone else's lease."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from silvercare.audit.models import AuditEvent
from silvercare.audit.services import AuditContext
from silvercare.common.errors import DomainError
from silvercare.common.testing import STREET_A, client_for, make_user
from silvercare.rental import services as rental
from silvercare.rental.models import Incident
from silvercare.rental.selectors import incident_list
from silvercare.rental.tests.conftest import make_product

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator(regions: None) -> Any:
    return make_user("rental_operator", STREET_A, "rental_op_a")


@pytest.fixture
def lease(elder: Any, operator: Any) -> Any:
    ctx = AuditContext(actor=operator, via="test")
    point = rental.point_create(
        ctx=ctx,
        name="园岭街道租赁点",
        kind="street",
        region_code=STREET_A,
        operator="园岭康复服务中心",
        address="园岭街道百花二路1号",
    )
    unit = rental.unit_register(ctx=ctx, point=point, product=make_product(), serial="SN-P-0001")
    return rental.lease_open(
        ctx=ctx, elder=elder, unit=unit, starts_on=timezone.localdate(), months=3
    )


def test_elder_reports_a_fault_the_operator_sees(
    elder: Any, elder_account: Any, operator: Any, lease: Any
) -> None:
    client = client_for(elder_account)
    url = f"/portal/elders/{elder.pk}/leases/{lease.pk}/fault/"
    assert url in client.get(f"/portal/elders/{elder.pk}/").content.decode()
    assert client.get(url).status_code == 200
    assert client.post(url, {"description": ""}).status_code == 400
    assert Incident.objects.count() == 0
    assert client.post(url, {"description": "刹车失灵，推不动"}).status_code == 302
    incident = incident_list(actor=operator).get()
    assert (incident.kind, incident.severity) == ("malfunction", "minor")
    assert incident.unit_id == lease.unit_id and incident.elder_id == elder.pk
    assert incident.description == "刹车失灵，推不动"
    assert incident.reported_by == elder_account
    row = AuditEvent.objects.filter(entity_id=f"incident:{incident.pk}").get()
    assert row.params["serial"] == "SN-P-0001"


def test_family_reports_with_consent_and_strangers_cannot(
    elder: Any, other_elder: Any, daughter: Any, son: Any, elder_account: Any, lease: Any
) -> None:
    url = f"/portal/elders/{elder.pk}/leases/{lease.pk}/fault/"
    assert client_for(daughter).post(url, {"description": "轮子松了"}).status_code == 302
    assert client_for(son).post(url, {"description": "x"}).status_code == 404
    # Another elder's URL with this lease, or a made-up lease: 404 alike.
    assert (
        client_for(elder_account)
        .post(f"/portal/elders/{other_elder.pk}/leases/{lease.pk}/fault/", {"description": "x"})
        .status_code
        == 404
    )
    assert (
        client_for(elder_account)
        .get(f"/portal/elders/{elder.pk}/leases/{other_elder.pk}/fault/")
        .status_code
        == 404
    )
    with pytest.raises(DomainError):
        rental.fault_report_by_holder(
            ctx=AuditContext(actor=son), elder=elder, lease=lease, description="x"
        )
    assert Incident.objects.count() == 1


def test_portal_audit_rows_read_in_chinese(elder: Any, elder_account: Any) -> None:
    from django.utils import translation

    from silvercare.audit import vocabulary

    client_for(elder_account).get(f"/portal/elders/{elder.pk}/data.json")
    row = AuditEvent.objects.get(entity_type="portal.download")
    assert row.summary == "The elder downloaded their own data as json"
    opened = AuditEvent.objects.get(entity_type="portal.account", entity_id__isnull=False)
    vocab = vocabulary.vocabulary_for(row.entity_type)
    assert vocab is not None
    with translation.override("zh-hans"):
        text = vocabulary.sentence(vocab, row.message, row.params, str, row.summary)
        assert "老人下载了本人数据" in text and "JSON" in text
        text = vocabulary.sentence(vocab, opened.message, opened.params, str, opened.summary)
        assert "开通了门户账号" in text and "chen_self" in text
