"""Canteens (registered in the city's facility registry), their dishes and menus, and the
elders' meal cards."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from silvercare.accounts.roles import Perm
from silvercare.audit.models import AuditAction
from silvercare.audit.services import AuditContext
from silvercare.canteens import error_codes as codes
from silvercare.canteens.choices import DishTag, Meal
from silvercare.canteens.models import Canteen, Dish, MealCard, Menu
from silvercare.canteens.services._base import (
    audit,
    check_texts,
    field_error,
    require,
    require_run,
)
from silvercare.common.errors import FieldError, NotFound, ValidationFailed

MAX_CAPACITY = 2000
MAX_PRICE_FEN = 100_00


def _int_in(value: Any, low: int, high: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


def _canteen_values(
    *,
    name: str,
    region_code: str,
    capacity: int,
    address: str,
    latitude: float | None,
    longitude: float | None,
    provider: Any,
    operator_name: str,
    open_days: Iterable[int],
    meals: Iterable[str],
    cutoff_min: int,
) -> tuple[list[int], list[str]]:
    """Check a canteen's values (every problem at once); the opening days and meals in
    order."""
    from silvercare.regions.selectors import region_get

    check_texts(
        {"name": name, "address": address, "operator_name": operator_name},
        names=("name", "address", "operator_name"),
    )
    errors: list[FieldError] = []
    if not (name or "").strip():
        errors.append(FieldError("name", codes.REQUIRED, _("Enter the name.")))
    try:
        region = region_get(code=region_code)
    except NotFound:
        region = None
    if region is None or region.level < 4:
        errors.append(
            FieldError("region_code", codes.INVALID, _("Choose a street or a community."))
        )
    if not _int_in(capacity, 1, MAX_CAPACITY):
        errors.append(
            FieldError(
                "capacity",
                codes.INVALID,
                _("Give between 1 and %(max)d meals per sitting.") % {"max": MAX_CAPACITY},
            )
        )
    days = sorted(set(open_days))
    if not days or any(not _int_in(d, 0, 6) for d in days):
        errors.append(FieldError("open_days", codes.INVALID, _("Choose the opening days.")))
    meal_list = [m for m in Meal.values if m in set(meals)]
    if not meal_list or set(meals) - set(Meal.values):
        errors.append(FieldError("meals", codes.INVALID, _("Choose lunch, dinner or both.")))
    if not _int_in(cutoff_min, 0, 24 * 60):
        errors.append(
            FieldError("cutoff_min", codes.INVALID, _("Give the minutes before the sitting."))
        )
    for field, value, low, high in (
        ("latitude", latitude, -90, 90),
        ("longitude", longitude, -180, 180),
    ):
        if value is not None and not low <= float(value) <= high:
            errors.append(FieldError(field, codes.INVALID, _("Out of range.")))
    if provider is None and not operator_name.strip():
        errors.append(
            FieldError("operator_name", codes.REQUIRED, _("Name the provider or the operator."))
        )
    if errors:
        raise ValidationFailed(errors)
    return days, meal_list


def canteen_create(
    *,
    ctx: AuditContext,
    name: str,
    region_code: str,
    capacity: int,
    address: str = "",
    latitude: float | None = None,
    longitude: float | None = None,
    provider: Any = None,
    operator_name: str = "",
    open_days: Iterable[int] = (0, 1, 2, 3, 4, 5, 6),
    meals: Iterable[str] = (Meal.LUNCH,),
    cutoff_min: int = 120,
) -> Canteen:
    """Open a canteen (``care.supervise`` over its area: civil-affairs officers, provider
    admins). Its row in the city's facility registry is created in the same transaction
    through ``industry.services.facility_register``. The operator is a home-care provider
    (``provider``) or an enterprise's name (``operator_name``)."""
    require(ctx, Perm.CARE_SUPERVISE, region_code or "-")
    days, meal_list = _canteen_values(
        name=name,
        region_code=region_code,
        capacity=capacity,
        address=address,
        latitude=latitude,
        longitude=longitude,
        provider=provider,
        operator_name=operator_name,
        open_days=open_days,
        meals=meals,
        cutoff_min=cutoff_min,
    )
    from silvercare.industry.services import facility_register

    with transaction.atomic():
        facility = facility_register(
            ctx=ctx,
            kind="canteen",
            name=name.strip(),
            region_code=region_code,
            address=address.strip(),
            latitude=latitude,
            longitude=longitude,
            capacity=capacity,
            perm=Perm.CARE_SUPERVISE,
        )
        canteen = Canteen.objects.create(
            name=name.strip()[:100],
            region_id=region_code,
            address=address.strip()[:200],
            latitude=latitude,
            longitude=longitude,
            capacity=capacity,
            provider=provider,
            operator_name=operator_name.strip()[:100],
            open_days=days,
            meals=meal_list,
            cutoff_min=cutoff_min,
            facility=facility,
        )
        audit(
            ctx,
            entity="canteen",
            entity_id=canteen.pk,
            region_code=canteen.region_id,
            message=gettext_noop("Canteen %(canteen)s opened, %(capacity)s meals per sitting"),
            params={"canteen": canteen.name, "capacity": capacity},
        )
    return canteen


