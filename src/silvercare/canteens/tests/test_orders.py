"""Meal orders through the services: subsidy tiers by category, the own-street share,
capacity, cancellation releasing the reservation, pick-up by card or QR."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from silvercare.audit.services import AuditContext
from silvercare.canteens import error_codes as codes
from silvercare.canteens import selectors, services
from silvercare.canteens.models import Menu
from silvercare.common.errors import DomainError
from silvercare.common.testing import COMMUNITY_B1, id_number
from silvercare.industry.models import Facility

from .conftest import make_menu, new_elder

pytestmark = pytest.mark.django_db


def at(day: dt.date, hour: int, minute: int = 0) -> Any:
    return time_machine.travel(
        dt.datetime.combine(day, dt.time(hour, minute), tzinfo=timezone.get_current_timezone()),
        tick=False,
    )


def place(worker: Any, elder: Any, canteen: Any, day: dt.date, **kw: Any) -> Any:
    return services.meal_order_place(
        ctx=AuditContext(actor=worker, via="test"),
        elder=elder,
        canteen=canteen,
        day=day,
        meal=kw.pop("meal", "lunch"),
        mode=kw.pop("mode", "dine_in"),
        **kw,
    )


def splits(order: Any) -> dict[str, int]:
    out: dict[str, int] = {}
    for line in order.quote.lines.all():
        for part in line.payer_split or []:
            out[part["payer_code"]] = out.get(part["payer_code"], 0) + part["amount_fen"]
    return out


def test_canteen_is_registered_as_a_facility(canteen: Any) -> None:
    facility = Facility.objects.get(pk=canteen.facility_id)
    assert (facility.kind, facility.name, facility.region_id, facility.capacity) == (
        "canteen",
        "园岭长者饭堂",
        canteen.region_id,
        4,
    )


def test_tiers_by_category_give_different_subsidy_and_copay(
    worker: Any, canteen: Any, menu: Any, programmes: Any, day: dt.date
) -> None:
    poor = new_elder(worker, name="特困甲", categories=["econ_difficult"])
    old = new_elder(worker, name="高龄乙")  # born 1945: 80+
    alone = new_elder(
        worker,
        name="独居丙",
        id_number=id_number(dt.date(1956, 5, 1)),
        categories=["living_alone"],
    )
    young = new_elder(worker, name="低龄丁", id_number=id_number(dt.date(1958, 5, 1)))
    got = {e.name: place(worker, e, canteen, day) for e in (poor, old, alone, young)}
    # 15 yuan meal: district tier + 2 yuan own-street top-up.
    assert {n: (o.subsidy_fen, o.copay_fen) for n, o in got.items()} == {
        "特困甲": (1000, 500),
        "高龄乙": (700, 800),
        "独居丙": (500, 1000),
        "低龄丁": (200, 1300),
    }
    # The tier's funding shares by level of government: 60 % district, 40 % street.
    assert splits(got["特困甲"]) == {"ft-finance": 480, "yl-finance": 320 + 200}
    reasons = [r["code"] for line in got["低龄丁"].quote.lines.all() for r in line.reasons]
    assert "elder_share" in reasons


def test_meal_outside_own_street_loses_the_street_share(
    worker: Any,
    officer: Any,
    admin: Any,
    canteen: Any,
    other_canteen: Any,
    programmes: Any,
    day: dt.date,
) -> None:
    make_menu(admin, other_canteen, day)
    elder = new_elder(worker, categories=["econ_difficult"])
    order = place(worker, elder, other_canteen, day)
    assert order.quote.item_code == "meal-other-street"
    assert (order.subsidy_fen, order.copay_fen) == (800, 700)
    assert splits(order) == {"ft-finance": 480, "yl-finance": 320}
    # An elder of street B eats in their own street: street A's top-up is not theirs either.
    b_elder = new_elder(officer, COMMUNITY_B1, categories=["econ_difficult"])
    assert place(admin, b_elder, other_canteen, day).subsidy_fen == 800


def test_capacity_is_never_overbooked(worker: Any, canteen: Any, menu: Any, day: dt.date) -> None:
    elders = [new_elder(worker, name=f"老人{i}") for i in range(5)]
    for elder in elders[:4]:
        place(worker, elder, canteen, day)
    with pytest.raises(DomainError) as full:
        place(worker, elders[4], canteen, day)
    assert full.value.code == codes.FULL
    menu.refresh_from_db()
    assert (menu.booked, menu.orders.count()) == (4, 4)


def test_one_meal_per_elder_per_sitting(
    worker: Any, canteen: Any, menu: Any, elder: Any, day: dt.date
) -> None:
    place(worker, elder, canteen, day)
    with pytest.raises(DomainError) as twice:
        place(worker, elder, canteen, day, mode="pick_up")
    assert twice.value.code == codes.ALREADY_ORDERED
    assert Menu.objects.get(pk=menu.pk).booked == 1


def test_cancel_before_cutoff_releases_the_reservation_and_the_seat(
    worker: Any, canteen: Any, menu: Any, elder: Any, programmes: Any, day: dt.date
) -> None:
    from silvercare.subsidies.models import Reservation

    order = place(worker, elder, canteen, day)
    held = list(Reservation.objects.filter(pk__in=order.reservation_ids))
    assert sorted(r.held_fen for r in held) == [200, 800]
    services.meal_order_cancel(ctx=AuditContext(actor=worker), order=order, reason="住院")
    order.refresh_from_db()
    assert order.status == "cancelled"
    assert {
        (r.status, r.held_fen) for r in Reservation.objects.filter(pk__in=order.reservation_ids)
    } == {("released", 0)}
    assert Menu.objects.get(pk=menu.pk).booked == 0
    # The seat is free again: the elder may order again.
    assert place(worker, elder, canteen, day).status == "placed"


def test_cancel_after_cutoff_is_refused(
    worker: Any, canteen: Any, menu: Any, elder: Any, day: dt.date
) -> None:
    order = place(worker, elder, canteen, day)
    with at(day, 9, 31), pytest.raises(DomainError) as late:
        services.meal_order_cancel(ctx=AuditContext(actor=worker), order=order)
    assert late.value.code == codes.CUTOFF_PASSED
    order.refresh_from_db()
    assert order.status == "placed"


def test_pickup_by_card_and_qr_served_once_wrong_or_reused_refused(
    worker: Any, admin: Any, canteen: Any, menu: Any, programmes: Any, day: dt.date
) -> None:
    from silvercare.subsidies.models import Reservation

    a = new_elder(worker, name="甲", categories=["econ_difficult"])
    b = new_elder(worker, name="乙")
    card = services.meal_card_issue(ctx=AuditContext(actor=worker), elder=a)
    by_card = place(worker, a, canteen, day)
    by_qr = place(worker, b, canteen, day, mode="pick_up")
    token = services.pickup_token(by_qr)
    actx = AuditContext(actor=admin, via="test")
    with at(day, 11, 40):
        for wrong in ("0000000000", token[:-2] + "xx", "not-a-code"):
            with pytest.raises(DomainError) as refused:
                services.meal_serve(ctx=actx, canteen=canteen, code=wrong)
            assert refused.value.code == codes.CODE_UNKNOWN
        served = services.meal_serve(ctx=actx, canteen=canteen, code=card.number)
        assert (served.pk, served.status) == (by_card.pk, "served")
        assert services.meal_serve(ctx=actx, canteen=canteen, code=token).pk == by_qr.pk
        for reused in (card.number, token):
            with pytest.raises(DomainError) as again:
                services.meal_serve(ctx=actx, canteen=canteen, code=reused)
            assert again.value.code == codes.ALREADY_SERVED
            assert "11:40" in str(again.value.message)
    # The indicators count the two meals served that day in the elders' community.
    served_facts = selectors.meal_facts(start=day, end=day + dt.timedelta(days=1))
    assert served_facts[a.region_id] == {"served": 2}
    next_day = day + dt.timedelta(days=1)
    assert selectors.meal_facts(start=next_day, end=next_day + dt.timedelta(days=1)) == {}
    assert {r.status for r in Reservation.objects.filter(pk__in=by_card.reservation_ids)} == {
        "committed"
    }


def test_serving_the_wrong_day_or_canteen_is_refused(
    worker: Any, admin: Any, canteen: Any, other_canteen: Any, menu: Any, elder: Any, day: dt.date
) -> None:
    order = place(worker, elder, canteen, day)
    token = services.pickup_token(order)
    actx = AuditContext(actor=admin)
    with pytest.raises(DomainError) as early:
        services.meal_serve(ctx=actx, canteen=canteen, code=token)
    assert early.value.code == codes.WRONG_DAY
    with at(day, 11, 40), pytest.raises(DomainError) as elsewhere:
        services.meal_serve(ctx=actx, canteen=other_canteen, code=token)
    assert elsewhere.value.code == codes.WRONG_CANTEEN
    order.refresh_from_db()
    assert order.status == "placed"


def test_closed_day_no_menu_and_cutoff_refuse_orders(
    worker: Any, canteen: Any, elder: Any, day: dt.date
) -> None:
    with pytest.raises(DomainError) as no_menu:
        place(worker, elder, canteen, day)
    assert no_menu.value.errors[0].code == codes.NO_MENU
    with pytest.raises(DomainError) as past:
        place(worker, elder, canteen, timezone.localdate() - dt.timedelta(days=1))
    assert past.value.errors[0].code == codes.CUTOFF_PASSED


def test_another_districts_worker_may_not_order(
    other_worker: Any, canteen: Any, menu: Any, elder: Any, day: dt.date
) -> None:
    with pytest.raises(DomainError) as denied:
        place(other_worker, elder, canteen, day)
    assert denied.value.status == 403
    assert Menu.objects.get(pk=menu.pk).booked == 0


def test_family_member_orders_for_a_parent(
    worker: Any, admin: Any, canteen: Any, menu: Any, elder: Any, programmes: Any, day: dt.date
) -> None:
    from silvercare.canteens import selectors
    from silvercare.common.testing import make_user
    from silvercare.elders.services import contact_add

    son = make_user("elder_family", "440304001001", "family_son")
    contact = contact_add(
        ctx=AuditContext(actor=worker),
        elder=elder,
        values={"name": "陈子", "relationship": "child", "phone": "13900139000", "priority": 1},
    )
    contact.account = son
    contact.save()
    order = place(son, elder, canteen, day, mode="delivery")
    assert (order.placed_by, order.quote_id, order.copay_fen) == ("family", None, 1500)
    assert [o.pk for o in selectors.meal_orders_for_elder(actor=son, elder=elder)] == [order.pk]
    assert [c.pk for c, _m in selectors.canteens_near(actor=son, elder=elder)] == [canteen.pk]
    with at(day, 11, 40):
        served = services.meal_serve(
            ctx=AuditContext(actor=admin), canteen=canteen, code=services.pickup_token(order)
        )
    assert (served.subsidy_fen, served.copay_fen) == (1000, 500)
