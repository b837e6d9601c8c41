"""Fixtures of the industry tests: a Futian district officer, a city officer, a Luohu
district officer, an enterprise user and a registered enterprise and institution."""

from __future__ import annotations

from typing import Any

import pytest
from stdnum.cn import uscc

from silvercare.audit.services import AuditContext
from silvercare.common.testing import STREET_A, STREET_LUOHU, make_user
from silvercare.industry import services

CITY = "440300000000"
FUTIAN = "440304000000"
LUOHU = "440303000000"


def credit_code(n: int, region: str = "440304") -> str:
    """A valid unified social credit code numbered ``n``."""
    body = f"91{region}{n:09d}"[:17]
    return body + uscc.calc_check_digit(body)


@pytest.fixture
def city_officer(regions: None) -> Any:
    return make_user("civil_affairs", CITY, "ind_city")


@pytest.fixture
def futian_officer(regions: None) -> Any:
    return make_user("civil_affairs", FUTIAN, "ind_futian")


@pytest.fixture
def luohu_officer(regions: None) -> Any:
    return make_user("civil_affairs", LUOHU, "ind_luohu")


@pytest.fixture
def member(regions: None) -> Any:
    return make_user("enterprise", CITY, "ind_member")


@pytest.fixture
def outsider_member(regions: None) -> Any:
    return make_user("enterprise", CITY, "ind_other_member")


def ctx_of(user: Any) -> AuditContext:
    return AuditContext(actor=user, via="test")


@pytest.fixture
def enterprise(futian_officer: Any, member: Any) -> Any:
    found = services.enterprise_register(
        ctx=ctx_of(futian_officer),
        credit_code=credit_code(1),
        name="银龄康复科技有限公司",
        region_code=STREET_A,
        size_class="small",
        category_code="10",
        sectors=["assistive"],
    )
    services.enterprise_member_add(ctx=ctx_of(futian_officer), enterprise=found, user=member)
    return found


@pytest.fixture
def luohu_enterprise(luohu_officer: Any) -> Any:
    return services.enterprise_register(
        ctx=ctx_of(luohu_officer),
        credit_code=credit_code(2, "440303"),
        name="桂园老年用品商贸公司",
        region_code=STREET_LUOHU,
        category_code="11",
    )


@pytest.fixture
def institution(futian_officer: Any, enterprise: Any) -> Any:
    return services.facility_register(
        ctx=ctx_of(futian_officer),
        kind="institution",
        name="园岭颐养院",
        region_code=STREET_A,
        operator=enterprise,
        beds=120,
        nursing_beds=80,
        medical_care=True,
    )
