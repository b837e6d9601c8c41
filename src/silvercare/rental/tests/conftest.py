"""Fixtures of the rental tests: a street-A rental operator and point, a walker product,
units, elders; products and fittings are written as the assistive app stores them."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from silvercare.audit.services import AuditContext
from silvercare.common.testing import COMMUNITY_A1, STREET_A, make_elder, make_user
from silvercare.rental import services

FUTIAN = "440304000000"
_serials = itertools.count(1)


def pytest_collection_modifyitems(config: Any, items: list[Any]) -> None:
    """``postgres_only`` tests skip on SQLite (select_for_update is a no-op there)."""
    if connection.vendor == "postgresql":
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL (DATABASE_URL=postgres://…)")
    for item in items:
        if "postgres_only" in item.keywords and "rental" in str(item.fspath):
            item.add_marker(skip)


@pytest.fixture
def operator(regions: None) -> Any:
    return make_user("rental_operator", STREET_A, "rental_op_a")


@pytest.fixture
def officer(regions: None) -> Any:
    return make_user("civil_affairs", FUTIAN, "rental_officer")


@pytest.fixture
def ctx(operator: Any) -> AuditContext:
    return AuditContext(actor=operator, via="test")


def make_product(
    *,
    code: str = "12 06 06",
    requires_fitting: bool = False,
    rentable: bool = True,
    model: str | None = None,
) -> Any:
    from silvercare.assistive.models import DeviceType, Enterprise, Product

    device_type, _ = DeviceType.objects.get_or_create(
        code=code,
        defaults={
            "iso_class": code[:2],
            "iso_subclass": code[3:5],
            "iso_division": code[6:8],
            "level": "division",
            "name_zh": "助行架",
            "name_en": "Walking frames",
        },
    )
    enterprise, _ = Enterprise.objects.get_or_create(name="康复器具有限公司")
    return Product.objects.create(
        enterprise=enterprise,
        brand="稳步",
        model=model or f"W-{next(_serials)}",
        name="四轮助行器",
        device_type=device_type,
        monthly_rent_fen=5000,
        sale_price_fen=60000,
        rentable=rentable,
        requires_fitting=requires_fitting,
        status="listed",
    )


def record_fitting(elder: Any, product: Any, consultant: Any) -> Any:
    from silvercare.assistive.models import Fitting

    return Fitting.objects.create(
        elder=elder,
        region_id=elder.region_id,
        product=product,
        device_type=product.device_type,
        consultant=consultant,
        status="completed",
        fitted_on=timezone.localdate(),
        training_elder="使用方法",
        signed_name="王秀英",
    )


@pytest.fixture
def product(db: None) -> Any:
    return make_product()


@pytest.fixture
def point(ctx: AuditContext) -> Any:
    return services.point_create(
        ctx=ctx,
        name="园岭街道租赁点",
        kind="street",
        region_code=STREET_A,
        operator="园岭康复服务中心",
        address="园岭街道百花二路1号",
        latitude=22.552,
        longitude=114.092,
    )


@pytest.fixture
def make_unit(ctx: AuditContext, point: Any, product: Any) -> Callable[..., Any]:
    def make(serial: str | None = None, **values: Any) -> Any:
        return services.unit_register(
            ctx=ctx,
            point=values.pop("point", point),
            product=values.pop("product", product),
            serial=serial or f"SN{next(_serials):06d}",
            **values,
        )

    return make


@pytest.fixture
def elder(operator: Any, worker: Any) -> Any:
    return make_elder(worker, COMMUNITY_A1, name="李桂兰")


@pytest.fixture
def contact(worker: Any, elder: Any) -> Any:
    from silvercare.elders.services import contact_add

    return contact_add(
        ctx=AuditContext(actor=worker, via="test"),
        elder=elder,
        values={"name": "李小明", "relationship": "child", "phone": "13900139000"},
    )


@pytest.fixture
def rental_subsidy(officer: Any) -> Any:
    """Futian's rental subsidy: 80 % of the month's rent up to 200 yuan, for device
    rentals, split between the district and the street, with a budget for this year."""
    from django.utils import timezone

    from silvercare.subsidies import services as subsidies

    ctx = AuditContext(actor=officer, via="test")
    subsidies.payer_create(
        ctx=ctx, code="ft-fin", name="福田区财政", kind="district_finance", region_code=FUTIAN
    )
    programme = subsidies.programme_create(
        ctx=ctx,
        code="ft-rental",
        name="福田区辅具租赁补贴",
        region_code=FUTIAN,
        version=subsidies.VersionValues(
            valid_from=dt.date(2020, 1, 1),
            item_kinds=["device_rental"],
            amount_rule={"type": "percentage", "percent_bp": 8000, "cap_fen": 20000},
            shares=[("ft-fin", 10000)],
        ),
    )
    subsidies.version_publish(ctx=ctx, version=programme.versions.get())
    subsidies.budget_save(
        ctx=ctx,
        programme=programme,
        year=timezone.localdate().year,
        region_code=FUTIAN,
        amount_fen=10_000_000,
    )
    return programme