def canteen_update(
    *,
    ctx: AuditContext,
    canteen: Canteen,
    name: str,
    capacity: int,
    address: str = "",
    latitude: float | None = None,
    longitude: float | None = None,
    operator_name: str = "",
    open_days: Iterable[int] = (0, 1, 2, 3, 4, 5, 6),
    meals: Iterable[str] = (Meal.LUNCH,),
    cutoff_min: int = 120,
    active: bool = True,
) -> Canteen:
    """Change a canteen's details or close it (``active=False``: no new orders); its
    registry row follows through ``industry.services.facility_update``. Menus already set
    keep their capacity."""
    require(ctx, Perm.CARE_SUPERVISE, canteen.region_id)
    days, meal_list = _canteen_values(
        name=name,
        region_code=canteen.region_id,
        capacity=capacity,
        address=address,
        latitude=latitude,
        longitude=longitude,
        provider=canteen.provider,
        operator_name=operator_name,
        open_days=open_days,
        meals=meals,
        cutoff_min=cutoff_min,
    )
    with transaction.atomic():
        locked = Canteen.objects.select_for_update().get(pk=canteen.pk)
        if locked.facility is not None:
            from silvercare.industry.services import facility_update

            facility = locked.facility
            facility_update(
                ctx=ctx,
                facility=facility,
                name=name.strip(),
                region_code=locked.region_id,
                address=address.strip(),
                latitude=latitude,
                longitude=longitude,
                ownership=facility.ownership,
                capacity=capacity,
                opened_on=facility.opened_on,
                active=active,
                perm=Perm.CARE_SUPERVISE,
            )
        locked.name = name.strip()[:100]
        locked.address = address.strip()[:200]
        locked.latitude, locked.longitude = latitude, longitude
        locked.capacity = capacity
        locked.operator_name = operator_name.strip()[:100]
        locked.open_days, locked.meals = days, meal_list
        locked.cutoff_min = cutoff_min
        locked.active = bool(active)
        locked.save()
        audit(
            ctx,
            entity="canteen",
            entity_id=locked.pk,
            region_code=locked.region_id,
            action=AuditAction.UPDATE,
            message=(
                gettext_noop("Canteen %(canteen)s changed, %(capacity)s meals per sitting")
                if active
                else gettext_noop("Canteen %(canteen)s closed")
            ),
            params={"canteen": locked.name, "capacity": capacity},
        )
    return locked


def dish_create(
    *, ctx: AuditContext, canteen: Canteen, name: str, tags: Iterable[str] = ()
) -> Dish:
    """Add a dish to the canteen's list, tagged for diets."""
    require_run(ctx, canteen)
    check_texts({"name": name}, names=("name",))
    tag_list = [t for t in DishTag.values if t in set(tags)]
    if set(tags) - set(DishTag.values):
        raise field_error("tags", codes.INVALID, _("Unknown tag."))
    if not name.strip() or len(name.strip()) > 60:
        raise field_error("name", codes.REQUIRED, _("Enter the dish (at most 60 characters)."))
    try:
        with transaction.atomic():
            dish = Dish.objects.create(canteen=canteen, name=name.strip(), tags=tag_list)
            audit(
                ctx,
                entity="dish",
                entity_id=dish.pk,
                region_code=canteen.region_id,
                message=gettext_noop("Dish %(dish)s added"),
                params={"dish": dish.name, "tags": tag_list},
            )
    except IntegrityError:
        raise field_error("name", codes.INVALID, _("This canteen has this dish already.")) from None
    return dish


