"""Demo rental data: a rental point in every Futian street with units of the rentable
catalogue products, active leases (subsidies quoted and reserved, one overdue), a returned
unit waiting for cleaning, one in repair, an incident report, a waiting list, and a recall
of one model with its pickup orders and recorded notices. Idempotent."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from silvercare.audit.services import AuditContext
from silvercare.common.errors import DomainError
from silvercare.rental import services
from silvercare.rental.models import RentalPoint

FUTIAN = "440304000000"
UNITS_PER_PRODUCT = 4
PRODUCTS = 6


def seed_demo() -> dict[str, int]:
    """Build the demo rental data once (nothing happens when a rental point exists)."""
    from silvercare.accounts.models import User
    from silvercare.assistive.selectors import fitting_on_file, product_list
    from silvercare.elders.models import Elder
    from silvercare.regions.models import Region

    if RentalPoint.objects.exists():
        return {"points": 0}
    __import__("silvercare.assistive.demo", fromlist=["seed_demo"]).seed_demo()
    users = {
        u.username: u
        for u in User.objects.filter(username__in=["rental_operator", "civil_affairs"])
    }
    products = [p for p in product_list(rentable=True) if p.monthly_rent_fen][:PRODUCTS]
    if len(users) < 2 or not products:
        return {"points": 0}
    ctx = AuditContext(actor=users["rental_operator"], via="command")
    streets = list(Region.objects.filter(code__startswith="440304", level=4).order_by("code")[:4])
    points = [
        services.point_create(
            ctx=ctx,
            name=f"{street.name}辅具租赁点",
            kind="street",
            region_code=street.code,
            operator=f"{street.name}康复辅具服务站",
            address=f"福田区{street.name}党群服务中心一楼",
            phone="0755-8300" + str(1000 + i),
            latitude=street.latitude,
            longitude=street.longitude,
        )
        for i, street in enumerate(streets)
    ]
    units = []
    for p_index, product in enumerate(products):
        for point in points:
            for n in range(UNITS_PER_PRODUCT):
                units.append(
                    services.unit_register(
                        ctx=ctx,
                        point=point,
                        product=product,
                        serial=f"SZ{p_index + 1:02d}-{point.pk:03d}-{n + 1:04d}",
                        lot=f"2025-{(n % 2) + 1:02d}",
                        condition="new",
                        acquired_on=dt.date(2025, 6, 1),
                    )
                )
    today = timezone.localdate()
    leases = 0
    elders_used: list[Any] = []
    for point in points:
        elders = list(
            Elder.objects.filter(
                region__code__startswith=point.region_id[:9], status="active"
            ).order_by("name_sort", "id")[:8]
        )
        for e_index, elder in enumerate(elders[:5]):
            product = products[e_index % len(products)]
            if product.requires_fitting and not fitting_on_file(
                elder_id=elder.pk, product_id=product.pk
            ):
                continue
            starts = today - dt.timedelta(days=31 if e_index == 0 else 3 * e_index)
            try:
                services.lease_open(
                    ctx=ctx,
                    elder=elder,
                    point=point,
                    product=product,
                    starts_on=starts,
                    months=1 if e_index == 0 else 6,
                    deposit_fen=20000,
                )
            except DomainError:
                continue
            leases += 1
            elders_used.append(elder)
        for elder in elders[5:7]:
            try:
                services.waitlist_add(
                    ctx=ctx, elder=elder, device_type=products[0].device_type, note="轮候中"
                )
            except DomainError:
                continue
    # Returned, one waiting for cleaning and one cleaned; one in repair with a report.
    from silvercare.rental.models import Lease

    active = list(Lease.objects.filter(status="active").order_by("created_at")[:3])
    if len(active) >= 3:
        services.lease_return(ctx=ctx, lease=active[1], on=today, condition="fair")
        back = services.lease_return(ctx=ctx, lease=active[2], on=today)
        services.cleaning_record(ctx=ctx, unit=back.unit, method="wipe", agent="含氯消毒液")
        services.incident_report(
            ctx=ctx,
            unit=active[1].unit,
            kind="malfunction",
            severity="minor",
            occurred_on=today,
            description="刹车松动，老人未受伤。",
        )
        services.repair_open(ctx=ctx, unit=active[1].unit, fault="刹车松动")
    # A manufacturer recalls the first lot of the most leased model: pickups at homes and
    # withdrawals from stock.
    recalled = products[0]
    recall = services.recall_create(
        ctx=AuditContext(actor=users["civil_affairs"], via="command"),
        product=recalled,
        region_code=FUTIAN,
        reference="SZ-RECALL-2026-01",
        reason="厂家通报：第一批次折叠锁扣可能松脱，需上门回收检修。",
        lot="2025-01",
    )
    services.recall_notify(
        ctx=AuditContext(actor=users["civil_affairs"], via="command"), recall=recall
    )
    return {"points": len(points), "units": len(units), "leases": leases}
