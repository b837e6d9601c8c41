"""Pages: orders (new order for an elder with its quote, accept, decline, cancel) and the
visits of an order (cancel one, record a no-show)."""

from __future__ import annotations

import datetime as dt
import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from silvercare.accounts.roles import Perm
from silvercare.accounts.scoping import actor_has_perm
from silvercare.common.errors import DomainError, NotFound
from silvercare.common.forms import apply_errors
from silvercare.common.pagination import paginate, query_without_page
from silvercare.common.request import audit_ctx
from silvercare.homecare import selectors, services
from silvercare.homecare.choices import OrderStatus, Side
from silvercare.homecare.forms import OrderForm, ReasonForm, minutes
from silvercare.homecare.views._common import need


@login_required
def order_list(request: HttpRequest) -> HttpResponse:
    need(request, Perm.CARE_VIEW)
    status = request.GET.get("status", "")
    if status not in OrderStatus.values:
        status = ""
    return render(
        request,
        "homecare/orders.html",
        {
            "page": paginate(request, selectors.order_list(actor=request.user, status=status)),
            "query": query_without_page(request),
            "statuses": OrderStatus.choices,
            "status": status,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def order_new(request: HttpRequest, elder_id: uuid.UUID) -> HttpResponse:
    from silvercare.elders.selectors import elder_get_for

    try:
        elder = elder_get_for(actor=request.user, elder_id=elder_id)
    except NotFound:
        raise Http404 from None
    need(request, Perm.CARE_ORDER, elder.region_id)
    referral = None
    if "alert" in request.GET:
        from silvercare.alerts.selectors import referral_open_for

        try:
            referral = referral_open_for(
                actor=request.user, alert_id=request.GET["alert"], elder_id=elder.pk
            )
        except NotFound:
            raise Http404 from None
    providers = selectors.providers_serving(actor=request.user, region_code=elder.region_id)
    form = OrderForm(
        request.POST or None,
        providers=[(str(p.pk), p.name) for p in providers],
        initial={
            "first_date": timezone.localdate() + dt.timedelta(days=1),
            "window_start": "09:00",
            "window_end": "11:00",
            "recurrence": "once",
            "notes": referral.note if referral else "",
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        provider = next(p for p in providers if str(p.pk) == data["provider"])
        try:
            order = services.order_create(
                ctx=audit_ctx(request),
                elder=elder,
                service_type=selectors.service_type_by_code(data["service_type"]),
                provider=provider,
                first_date=data["first_date"],
                window_start=minutes(data["window_start"]),
                window_end=minutes(data["window_end"]),
                recurrence=data["recurrence"],
                last_date=data["last_date"],
                notes=data["notes"] or "",
                referral=referral,
            )
            messages.success(request, _("The order was placed."))
            return redirect("homecare:order", order_id=order.pk)
        except DomainError as exc:
            apply_errors(form, exc)
    return render(
        request,
        "homecare/order_form.html",
        {"form": form, "elder": elder, "no_provider": not providers, "referral": referral},
    )


@login_required
def order_detail(request: HttpRequest, order_id: uuid.UUID) -> HttpResponse:
    try:
        order = selectors.order_get_for(actor=request.user, order_id=order_id)
    except NotFound:
        raise Http404 from None
    quote = None
    if order.quote_id:
        from silvercare.subsidies.selectors import quote_present

        assert order.quote is not None
        quote = quote_present(order.quote)
    user = request.user
    return render(
        request,
        "homecare/order.html",
        {
            "order": order,
            "quote": quote,
            "visits": selectors.visits_of_order(order),
            "may_provide": actor_has_perm(user, Perm.CARE_PROVIDE, order.region_id),
            "may_order": actor_has_perm(user, Perm.CARE_ORDER, order.region_id),
            "reason_form": ReasonForm(initial={"side": Side.ELDER}),
        },
    )


@login_required
@require_POST
def order_act(request: HttpRequest, order_id: uuid.UUID, action: str) -> HttpResponse:
    try:
        order = selectors.order_get_for(actor=request.user, order_id=order_id)
    except NotFound:
        raise Http404 from None
    if action not in {"accept", "decline", "cancel"}:
        raise Http404
    ctx = audit_ctx(request)
    form = ReasonForm(request.POST)
    try:
        if action == "accept":
            services.order_accept(ctx=ctx, order=order)
            messages.success(request, _("The order was accepted and the subsidy reserved."))
        elif not form.is_valid():
            messages.error(request, _("Give the reason."))
        elif action == "decline":
            services.order_decline(ctx=ctx, order=order, reason=form.cleaned_data["reason"])
            messages.success(request, _("The order was declined."))
        else:
            services.order_cancel(
                ctx=ctx,
                order=order,
                reason=form.cleaned_data["reason"],
                side=form.cleaned_data["side"] or Side.ELDER,
            )
            messages.success(request, _("The order was cancelled."))
    except DomainError as exc:
        messages.error(request, str(exc.message))
    return redirect("homecare:order", order_id=order.pk)


@login_required
@require_POST
def visit_end(request: HttpRequest, visit_id: uuid.UUID, action: str) -> HttpResponse:
    try:
        visit = selectors.visit_get_for(actor=request.user, visit_id=visit_id)
    except NotFound:
        raise Http404 from None
    if action not in {"cancel", "missed"}:
        raise Http404
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the reason."))
        return redirect("homecare:visit", visit_id=visit.pk)
    service = services.visit_cancel if action == "cancel" else services.visit_missed
    try:
        service(
            ctx=audit_ctx(request),
            visit=visit,
            reason=form.cleaned_data["reason"],
            side=form.cleaned_data["side"] or Side.ELDER,
        )
        messages.success(request, _("The visit was updated."))
    except DomainError as exc:
        messages.error(request, str(exc.message))
    return redirect("homecare:visit", visit_id=visit.pk)
