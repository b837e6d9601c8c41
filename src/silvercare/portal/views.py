"""Pages of the elder and family portal (thin: selectors read, services write). Every page
after sign-in goes through ``_elder`` or ``_portal_user``: another elder's id is a 404."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from silvercare.accounts.roles import Perm
from silvercare.accounts.scoping import actor_has_perm
from silvercare.common.errors import DomainError, NotFound
from silvercare.common.pdf import html_to_pdf
from silvercare.common.request import audit_ctx, client_ip
from silvercare.portal import selectors, services
from silvercare.portal.forms import CodeForm, PhoneForm, RatingForm
from silvercare.portal.selectors import PortalElder

View = Callable[..., HttpResponse]


def _portal_user(view: View) -> View:
    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not actor_has_perm(request.user, Perm.PORTAL_USE):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapped


def _elder(request: HttpRequest, elder_id: uuid.UUID) -> PortalElder:
    try:
        return selectors.portal_elder_get(user=request.user, elder_id=elder_id)
    except NotFound:
        raise Http404 from None


def _render(
    request: HttpRequest, template: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    context.setdefault("elder_mode", selectors.elder_mode_of(request.user))
    return render(request, template, context, status=status)


def _error_text(exc: DomainError) -> str:
    if exc.errors:
        return "; ".join(str(e.message) for e in exc.errors)
    return str(exc.message)


# --- Sign-in by phone and one-time code -------------------------------------------------------


@require_http_methods(["GET", "POST"])
def login(request: HttpRequest) -> HttpResponse:
    """Step 1: the phone number (a code is sent); step 2: the code (signed in)."""
    if request.user.is_authenticated and actor_has_perm(request.user, Perm.PORTAL_USE):
        return redirect("portal:home")
    phone_form = PhoneForm(request.POST if request.POST.get("step") == "phone" else None)
    code_form = CodeForm(request.POST if request.POST.get("step") == "code" else None)
    step = "phone"
    status = 200
    if request.method == "POST" and request.POST.get("step") == "phone" and phone_form.is_valid():
        phone = phone_form.cleaned_data["phone"]
        try:
            services.code_request(phone=phone, ip_address=client_ip(request))
            step = "code"
            code_form = CodeForm(initial={"phone": phone})
            messages.info(
                request,
                _("If this number has an account, a code is on its way by text message."),
            )
        except DomainError as exc:
            phone_form.add_error("phone", _error_text(exc))
            status = exc.status
    elif request.method == "POST" and request.POST.get("step") == "code":
        step = "code"
        if code_form.is_valid():
            try:
                user = services.code_verify(
                    phone=code_form.cleaned_data["phone"], code=code_form.cleaned_data["code"]
                )
            except DomainError as exc:
                code_form.add_error("code", _error_text(exc))
                status = exc.status
            else:
                auth_login(request, user, backend="django.contrib.auth.backends.ModelBackend")
                return redirect("portal:home")
    return _render(
        request,
        "portal/login.html",
        {"phone_form": phone_form, "code_form": code_form, "step": step, "elder_mode": True},
        status=status,
    )


@_portal_user
@require_POST
def mode(request: HttpRequest) -> HttpResponse:
    on = request.POST.get("on") == "1"
    services.elder_mode_set(user=request.user, on=on)
    target = request.POST.get("next") or reverse("portal:home")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = reverse("portal:home")
    return redirect(target)


# --- Home and one elder --------------------------------------------------------------------


@_portal_user
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    rows = selectors.portal_elders(user=request.user)
    if len(rows) == 1:
        return redirect("portal:elder", elder_id=rows[0].elder.pk)
    return _render(request, "portal/home.html", {"rows": rows})


@_portal_user
@require_GET
def elder(request: HttpRequest, elder_id: uuid.UUID) -> HttpResponse:
    pe = _elder(request, elder_id)
    context: dict[str, Any] = {
        "pe": pe,
        "many": len(selectors.portal_elders(user=request.user)) > 1,
    }
    if pe.may("services"):
        context["services"] = selectors.services_of(pe)
    if pe.may("health"):
        context["health"] = selectors.health_of(pe)
    context["warnings"] = selectors.warnings_of(pe)
    context["canteens"] = _canteens_available()
    return _render(request, "portal/elder.html", context)


def _canteens_available() -> bool:
    try:
        from silvercare.canteens import services as canteen_services
    except ImportError:  # pragma: no cover - the capability is optional
        return False
    return hasattr(canteen_services, "meal_order_place")


@_portal_user
@require_http_methods(["GET", "POST"])
def help_page(request: HttpRequest, elder_id: uuid.UUID) -> HttpResponse:
    """The help button's confirm step (a page, not a pop-up) and the call itself."""
    pe = _elder(request, elder_id)
    if request.method == "POST":
        services.help_raise(ctx=audit_ctx(request, via="portal"), pe=pe)
        return _render(request, "portal/help_sent.html", {"pe": pe})
    return _render(request, "portal/help.html", {"pe": pe})


