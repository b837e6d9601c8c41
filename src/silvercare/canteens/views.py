"""Pages of the elder canteens (thin: selectors read, services write): the list, a
canteen with its week of menus and dishes, menu editing, ordering a meal for an elder, an
order with its quote and pick-up QR code, the day's orders with the serving check (phone
width), and the month's settlement with its spreadsheet."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_http_methods, require_POST

from silvercare.accounts.roles import Perm
from silvercare.accounts.scoping import actor_has_perm, actor_prefixes
from silvercare.audit.models import AuditAction
from silvercare.canteens import selectors, services
from silvercare.canteens.choices import Meal, OrderStatus
from silvercare.canteens.forms import (
    CanteenEditForm,
    CanteenForm,
    DishForm,
    MenuForm,
    OrderForm,
    ServeForm,
    fen,
)
from silvercare.canteens.models import Canteen
from silvercare.canteens.presenters import qr_svg, tag_labels
from silvercare.canteens.services._base import audit, may_run
from silvercare.common.errors import DomainError, NotFound
from silvercare.common.forms import apply_errors
from silvercare.common.pagination import paginate, query_without_page
from silvercare.common.request import audit_ctx
from silvercare.common.spreadsheets import Sheet, xlsx_bytes


def _need(request: HttpRequest, perm: str, region_code: str | None = None) -> None:
    if not actor_has_perm(request.user, perm, region_code):
        raise Http404


def _canteen(request: HttpRequest, canteen_id: uuid.UUID) -> Canteen:
    try:
        return selectors.canteen_get_for(actor=request.user, canteen_id=canteen_id)
    except NotFound:
        raise Http404 from None


def _date(value: str | None, default: dt.date) -> dt.date:
    try:
        return dt.date.fromisoformat(value) if value else default
    except ValueError:
        return default


def _meal(value: str | None) -> str:
    return value if value in Meal.values else Meal.LUNCH


def _elder(request: HttpRequest, elder_id: uuid.UUID) -> Any:
    from silvercare.elders.selectors import elder_get_for

    try:
        return elder_get_for(actor=request.user, elder_id=elder_id)
    except NotFound:
        raise Http404 from None


@login_required
def home(request: HttpRequest) -> HttpResponse:
    _need(request, Perm.CARE_VIEW)
    q = request.GET.get("q", "").strip()[:50]
    meal = request.GET.get("meal", "")
    meal = meal if meal in Meal.values else ""
    region = request.GET.get("region", "")
    region = region if region.isascii() and region.isdigit() and len(region) <= 12 else ""
    qs = selectors.canteen_list(actor=request.user, q=q, meal=meal, region=region)
    from silvercare.regions.selectors import regions_under

    return render(
        request,
        "canteens/home.html",
        {
            "page": paginate(request, qs),
            "query": query_without_page(request),
            "q": q,
            "meal": meal,
            "region": region,
            "meals": Meal.choices,
            "streets": regions_under(
                actor_prefixes(request.user, Perm.CARE_VIEW), levels=[4], limit=200
            ),
            "may_open": actor_has_perm(request.user, Perm.CARE_SUPERVISE),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def canteen_new(request: HttpRequest) -> HttpResponse:
    _need(request, Perm.CARE_SUPERVISE)
    from silvercare.regions.selectors import regions_under

    regions = regions_under(
        actor_prefixes(request.user, Perm.CARE_SUPERVISE), levels=[4, 5], limit=500
    )
    form = CanteenForm(
        request.POST or None,
        regions=[
            (r.code, f"{r.parent.name if r.parent else ''} {r.name}".strip()) for r in regions
        ],
        initial={"open_days": ["0", "1", "2", "3", "4"], "meals": ["lunch"], "cutoff_min": 120},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            canteen = services.canteen_create(
                ctx=audit_ctx(request),
                name=data["name"],
                region_code=data["region_code"],
                capacity=data["capacity"],
                address=data["address"] or "",
                latitude=data["latitude"],
                longitude=data["longitude"],
                operator_name=data["operator_name"],
                open_days=[int(d) for d in data["open_days"]],
                meals=data["meals"],
                cutoff_min=data["cutoff_min"],
            )
            messages.success(request, _("The canteen was opened."))
            return redirect("canteens:canteen", canteen_id=canteen.pk)
        except DomainError as exc:
            apply_errors(form, exc)
    return render(request, "canteens/canteen_form.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def canteen_edit(request: HttpRequest, canteen_id: uuid.UUID) -> HttpResponse:
    canteen = _canteen(request, canteen_id)
    _need(request, Perm.CARE_SUPERVISE, canteen.region_id)
    form = CanteenEditForm(
        request.POST or None,
        initial={
            "name": canteen.name,
            "address": canteen.address,
            "latitude": canteen.latitude,
            "longitude": canteen.longitude,
            "capacity": canteen.capacity,
            "operator_name": canteen.operator_label,
            "open_days": [str(d) for d in canteen.open_days],
            "meals": canteen.meals,
            "cutoff_min": canteen.cutoff_min,
            "active": canteen.active,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.canteen_update(
                ctx=audit_ctx(request),
                canteen=canteen,
                name=data["name"],
                capacity=data["capacity"],
                address=data["address"] or "",
                latitude=data["latitude"],
                longitude=data["longitude"],
                operator_name=data["operator_name"],
                open_days=[int(d) for d in data["open_days"]],
                meals=data["meals"],
                cutoff_min=data["cutoff_min"],
                active=data["active"],
            )
            messages.success(request, _("The canteen was saved."))
            return redirect("canteens:canteen", canteen_id=canteen.pk)
        except DomainError as exc:
            apply_errors(form, exc)
    return render(request, "canteens/canteen_form.html", {"form": form, "canteen": canteen})


@login_required
def canteen_detail(request: HttpRequest, canteen_id: uuid.UUID) -> HttpResponse:
    canteen = _canteen(request, canteen_id)
    today = timezone.localdate()
    start = _date(request.GET.get("from"), today)
    menus = {(m.day, m.meal): m for m in selectors.menus_for(canteen=canteen, start=start)}
    week = []
    for offset in range(7):
        day = start + dt.timedelta(days=offset)
        open_day = day.weekday() in canteen.open_days
        week.append(
            {
                "day": day,
                "open": open_day,
                "sittings": [
                    {"meal": meal, "label": Meal(meal).label, "menu": menus.get((day, meal))}
                    for meal in canteen.meals
                ]
                if open_day
                else [],
            }
        )
    dishes = [(d, tag_labels(d.tags)) for d in selectors.dish_list(canteen=canteen)]
    return render(
        request,
        "canteens/canteen.html",
        {
            "canteen": canteen,
            "week": week,
            "start": start,
            "next_week": start + dt.timedelta(days=7),
            "dishes": dishes,
            "dish_form": DishForm(),
            "may_run": may_run(request.user, canteen),
            "may_settle": actor_has_perm(request.user, Perm.CARE_SUPERVISE, canteen.region_id)
            or may_run(request.user, canteen),
            "may_edit": actor_has_perm(request.user, Perm.CARE_SUPERVISE, canteen.region_id),
        },
    )


@login_required
@require_POST
def dish_new(request: HttpRequest, canteen_id: uuid.UUID) -> HttpResponse:
    canteen = _canteen(request, canteen_id)
    form = DishForm(request.POST)
    if form.is_valid():
        try:
            services.dish_create(
                ctx=audit_ctx(request),
                canteen=canteen,
                name=form.cleaned_data["name"],
                tags=form.cleaned_data["tags"],
            )
            messages.success(request, _("The dish was added."))
        except DomainError as exc:
            messages.error(
                request, "; ".join(str(e.message) for e in exc.errors) or str(exc.message)
            )
    else:
        messages.error(request, _("Enter the dish (at most 60 characters)."))
    return redirect(reverse("canteens:canteen", kwargs={"canteen_id": canteen.pk}) + "#dishes")


@login_required
@require_http_methods(["GET", "POST"])
def menu_edit(request: HttpRequest, canteen_id: uuid.UUID) -> HttpResponse:
    canteen = _canteen(request, canteen_id)
    if not may_run(request.user, canteen):
        raise Http404
    day = _date(request.GET.get("day"), timezone.localdate())
    meal = _meal(request.GET.get("meal"))
    menu = selectors.menu_get(canteen=canteen, day=day, meal=meal)
    dishes = list(selectors.dish_list(canteen=canteen))
    choices = [
        (str(d.pk), f"{d.name}" + (f" ({', '.join(tag_labels(d.tags))})" if d.tags else ""))
        for d in dishes
    ]
    initial: dict[str, Any] = {"capacity": canteen.capacity, "price": Decimal("15.00")}
    if menu is not None:
        initial = {
            "dishes": [str(d.pk) for d in menu.dishes.all()],
            "price": Decimal(menu.price_fen) / 100,
            "capacity": menu.capacity,
            "note": menu.note,
        }
    form = MenuForm(request.POST or None, dishes=choices, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.menu_save(
                ctx=audit_ctx(request),
                canteen=canteen,
                day=day,
                meal=meal,
                price_fen=fen(data["price"]),
                dishes=[d for d in dishes if str(d.pk) in set(data["dishes"])],
                capacity=data["capacity"],
                note=data["note"] or "",
            )
            messages.success(request, _("The menu was saved."))
            return redirect(
                reverse("canteens:canteen", kwargs={"canteen_id": canteen.pk})
                + f"?from={day:%Y-%m-%d}"
            )
        except DomainError as exc:
            apply_errors(form, exc)
    return render(
        request,
        "canteens/menu_form.html",
        {"canteen": canteen, "day": day, "meal": Meal(meal).label, "menu": menu, "form": form},
    )


@login_required
@require_http_methods(["GET", "POST"])
def order_new(request: HttpRequest, elder_id: uuid.UUID) -> HttpResponse:
    elder = _elder(request, elder_id)
    _need(request, Perm.CARE_ORDER, elder.region_id)
    near = selectors.canteens_near(actor=request.user, elder=elder, metres=10_000)
    canteens = [c for c, _m in near] or list(selectors.canteen_list(actor=request.user)[:100])
    labels = {c.pk: f"{c.name} · {round(m / 100) / 10} km" for c, m in near if m}
    form = OrderForm(
        request.POST or None,
        canteens=[(str(c.pk), labels.get(c.pk, c.name)) for c in canteens],
        initial={
            "canteen": str(canteens[0].pk) if canteens else "",
            "day": timezone.localdate() + dt.timedelta(days=1),
            "meal": "lunch",
            "mode": "dine_in",
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        canteen = next(c for c in canteens if str(c.pk) == data["canteen"])
        try:
            order = services.meal_order_place(
                ctx=audit_ctx(request),
                elder=elder,
                canteen=canteen,
                day=data["day"],
                meal=data["meal"],
                mode=data["mode"],
                note=data["note"] or "",
            )
            messages.success(request, _("The meal was ordered."))
            return redirect("canteens:order", meal_order_id=order.pk)
        except DomainError as exc:
            apply_errors(form, exc)
    start = form.initial["day"] if not form.is_bound else timezone.localdate()
    menus = []
    for canteen in canteens[:3]:
        menus.append((canteen, selectors.menus_for(canteen=canteen, start=start, days=3)))
    return render(
        request,
        "canteens/order_form.html",
        {"elder": elder, "form": form, "menus": menus, "no_canteen": not canteens},
    )


@login_required
@require_POST
def card_issue(request: HttpRequest, elder_id: uuid.UUID) -> HttpResponse:
    elder = _elder(request, elder_id)
    _need(request, Perm.CARE_ORDER, elder.region_id)
    card = services.meal_card_issue(ctx=audit_ctx(request), elder=elder)
    messages.success(request, _("Meal card %(number)s issued.") % {"number": card.number})
    return redirect(reverse("elders:detail", kwargs={"elder_id": elder.pk}) + "#canteens-panel")


def _order(request: HttpRequest, meal_order_id: uuid.UUID) -> Any:
    try:
        return selectors.meal_order_get_for(actor=request.user, meal_order_id=meal_order_id)
    except NotFound:
        raise Http404 from None


@login_required
def order_detail(request: HttpRequest, meal_order_id: uuid.UUID) -> HttpResponse:
    order = _order(request, meal_order_id)
    quote = None
    if order.quote_id:
        from silvercare.subsidies.selectors import quote_present

        quote = quote_present(order.quote)
    card = selectors.meal_card_of(order.elder)
    return render(
        request,
        "canteens/order.html",
        {
            "order": order,
            "quote": quote,
            "qr": qr_svg(order) if order.status == OrderStatus.PLACED else "",
            "card": card,
            "cutoff": services.cutoff(order.canteen, order.day, order.meal),
            "may_cancel": order.status == OrderStatus.PLACED
            and timezone.now() < services.cutoff(order.canteen, order.day, order.meal)
            and (
                actor_has_perm(request.user, Perm.CARE_ORDER, order.region_id)
                or may_run(request.user, order.canteen)
            ),
        },
    )


@login_required
@require_POST
def order_cancel(request: HttpRequest, meal_order_id: uuid.UUID) -> HttpResponse:
    order = _order(request, meal_order_id)
    reason = request.POST.get("reason", "")[:200]
    try:
        services.meal_order_cancel(ctx=audit_ctx(request), order=order, reason=reason)
        messages.success(request, _("The meal was cancelled."))
    except DomainError as exc:
        messages.error(request, "; ".join(str(e.message) for e in exc.errors) or str(exc.message))
    return redirect("canteens:order", meal_order_id=order.pk)


def _day_url(canteen: Canteen, day: dt.date, meal: str) -> str:
    url = reverse("canteens:day", kwargs={"canteen_id": canteen.pk})
    return f"{url}?day={day:%Y-%m-%d}&meal={meal}"


@login_required
def day_orders(request: HttpRequest, canteen_id: uuid.UUID) -> HttpResponse:
    canteen = _canteen(request, canteen_id)
    day = _date(request.GET.get("day"), timezone.localdate())
    meal = _meal(request.GET.get("meal"))
    orders = list(
        selectors.order_list(actor=request.user, canteen=canteen, day=day, meal=meal).order_by(
            "status", "elder__name_sort", "created_at"
        )
    )
    return render(
        request,
        "canteens/day.html",
        {
            "canteen": canteen,
            "day": day,
            "meal": meal,
            "meals": [(m, Meal(m).label) for m in canteen.meals],
            "orders": orders,
            "counts": selectors.day_counts(orders),
            "menu": selectors.menu_get(canteen=canteen, day=day, meal=meal),
            "form": ServeForm(),
            "may_serve": may_run(request.user, canteen) and day == timezone.localdate(),
            "served": request.GET.get("served", ""),
        },
    )


@login_required
@require_POST
def serve(request: HttpRequest, canteen_id: uuid.UUID) -> HttpResponse:
    canteen = _canteen(request, canteen_id)
    meal = _meal(request.POST.get("meal"))
    today = timezone.localdate()
    form = ServeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter the card number or scan the QR code."))
        return redirect(_day_url(canteen, today, meal))
    try:
        order = services.meal_serve(
            ctx=audit_ctx(request), canteen=canteen, code=form.cleaned_data["code"], meal=meal
        )
    except DomainError as exc:
        messages.error(request, "; ".join(str(e.message) for e in exc.errors) or str(exc.message))
        return redirect(_day_url(canteen, today, meal))
    messages.success(
        request,
        _("Served: %(name)s, %(mode)s. Co-pay %(copay)s yuan.")
        % {
            "name": order.elder.name,
            "mode": order.get_mode_display(),
            "copay": f"{order.copay_fen / 100:.2f}",
        },
    )
    return redirect(_day_url(canteen, today, order.meal))


def _settlement_canteen(request: HttpRequest, canteen_id: uuid.UUID) -> Canteen:
    canteen = _canteen(request, canteen_id)
    if not (
        may_run(request.user, canteen)
        or actor_has_perm(request.user, Perm.CARE_SUPERVISE, canteen.region_id)
    ):
        raise Http404
    return canteen


@login_required
@require_http_methods(["GET", "POST"])
def settlement(request: HttpRequest, canteen_id: uuid.UUID) -> HttpResponse:
    canteen = _settlement_canteen(request, canteen_id)
    month = services.month_first(
        _date(request.GET.get("month") or request.POST.get("month"), timezone.localdate())
    )
    if request.method == "POST":
        try:
            claims = services.settlement_claim(ctx=audit_ctx(request), canteen=canteen, month=month)
            messages.success(request, _("%(n)d claim(s) prepared.") % {"n": len(claims)})
        except DomainError as exc:
            messages.error(request, str(exc.message))
        url = reverse("canteens:settlement", kwargs={"canteen_id": canteen.pk})
        return redirect(f"{url}?month={month:%Y-%m-%d}")
    summary = selectors.settlement_summary(actor=request.user, canteen=canteen, month=month)
    return render(
        request,
        "canteens/settlement.html",
        {
            "canteen": canteen,
            "month": month,
            **summary,
            "may_claim": actor_has_perm(request.user, Perm.SUBSIDIES_MANAGE, canteen.region_id)
            and actor_has_perm(request.user, Perm.CARE_SUPERVISE, canteen.region_id),
        },
    )


@login_required
def settlement_export(request: HttpRequest, canteen_id: uuid.UUID) -> HttpResponse:
    canteen = _settlement_canteen(request, canteen_id)
    month = services.month_first(_date(request.GET.get("month"), timezone.localdate()))
    summary = selectors.settlement_summary(actor=request.user, canteen=canteen, month=month)
    totals: list[list[Any]] = [
        [_("Canteen"), canteen.name],
        [_("Month"), f"{month:%Y-%m}"],
        [_("Served meals"), summary["served"]],
        [_("Price (fen)"), summary["price_fen"]],
        [_("Subsidy (fen)"), summary["subsidy_fen"]],
        [_("Co-pay (fen)"), summary["copay_fen"]],
        *[[p["name"], p["amount_fen"]] for p in summary["payers"]],
    ]
    header = [
        _("Day"),
        _("Meal"),
        _("How"),
        _("Elder"),
        _("Price (fen)"),
        _("Subsidy (fen)"),
        _("Co-pay (fen)"),
        _("Served at"),
    ]
    rows = [
        [
            o.day,
            o.get_meal_display(),
            o.get_mode_display(),
            o.elder.name,
            o.price_fen,
            o.subsidy_fen,
            o.copay_fen,
            timezone.localtime(o.served_at).strftime("%Y-%m-%d %H:%M") if o.served_at else "",
        ]
        for o in summary["orders"]
    ]
    content = xlsx_bytes(
        [Sheet(str(_("Summary")), totals), Sheet(str(_("Meals")), [header, *rows])]
    )
    audit(
        audit_ctx(request),
        entity="canteen",
        entity_id=canteen.pk,
        region_code=canteen.region_id,
        action=AuditAction.EXPORT,
        message=gettext_noop("Settlement of %(month)s downloaded as a spreadsheet"),
        params={"month": f"{month:%Y-%m}"},
    )
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="canteen-{month:%Y-%m}.xlsx"'
    return response


def elder_panel(request: HttpRequest, elder: Any) -> dict[str, Any] | None:
    """The elder page's canteen section: the elder's meal orders and meal card."""
    user = request.user
    if not actor_has_perm(user, Perm.CARE_VIEW, elder.region_id):
        return None
    return {
        "elder": elder,
        "orders": selectors.meal_orders_for_elder(actor=user, elder=elder, limit=10),
        "card": selectors.meal_card_of(elder),
        "may_order": actor_has_perm(user, Perm.CARE_ORDER, elder.region_id),
    }
