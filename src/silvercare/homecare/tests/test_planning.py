"""Planning a provider's day with the routing solver: skills and valid certificates decide
who may do what (an expired certificate stops matching), every visit left out has its
reason, and a re-plan without a caregiver keeps done and started visits where they are."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from silvercare.audit.services import AuditContext
from silvercare.common.testing import COMMUNITY_A1, client_for, make_elder
from silvercare.homecare import services
from silvercare.homecare.models import CaregiverCertificate, DayPlan, ServiceType, Visit
from silvercare.homecare.reasons import reason_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def day_orders(
    worker: Any, admin: Any, provider: Any, caregivers: list[Any], tomorrow: dt.date
) -> dict[str, Any]:
    """Tomorrow: two baths, two cleanings and an escort nobody is skilled for."""
    made: dict[str, Any] = {}
    spots = [
        (22.551, 114.091),
        (22.553, 114.093),
        (22.556, 114.095),
        (22.549, 114.089),
        (22.552, 114.096),
    ]
    plan = [
        ("bath1", "bathing", 540, 660),
        ("bath2", "bathing", 600, 780),
        ("clean1", "cleaning", 480, 720),
        ("clean2", "cleaning", 780, 960),
        ("escort", "escort", 540, 900),
    ]
    for (key, code, start, end), (lat, lon) in zip(plan, spots, strict=True):
        elder = make_elder(worker, COMMUNITY_A1, name=f"老人{key}", latitude=lat, longitude=lon)
        order = services.order_create(
            ctx=AuditContext(actor=worker),
            elder=elder,
            service_type=ServiceType.objects.get(code=code),
            provider=provider,
            first_date=tomorrow,
            window_start=start,
            window_end=end,
        )
        services.order_accept(ctx=AuditContext(actor=admin), order=order)
        made[key] = order.visits.get()
    return made


def test_one_click_plans_the_day_and_explains_what_is_left_out(
    admin: Any,
    provider: Any,
    caregivers: list[Any],
    day_orders: dict[str, Any],
    tomorrow: dt.date,
) -> None:
    li, _wang = caregivers
    client = client_for(admin)
    response = client.post(f"/care/providers/{provider.pk}/plan/", {"date": tomorrow.isoformat()})
    assert response.status_code == 302
    plan = DayPlan.objects.get()
    visits = {k: Visit.objects.get(pk=v.pk) for k, v in day_orders.items()}
    # Baths need the bathing skill and a valid caregiver certificate: only 李梅 has both.
    assert visits["bath1"].caregiver == li and visits["bath2"].caregiver == li
    assert {visits["clean1"].status, visits["clean2"].status} == {"scheduled"}
    assert visits["escort"].caregiver is None
    assert "escort" in visits["escort"].unassigned_reason
    for v in visits.values():
        if v.caregiver:
            assert v.window_start <= v.planned_arrival <= v.window_end
    page = client.get(response["Location"]).content.decode()
    assert 'id="route-chart"' in page and "route-map" in page
    # The reason, in the reader's language, under the visits not placed.
    assert reason_text(visits["escort"].unassigned_reason) in page
    assert plan.unassigned == [
        {"visit": str(visits["escort"].pk), "reason": visits["escort"].unassigned_reason}
    ]


def test_an_expired_certificate_stops_matching(
    admin: Any,
    provider: Any,
    caregivers: list[Any],
    day_orders: dict[str, Any],
    tomorrow: dt.date,
) -> None:
    CaregiverCertificate.objects.filter(caregiver=caregivers[0]).update(
        valid_until=timezone.localdate()
    )  # valid today, expired tomorrow
    services.plan_day(ctx=AuditContext(actor=admin), provider=provider, day=tomorrow, time_limit=1)
    bath = Visit.objects.get(pk=day_orders["bath1"].pk)
    assert bath.caregiver is None
    assert "certificate" in bath.unassigned_reason


def test_replan_without_a_caregiver_keeps_done_and_started_visits(
    worker: Any, admin: Any, provider: Any, caregivers: list[Any], tomorrow: dt.date
) -> None:
    li, wang = caregivers
    today = timezone.localdate()
    cleaning = ServiceType.objects.get(code="cleaning")
    visits = []
    for index, (start, end) in enumerate([(480, 600), (600, 720), (660, 900), (780, 1000)]):
        elder = make_elder(
            worker,
            COMMUNITY_A1,
            name=f"长者{index}",
            latitude=22.551 + index / 1000,
            longitude=114.091,
        )
        order = services.order_create(
            ctx=AuditContext(actor=worker),
            elder=elder,
            service_type=cleaning,
            provider=provider,
            first_date=today,
            window_start=start,
            window_end=end,
        )
        services.order_accept(ctx=AuditContext(actor=admin), order=order)
        visits.append(order.visits.get())
    # The morning as it went: 李梅 finished the first, is on the second.
    Visit.objects.filter(pk=visits[0].pk).update(
        status="completed", caregiver=li, sequence=1, planned_arrival=490
    )
    Visit.objects.filter(pk=visits[1].pk).update(
        status="in_progress", caregiver=li, sequence=2, planned_arrival=610
    )
    Visit.objects.filter(pk__in=[visits[2].pk, visits[3].pk]).update(
        status="scheduled", caregiver=li, planned_arrival=700
    )
    response = client_for(admin).post(
        "/api/v1/care/plans/replan",
        {
            "provider_id": str(provider.pk),
            "date": today.isoformat(),
            "absent_caregiver_id": str(li.pk),
            "from_minute": 640,
            "time_limit": 1,
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["absent_caregiver_id"] == str(li.pk)
    after = {v.pk: Visit.objects.get(pk=v.pk) for v in visits}
    assert (after[visits[0].pk].status, after[visits[0].pk].caregiver) == ("completed", li)
    assert (after[visits[1].pk].status, after[visits[1].pk].caregiver) == ("in_progress", li)
    for moved in visits[2:]:
        assert after[moved.pk].caregiver == wang
        assert after[moved.pk].planned_arrival >= 640


def test_plans_are_for_the_providers_own_admin(
    provider: Any, day_orders: dict[str, Any], worker: Any, tomorrow: dt.date
) -> None:
    response = client_for(worker).post(
        "/api/v1/care/plans",
        {"provider_id": str(provider.pk), "date": tomorrow.isoformat()},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert DayPlan.objects.count() == 0


def test_a_meal_round_carries_no_more_than_the_box_holds(
    worker: Any, admin: Any, provider: Any, caregivers: list[Any], tomorrow: dt.date
) -> None:
    """Three lunch deliveries in the same hour; the caregivers' boxes hold two meals in all,
    so one delivery is left out and says why."""
    li, wang = caregivers
    type(li).objects.filter(pk=li.pk).update(meal_capacity=2)
    type(wang).objects.filter(pk=wang.pk).update(active=False)
    meals = []
    for n, (lat, lon) in enumerate([(22.551, 114.091), (22.552, 114.092), (22.553, 114.093)]):
        elder = make_elder(worker, COMMUNITY_A1, name=f"送餐{n}", latitude=lat, longitude=lon)
        order = services.order_create(
            ctx=AuditContext(actor=worker),
            elder=elder,
            service_type=ServiceType.objects.get(code="meals"),
            provider=provider,
            first_date=tomorrow,
            window_start=690,
            window_end=750,
        )
        services.order_accept(ctx=AuditContext(actor=admin), order=order)
        meals.append(order.visits.get().pk)
    services.plan_day(ctx=AuditContext(actor=admin), provider=provider, day=tomorrow, time_limit=1)
    placed = Visit.objects.filter(pk__in=meals, caregiver=li).count()
    left = Visit.objects.filter(pk__in=meals, caregiver__isnull=True)
    assert (placed, left.count()) == (2, 1)
    assert left.get().unassigned_reason == "full"
    # Without a box limit all three go on the round.
    type(li).objects.filter(pk=li.pk).update(meal_capacity=None)
    services.plan_day(ctx=AuditContext(actor=admin), provider=provider, day=tomorrow, time_limit=1)
    assert Visit.objects.filter(pk__in=meals, caregiver=li).count() == 3
