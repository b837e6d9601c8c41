"""Endpoints under /api/v1/canteens: canteens, dishes and menus, meal orders (place,
cancel), serving at the counter, meal cards and the monthly settlement. Region-scoped
like every read."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import Field

from silvercare.accounts.roles import Perm
from silvercare.accounts.scoping import actor_has_perm
from silvercare.canteens import selectors, services
from silvercare.canteens.models import Canteen
from silvercare.canteens.presenters import (
    present_canteen,
    present_dish,
    present_menu,
    present_order,
)
from silvercare.canteens.schemas import (
    CancelIn,
    CanteenIn,
    CanteenOut,
    CanteenUpdateIn,
    ClaimOut,
    DishIn,
    DishOut,
    MealCardIn,
    MealCardOut,
    MealOrderIn,
    MealOrderOut,
    MenuIn,
    MenuOut,
    ServeIn,
    SettlementIn,
    SettlementOut,
)
from silvercare.canteens.services._base import may_run
from silvercare.common.errors import FieldError, NotFound, ValidationFailed
from silvercare.common.request import audit_ctx

router = Router(tags=["canteens"])


def _unknown(field: str) -> ValidationFailed:
    return ValidationFailed([FieldError(field, "unknown", _("Unknown or not in your area."))])


def _canteen(request: HttpRequest, canteen_id: Any, field: str | None = None) -> Canteen:
    try:
        return selectors.canteen_get_for(actor=request.user, canteen_id=canteen_id)
    except NotFound:
        if field:
            raise _unknown(field) from None
        raise


def _elder(request: HttpRequest, elder_id: Any) -> Any:
    from silvercare.elders.selectors import elder_get_for

    try:
        return elder_get_for(actor=request.user, elder_id=elder_id)
    except NotFound:
        raise _unknown("elder_id") from None


class OrderQuery(Schema):
    elder_id: uuid.UUID | None = None
    canteen_id: uuid.UUID | None = None
    day: dt.date | None = None
    status: str = Field("", pattern="^(|placed|served|cancelled)$")


@router.get("/meal-orders", response=list[MealOrderOut], summary="Meal orders in your area")
def list_orders(request: HttpRequest, query: Query[OrderQuery]) -> list[dict[str, Any]]:
    canteen = _canteen(request, query.canteen_id, "canteen_id") if query.canteen_id else None
    qs = selectors.order_list(
        actor=request.user,
        canteen=canteen,
        day=query.day,
        status=query.status,
        elder_id=query.elder_id,
    )
    return [present_order(o) for o in qs[:500]]


@router.post("/meal-orders", response={201: MealOrderOut}, summary="Order a meal for an elder")
def create_order(request: HttpRequest, payload: MealOrderIn) -> Status[dict[str, Any]]:
    elder = _elder(request, payload.elder_id)
    order = services.meal_order_place(
        ctx=audit_ctx(request, "api"),
        elder=elder,
        canteen=_canteen(request, payload.canteen_id, "canteen_id"),
        day=payload.day,
        meal=payload.meal,
        mode=payload.mode,
        note=payload.note,
    )
    return Status(201, present_order(order))


@router.get("/meal-orders/{meal_order_id}", response=MealOrderOut, summary="One meal order")
def get_order(request: HttpRequest, meal_order_id: uuid.UUID) -> dict[str, Any]:
    return present_order(
        selectors.meal_order_get_for(actor=request.user, meal_order_id=meal_order_id)
    )


@router.post("/meal-orders/{meal_order_id}/cancel", response=MealOrderOut, summary="Cancel a meal")
def cancel_order(
    request: HttpRequest, meal_order_id: uuid.UUID, payload: CancelIn
) -> dict[str, Any]:
    order = selectors.meal_order_get_for(actor=request.user, meal_order_id=meal_order_id)
    return present_order(
        services.meal_order_cancel(
            ctx=audit_ctx(request, "api"), order=order, reason=payload.reason
        )
    )


@router.post("/meal-cards", response={201: MealCardOut}, summary="Issue an elder's meal card")
def issue_card(request: HttpRequest, payload: MealCardIn) -> Status[dict[str, Any]]:
    elder = _elder(request, payload.elder_id)
    card = services.meal_card_issue(ctx=audit_ctx(request, "api"), elder=elder)
    return Status(201, {"elder_id": elder.pk, "number": card.number})


class CanteenQuery(Schema):
    q: str = Field("", max_length=50)
    region: str = Field("", pattern=r"^\d{0,12}$")
    meal: str = Field("", pattern="^(|lunch|dinner)$")


@router.get("/", response=list[CanteenOut], summary="Canteens in your area")
def list_canteens(request: HttpRequest, query: Query[CanteenQuery]) -> list[dict[str, Any]]:
    qs = selectors.canteen_list(actor=request.user, q=query.q, region=query.region, meal=query.meal)
    return [present_canteen(c) for c in qs[:500]]


@router.post("/", response={201: CanteenOut}, summary="Open a canteen")
def create_canteen(request: HttpRequest, payload: CanteenIn) -> Status[dict[str, Any]]:
    data = payload.dict()
    provider = None
    provider_id = data.pop("provider_id")
    if provider_id is not None:
        from silvercare.homecare.selectors import provider_get_for

        try:
            provider = provider_get_for(actor=request.user, provider_id=provider_id)
        except NotFound:
            raise _unknown("provider_id") from None
    canteen = services.canteen_create(ctx=audit_ctx(request, "api"), provider=provider, **data)
    return Status(201, present_canteen(canteen))


@router.get("/{canteen_id}", response=CanteenOut, summary="One canteen")
def get_canteen(request: HttpRequest, canteen_id: uuid.UUID) -> dict[str, Any]:
    return present_canteen(_canteen(request, canteen_id))


@router.put("/{canteen_id}", response=CanteenOut, summary="Change or close a canteen")
def update_canteen(
    request: HttpRequest, canteen_id: uuid.UUID, payload: CanteenUpdateIn
) -> dict[str, Any]:
    canteen = _canteen(request, canteen_id)
    return present_canteen(
        services.canteen_update(ctx=audit_ctx(request, "api"), canteen=canteen, **payload.dict())
    )


@router.get("/{canteen_id}/dishes", response=list[DishOut], summary="The canteen's dishes")
def list_dishes(request: HttpRequest, canteen_id: uuid.UUID) -> list[dict[str, Any]]:
    canteen = _canteen(request, canteen_id)
    return [present_dish(d) for d in selectors.dish_list(canteen=canteen)]


@router.post("/{canteen_id}/dishes", response={201: DishOut}, summary="Add a dish")
def create_dish(
    request: HttpRequest, canteen_id: uuid.UUID, payload: DishIn
) -> Status[dict[str, Any]]:
    canteen = _canteen(request, canteen_id)
    dish = services.dish_create(
        ctx=audit_ctx(request, "api"), canteen=canteen, name=payload.name, tags=payload.tags
    )
    return Status(201, present_dish(dish))


class MenuQuery(Schema):
    start: dt.date | None = Field(None, alias="from")
    days: int = Field(7, ge=1, le=31)


@router.get("/{canteen_id}/menus", response=list[MenuOut], summary="The canteen's menus")
def list_menus(
    request: HttpRequest, canteen_id: uuid.UUID, query: Query[MenuQuery]
) -> list[dict[str, Any]]:
    canteen = _canteen(request, canteen_id)
    start = query.start or timezone.localdate()
    return [
        present_menu(m) for m in selectors.menus_for(canteen=canteen, start=start, days=query.days)
    ]


@router.post("/{canteen_id}/menus", response=MenuOut, summary="Set a sitting's menu")
def save_menu(request: HttpRequest, canteen_id: uuid.UUID, payload: MenuIn) -> dict[str, Any]:
    canteen = _canteen(request, canteen_id)
    wanted = set(payload.dish_ids)
    dishes = [d for d in selectors.dish_list(canteen=canteen) if d.pk in wanted]
    if len(dishes) != len(wanted):
        raise _unknown("dish_ids")
    menu = services.menu_save(
        ctx=audit_ctx(request, "api"),
        canteen=canteen,
        day=payload.day,
        meal=payload.meal,
        price_fen=payload.price_fen,
        dishes=dishes,
        capacity=payload.capacity,
        note=payload.note,
    )
    return present_menu(menu)


class DayQuery(Schema):
    day: dt.date | None = None
    meal: str = Field("", pattern="^(|lunch|dinner)$")


@router.get(
    "/{canteen_id}/orders", response=list[MealOrderOut], summary="The canteen's orders of a day"
)
def day_orders(
    request: HttpRequest, canteen_id: uuid.UUID, query: Query[DayQuery]
) -> list[dict[str, Any]]:
    canteen = _canteen(request, canteen_id)
    qs = selectors.order_list(
        actor=request.user,
        canteen=canteen,
        day=query.day or timezone.localdate(),
        meal=query.meal,
    )
    return [present_order(o) for o in qs[:1000]]


@router.post(
    "/{canteen_id}/serve",
    response=MealOrderOut,
    summary="Serve a meal by meal-card number or QR token",
)
def serve(request: HttpRequest, canteen_id: uuid.UUID, payload: ServeIn) -> dict[str, Any]:
    canteen = _canteen(request, canteen_id)
    order = services.meal_serve(
        ctx=audit_ctx(request, "api"), canteen=canteen, code=payload.code, meal=payload.meal
    )
    return present_order(order)


class MonthQuery(Schema):
    month: dt.date | None = None


@router.get(
    "/{canteen_id}/settlement", response=SettlementOut, summary="A month's served meals and payers"
)
def get_settlement(
    request: HttpRequest, canteen_id: uuid.UUID, query: Query[MonthQuery]
) -> dict[str, Any]:
    canteen = _canteen(request, canteen_id)
    if not (
        may_run(request.user, canteen)
        or actor_has_perm(request.user, Perm.CARE_SUPERVISE, canteen.region_id)
    ):
        raise NotFound()
    month = services.month_first(query.month or timezone.localdate())
    summary = selectors.settlement_summary(actor=request.user, canteen=canteen, month=month)
    return {"canteen_id": canteen.pk, "month": month, **summary}


@router.post(
    "/{canteen_id}/settlement/claims",
    response={201: list[ClaimOut]},
    summary="Prepare the payers' claims of a month",
)
def prepare_claims(
    request: HttpRequest, canteen_id: uuid.UUID, payload: SettlementIn
) -> Status[list[dict[str, Any]]]:
    canteen = _canteen(request, canteen_id)
    claims = services.settlement_claim(
        ctx=audit_ctx(request, "api"), canteen=canteen, month=payload.month
    )
    return Status(
        201,
        [
            {
                "id": c.pk,
                "payer": c.payer.name,
                "month": c.month,
                "total_fen": c.total_fen,
                "status": c.status,
            }
            for c in claims
        ],
    )
