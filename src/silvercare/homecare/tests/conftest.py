"""Fixtures of the home-care tests: a Futian provider serving street A with its admin, two
caregivers, an officer, a bathing subsidy (80 % for economically difficult elders, funded
by the district) and elders of community A1."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from silvercare.audit.services import AuditContext
from silvercare.common.testing import COMMUNITY_A1, STREET_A, make_elder, make_user
from silvercare.homecare import services
from silvercare.homecare.models import ServiceType

FUTIAN = "440304000000"


@pytest.fixture
def officer(regions: None) -> Any:
    return make_user("civil_affairs", FUTIAN, "care_officer")


@pytest.fixture
def provider(officer: Any) -> Any:
    return services.provider_create(
        ctx=AuditContext(actor=officer, via="test"),
        name="福田颐康居家服务中心",
        region_code=FUTIAN,
        served=[STREET_A],
        contract_number="FT-HC-2026-01",
    )


@pytest.fixture
def admin(provider: Any, officer: Any) -> Any:
    user = make_user("care_provider_admin", FUTIAN, "care_admin")
    services.provider_staff_link(ctx=AuditContext(actor=officer), provider=provider, user=user)
    return user


@pytest.fixture
def actx(admin: Any) -> AuditContext:
    return AuditContext(actor=admin, via="test")


@pytest.fixture
def caregiver_user(regions: None) -> Any:
    return make_user("caregiver", STREET_A, "carer_li")


@pytest.fixture
def caregivers(provider: Any, actx: AuditContext, caregiver_user: Any) -> list[Any]:
    li = services.caregiver_create(
        ctx=actx,
        provider=provider,
        name="李梅",
        region_code=STREET_A,
        home_lat=22.552,
        home_lon=114.092,
        skills=["bathing", "personal_care", "cleaning"],
        shift_start=480,
        shift_end=1020,
        break_start=720,
        break_minutes=30,
        user=caregiver_user,
    )
    services.certificate_add(
        ctx=actx,
        caregiver=li,
        kind="caregiver",
        number="YL-2024-001",
        valid_until=timezone.localdate() + dt.timedelta(days=365),
    )
    wang = services.caregiver_create(
        ctx=actx,
        provider=provider,
        name="王芳",
        region_code=STREET_A,
        home_lat=22.555,
        home_lon=114.094,
        skills=["bathing", "cleaning"],
    )
    return [li, wang]


@pytest.fixture
def bathing(regions: None) -> ServiceType:
    return ServiceType.objects.get(code="bathing")


@pytest.fixture
def elder(worker: Any) -> Any:
    return make_elder(
        worker,
        COMMUNITY_A1,
        name="陈阿婆",
        categories=["econ_difficult"],
        latitude=22.551,
        longitude=114.091,
    )


@pytest.fixture
def subsidy(officer: Any) -> Any:
    """80 % of a bath for economically difficult elders, district finance, 1,000 yuan."""
    from silvercare.subsidies import services as subsidies

    ctx = AuditContext(actor=officer)
    subsidies.payer_create(
        ctx=ctx, code="ft-finance", name="福田区财政", kind="district_finance", region_code=FUTIAN
    )
    programme = subsidies.programme_create(
        ctx=ctx,
        code="ft-homecare",
        name="福田居家服务补贴",
        region_code=FUTIAN,
        version=subsidies.VersionValues(
            valid_from=dt.date(2020, 1, 1),
            eligibility_rule='"econ_difficult" in categories',
            item_kinds=["service"],
            item_codes=["bathing", "cleaning"],
            amount_rule={"type": "percentage", "percent_bp": 8000, "per": "visit"},
            shares=[("ft-finance", 10000)],
        ),
    )
    subsidies.version_publish(ctx=ctx, version=programme.versions.get())
    subsidies.budget_save(
        ctx=ctx,
        programme=programme,
        year=timezone.localdate().year,
        region_code=FUTIAN,
        amount_fen=100_000,
    )
    return programme


@pytest.fixture
def tomorrow() -> dt.date:
    return timezone.localdate() + dt.timedelta(days=1)
