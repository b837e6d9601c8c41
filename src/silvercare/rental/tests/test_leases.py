"""Leases: the subsidy split (the elder pays only their share), the fitting gate, the
cleaning gate, monthly statements, extension, early return, buy-out, one lease per unit."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from silvercare.common.errors import DomainError
from silvercare.rental import selectors, services
from silvercare.rental.models import Lease, LeaseMonth, UnitEvent
from silvercare.rental.tests.conftest import make_product, record_fitting


def _reservations(lease: Lease) -> list[Any]:
    from silvercare.subsidies.models import Reservation

    return list(
        Reservation.objects.filter(pk__in=[x["reservation_id"] for x in lease.subsidy_lines])
    )


def test_lease_splits_the_rent_and_the_elder_pays_only_their_share(
    ctx: Any, make_unit: Any, elder: Any, rental_subsidy: Any
) -> None:
    unit = make_unit()
    today = timezone.localdate()
    lease = services.lease_open(ctx=ctx, elder=elder, unit=unit, starts_on=today, months=3)
    # 50 yuan a month: the subsidy pays 80 % (40 yuan), the elder 10 yuan.
    assert (lease.monthly_price_fen, lease.elder_monthly_fen) == (5000, 1000)
    (reservation,) = _reservations(lease)
    assert reservation.amount_fen == 4000 * 3
    assert reservation.item_ref == f"lease:{lease.pk}"
    unit.refresh_from_db()
    assert (unit.state, unit.location, unit.holder_id) == ("leased", "home", elder.pk)
    moves = list(UnitEvent.objects.filter(unit=unit).values_list("from_state", "to_state"))
    assert moves[-2:] == [("available", "reserved"), ("reserved", "leased")]


def test_statements_bill_each_month_once_and_stop_on_early_return(
    ctx: Any, make_unit: Any, elder: Any, rental_subsidy: Any
) -> None:
    unit = make_unit()
    start = dt.date(2026, 3, 10)
    with time_machine.travel(dt.datetime(2026, 3, 10, 9, tzinfo=dt.UTC), tick=False):
        lease = services.lease_open(ctx=ctx, elder=elder, unit=unit, starts_on=start, months=6)
    with time_machine.travel(dt.datetime(2026, 4, 20, 9, tzinfo=dt.UTC), tick=False):
        first = services.lease_bill_month(ctx=ctx, lease=lease, day=dt.date(2026, 3, 15))
        assert (first.month, first.elder_fen, first.subsidy_fen) == (start, 1000, 4000)
        with pytest.raises(DomainError) as again:
            services.lease_bill_month(ctx=ctx, lease=lease, day=dt.date(2026, 4, 1))
        assert again.value.code == "month_already_billed"
        # Returned early on 20 April: the second month (from 10 April) is billed, the
        # holds of the other four months go back to the budget.
        returned = services.lease_return(ctx=ctx, lease=lease, on=dt.date(2026, 4, 20))
    assert (returned.status, returned.return_kind) == ("returned", "early")
    # Units on lease, as the indicators count them at the end of a day.
    on_lease = {day: selectors.lease_facts(until=dt.date(2026, 4, day)) for day in (19, 20)}
    assert on_lease == {19: {lease.region_id: {"on_lease": 1}}, 20: {}}
    assert selectors.lease_facts(until=dt.date(2026, 3, 9)) == {}
    months = list(LeaseMonth.objects.filter(lease=lease).values_list("month", flat=True))
    assert months == [start, dt.date(2026, 4, 10)]
    (reservation,) = _reservations(lease)
    assert (reservation.committed_fen, reservation.released_fen) == (8000, 16000)
    assert reservation.status != "reserved"
    with (
        time_machine.travel(dt.datetime(2026, 6, 1, 9, tzinfo=dt.UTC), tick=False),
        pytest.raises(DomainError) as after,
    ):
        services.lease_bill_month(ctx=ctx, lease=lease, day=dt.date(2026, 5, 15))
    assert after.value.code == "month_not_leased"


def test_extension_holds_the_added_months(
    ctx: Any, make_unit: Any, elder: Any, rental_subsidy: Any
) -> None:
    lease = services.lease_open(
        ctx=ctx, elder=elder, unit=make_unit(), starts_on=timezone.localdate(), months=2
    )
    end = lease.planned_end_on
    extended = services.lease_extend(ctx=ctx, lease=lease, months=4)
    assert extended.planned_end_on == services.add_months(end, 4)
    assert sorted(r.amount_fen for r in _reservations(extended)) == [8000, 16000]
    assert len(services.lease_periods(extended)) == 6


def test_buy_out_ends_the_lease_and_retires_the_unit(
    ctx: Any, make_unit: Any, elder: Any, rental_subsidy: Any
) -> None:
    unit = make_unit()
    lease = services.lease_open(
        ctx=ctx, elder=elder, unit=unit, starts_on=timezone.localdate(), months=12
    )
    done = services.lease_buy_out(ctx=ctx, lease=lease, price_fen=30000)
    assert (done.status, done.buyout_price_fen) == ("bought_out", 30000)
    unit.refresh_from_db()
    assert (unit.state, unit.holder_id) == ("retired", elder.pk)
    (reservation,) = _reservations(lease)
    # The month begun is billed; the eleven others go back to the budget.
    assert (reservation.committed_fen, reservation.released_fen) == (4000, 44000)
    assert reservation.status != "reserved"


def test_fitting_gate(ctx: Any, point: Any, make_unit: Any, elder: Any, regions: None) -> None:
    from silvercare.common.testing import make_user

    fitted = make_product(code="12 22 03", requires_fitting=True)
    unit = make_unit(product=fitted)
    today = timezone.localdate()
    with pytest.raises(DomainError) as refused:
        services.lease_open(ctx=ctx, elder=elder, unit=unit, starts_on=today, months=1)
    assert refused.value.code == "fitting_required"
    unit.refresh_from_db()
    assert unit.state == "available"
    assert not Lease.objects.exists()
    record_fitting(elder, fitted, make_user("at_consultant", "440304000000"))
    lease = services.lease_open(ctx=ctx, elder=elder, unit=unit, starts_on=today, months=1)
    assert lease.status == "active"


def test_sale_only_product_is_not_leased(ctx: Any, make_unit: Any, elder: Any) -> None:
    unit = make_unit()
    from silvercare.assistive.models import Product

    Product.objects.filter(pk=unit.product_id).update(rentable=False)
    unit.refresh_from_db()
    with pytest.raises(DomainError) as refused:
        services.lease_open(
            ctx=ctx, elder=elder, unit=unit, starts_on=timezone.localdate(), months=1
        )
    assert refused.value.code == "product_not_rentable"


def test_cleaning_gate(ctx: Any, make_unit: Any, elder: Any, worker: Any) -> None:
    from silvercare.common.testing import make_elder

    unit = make_unit()
    today = timezone.localdate()
    lease = services.lease_open(ctx=ctx, elder=elder, unit=unit, starts_on=today, months=1)
    services.lease_return(ctx=ctx, lease=lease, on=today)
    unit.refresh_from_db()
    assert (unit.state, unit.needs_cleaning) == ("returned", True)
    other = make_elder(worker, name="陈伟")
    # Not leased again, not made available by hand, not even through "being cleaned".
    with pytest.raises(DomainError) as refused:
        services.lease_open(ctx=ctx, elder=other, unit=unit, starts_on=today, months=1)
    assert refused.value.code == "unit_not_available"
    services.unit_transition(ctx=ctx, unit=unit, to_state="cleaning", reason="to the wash room")
    with pytest.raises(DomainError) as refused:
        services.unit_transition(ctx=ctx, unit=unit, to_state="available")
    assert refused.value.code == "cleaning_required"
    record = services.cleaning_record(ctx=ctx, unit=unit, method="wipe", agent="含氯消毒液 500mg/L")
    assert (record.operator_name, record.method) == ("rental_op_a", "wipe")
    unit.refresh_from_db()
    assert (unit.state, unit.needs_cleaning) == ("available", False)
    again = services.lease_open(ctx=ctx, elder=other, unit=unit, starts_on=today, months=1)
    assert again.unit_id == unit.pk


def test_one_active_lease_per_unit(ctx: Any, make_unit: Any, elder: Any, worker: Any) -> None:
    from django.db import IntegrityError, transaction

    from silvercare.common.testing import make_elder

    unit = make_unit()
    today = timezone.localdate()
    lease = services.lease_open(ctx=ctx, elder=elder, unit=unit, starts_on=today, months=1)
    other = make_elder(worker, name="陈伟")
    with pytest.raises(DomainError) as refused:
        services.lease_open(ctx=ctx, elder=other, unit=unit, starts_on=today, months=1)
    assert refused.value.code == "unit_already_leased"
    # The database itself refuses a second active lease of the unit.
    with pytest.raises(IntegrityError), transaction.atomic():
        Lease.objects.create(
            elder=other,
            unit=unit,
            point=lease.point,
            region_id=lease.region_id,
            starts_on=today,
            planned_end_on=today + dt.timedelta(days=30),
            monthly_price_fen=100,
            elder_monthly_fen=100,
        )


def test_issue_from_point_takes_a_free_unit_and_says_when_none_is_left(
    ctx: Any, point: Any, product: Any, make_unit: Any, elder: Any, worker: Any
) -> None:
    from silvercare.common.testing import make_elder

    make_unit()
    today = timezone.localdate()
    lease = services.lease_open(
        ctx=ctx, elder=elder, point=point, product=product, starts_on=today, months=1
    )
    assert lease.unit.point_id == point.pk
    with pytest.raises(DomainError) as refused:
        services.lease_open(
            ctx=ctx,
            elder=make_elder(worker, name="陈伟"),
            point=point,
            product=product,
            starts_on=today,
            months=1,
        )
    assert refused.value.code == "no_unit_available"


def test_waiting_list_allocates_by_priority_and_stores_the_reason(
    ctx: Any, point: Any, product: Any, make_unit: Any, elder: Any, worker: Any
) -> None:
    from silvercare.common.testing import make_elder

    poor = make_elder(worker, name="赵芳", categories=["econ_difficult"])
    with time_machine.travel(timezone.now() - dt.timedelta(days=21)):
        first = services.waitlist_add(ctx=ctx, elder=elder, device_type=product.device_type)
    second = services.waitlist_add(ctx=ctx, elder=poor, device_type=product.device_type)
    with pytest.raises(DomainError) as twice:
        services.waitlist_add(ctx=ctx, elder=poor, device_type=product.device_type)
    assert twice.value.code == "already_waiting"
    with pytest.raises(DomainError) as none:
        services.waitlist_allocate(ctx=ctx, point=point, device_type=product.device_type)
    assert none.value.code == "no_unit_available"
    unit = make_unit()
    # Economic difficulty (15) outweighs three weeks of waiting (3).
    allocated = services.waitlist_allocate(ctx=ctx, point=point, device_type=product.device_type)
    assert allocated.pk == second.pk
    assert allocated.allocation_facts["score"] == 15
    assert "15" in allocated.allocation_reason
    unit.refresh_from_db()
    assert (unit.state, unit.reserved_for_id) == ("reserved", poor.pk)
    with pytest.raises(DomainError) as other:
        services.lease_open(
            ctx=ctx, elder=elder, unit=unit, starts_on=timezone.localdate(), months=1
        )
    assert other.value.code == "unit_reserved_for_another_elder"
    lease = services.lease_open(
        ctx=ctx, elder=poor, unit=unit, starts_on=timezone.localdate(), months=1
    )
    assert lease.status == "active"
    first.refresh_from_db()
    assert first.status == "waiting"
