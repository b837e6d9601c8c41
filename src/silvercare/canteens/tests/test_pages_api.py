"""The canteen pages and API: list, detail with menus, menu editing, ordering from the
elder page, the order with its QR code, serving by card at the counter, problem+json."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from silvercare.audit.services import AuditContext
from silvercare.canteens import services
from silvercare.canteens.models import MealOrder, Menu
from silvercare.common.testing import client_for

from .conftest import new_elder
from .test_orders import at, place

pytestmark = pytest.mark.django_db


def test_pages_show_canteens_menus_and_the_elder_section(
    worker: Any, admin: Any, canteen: Any, menu: Any, elder: Any, programmes: Any, day: dt.date
) -> None:
    client = client_for(worker)
    assert "园岭长者饭堂" in client.get("/canteens/?q=园岭").content.decode()
    assert "园岭长者饭堂" not in client.get("/canteens/?q=南园").content.decode()
    assert (
        "园岭长者饭堂" in client.get("/canteens/?meal=dinner&region=440304001000").content.decode()
    )
    detail = client.get(f"/canteens/{canteen.pk}/").content.decode()
    assert "清蒸鲈鱼" in detail and "0 / 4" in detail
    response = client.post(
        f"/canteens/order/{elder.pk}/",
        {"canteen": str(canteen.pk), "day": day.isoformat(), "meal": "lunch", "mode": "pick_up"},
    )
    order = MealOrder.objects.get(elder=elder)
    assert response.status_code == 302 and response["Location"] == f"/canteens/orders/{order.pk}/"
    page = client.get(f"/canteens/orders/{order.pk}/").content.decode()
    assert "<svg" in page and 'id="elder-pays"' in page
    assert 'id="copay">5' in page  # 15 yuan less 8 + 2 yuan of subsidy
    elder_page = client.get(f"/elders/{elder.pk}/").content.decode()
    assert f"/canteens/orders/{order.pk}/" in elder_page


def test_menu_editing_and_errors_on_the_form(
    admin: Any, worker: Any, canteen: Any, menu: Any, day: dt.date
) -> None:
    client = client_for(admin)
    dish_ids = [str(d.pk) for d in canteen.dishes.all()]
    url = f"/canteens/{canteen.pk}/menu/?day={day.isoformat()}&meal=dinner"
    response = client.post(url, {"dishes": dish_ids[:1], "price": "12.50", "capacity": "4"})
    assert response.status_code == 302
    assert Menu.objects.get(canteen=canteen, day=day, meal="dinner").price_fen == 1250
    place(worker, new_elder(worker), canteen, day)
    lunch = f"/canteens/{canteen.pk}/menu/?day={day.isoformat()}&meal=lunch"
    page = client.post(lunch, {"dishes": dish_ids, "price": "15", "capacity": "0"})
    assert page.status_code == 200 and Menu.objects.get(pk=menu.pk).capacity == 4
    # A worker does not run the canteen: no menu editing.
    assert client_for(worker).get(lunch).status_code == 404


def test_serving_by_card_on_the_day_page(
    worker: Any, admin: Any, canteen: Any, menu: Any, elder: Any, day: dt.date
) -> None:
    card = services.meal_card_issue(ctx=AuditContext(actor=worker), elder=elder)
    order = place(worker, elder, canteen, day)
    with at(day, 11, 50):
        client = client_for(admin)  # signed in at the counter (sessions time out)
        first = client.post(
            f"/canteens/{canteen.pk}/serve/", {"code": card.number, "meal": "lunch"}, follow=True
        ).content.decode()
        again = client.post(
            f"/canteens/{canteen.pk}/serve/", {"code": card.number, "meal": "lunch"}, follow=True
        ).content.decode()
    order.refresh_from_db()
    assert order.status == "served"
    assert "陈阿婆" in first
    assert "11:50" in again


def test_api_orders_serve_and_problems(
    worker: Any, admin: Any, canteen: Any, menu: Any, elder: Any, programmes: Any, day: dt.date
) -> None:
    client = client_for(worker)
    body = {
        "elder_id": str(elder.pk),
        "canteen_id": str(canteen.pk),
        "day": day.isoformat(),
        "meal": "lunch",
        "mode": "dine_in",
    }
    created = client.post("/api/v1/canteens/meal-orders", body, content_type="application/json")
    assert created.status_code == 201, created.content
    assert (created.json()["subsidy_fen"], created.json()["copay_fen"]) == (1000, 500)
    twice = client.post("/api/v1/canteens/meal-orders", body, content_type="application/json")
    assert twice.status_code == 409
    assert twice["Content-Type"].startswith("application/problem+json")
    assert twice.json()["code"] == "already_ordered"
    menus = client.get(f"/api/v1/canteens/{canteen.pk}/menus?from={day.isoformat()}").json()
    assert [(m["meal"], m["booked"]) for m in menus] == [("lunch", 1)]
    order_id = created.json()["id"]
    wrong = client_for(admin).post(
        f"/api/v1/canteens/{canteen.pk}/serve",
        {"code": "1234567890"},
        content_type="application/json",
    )
    assert wrong.status_code == 404 and wrong.json()["code"] == "code_unknown"
    cancelled = client.post(
        f"/api/v1/canteens/meal-orders/{order_id}/cancel",
        {"reason": "家人接走"},
        content_type="application/json",
    )
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"


def test_api_menu_and_canteen_create(officer: Any, admin: Any, canteen: Any, day: dt.date) -> None:
    client = client_for(admin)
    dish = client.post(
        f"/api/v1/canteens/{canteen.pk}/dishes",
        {"name": "清炒菜心", "tags": ["low_salt", "diabetic"]},
        content_type="application/json",
    )
    assert dish.status_code == 201
    saved = client.post(
        f"/api/v1/canteens/{canteen.pk}/menus",
        {
            "day": day.isoformat(),
            "meal": "lunch",
            "price_fen": 1400,
            "dish_ids": [dish.json()["id"]],
        },
        content_type="application/json",
    )
    assert saved.status_code == 200 and saved.json()["capacity"] == 4
    bad = client_for(officer).post(
        "/api/v1/canteens/",
        {
            "name": "新饭堂",
            "region_code": "440304000000",
            "capacity": 10,
            "operator_name": "某公司",
        },
        content_type="application/json",
    )
    assert bad.status_code == 422
    assert [e["field"] for e in bad.json()["errors"]] == ["region_code"]


def test_another_district_sees_none_of_it(
    other_worker: Any, worker: Any, canteen: Any, menu: Any, elder: Any, day: dt.date
) -> None:
    order = place(worker, elder, canteen, day)
    client = client_for(other_worker)
    assert "园岭长者饭堂" not in client.get("/canteens/").content.decode()
    assert client.get(f"/canteens/{canteen.pk}/").status_code == 404
    assert client.get(f"/canteens/orders/{order.pk}/").status_code == 404
    assert client.get("/api/v1/canteens/").json() == []
    assert client.get("/api/v1/canteens/meal-orders").json() == []
    assert client.get(f"/api/v1/canteens/meal-orders/{order.pk}").status_code == 404


def test_changing_and_closing_a_canteen_follows_in_the_registry(
    officer: Any, worker: Any, canteen: Any, menu: Any, elder: Any, day: dt.date
) -> None:
    from silvercare.common.errors import DomainError
    from silvercare.industry.models import Facility

    client = client_for(officer)
    body = {
        "name": "园岭长者饭堂（新址）",
        "capacity": 60,
        "operator_name": "福田颐康餐饮",
        "meals": ["lunch"],
        "active": False,
    }
    changed = client.put(f"/api/v1/canteens/{canteen.pk}", body, content_type="application/json")
    assert changed.status_code == 200, changed.content
    facility = Facility.objects.get(pk=canteen.facility_id)
    assert (facility.name, facility.capacity, facility.active) == (
        "园岭长者饭堂（新址）",
        60,
        False,
    )
    with pytest.raises(DomainError) as closed:
        place(worker, elder, canteen, day)
    assert closed.value.errors[0].code == "canteen_closed"
    denied = client_for(worker).put(
        f"/api/v1/canteens/{canteen.pk}", body, content_type="application/json"
    )
    assert denied.status_code == 403
    page = client.post(
        f"/canteens/{canteen.pk}/edit/",
        {
            "name": "园岭长者饭堂",
            "capacity": "40",
            "operator_name": "福田颐康餐饮",
            "open_days": ["0", "1", "2", "3", "4", "5", "6"],
            "meals": ["lunch", "dinner"],
            "cutoff_min": "120",
            "active": "on",
        },
    )
    assert page.status_code == 302
    canteen.refresh_from_db()
    assert (canteen.active, canteen.capacity, canteen.meals) == (True, 40, ["lunch", "dinner"])
