"""How canteen records are shown: the API shapes and the pick-up QR code."""

from __future__ import annotations

from typing import Any

import segno
from django.utils.translation import gettext as _

from silvercare.canteens.choices import DishTag
from silvercare.canteens.models import Canteen, Dish, MealOrder, Menu
from silvercare.canteens.services import pickup_token


def qr_svg(order: MealOrder) -> str:
    """The order's pick-up token as an inline SVG QR code (segno; no external requests)."""
    code = segno.make(pickup_token(order), error="m")
    return str(code.svg_inline(scale=4, title=_("Pick-up code"), border=2))


def tag_labels(tags: list[str]) -> list[str]:
    return [str(DishTag(t).label) for t in tags if t in DishTag.values]


def present_canteen(canteen: Canteen) -> dict[str, Any]:
    return {
        "id": canteen.pk,
        "name": canteen.name,
        "region_code": canteen.region_id,
        "address": canteen.address,
        "latitude": canteen.latitude,
        "longitude": canteen.longitude,
        "capacity": canteen.capacity,
        "operator": canteen.operator_label,
        "provider_id": canteen.provider_id,
        "open_days": canteen.open_days,
        "meals": canteen.meals,
        "cutoff_min": canteen.cutoff_min,
        "facility_id": canteen.facility_id,
        "active": canteen.active,
    }


def present_dish(dish: Dish) -> dict[str, Any]:
    return {"id": dish.pk, "name": dish.name, "tags": dish.tags}


def present_menu(menu: Menu) -> dict[str, Any]:
    return {
        "id": menu.pk,
        "canteen_id": menu.canteen_id,
        "day": menu.day,
        "meal": menu.meal,
        "price_fen": menu.price_fen,
        "capacity": menu.capacity,
        "booked": menu.booked,
        "note": menu.note,
        "dishes": [present_dish(d) for d in menu.dishes.all()],
    }


def present_order(order: MealOrder) -> dict[str, Any]:
    return {
        "id": order.pk,
        "elder_id": order.elder_id,
        "canteen_id": order.canteen_id,
        "canteen": order.canteen.name,
        "day": order.day,
        "meal": order.meal,
        "mode": order.mode,
        "status": order.status,
        "price_fen": order.price_fen,
        "subsidy_fen": order.subsidy_fen,
        "copay_fen": order.copay_fen,
        "quote_id": order.quote_id,
        "placed_by": order.placed_by,
        "served_at": order.served_at,
        "cancelled_at": order.cancelled_at,
        "note": order.note,
    }
