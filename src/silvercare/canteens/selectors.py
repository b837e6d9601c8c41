"""Reads of the elder-canteen capability, region-scoped with ``visible_to``. The portal
calls ``canteens_near``, ``menus_for``, ``meal_orders_for_elder`` and
``meal_order_get_for`` for a family member (they see the canteens near their parent and
their parent's own orders)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.db.models import Prefetch, Q, QuerySet

from silvercare.accounts.roles import Perm
from silvercare.accounts.scoping import actor_has_perm
from silvercare.canteens.choices import OrderStatus
from silvercare.canteens.models import Canteen, Dish, MealCard, MealOrder, Menu
from silvercare.common.selectors import one_visible

if TYPE_CHECKING:
    from silvercare.regions.selectors import BoundingBox


def _is_family(actor: Any, elder: Any) -> bool:
    from silvercare.canteens.services.orders import _is_family as family

    return family(actor, elder)


def canteen_list(
    *,
    actor: Any,
    region: str = "",
    q: str = "",
    meal: str = "",
    active: bool | None = True,
) -> QuerySet[Canteen]:
    qs = Canteen.objects.visible_to(actor, Perm.CARE_VIEW).select_related("region", "provider")
    if region:
        qs = qs.filter(region__code__startswith=region.rstrip("0") or region)
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(address__icontains=q))
    if meal:
        qs = qs.filter(meals__icontains=f'"{meal}"')
    if active is not None:
        qs = qs.filter(active=active)
    return qs


def canteen_get_for(*, actor: Any, canteen_id: Any) -> Canteen:
    return one_visible(canteen_list(actor=actor, active=None), canteen_id)


def canteens_near(*, actor: Any, elder: Any, metres: float = 5000) -> list[tuple[Canteen, float]]:
    """Open canteens near the elder's home (nearest first, with the distance in metres):
    those the actor sees for ``care.view``, or for the elder's family member the canteens
    of the elder's district. Without the elder's position: the canteens of their street,
    distance 0."""
    from silvercare.regions.selectors import haversine_m

    if actor_has_perm(actor, Perm.CARE_VIEW, elder.region_id):
        qs = Canteen.objects.visible_to(actor, Perm.CARE_VIEW)
    elif _is_family(actor, elder):
        qs = Canteen.objects.filter(region__code__startswith=elder.region_id[:6])
    else:
        return []
    rows = list(qs.filter(active=True).select_related("region", "provider"))
    lat, lon = getattr(elder, "latitude", None), getattr(elder, "longitude", None)
    if lat is None or lon is None:
        street = elder.region_id[:9]
        return [(c, 0.0) for c in rows if c.region_id.startswith(street)]
    found = [
        (c, haversine_m(lat, lon, c.latitude, c.longitude))
        for c in rows
        if c.latitude is not None and c.longitude is not None
    ]
    return sorted([f for f in found if f[1] <= metres], key=lambda f: f[1])


def canteen_positions(*, prefix: str, near: BoundingBox | None = None) -> list[dict[str, Any]]:
    """Plain data for maps: the open canteens with a position in the areas whose codes start
    with ``prefix`` or inside the box ``near`` — name, area code, lat, lon; no operator,
    menus or diners. Not scoped to an actor: the caller has checked the area (the
    indicators map). One query."""
    where = Q(region__code__startswith=prefix)
    if near is not None:
        where |= near.q()
    rows = (
        Canteen.objects.filter(where, active=True, latitude__isnull=False, longitude__isnull=False)
        .order_by("region_id", "name", "pk")
        .values_list("name", "region_id", "latitude", "longitude")
    )
    return [{"name": n, "region": r, "lat": lat, "lon": lon} for n, r, lat, lon in rows]


def menus_for(*, canteen: Canteen, start: dt.date, days: int = 7) -> list[Menu]:
    """The canteen's menus from ``start`` for ``days`` days, with their dishes (the
    caller has the canteen from ``canteen_get_for`` or ``canteens_near``)."""
    return list(
        Menu.objects.filter(
            canteen=canteen, day__gte=start, day__lt=start + dt.timedelta(days=days)
        )
        .prefetch_related(Prefetch("dishes", queryset=Dish.objects.order_by("name")))
        .order_by("day", "meal")
    )


def menu_get(*, canteen: Canteen, day: dt.date, meal: str) -> Menu | None:
    return (
        Menu.objects.filter(canteen=canteen, day=day, meal=meal).prefetch_related("dishes").first()
    )


def dish_list(*, canteen: Canteen, active: bool | None = True) -> QuerySet[Dish]:
    qs = Dish.objects.filter(canteen=canteen)
    return qs.filter(active=active) if active is not None else qs


def order_list(
    *,
    actor: Any,
    canteen: Canteen | None = None,
    day: dt.date | None = None,
    meal: str = "",
    status: str = "",
    elder_id: Any = None,
) -> QuerySet[MealOrder]:
    qs = MealOrder.objects.visible_to(actor, Perm.CARE_VIEW).select_related(
        "elder", "canteen", "menu"
    )
    if canteen is not None:
        qs = qs.filter(canteen=canteen)
    if day is not None:
        qs = qs.filter(day=day)
    if meal:
        qs = qs.filter(meal=meal)
    if status:
        qs = qs.filter(status=status)
    if elder_id is not None:
        qs = qs.filter(elder_id=elder_id)
    return qs


def meal_orders_for_elder(*, actor: Any, elder: Any, limit: int = 50) -> list[MealOrder]:
    """The elder's meal orders, newest day first: for staff who see care in the elder's
    area, or for the elder's family member (the portal)."""
    if actor_has_perm(actor, Perm.CARE_VIEW, elder.region_id):
        qs = order_list(actor=actor, elder_id=elder.pk)
    elif _is_family(actor, elder):
        qs = MealOrder.objects.filter(elder=elder).select_related("canteen", "menu")
    else:
        return []
    return list(qs.order_by("-day", "meal", "-created_at")[:limit])


