"""Pages of the rental capability: operators issue a unit from the nearest rental point,
take it back, clean, repair and report; officers open recalls and follow their orders.
Thin: selectors read, services write; out of scope is 404 like a missing record."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from silvercare.accounts.roles import Perm
from silvercare.accounts.scoping import actor_has_perm, actor_prefixes
from silvercare.common.errors import DomainError, NotFound
from silvercare.common.forms import apply_errors
from silvercare.common.pagination import paginate, query_without_page
from silvercare.common.request import audit_ctx
from silvercare.regions.selectors import regions_under
from silvercare.rental import selectors, services
from silvercare.rental.choices import MANUAL_TARGETS, LeaseStatus, UnitState
from silvercare.rental.forms import (
    AllocateForm,
    BuyOutForm,
    CleaningForm,
    ExtendForm,
    IncidentForm,
    LeaseForm,
    OrderCloseForm,
    RecallForm,
    RepairCloseForm,
    RepairForm,
    ReturnForm,
    TransitionForm,
    WaitForm,
    yuan_to_fen,
)


def _need(request: HttpRequest, perm: str, region_code: str | None = None) -> None:
    if not actor_has_perm(request.user, perm, region_code):
        raise Http404


def _set_choices(form: forms.Form, name: str, choices: Any) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    field.choices = choices


def _get(call: Callable[..., Any], **kwargs: Any) -> Any:
    try:
        return call(**kwargs)
    except NotFound:
        raise Http404 from None


def _elder(request: HttpRequest, elder_id: Any) -> Any:
    from silvercare.elders.selectors import elder_get_for

    return _get(elder_get_for, actor=request.user, elder_id=elder_id)


def _act(request: HttpRequest, form: forms.Form, action: Callable[[], Any], done: str) -> bool:
    """Run a service for a valid form; its refusal goes onto the form."""
    if not form.is_valid():
        return False
    try:
        action()
    except DomainError as exc:
        apply_errors(form, exc)
        return False
    messages.success(request, done)
    return True


@login_required
def home(request: HttpRequest) -> HttpResponse:
    _need(request, Perm.RENTAL_VIEW)
    user = request.user
    return render(
        request,
        "rental/home.html",
        {
            "may_operate": actor_has_perm(user, Perm.RENTAL_OPERATE),
            "may_recall": actor_has_perm(user, Perm.RENTAL_RECALL),
            "points": list(selectors.point_list(actor=user)[:50]),
            "overdue": selectors.overdue_count(actor=user),
            "recalls": list(selectors.recall_list(actor=user)[:5]),
        },
    )


# --- Units ------------------------------------------------------------------------------


@login_required
def units(request: HttpRequest) -> HttpResponse:
    _need(request, Perm.RENTAL_VIEW)
    state = request.GET.get("state", "")
    state = state if state in UnitState.values else ""
    point = request.GET.get("point", "")
    point_id = int(point) if point.isdecimal() and len(point) < 12 else None
    qs = selectors.unit_list(
        actor=request.user, state=state, point_id=point_id, serial=request.GET.get("q", "")[:64]
    )
    return render(
        request,
        "rental/units.html",
        {
            "page": paginate(request, qs),
            "query": query_without_page(request),
            "states": UnitState.choices,
            "state": state,
            "points": list(selectors.point_list(actor=request.user)[:200]),
            "point_id": point_id,
            "q": request.GET.get("q", "")[:64],
        },
    )


def _unit_forms(request: HttpRequest, unit: Any) -> dict[str, forms.Form]:
    move = TransitionForm(prefix="move")
    _set_choices(
        move,
        "to_state",
        [
            (s, UnitState(s).label)
            for s in UnitState.values
            if s in MANUAL_TARGETS and services.transition_allowed(unit.state, s)
        ],
    )
    return {
        "clean_form": CleaningForm(prefix="clean"),
        "repair_form": RepairForm(prefix="repair"),
        "repair_close_form": RepairCloseForm(prefix="fix"),
        "move_form": move,
        "incident_form": IncidentForm(
            prefix="incident", initial={"occurred_on": timezone.localdate()}
        ),
    }


def _unit_page(request: HttpRequest, unit: Any, **bound: forms.Form) -> HttpResponse:
    context: dict[str, Any] = {
        "unit": unit,
        "history": selectors.unit_history(unit),
        "repair": selectors.unit_open_repair(unit),
        "cleanings": list(unit.cleanings.all()[:10]),
        "repairs": list(unit.repairs.all()[:10]),
        "leases": list(unit.leases.select_related("elder").order_by("-starts_on")[:10]),
        "may_operate": actor_has_perm(request.user, Perm.RENTAL_OPERATE, unit.region_id),
        **_unit_forms(request, unit),
        **bound,
    }
    return render(request, "rental/unit.html", context, status=400 if bound else 200)


@login_required
def unit_detail(request: HttpRequest, unit_id: int) -> HttpResponse:
    _need(request, Perm.RENTAL_VIEW)
    unit = _get(selectors.unit_get_for, actor=request.user, unit_id=unit_id)
    return _unit_page(request, unit)


def _unit_for_action(request: HttpRequest, unit_id: int) -> Any:
    unit = _get(selectors.unit_get_for, actor=request.user, unit_id=unit_id)
    _need(request, Perm.RENTAL_OPERATE, unit.region_id)
    return unit


@login_required
@require_POST
def unit_clean(request: HttpRequest, unit_id: int) -> HttpResponse:
    unit = _unit_for_action(request, unit_id)
    form = CleaningForm(request.POST, prefix="clean")
    if _act(
        request,
        form,
        lambda: services.cleaning_record(
            ctx=audit_ctx(request),
            unit=unit,
            method=form.cleaned_data["method"],
            agent=form.cleaned_data["agent"],
            note=form.cleaned_data["note"],
        ),
        _("Cleaning and disinfection recorded."),
    ):
        return redirect("rental:unit", unit_id=unit.pk)
    return _unit_page(request, unit, clean_form=form)


@login_required
@require_POST
def unit_repair(request: HttpRequest, unit_id: int) -> HttpResponse:
    unit = _unit_for_action(request, unit_id)
    form = RepairForm(request.POST, prefix="repair")
    if _act(
        request,
        form,
        lambda: services.repair_open(
            ctx=audit_ctx(request), unit=unit, fault=form.cleaned_data["fault"]
        ),
        _("Repair opened."),
    ):
        return redirect("rental:unit", unit_id=unit.pk)
    return _unit_page(request, unit, repair_form=form)


@login_required
@require_POST
def unit_repair_close(request: HttpRequest, unit_id: int) -> HttpResponse:
    unit = _unit_for_action(request, unit_id)
    repair = selectors.unit_open_repair(unit)
    if repair is None:
        raise Http404
    form = RepairCloseForm(request.POST, prefix="fix")
    if _act(
        request,
        form,
        lambda: services.repair_close(
            ctx=audit_ctx(request),
            repair=repair,
            outcome=form.cleaned_data["outcome"],
            parts=form.cleaned_data["parts"],
            cost_fen=yuan_to_fen(form.cleaned_data["cost"]),
        ),
        _("Repair closed."),
    ):
        return redirect("rental:unit", unit_id=unit.pk)
    return _unit_page(request, unit, repair_close_form=form)


@login_required
@require_POST
def unit_move(request: HttpRequest, unit_id: int) -> HttpResponse:
    unit = _unit_for_action(request, unit_id)
    form = TransitionForm(request.POST, prefix="move")
    _set_choices(form, "to_state", UnitState.choices)
    if _act(
        request,
        form,
        lambda: services.unit_transition(
            ctx=audit_ctx(request),
            unit=unit,
            to_state=form.cleaned_data["to_state"],
            reason=form.cleaned_data["reason"],
        ),
        _("The unit's state was changed."),
    ):
        return redirect("rental:unit", unit_id=unit.pk)
    return _unit_page(request, unit, move_form=form)


@login_required
@require_POST
def unit_incident(request: HttpRequest, unit_id: int) -> HttpResponse:
    unit = _unit_for_action(request, unit_id)
    form = IncidentForm(request.POST, prefix="incident")
    if _act(
        request,
        form,
        lambda: services.incident_report(
            ctx=audit_ctx(request),
            unit=unit,
            kind=form.cleaned_data["kind"],
            severity=form.cleaned_data["severity"],
            occurred_on=form.cleaned_data["occurred_on"],
            description=form.cleaned_data["description"],
        ),
        _("Incident report recorded."),
    ):
        return redirect("rental:unit", unit_id=unit.pk)
    return _unit_page(request, unit, incident_form=form)


@login_required
def incidents(request: HttpRequest) -> HttpResponse:
    _need(request, Perm.RENTAL_VIEW)
    return render(
        request,
        "rental/incidents.html",
        {"page": paginate(request, selectors.incident_list(actor=request.user)), "query": ""},
    )


# --- Leases -----------------------------------------------------------------------------


@login_required
def leases(request: HttpRequest) -> HttpResponse:
    _need(request, Perm.RENTAL_VIEW)
    status = request.GET.get("status", "")
    status = status if status in LeaseStatus.values else ""
    overdue = request.GET.get("overdue") == "1"
    qs = selectors.lease_list(actor=request.user, status=status, overdue=overdue)
    return render(
        request,
        "rental/leases.html",
        {
            "page": paginate(request, qs),
            "query": query_without_page(request),
            "statuses": LeaseStatus.choices,
            "status": status,
            "overdue": overdue,
            "today": timezone.localdate(),
        },
    )


@login_required
def lease_new(request: HttpRequest) -> HttpResponse:
    """Issue a unit to an elder from the nearest rental point that has one."""
    from silvercare.assistive.selectors import product_get, product_list

    _need(request, Perm.RENTAL_OPERATE)
    elder = _elder(request, request.GET.get("elder", ""))
    products = list(product_list(rentable=True)[:300])
    chosen = request.POST.get("product") or request.GET.get("product") or ""
    if not chosen and products:
        chosen = str(products[0].pk)
    nearest = (
        selectors.points_nearest(actor=request.user, elder=elder, product_id=chosen)
        if chosen in {str(p.pk) for p in products}
        else []
    )
    form = LeaseForm(
        request.POST or None,
        initial={"starts_on": timezone.localdate(), "months": 3, "product": chosen},
    )
    _set_choices(
        form,
        "product",
        [(str(p.pk), f"{p.device_type.name_zh} · {p.brand} {p.model}") for p in products],
    )
    _set_choices(form, "point", [(str(row["point"].pk), row["point"].name) for row in nearest])
    if request.method == "POST" and form.is_valid():
        point = next(
            (r["point"] for r in nearest if str(r["point"].pk) == form.cleaned_data["point"]),
            None,
        )
        try:
            if point is None:
                raise Http404
            lease = services.lease_open(
                ctx=audit_ctx(request),
                elder=elder,
                point=point,
                product=product_get(form.cleaned_data["product"]),
                starts_on=form.cleaned_data["starts_on"],
                months=form.cleaned_data["months"],
                deposit_fen=yuan_to_fen(form.cleaned_data["deposit"]),
            )
        except (DomainError, NotFound) as exc:
            if isinstance(exc, NotFound):
                raise Http404 from None
            apply_errors(form, exc)
        else:
            messages.success(request, _("Unit %(serial)s leased.") % {"serial": lease.unit.serial})
            return redirect("rental:lease", lease_id=lease.pk)
    return render(
        request,
        "rental/lease_new.html",
        {"elder": elder, "form": form, "nearest": nearest, "chosen": chosen},
        status=400 if form.errors else 200,
    )


def _lease_page(request: HttpRequest, lease: Any, **bound: forms.Form) -> HttpResponse:
    context: dict[str, Any] = {
        "lease": lease,
        "months": list(lease.months.all()),
        "may_operate": actor_has_perm(request.user, Perm.RENTAL_OPERATE, lease.region_id),
        "return_form": ReturnForm(prefix="ret"),
        "extend_form": ExtendForm(prefix="ext"),
        "buyout_form": BuyOutForm(prefix="buy"),
        "overdue": lease.status == "active" and lease.planned_end_on < timezone.localdate(),
        **bound,
    }
    return render(request, "rental/lease.html", context, status=400 if bound else 200)


@login_required
def lease_detail(request: HttpRequest, lease_id: Any) -> HttpResponse:
    _need(request, Perm.RENTAL_VIEW)
    lease = _get(selectors.lease_get_for, actor=request.user, lease_id=lease_id)
    return _lease_page(request, lease)


def _lease_for_action(request: HttpRequest, lease_id: Any) -> Any:
    lease = _get(selectors.lease_get_for, actor=request.user, lease_id=lease_id)
    _need(request, Perm.RENTAL_OPERATE, lease.region_id)
    return lease


@login_required
@require_POST
def lease_return(request: HttpRequest, lease_id: Any) -> HttpResponse:
    lease = _lease_for_action(request, lease_id)
    form = ReturnForm(request.POST, prefix="ret")
    if _act(
        request,
        form,
        lambda: services.lease_return(
            ctx=audit_ctx(request), lease=lease, condition=form.cleaned_data["condition"]
        ),
        _("The unit is back. Record its cleaning before it goes out again."),
    ):
        return redirect("rental:unit", unit_id=lease.unit_id)
    return _lease_page(request, lease, return_form=form)


@login_required
@require_POST
def lease_extend(request: HttpRequest, lease_id: Any) -> HttpResponse:
    lease = _lease_for_action(request, lease_id)
    form = ExtendForm(request.POST, prefix="ext")
    if _act(
        request,
        form,
        lambda: services.lease_extend(
            ctx=audit_ctx(request), lease=lease, months=form.cleaned_data["months"]
        ),
        _("The lease was extended."),
    ):
        return redirect("rental:lease", lease_id=lease.pk)
    return _lease_page(request, lease, extend_form=form)


@login_required
@require_POST
def lease_buy_out(request: HttpRequest, lease_id: Any) -> HttpResponse:
    lease = _lease_for_action(request, lease_id)
    form = BuyOutForm(request.POST, prefix="buy")
    if _act(
        request,
        form,
        lambda: services.lease_buy_out(
            ctx=audit_ctx(request), lease=lease, price_fen=yuan_to_fen(form.cleaned_data["price"])
        ),
        _("The elder bought the unit."),
    ):
        return redirect("rental:lease", lease_id=lease.pk)
    return _lease_page(request, lease, buyout_form=form)


# --- Waiting list -----------------------------------------------------------------------


@login_required
def waitlist(request: HttpRequest) -> HttpResponse:
    from silvercare.assistive.selectors import device_type_get

    _need(request, Perm.RENTAL_VIEW)
    types = selectors.waiting_types(actor=request.user)
    add_form = None
    elder = None
    if request.GET.get("elder") and actor_has_perm(request.user, Perm.RENTAL_OPERATE):
        elder = _elder(request, request.GET["elder"])
        add_form = WaitForm(request.POST or None, prefix="wait")
        _set_choices(add_form, "device_type", types)
        if request.method == "POST" and _act(
            request,
            add_form,
            lambda: services.waitlist_add(
                ctx=audit_ctx(request),
                elder=elder,
                device_type=device_type_get(add_form.cleaned_data["device_type"]),
                note=add_form.cleaned_data["note"],
            ),
            _("Added to the waiting list."),
        ):
            return redirect("rental:waitlist")
    allocate = AllocateForm(prefix="alloc")
    _set_choices(
        allocate,
        "point",
        [
            (str(p.pk), p.name)
            for p in selectors.point_list(actor=request.user, perm=Perm.RENTAL_OPERATE)[:200]
        ],
    )
    _set_choices(allocate, "device_type", types)
    groups = []
    for code, label in types:
        try:
            device_type = device_type_get(code)
        except NotFound:
            continue
        ranked = services.waitlist_ranked(actor=request.user, device_type_id=device_type.pk)
        if ranked:
            groups.append({"label": label, "ranked": ranked})
    allocated = selectors.waitlist_list(actor=request.user, status="allocated")[:20]
    return render(
        request,
        "rental/waitlist.html",
        {
            "groups": groups,
            "allocated": allocated,
            "add_form": add_form,
            "elder": elder,
            "allocate_form": allocate,
            "may_operate": actor_has_perm(request.user, Perm.RENTAL_OPERATE),
        },
        status=400 if add_form is not None and add_form.errors else 200,
    )


@login_required
@require_POST
def waitlist_allocate(request: HttpRequest) -> HttpResponse:
    from silvercare.assistive.selectors import device_type_get

    _need(request, Perm.RENTAL_OPERATE)
    form = AllocateForm(request.POST, prefix="alloc")
    _set_choices(
        form,
        "point",
        [
            (str(p.pk), p.name)
            for p in selectors.point_list(actor=request.user, perm=Perm.RENTAL_OPERATE)[:200]
        ],
    )
    _set_choices(form, "device_type", selectors.waiting_types(actor=request.user))
    if form.is_valid():
        point = _get(
            selectors.point_get_for,
            actor=request.user,
            point_id=form.cleaned_data["point"],
            perm=Perm.RENTAL_OPERATE,
        )
        try:
            entry = services.waitlist_allocate(
                ctx=audit_ctx(request),
                point=point,
                device_type=device_type_get(form.cleaned_data["device_type"]),
            )
        except DomainError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(
                request,
                _("Unit reserved for %(name)s: %(reason)s")
                % {"name": entry.elder.name, "reason": entry.allocation_reason},
            )
    else:
        messages.error(request, _("Choose a rental point and a device type."))
    return redirect("rental:waitlist")


# --- Recalls ----------------------------------------------------------------------------


@login_required
def recalls(request: HttpRequest) -> HttpResponse:
    _need(request, Perm.RENTAL_VIEW)
    return render(
        request,
        "rental/recalls.html",
        {
            "recalls": list(selectors.recall_list(actor=request.user)[:200]),
            "may_recall": actor_has_perm(request.user, Perm.RENTAL_RECALL),
        },
    )


@login_required
def recall_new(request: HttpRequest) -> HttpResponse:
    from silvercare.assistive.selectors import product_get

    _need(request, Perm.RENTAL_RECALL)
    form = RecallForm(request.POST or None, initial={"region_code": ""})
    _set_choices(
        form,
        "product",
        [(str(pk), label) for pk, label in selectors.products_with_units(actor=request.user)],
    )
    _set_choices(
        form,
        "region_code",
        [
            (r.code, r.name)
            for r in regions_under(
                actor_prefixes(request.user, Perm.RENTAL_RECALL), levels=[2, 3, 4], limit=200
            )
        ],
    )
    if request.method == "POST" and form.is_valid():
        try:
            recall = services.recall_create(
                ctx=audit_ctx(request),
                product=product_get(form.cleaned_data["product"]),
                region_code=form.cleaned_data["region_code"],
                reference=form.cleaned_data["reference"],
                reason=form.cleaned_data["reason"],
                serial_from=form.cleaned_data["serial_from"],
                serial_to=form.cleaned_data["serial_to"],
                lot=form.cleaned_data["lot"],
                swap=form.cleaned_data["swap"],
            )
        except NotFound:
            raise Http404 from None
        except DomainError as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request, _("Recall opened: an order was made for every affected unit.")
            )
            return redirect("rental:recall", recall_id=recall.pk)
    return render(
        request,
        "rental/form.html",
        {"form": form, "title": _("Open a recall")},
        status=400 if form.errors else 200,
    )


@login_required
def recall_detail(request: HttpRequest, recall_id: int) -> HttpResponse:
    _need(request, Perm.RENTAL_VIEW)
    recall = _get(selectors.recall_get_for, actor=request.user, recall_id=recall_id)
    orders = selectors.recall_orders(actor=request.user, recall=recall)
    page = paginate(request, orders, per_page=50)
    return render(
        request,
        "rental/recall.html",
        {
            "recall": recall,
            "page": page,
            "rows": selectors.recall_affected_rows(actor=request.user, orders=page.object_list),
            "query": query_without_page(request),
            "may_recall": actor_has_perm(request.user, Perm.RENTAL_RECALL, recall.region_id),
            "may_operate": actor_has_perm(request.user, Perm.RENTAL_OPERATE),
            "close_form": OrderCloseForm(prefix="order"),
        },
    )


@login_required
@require_POST
def recall_notify(request: HttpRequest, recall_id: int) -> HttpResponse:
    recall = _get(selectors.recall_get_for, actor=request.user, recall_id=recall_id)
    _need(request, Perm.RENTAL_RECALL, recall.region_id)
    count = services.recall_notify(ctx=audit_ctx(request), recall=recall)
    messages.success(request, _("%(n)s notices written.") % {"n": count})
    return redirect("rental:recall", recall_id=recall.pk)


@login_required
@require_POST
def order_close(request: HttpRequest, recall_order_id: int) -> HttpResponse:
    order = _get(selectors.order_get_for, actor=request.user, order_id=recall_order_id)
    _need(request, Perm.RENTAL_OPERATE, order.region_id)
    form = OrderCloseForm(request.POST, prefix="order")
    if form.is_valid():
        try:
            services.order_close(
                ctx=audit_ctx(request),
                order=order,
                outcome=form.cleaned_data["outcome"],
                note=form.cleaned_data["note"],
            )
        except DomainError as exc:
            messages.error(
                request,
                "; ".join(str(e.message) for e in exc.errors) or str(exc.message),
            )
        else:
            messages.success(request, _("The order was updated."))
    else:
        messages.error(request, _("Choose the outcome."))
    return redirect("rental:recall", recall_id=order.recall_id)


# --- Elder page panel -------------------------------------------------------------------


def elder_panel(request: HttpRequest, elder: Any) -> dict[str, Any] | None:
    if not actor_has_perm(request.user, Perm.RENTAL_VIEW, elder.region_id):
        return None
    return {
        "leases": selectors.leases_of_elder(actor=request.user, elder=elder),
        "may_operate": actor_has_perm(request.user, Perm.RENTAL_OPERATE),
        "elder": elder,
        "today": timezone.localdate(),
    }
