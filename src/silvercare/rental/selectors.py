"""Every read of the rental capability, scoped to the actor (``visible_to``); out of scope
is the same ``NotFound`` as missing."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from silvercare.accounts.roles import Perm
from silvercare.common.errors import NotFound
from silvercare.rental.choices import LeaseStatus, PointKind, UnitState
from silvercare.rental.models import (
    Incident,
    Lease,
    Recall,
    RecallOrder,
    RentalPoint,
    RepairRecord,
    Unit,
    WaitlistEntry,
)


def _int_pk(value: Any) -> int:
    if isinstance(value, bool) or not str(value).isdecimal():
        raise NotFound()
    pk = int(str(value))
    if not 1 <= pk < 2**62:
        raise NotFound()
    return pk


def _uuid_pk(value: Any) -> Any:
    import uuid

    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise NotFound() from None


def point_list(*, actor: Any, perm: str = Perm.RENTAL_VIEW) -> QuerySet[RentalPoint]:
    available = Count("units", filter=Q(units__state=UnitState.AVAILABLE))
    return (
        RentalPoint.objects.visible_to(actor, perm)
        .select_related("region")
        .annotate(available=available, stock=Count("units"))
        .order_by("region_id", "name")
    )


def point_get_for(*, actor: Any, point_id: Any, perm: str = Perm.RENTAL_VIEW) -> RentalPoint:
    found = point_list(actor=actor, perm=perm).filter(pk=_int_pk(point_id)).first()
    if found is None:
        raise NotFound()
    return found


def point_positions(*, prefix: str) -> list[dict[str, Any]]:
    """Plain data for maps: the open rental points (warehouses left out: nobody visits
    them) with a position in the areas whose codes start with ``prefix`` — name, lat, lon;
    no operator or phone. Not scoped to an actor: the caller has checked the area (the
    indicators map). One query."""
    rows = (
        RentalPoint.objects.filter(
            region__code__startswith=prefix,
            active=True,
            latitude__isnull=False,
            longitude__isnull=False,
        )
        .exclude(kind=PointKind.WAREHOUSE)
        .order_by("region_id", "name", "pk")
        .values_list("name", "latitude", "longitude")
    )
    return [{"name": n, "lat": lat, "lon": lon} for n, lat, lon in rows]


def point_stock(point: RentalPoint) -> list[dict[str, Any]]:
    """Units per product and state at the point."""
    rows = (
        Unit.objects.filter(point=point)
        .values("product_id", "product__brand", "product__model", "state")
        .annotate(n=Count("id"))
        .order_by("product__brand", "product__model", "state")
    )
    out: dict[Any, dict[str, Any]] = {}
    for row in rows:
        entry = out.setdefault(
            row["product_id"],
            {"product": f"{row['product__brand']} {row['product__model']}", "states": {}},
        )
        entry["states"][row["state"]] = row["n"]
    return list(out.values())


def _distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    r = 6_371_000.0
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * r * math.asin(math.sqrt(a))


def points_nearest(*, actor: Any, elder: Any, product_id: Any) -> list[dict[str, Any]]:
    """Rental points the actor operates with a unit of the product that may go out now,
    nearest to the elder first (the elder's position as the actor may see it)."""
    from silvercare.elders.selectors import elder_position_for

    where = elder_position_for(actor, elder)
    free = Q(
        units__product_id=product_id,
        units__state=UnitState.AVAILABLE,
        units__needs_cleaning=False,
        units__recall_hold=False,
        units__reserved_for__isnull=True,
    )
    points = (
        RentalPoint.objects.visible_to(actor, Perm.RENTAL_OPERATE)
        .filter(active=True)
        .annotate(free=Count("units", filter=free))
        .filter(free__gt=0)
    )
    out = []
    for point in points:
        distance = (
            _distance_m(where[0], where[1], point.latitude, point.longitude)
            if where is not None and point.latitude is not None and point.longitude is not None
            else None
        )
        out.append({"point": point, "free": point.free, "distance_m": distance})
    return sorted(
        out, key=lambda r: (r["distance_m"] is None, r["distance_m"] or 0, r["point"].name)
    )


def unit_list(
    *,
    actor: Any,
    state: str = "",
    point_id: Any = None,
    product_id: Any = None,
    serial: str = "",
) -> QuerySet[Unit]:
    qs = Unit.objects.visible_to(actor, Perm.RENTAL_VIEW).select_related(
        "product", "point", "holder"
    )
    if state:
        qs = qs.filter(state=state)
    if point_id:
        qs = qs.filter(point_id=point_id)
    if product_id:
        qs = qs.filter(product_id=product_id)
    if serial:
        qs = qs.filter(serial__icontains=serial)
    return qs.order_by("point_id", "product_id", "serial")


def unit_get_for(*, actor: Any, unit_id: Any, perm: str = Perm.RENTAL_VIEW) -> Unit:
    found = (
        Unit.objects.visible_to(actor, perm)
        .select_related("product__device_type", "point", "holder", "region")
        .filter(pk=_int_pk(unit_id))
        .first()
    )
    if found is None:
        raise NotFound()
    return found


def unit_history(unit: Unit) -> list[Any]:
    return list(unit.events.order_by("-at", "-id"))


def unit_open_repair(unit: Unit) -> RepairRecord | None:
    return RepairRecord.objects.filter(unit=unit, outcome="open").first()


def lease_list(
    *, actor: Any, status: str = "", overdue: bool = False, elder_id: Any = None
) -> QuerySet[Lease]:
    qs = Lease.objects.visible_to(actor, Perm.RENTAL_VIEW).select_related(
        "elder", "unit__product", "point"
    )
    if status:
        qs = qs.filter(status=status)
    if overdue:
        qs = qs.filter(status=LeaseStatus.ACTIVE, planned_end_on__lt=timezone.localdate())
    if elder_id is not None:
        qs = qs.filter(elder_id=elder_id)
    return qs.order_by("planned_end_on", "id") if overdue else qs.order_by("-starts_on", "id")


def lease_get_for(*, actor: Any, lease_id: Any, perm: str = Perm.RENTAL_VIEW) -> Lease:
    found = (
        Lease.objects.visible_to(actor, perm)
        .select_related("elder", "unit__product__device_type", "point")
        .filter(pk=_uuid_pk(lease_id))
        .first()
    )
    if found is None:
        raise NotFound()
    return found


def leases_of_elder(*, actor: Any, elder: Any) -> list[Lease]:
    """The elder's active leases the actor may see (the elder page's panel)."""
    return list(
        Lease.objects.visible_to(actor, Perm.RENTAL_VIEW)
        .filter(elder=elder, status=LeaseStatus.ACTIVE)
        .select_related("unit__product", "point")
        .order_by("planned_end_on")
    )


def overdue_count(*, actor: Any, on: dt.date | None = None) -> int:
    return (
        Lease.objects.visible_to(actor, Perm.RENTAL_VIEW)
        .filter(status=LeaseStatus.ACTIVE, planned_end_on__lt=on or timezone.localdate())
        .count()
    )


def recall_list(*, actor: Any) -> QuerySet[Recall]:
    return (
        Recall.objects.visible_to(actor, Perm.RENTAL_VIEW)
        .select_related("product", "region")
        .annotate(
            orders_total=Count("orders"),
            orders_open=Count(
                "orders", filter=Q(orders__status__in=["open", "notified", "unreachable"])
            ),
        )
        .order_by("-issued_on", "-id")
    )


def recall_get_for(*, actor: Any, recall_id: Any) -> Recall:
    found = recall_list(actor=actor).filter(pk=_int_pk(recall_id)).first()
    if found is None:
        raise NotFound()
    return found


def recall_orders(*, actor: Any, recall: Recall, status: str = "") -> QuerySet[RecallOrder]:
    qs = (
        RecallOrder.objects.visible_to(actor, Perm.RENTAL_VIEW)
        .filter(recall=recall)
        .select_related("unit__point", "holder")
    )
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("id")


def recall_affected_rows(*, actor: Any, orders: Any) -> list[dict[str, Any]]:
    """Each order with its unit, holder and the holder's address — masked, as the elders
    app presents it (the full address is revealed on the elder page, audited)."""
    from silvercare.elders.presenters import elder_address_masked

    out = []
    for order in orders:
        holder = order.holder
        out.append(
            {
                "order": order,
                "id": order.pk,
                "unit_id": order.unit_id,
                "serial": order.unit.serial,
                "lot": order.unit.lot,
                "unit_state": order.unit_state,
                "kind": order.kind,
                "status": order.status,
                "point": order.unit.point.name,
                "holder_id": holder.pk if holder else None,
                "holder_name": holder.name if holder else "",
                "address": elder_address_masked(holder) if holder else order.unit.point.address,
                "closed_at": order.closed_at,
            }
        )
    return out


def order_get_for(*, actor: Any, order_id: Any, perm: str = Perm.RENTAL_VIEW) -> RecallOrder:
    found = (
        RecallOrder.objects.visible_to(actor, perm)
        .select_related("recall", "unit", "holder")
        .filter(pk=_int_pk(order_id))
        .first()
    )
    if found is None:
        raise NotFound()
    return found


def incident_list(*, actor: Any) -> QuerySet[Incident]:
    return (
        Incident.objects.visible_to(actor, Perm.RENTAL_VIEW)
        .select_related("unit", "product")
        .order_by("-occurred_on", "-created_at")
    )


def incident_get_for(*, actor: Any, incident_id: Any) -> Incident:
    found = incident_list(actor=actor).filter(pk=_uuid_pk(incident_id)).first()
    if found is None:
        raise NotFound()
    return found


def waitlist_get_for(*, actor: Any, entry_id: Any) -> WaitlistEntry:
    found = (
        WaitlistEntry.objects.visible_to(actor, Perm.RENTAL_VIEW)
        .select_related("elder", "device_type")
        .filter(pk=_uuid_pk(entry_id))
        .first()
    )
    if found is None:
        raise NotFound()
    return found


def waitlist_list(*, actor: Any, status: str = "waiting") -> QuerySet[WaitlistEntry]:
    qs = WaitlistEntry.objects.visible_to(actor, Perm.RENTAL_VIEW).select_related(
        "elder", "device_type", "unit"
    )
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("device_type_id", "created_at")


def products_with_units(*, actor: Any, perm: str = Perm.RENTAL_VIEW) -> list[tuple[Any, str]]:
    """(product id, "brand model") of every product with units in the actor's areas."""
    rows = (
        Unit.objects.visible_to(actor, perm)
        .order_by("product__brand", "product__model")
        .values_list("product_id", "product__brand", "product__model")
        .distinct()
    )
    return [(pk, f"{brand} {model}") for pk, brand, model in rows]


def waiting_types(*, actor: Any) -> list[tuple[Any, str]]:
    """Device types of the rentable products in the actor's stock."""
    rows = (
        Unit.objects.visible_to(actor, Perm.RENTAL_VIEW)
        .order_by("product__device_type__code")
        .values_list("product__device_type__code", "product__device_type__name_zh")
        .distinct()
    )
    return [(code, f"{code} {name}") for code, name in rows]


def leases_held_by(*, elder_id: Any) -> list[Lease]:
    """The elder's active leases with their product and rental point, NOT scoped: for
    callers that have checked the reader's access to this elder another way (the elder and
    family portal)."""
    return list(
        Lease.objects.filter(elder_id=elder_id, status=LeaseStatus.ACTIVE)
        .select_related("unit__product", "point")
        .order_by("planned_end_on", "id")
    )


def lease_held_by(*, elder_id: Any, lease_id: Any) -> Lease:
    """One of the elder's active leases (NOT scoped, see ``leases_held_by``); NotFound for
    a malformed, missing or someone else's lease alike."""
    found = (
        Lease.objects.filter(elder_id=elder_id, status=LeaseStatus.ACTIVE, pk=_uuid_pk(lease_id))
        .select_related("unit__product", "point")
        .first()
    )
    if found is None:
        raise NotFound()
    return found


def lease_facts(*, until: dt.date) -> dict[str, dict[str, int]]:
    """Per area (the lease's: its rental point's): the units on lease at the end of
    ``until`` — started by then and not yet ended — for the indicators."""
    rows = (
        Lease.objects.filter(starts_on__lte=until)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=until))
        .values("region_id")
        .annotate(n=Count("id"))
    )
    return {r["region_id"]: {"on_lease": r["n"]} for r in rows}
