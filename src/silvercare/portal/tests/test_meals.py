"""The elder or a family member orders a meal for the elder at a canteen near them (through
the canteens capability); strangers get no meal page."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from silvercare.audit.services import AuditContext
from silvercare.canteens import services as canteens
from silvercare.canteens.selectors import order_list
from silvercare.common.testing import STREET_A, client_for, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def menu(regions: None) -> Any:
    officer = make_user("civil_affairs", "440304000000", "canteen_officer")
    admin = make_user("care_provider_admin", "440304000000", "canteen_admin")
    canteen = canteens.canteen_create(
        ctx=AuditContext(actor=officer, via="test"),
        name="园岭长者饭堂",
        region_code=STREET_A,
        capacity=4,
        address="园岭三街12号",
        operator_name="福田颐康餐饮",
        meals=["lunch", "dinner"],
    )
    ctx = AuditContext(actor=admin, via="test")
    dish = canteens.dish_create(ctx=ctx, canteen=canteen, name="南瓜粥", tags=["soft"])
    return canteens.menu_save(
        ctx=ctx,
        canteen=canteen,
        day=timezone.localdate() + dt.timedelta(days=1),
        meal="lunch",
        price_fen=1500,
        dishes=[dish],
    )


def test_family_orders_a_meal(elder: Any, daughter: Any, worker: Any, menu: Any) -> None:
    client = client_for(daughter)
    url = f"/portal/elders/{elder.pk}/meals/"
    page = client.get(url)
    assert page.status_code == 200
    assert "南瓜粥" in page.content.decode()
    response = client.post(
        url,
        {
            "canteen": str(menu.canteen_id),
            "day": menu.day.isoformat(),
            "meal": "lunch",
            "mode": "delivery",
        },
    )
    assert response.status_code == 302
    orders = list(order_list(actor=worker, elder_id=elder.pk))
    assert len(orders) == 1 and orders[0].mode == "delivery"
    # The same sitting twice: refused with the canteen's reason, nothing more saved.
    again = client.post(
        url,
        {
            "canteen": str(menu.canteen_id),
            "day": menu.day.isoformat(),
            "meal": "lunch",
            "mode": "delivery",
        },
        follow=True,
    )
    assert again.status_code in (200, 409)
    assert len(list(order_list(actor=worker, elder_id=elder.pk))) == 1


def test_no_meal_page_for_others(
    elder: Any, other_elder: Any, daughter: Any, son: Any, menu: Any
) -> None:
    assert client_for(daughter).get(f"/portal/elders/{other_elder.pk}/meals/").status_code == 404
    assert client_for(son).get(f"/portal/elders/{elder.pk}/meals/").status_code == 404


def test_elder_orders_her_own_meal(
    elder: Any, other_elder: Any, elder_account: Any, worker: Any, menu: Any
) -> None:
    client = client_for(elder_account)
    url = f"/portal/elders/{elder.pk}/meals/"
    assert "南瓜粥" in client.get(url).content.decode()
    response = client.post(
        url,
        {
            "canteen": str(menu.canteen_id),
            "day": menu.day.isoformat(),
            "meal": "lunch",
            "mode": "dine_in",
        },
    )
    assert response.status_code == 302
    orders = list(order_list(actor=worker, elder_id=elder.pk))
    assert len(orders) == 1 and orders[0].mode == "dine_in"
    # Her own account acts for nobody else.
    other = f"/portal/elders/{other_elder.pk}/meals/"
    assert client.get(other).status_code == 404
    assert (
        client.post(
            other,
            {
                "canteen": str(menu.canteen_id),
                "day": menu.day.isoformat(),
                "meal": "lunch",
                "mode": "dine_in",
            },
        ).status_code
        == 404
    )
    assert not list(order_list(actor=worker, elder_id=other_elder.pk))
