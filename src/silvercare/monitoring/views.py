"""Device pages: list, register (the secret shown once), detail with the latest state and
readings, bind to an elder, unbind, new secret. Thin: selectors and services do the work."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from silvercare.accounts.roles import Perm
from silvercare.accounts.scoping import actor_has_perm, actor_prefixes
from silvercare.common.errors import DomainError, NotFound
from silvercare.common.forms import apply_errors
from silvercare.common.no_store import no_store
from silvercare.common.pagination import paginate
from silvercare.common.request import audit_ctx
from silvercare.elders.selectors import ElderFilters, elder_get_for, elder_search
from silvercare.monitoring import selectors, services
from silvercare.monitoring.choices import WEARABLE_TYPES, DeviceType, Placement
from silvercare.monitoring.forms import DeviceForm
from silvercare.monitoring.models import Device
from silvercare.monitoring.presenters import kind_label, reading_text
from silvercare.regions.selectors import regions_under


def _get(request: HttpRequest, device_id: uuid.UUID, perm: str = Perm.MONITORING_VIEW) -> Device:
    try:
        return selectors.device_get_for(actor=request.user, device_id=device_id, perm=perm)
    except NotFound:
        raise Http404 from None


def _regions(actor: Any) -> list[tuple[str, str]]:
    rows = regions_under(actor_prefixes(actor, Perm.MONITORING_MANAGE), levels=[5], limit=3000)
    return [(r.code, f"{r.parent.name if r.parent else ''} {r.name}") for r in rows]


@login_required
def device_list(request: HttpRequest) -> HttpResponse:
    if not actor_has_perm(request.user, Perm.MONITORING_VIEW):
        raise Http404
    q = request.GET.get("q", "")[:64]
    page = paginate(request, selectors.device_list(actor=request.user, q=q))
    return render(
        request,
        "monitoring/devices.html",
        {
            "page": page,
            "q": q,
            "types": dict(DeviceType.choices),
            "may_manage": actor_has_perm(request.user, Perm.MONITORING_MANAGE),
        },
    )


@login_required
@no_store
@require_http_methods(["GET", "POST"])
def device_create(request: HttpRequest) -> HttpResponse:
    if not actor_has_perm(request.user, Perm.MONITORING_MANAGE):
        raise Http404
    form = DeviceForm(request.POST or None, regions=_regions(request.user))
    if request.method == "POST":
        form.is_valid()
        values = {name: request.POST.get(name, "") for name in form.fields}
        try:
            issued = services.device_register(ctx=audit_ctx(request), **values)
        except DomainError as exc:
            form.errors.clear()
            apply_errors(form, exc)
        else:
            return render(
                request,
                "monitoring/secret.html",
                {"device": issued.device, "secret": issued.secret},
            )
    status = 422 if form.errors else 200
    return render(request, "monitoring/device_form.html", {"form": form}, status=status)


@login_required
def device_detail(request: HttpRequest, device_id: uuid.UUID) -> HttpResponse:
    device = _get(request, device_id)
    may_manage = actor_has_perm(request.user, Perm.MONITORING_MANAGE, device.region_id)
    elder_q = request.GET.get("elder_q", "").strip()[:50]
    candidates: list[Any] = []
    if may_manage and elder_q and device.elder_id is None:
        found = elder_search(
            actor=request.user, filters=ElderFilters(q=elder_q), ctx=audit_ctx(request)
        )
        candidates = list(found[:10])
    latest = [
        {"kind": kind_label(kind), "ts": state["ts"], "text": reading_text(kind, state["value"])}
        for kind, state in sorted(selectors.device_latest(device).items())
    ]
    readings = [
        {"kind": kind_label(r.kind), "ts": r.ts, "text": reading_text(r.kind, r.value)}
        for r in selectors.device_readings(device, limit=50)
    ]
    return render(
        request,
        "monitoring/device.html",
        {
            "device": device,
            "type_label": dict(DeviceType.choices).get(device.type, device.type),
            "latest": latest,
            "readings": readings,
            "bindings": selectors.device_bindings(device),
            "falls": selectors.device_falls(device, actor=request.user)
            if device.placement != Placement.NONE or device.type in WEARABLE_TYPES
            else None,
            "may_manage": may_manage,
            "elder_q": elder_q,
            "candidates": candidates,
        },
    )


@login_required
@require_POST
def device_bind(request: HttpRequest, device_id: uuid.UUID) -> HttpResponse:
    device = _get(request, device_id, Perm.MONITORING_MANAGE)
    try:
        elder = elder_get_for(actor=request.user, elder_id=request.POST.get("elder_id", ""))
        services.device_bind(ctx=audit_ctx(request), device=device, elder=elder)
    except NotFound:
        messages.error(request, _("Choose an elder from the list."))
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("The device is now bound to %(name)s.") % {"name": elder.name})
    return redirect("monitoring:device", device_id=device.pk)


@login_required
@require_POST
def device_unbind(request: HttpRequest, device_id: uuid.UUID) -> HttpResponse:
    device = _get(request, device_id, Perm.MONITORING_MANAGE)
    try:
        services.device_unbind(ctx=audit_ctx(request), device=device)
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("The device is no longer bound to anyone."))
    return redirect("monitoring:device", device_id=device.pk)


@login_required
@no_store
@require_POST
def device_rotate(request: HttpRequest, device_id: uuid.UUID) -> HttpResponse:
    device = _get(request, device_id, Perm.MONITORING_MANAGE)
    issued = services.device_rotate_credential(ctx=audit_ctx(request), device=device)
    return render(
        request,
        "monitoring/secret.html",
        {"device": issued.device, "secret": issued.secret, "rotated": True},
    )
