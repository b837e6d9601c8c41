"""Pages: the service catalogue, providers with prices, caregivers with certificates."""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from silvercare.accounts.roles import Perm
from silvercare.accounts.scoping import actor_has_perm
from silvercare.common.errors import DomainError, NotFound
from silvercare.common.pagination import paginate, query_without_page
from silvercare.common.request import audit_ctx
from silvercare.homecare import selectors, services
from silvercare.homecare.forms import PriceForm
from silvercare.homecare.views._common import need


@login_required
def service_types(request: HttpRequest) -> HttpResponse:
    need(request, Perm.CARE_VIEW)
    return render(request, "homecare/service_types.html", {"types": selectors.service_types()})


@login_required
def provider_list(request: HttpRequest) -> HttpResponse:
    need(request, Perm.CARE_VIEW)
    return render(
        request,
        "homecare/providers.html",
        {
            "page": paginate(request, selectors.provider_list(actor=request.user)),
            "query": query_without_page(request),
        },
    )


@login_required
def provider_detail(request: HttpRequest, provider_id: uuid.UUID) -> HttpResponse:
    try:
        provider = selectors.provider_get_for(actor=request.user, provider_id=provider_id)
    except NotFound:
        raise Http404 from None
    may_provide = actor_has_perm(request.user, Perm.CARE_PROVIDE, provider.region_id)
    form = PriceForm(request.POST or None)
    if request.method == "POST":
        if not may_provide:
            raise Http404
        if form.is_valid():
            try:
                services.provider_price_set(
                    ctx=audit_ctx(request),
                    provider=provider,
                    service_type=selectors.service_type_by_code(form.cleaned_data["service_type"]),
                    price_fen=int(form.cleaned_data["price_yuan"] * Decimal(100)),
                )
                messages.success(request, _("The price was saved."))
                return redirect("homecare:provider", provider_id=provider.pk)
            except DomainError as exc:
                form.add_error(None, str(exc.message))
    prices = {row.service_type_id: row.price_fen for row in provider.prices.all()}
    return render(
        request,
        "homecare/provider.html",
        {
            "provider": provider,
            "rows": [(t, prices.get(t.pk)) for t in selectors.service_types()],
            "caregivers": selectors.caregiver_list(actor=request.user, provider=provider)[:300],
            "form": form,
            "may_provide": may_provide,
            "today": timezone.localdate(),
        },
    )


@login_required
def caregiver_detail(request: HttpRequest, caregiver_id: uuid.UUID) -> HttpResponse:
    try:
        caregiver = selectors.caregiver_get_for(actor=request.user, caregiver_id=caregiver_id)
    except NotFound:
        raise Http404 from None
    today = timezone.localdate()
    return render(
        request,
        "homecare/caregiver.html",
        {
            "caregiver": caregiver,
            "certificates": [
                (c, selectors.certificate_valid(c, today)) for c in caregiver.certificates.all()
            ],
            "valid_kinds": selectors.caregiver_certificates_on(caregiver, today),
        },
    )