def meal_order_get_for(*, actor: Any, meal_order_id: Any, elder: Any = None) -> MealOrder:
    """One order the actor sees (staff), or — given the family member's ``elder`` — one
    of that elder's orders. NotFound for malformed, missing and out-of-scope alike."""
    if elder is not None and _is_family(actor, elder):
        return one_visible(
            MealOrder.objects.filter(elder=elder).select_related("canteen", "menu", "elder"),
            meal_order_id,
        )
    return one_visible(order_list(actor=actor), meal_order_id)


def meal_card_of(elder: Any) -> MealCard | None:
    return MealCard.objects.filter(elder=elder).first()


def day_counts(orders: list[MealOrder]) -> dict[str, int]:
    return {
        "placed": sum(o.status == OrderStatus.PLACED for o in orders),
        "served": sum(o.status == OrderStatus.SERVED for o in orders),
        "cancelled": sum(o.status == OrderStatus.CANCELLED for o in orders),
    }


def _next_month(first: dt.date) -> dt.date:
    return (first + dt.timedelta(days=32)).replace(day=1)


def settlement_summary(*, actor: Any, canteen: Canteen, month: dt.date) -> dict[str, Any]:
    """The canteen's served meals of the month with their totals, and the subsidy each
    payer owes for them (the quotes' payer splits, as the claims will add them up)."""
    first = month.replace(day=1)
    orders = list(
        order_list(actor=actor, canteen=canteen, status=OrderStatus.SERVED)
        .filter(day__gte=first, day__lt=_next_month(first))
        .prefetch_related("quote__lines")
        .order_by("day", "meal", "served_at")
    )
    payers: dict[str, dict[str, Any]] = {}
    for order in orders:
        if order.quote is None:
            continue
        for line in order.quote.lines.all():
            if line.kind != "pays":
                continue
            for part in line.payer_split or []:
                row = payers.setdefault(
                    str(part["payer_code"]),
                    {"code": part["payer_code"], "name": part["payer_name"], "amount_fen": 0},
                )
                row["amount_fen"] += int(part["amount_fen"])
    return {
        "orders": orders,
        "served": len(orders),
        "price_fen": sum(o.price_fen for o in orders),
        "subsidy_fen": sum(o.subsidy_fen for o in orders),
        "copay_fen": sum(o.copay_fen for o in orders),
        "payers": sorted(payers.values(), key=lambda r: r["code"]),
    }


def meal_facts(*, start: dt.date, end: dt.date) -> dict[str, dict[str, int]]:
    """Per community (the elder's): the meals served in [start, end), for the indicators."""
    from django.db.models import Count

    rows = (
        MealOrder.objects.filter(status=OrderStatus.SERVED, day__gte=start, day__lt=end)
        .values("region_id")
        .annotate(n=Count("id"))
    )
    return {r["region_id"]: {"served": r["n"]} for r in rows}
