"""Fixtures of the supervision tests: officers of Futian and Luohu, inspectors employed in
Futian's streets, the district, Luohu and the city, and ten enterprises in street A."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from stdnum.cn import uscc

from silvercare.audit.services import AuditContext
from silvercare.common.testing import STREET_A, STREET_B, make_user

CITY = "440300000000"
FUTIAN = "440304000000"
LUOHU = "440303000000"
SEED = "5eed" * 16
_numbers = itertools.count(1)


def credit_code(region: str = "440304") -> str:
    body = f"91{region}{next(_numbers):09d}"[:17]
    return body + uscc.calc_check_digit(body)


def make_enterprise(actor: Any, name: str, region: str = STREET_A) -> Any:
    from silvercare.industry.services import enterprise_register

    return enterprise_register(
        ctx=AuditContext(actor=actor, via="test"),
        credit_code=credit_code(region[:6]),
        name=name,
        region_code=region,
    )


def make_facility(actor: Any, name: str, kind: str = "rental_point", **values: Any) -> Any:
    from silvercare.industry.services import facility_register

    return facility_register(
        ctx=AuditContext(actor=actor, via="test"),
        kind=kind,
        name=name,
        region_code=values.pop("region_code", STREET_A),
        **values,
    )


@pytest.fixture
def officer(regions: None) -> Any:
    """The Futian district's civil-affairs officer."""
    return make_user("civil_affairs", FUTIAN, "sv_futian")


@pytest.fixture
def luohu_officer(regions: None) -> Any:
    return make_user("civil_affairs", LUOHU, "sv_luohu")


@pytest.fixture
def ctx(officer: Any) -> AuditContext:
    return AuditContext(actor=officer, via="test")


@pytest.fixture
def inspectors(regions: None) -> dict[str, Any]:
    """Inspectors employed in street A, street B, the Futian district, Luohu, and two with a
    city-wide grant (no local employment)."""
    return {
        "street_a": make_user("inspector", STREET_A, "insp_a"),
        "street_b": make_user("inspector", STREET_B, "insp_b"),
        "futian": make_user("inspector", FUTIAN, "insp_futian"),
        "luohu": make_user("inspector", LUOHU, "insp_luohu"),
        "city1": make_user("inspector", CITY, "insp_city1"),
        "city2": make_user("inspector", CITY, "insp_city2"),
    }


@pytest.fixture
def enterprises(officer: Any) -> list[Any]:
    return [make_enterprise(officer, f"园岭养老服务公司{n}") for n in range(1, 11)]


def zh(msgid: str) -> str:
    """What the Chinese UI (the default language) shows for a message."""
    from django.utils import translation

    with translation.override("zh-hans"):
        return translation.gettext(msgid)