def menu_save(
    *,
    ctx: AuditContext,
    canteen: Canteen,
    day: dt.date,
    meal: str,
    price_fen: int,
    dishes: Iterable[Dish],
    capacity: int | None = None,
    note: str = "",
) -> Menu:
    """Set a sitting's menu (create or change): its dishes, the price of the meal and how
    many meals it serves (the canteen's capacity unless given; never fewer than booked)."""
    require_run(ctx, canteen)
    check_texts({"note": note})
    dish_list = list(dishes)
    errors: list[FieldError] = []
    if meal not in canteen.meals:
        errors.append(FieldError("meal", codes.INVALID, _("The canteen does not serve this meal.")))
    if day.weekday() not in canteen.open_days:
        errors.append(FieldError("day", codes.CLOSED, _("The canteen is closed that day.")))
    if not _int_in(price_fen, 0, MAX_PRICE_FEN):
        errors.append(FieldError("price_fen", codes.INVALID, _("Give the price in fen.")))
    if capacity is not None and not _int_in(capacity, 1, MAX_CAPACITY):
        errors.append(FieldError("capacity", codes.INVALID, _("Give the number of meals.")))
    if not dish_list:
        errors.append(FieldError("dishes", codes.REQUIRED, _("Choose at least one dish.")))
    if any(d.canteen_id != canteen.pk for d in dish_list):
        errors.append(FieldError("dishes", codes.INVALID, _("Not a dish of this canteen.")))
    if len(note) > 200:
        errors.append(FieldError("note", codes.INVALID, _("The text is too long.")))
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        menu = Menu.objects.select_for_update().filter(canteen=canteen, day=day, meal=meal).first()
        seats = capacity if capacity is not None else canteen.capacity
        if menu is None:
            menu = Menu.objects.create(
                canteen=canteen,
                day=day,
                meal=meal,
                price_fen=price_fen,
                capacity=seats,
                note=note.strip(),
            )
            action = AuditAction.CREATE
        else:
            if capacity is not None and capacity < menu.booked:
                raise field_error(
                    "capacity",
                    codes.CAPACITY_BELOW_BOOKED,
                    _("%(n)d meals are booked already.") % {"n": menu.booked},
                )
            menu.price_fen = price_fen
            if capacity is not None:
                menu.capacity = capacity
            menu.note = note.strip()
            menu.save()
            action = AuditAction.UPDATE
        menu.dishes.set(dish_list)
        audit(
            ctx,
            entity="menu",
            entity_id=menu.pk,
            region_code=canteen.region_id,
            action=action,
            message=gettext_noop("Menu of %(meal)s on %(day)s: %(price_fen)s, %(dishes)s dishes"),
            params={
                "meal": meal,
                "day": f"{day:%Y-%m-%d}",
                "price_fen": price_fen,
                "dishes": len(dish_list),
            },
        )
    return menu


def meal_card_issue(*, ctx: AuditContext, elder: Any) -> MealCard:
    """Issue the elder's meal card (``care.order`` over the elder's area): a new random
    10-digit number; issuing again replaces the number and the old one stops working."""
    require(ctx, Perm.CARE_ORDER, elder.region_id)
    with transaction.atomic():
        for _attempt in range(5):
            number = "".join(secrets.choice("0123456789") for _i in range(10))
            if not MealCard.objects.filter(number=number).exists():
                break
        card, created = MealCard.objects.update_or_create(elder=elder, defaults={"number": number})
        audit(
            ctx,
            entity="card",
            entity_id=elder.pk,
            region_code=elder.region_id,
            action=AuditAction.CREATE if created else AuditAction.UPDATE,
            message=(
                gettext_noop("Meal card issued") if created else gettext_noop("Meal card replaced")
            ),
        )
    return card