# --- My data ---------------------------------------------------------------------------------


@_portal_user
@require_GET
def my_data(request: HttpRequest, elder_id: uuid.UUID) -> HttpResponse:
    pe = _elder(request, elder_id)
    if not pe.may("services"):
        raise Http404
    return _render(
        request,
        "portal/data.html",
        {
            "pe": pe,
            "consents": selectors.consent_history(pe),
            "reads": selectors.reads_of(pe),
            "family": selectors.family_candidates(pe) if pe.own else [],
            "data": selectors.data_of(pe)["record"],
        },
    )


def _own_data(
    request: HttpRequest, elder_id: uuid.UUID, fmt: str
) -> tuple[PortalElder, dict[str, Any]]:
    pe = _elder(request, elder_id)
    if not pe.own:
        raise Http404
    services.data_download_record(ctx=audit_ctx(request, via="portal"), pe=pe, fmt=fmt)
    return pe, selectors.data_of(pe)


@_portal_user
@require_GET
def data_json(request: HttpRequest, elder_id: uuid.UUID) -> HttpResponse:
    _pe, data = _own_data(request, elder_id, "json")
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2, default=str),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="my-data.json"'
    return response


@_portal_user
@require_GET
def data_pdf(request: HttpRequest, elder_id: uuid.UUID) -> HttpResponse:

    pe, data = _own_data(request, elder_id, "pdf")
    html = render_to_string("portal/data_pdf.html", {"pe": pe, "d": data}, request=request)
    response = HttpResponse(html_to_pdf(html), content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="my-data.pdf"'
    return response


@_portal_user
@require_POST
def consent(request: HttpRequest, elder_id: uuid.UUID) -> HttpResponse:
    pe = _elder(request, elder_id)
    purpose = request.POST.get("purpose", "")
    granted = request.POST.get("granted") == "1"
    try:
        services.consent_set(
            ctx=audit_ctx(request, via="portal"), pe=pe, purpose=purpose, granted=granted
        )
        messages.success(
            request, _("Your consent is given.") if granted else _("Your consent is withdrawn.")
        )
    except DomainError as exc:
        messages.error(request, _error_text(exc))
    return redirect("portal:data", elder_id=elder_id)


@_portal_user
@require_POST
def family(request: HttpRequest, elder_id: uuid.UUID, contact_id: int) -> HttpResponse:
    pe = _elder(request, elder_id)
    allow = request.POST.get("allow") == "1"
    try:
        services.family_link(
            ctx=audit_ctx(request, via="portal"), pe=pe, contact_id=contact_id, allow=allow
        )
        messages.success(
            request,
            _("They can now follow you in SilverCare.")
            if allow
            else _("They no longer follow you in SilverCare."),
        )
    except NotFound:
        raise Http404 from None
    except DomainError as exc:
        messages.error(request, _error_text(exc))
    return redirect("portal:data", elder_id=elder_id)


# --- Actions ---------------------------------------------------------------------------------


@_portal_user
@require_http_methods(["GET", "POST"])
def visit_rate(request: HttpRequest, elder_id: uuid.UUID, visit_id: uuid.UUID) -> HttpResponse:
    from silvercare.homecare.selectors import visit_of_elder
    from silvercare.homecare.services.visits import complaint_open, feedback_record

    pe = _elder(request, elder_id)
    if not pe.may("services"):
        raise Http404
    try:
        visit = visit_of_elder(elder_id=pe.elder.pk, visit_id=visit_id)
    except NotFound:
        raise Http404 from None
    form = RatingForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        by = "elder" if pe.own else "family"
        ctx = audit_ctx(request, via="portal")
        try:
            feedback_record(
                ctx=ctx,
                visit=visit,
                rating=form.cleaned_data["rating"],
                by=by,
                comment=form.cleaned_data["comment"],
            )
            if form.cleaned_data["complain"]:
                complaint_open(
                    ctx=ctx,
                    visit=visit,
                    by=by,
                    text=form.cleaned_data["comment"] or _("Complaint made from the portal."),
                )
            messages.success(request, _("Thank you. Your rating is saved."))
            return redirect("portal:elder", elder_id=elder_id)
        except DomainError as exc:
            form.add_error(None, _error_text(exc))
            status = exc.status
    return _render(
        request, "portal/rate.html", {"pe": pe, "visit": visit, "form": form}, status=status
    )


@_portal_user
@require_http_methods(["GET", "POST"])
def meals(request: HttpRequest, elder_id: uuid.UUID) -> HttpResponse:
    """The elder or a family member orders a meal for the elder at a canteen near them (the
    canteens capability's ``meal_order_place``; it accepts the accounts the registry says
    act for the elder, ``elders.selectors.elders_of_account``)."""
    import datetime as dt

    from django.utils import timezone

    if not _canteens_available():
        raise Http404
    from silvercare.canteens.selectors import canteens_near, menus_for
    from silvercare.canteens.services import meal_order_place

    pe = _elder(request, elder_id)
    if not pe.may("services"):
        raise Http404
    near = canteens_near(actor=request.user, elder=pe.elder)[:3]
    status = 200
    if request.method == "POST":
        chosen = {str(c.pk): c for c, _d in near}.get(request.POST.get("canteen", ""))
        try:
            day = dt.date.fromisoformat(request.POST.get("day", ""))
        except ValueError:
            day = None
        if chosen is None or day is None:
            messages.error(request, _("Choose a meal from the menus below."))
            status = 400
        else:
            try:
                meal_order_place(
                    ctx=audit_ctx(request, via="portal"),
                    elder=pe.elder,
                    canteen=chosen,
                    day=day,
                    meal=request.POST.get("meal", ""),
                    mode=request.POST.get("mode", ""),
                )
                messages.success(request, _("The meal is ordered."))
                return redirect("portal:meals", elder_id=elder_id)
            except DomainError as exc:
                messages.error(request, _error_text(exc))
                status = exc.status
    today = timezone.localdate()
    rows = [
        {
            "canteen": c,
            "distance": round(d),
            "menus": [
                {"menu": m, "price": f"{m.price_fen / 100:.2f}"}
                for m in menus_for(canteen=c, start=today, days=3)
            ],
        }
        for c, d in near
    ]
    return _render(request, "portal/meals.html", {"pe": pe, "rows": rows}, status=status)


@_portal_user
@require_http_methods(["GET", "POST"])
def book(request: HttpRequest, elder_id: uuid.UUID) -> HttpResponse:
    """Book a home-care service for the elder (the elder, or family with consent); the
    elder's orders and their status below the form."""
    from silvercare.portal.forms import WINDOWS, BookForm

    pe = _elder(request, elder_id)
    if not pe.may("services"):
        raise Http404
    form = BookForm(request.POST or None, **selectors.booking_choices(pe))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.care_request(
                    ctx=audit_ctx(request, via="portal"),
                    pe=pe,
                    service_code=data["service_type"],
                    provider_id=data["provider"],
                    first_date=data["first_date"],
                    window=WINDOWS[data["window"]],
                    recurrence=data["recurrence"],
                    last_date=data["last_date"],
                    notes=data["notes"],
                )
            except DomainError as exc:
                for error in exc.errors:
                    target = error.field if error.field in form.fields else None
                    if target == "window_end" or error.field.startswith("window"):
                        target = "window"
                    form.add_error(target, str(error.message))
                if not exc.errors:
                    form.add_error(None, str(exc.message))
                status = exc.status
            else:
                messages.success(
                    request,
                    _("Your request is sent. The provider will accept it or tell you why not."),
                )
                return redirect("portal:book", elder_id=elder_id)
        else:
            status = 400
    return _render(
        request,
        "portal/book.html",
        {"pe": pe, "form": form, "orders": selectors.care_orders_of(pe)},
        status=status,
    )


@_portal_user
@require_http_methods(["GET", "POST"])
def fault(request: HttpRequest, elder_id: uuid.UUID, lease_id: uuid.UUID) -> HttpResponse:
    """Report a fault on a leased device (the rental operator sees it on their list)."""
    from silvercare.portal.forms import FaultForm
    from silvercare.rental.selectors import lease_held_by

    pe = _elder(request, elder_id)
    if not pe.may("services"):
        raise Http404
    try:
        lease = lease_held_by(elder_id=pe.elder.pk, lease_id=lease_id)
    except NotFound:
        raise Http404 from None
    form = FaultForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.lease_fault_report(
                    ctx=audit_ctx(request, via="portal"),
                    pe=pe,
                    lease=lease,
                    description=form.cleaned_data["description"],
                )
            except DomainError as exc:
                form.add_error(None, _error_text(exc))
                status = exc.status
            else:
                messages.success(
                    request,
                    _("The fault is reported. The rental point will contact you to fix it."),
                )
                return redirect("portal:elder", elder_id=elder_id)
        else:
            status = 400
    return _render(
        request, "portal/fault.html", {"pe": pe, "lease": lease, "form": form}, status=status
    )
