"""A care provider is linked to its enterprise in the one registry (industry) by its credit
code: the registry page lists its home-care contracts; a malformed or unregistered code is
refused on its field and nothing is created."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.urls import reverse
from stdnum.cn import uscc

from silvercare.audit.services import AuditContext
from silvercare.common.errors import ValidationFailed
from silvercare.common.testing import STREET_A, client_for
from silvercare.homecare import services
from silvercare.homecare.models import Provider
from silvercare.industry import services as industry

pytestmark = pytest.mark.django_db
FUTIAN = "440304000000"


def code(n: int) -> str:
    body = f"91440304MA5DC{n:04d}"
    return body + uscc.calc_check_digit(body)


def test_a_provider_links_to_its_registry_enterprise(officer: Any) -> None:
    ctx = AuditContext(actor=officer, via="test")
    registered = industry.enterprise_register(
        ctx=ctx, credit_code=code(1), name="福田颐康居家养老服务中心", region_code=STREET_A
    )
    provider = services.provider_create(
        ctx=ctx,
        name="福田颐康居家养老服务中心",
        region_code=FUTIAN,
        contract_number="深民居养〔2026〕001号",
        credit_code=" " + code(1).lower(),  # as typed: spaces and lower case are folded
    )
    assert provider.registry_id == registered.pk
    page = client_for(officer).get(reverse("industry:enterprise", args=[registered.pk]))
    assert "深民居养〔2026〕001号" in page.content.decode()


def test_a_bad_or_unregistered_code_is_refused_on_its_field(officer: Any) -> None:
    ctx = AuditContext(actor=officer, via="test")
    wrong_check = code(2)[:-1] + ("0" if code(2)[-1] != "0" else "1")
    for given, expected in (
        (wrong_check, "credit_code_invalid"),
        (code(3), "registry_enterprise_unknown"),
    ):
        with pytest.raises(ValidationFailed) as refused:
            services.provider_create(
                ctx=ctx, name="某服务社", region_code=FUTIAN, credit_code=given
            )
        [error] = refused.value.errors
        assert (error.field, error.code) == ("credit_code", expected)
    assert not Provider.objects.filter(name="某服务社").exists()

    response = client_for(officer).post(
        "/api/v1/care/providers",
        json.dumps({"name": "某服务社", "region_code": FUTIAN, "credit_code": code(3)}),
        content_type="application/json",
    )
    assert response.status_code in (400, 422)
    assert "credit_code" in response.content.decode()
    assert not Provider.objects.filter(name="某服务社").exists()
