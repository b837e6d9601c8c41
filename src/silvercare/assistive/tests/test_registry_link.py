"""Suppliers are enterprises of the one registry (industry): an enterprise that registers in
the assistive-devices sub-sector lists products without anyone creating a second record, its
registry page shows them, and a supplier that predates the registry is linked, not doubled."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse
from stdnum.cn import uscc

from silvercare.assistive import selectors, services
from silvercare.assistive.models import Enterprise
from silvercare.assistive.tests.conftest import ctx, values
from silvercare.common.testing import STREET_A, client_for, make_user
from silvercare.industry import services as industry

pytestmark = pytest.mark.django_db


def code(n: int) -> str:
    body = f"91440304MA5DT{n:04d}"
    return body + uscc.calc_check_digit(body)


def register(user: Any, n: int, name: str, sectors: list[str], on_commit: Any) -> Any:
    with on_commit(execute=True):
        return industry.enterprise_register(
            ctx=ctx(user),
            credit_code=code(n),
            name=name,
            region_code=STREET_A,
            category_code="10",
            sectors=sectors,
        )


def test_an_enterprise_registers_and_lists_its_products(
    vendor: Any, curator: Any, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    registered = register(
        vendor, 1, "深圳安步康复科技有限公司", ["assistive"], django_capture_on_commit_callbacks
    )
    [supplier] = selectors.enterprises_of(vendor)
    assert (supplier.registry_id, supplier.name, supplier.credit_code) == (
        registered.pk,
        "深圳安步康复科技有限公司",
        registered.credit_code,
    )
    product = services.product_save(ctx=ctx(vendor), enterprise=supplier, values=values())
    assert product.enterprise == supplier

    # Its draft shows on its registry page for its own people, not for another enterprise.
    other = make_user("enterprise", "440304000000", "other_vendor")
    assert list(selectors.products_of_registry_enterprise(vendor, registered.pk)) == [product]
    assert not selectors.products_of_registry_enterprise(other, registered.pk).exists()
    page = client_for(vendor).get(reverse("industry:enterprise", args=[registered.pk]))
    assert page.status_code == 200 and "KF-W100" in page.content.decode()

    # The registry is where the name changes; the supplier follows.
    with django_capture_on_commit_callbacks(execute=True):
        industry.enterprise_update(
            ctx=ctx(vendor),
            enterprise=registered,
            name="广东安步康复科技有限公司",
            region_code=STREET_A,
            category_code="10",
            sectors=["assistive"],
        )
    supplier.refresh_from_db()
    assert supplier.name == "广东安步康复科技有限公司"
    assert Enterprise.objects.count() == 1


def test_only_the_assistive_sub_sector_gets_a_supplier_profile(
    curator: Any, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    canteen_firm = register(
        curator, 2, "深圳乐餐餐饮管理有限公司", ["food"], django_capture_on_commit_callbacks
    )
    assert not Enterprise.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        industry.enterprise_update(
            ctx=ctx(curator),
            enterprise=canteen_firm,
            name=canteen_firm.name,
            region_code=STREET_A,
            sectors=["food", "assistive"],
        )
    assert Enterprise.objects.get().registry_id == canteen_firm.pk


def test_a_supplier_older_than_the_registry_is_linked_by_its_credit_code(
    vendor: Any, curator: Any, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    older = Enterprise.objects.create(name="康扶医疗", credit_code=code(3), licence="粤械 2020")
    registered = register(
        curator, 3, "深圳康扶医疗器械有限公司", ["assistive"], django_capture_on_commit_callbacks
    )
    older.refresh_from_db()
    assert (older.registry_id, older.name, older.licence) == (
        registered.pk,
        "深圳康扶医疗器械有限公司",
        "粤械 2020",
    )
    assert Enterprise.objects.count() == 1
    # A member of the registry enterprise now acts for the supplier.
    assert not services.is_member(vendor, older)
    industry.enterprise_member_add(ctx=ctx(curator), enterprise=registered, user=vendor)
    assert services.is_member(vendor, older)


def test_a_name_another_supplier_holds_is_told_apart_by_the_credit_code(
    curator: Any, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    Enterprise.objects.create(name="福乐适老用品有限公司", credit_code=code(4))
    registered = register(
        curator, 5, "福乐适老用品有限公司", ["assistive"], django_capture_on_commit_callbacks
    )
    profile = Enterprise.objects.get(registry_id=registered.pk)
    assert profile.name == f"福乐适老用品有限公司（{registered.credit_code}）"
    assert Enterprise.objects.count() == 2
