"""Page: a provider's month — completed visits, those held for a supervisor, record the
verified ones as deliveries, prepare the payers' claims, and the spreadsheet."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from silvercare.accounts.roles import Perm
from silvercare.accounts.scoping import actor_has_perm
from silvercare.audit.models import AuditAction
from silvercare.common.errors import DomainError, NotFound
from silvercare.common.request import audit_ctx
from silvercare.common.spreadsheets import Sheet, xlsx_bytes
from silvercare.homecare import selectors
from silvercare.homecare.models import Provider
from silvercare.homecare.reasons import flag_label
from silvercare.homecare.services import settlement
from silvercare.homecare.services._base import audit
from silvercare.homecare.views._common import hhmm, need, parse_date


def _provider(request: HttpRequest, provider_id: uuid.UUID) -> Provider:
    try:
        provider = selectors.provider_get_for(actor=request.user, provider_id=provider_id)
    except NotFound:
        raise Http404 from None
    if not (
        actor_has_perm(request.user, Perm.CARE_PROVIDE, provider.region_id)
        or actor_has_perm(request.user, Perm.CARE_SUPERVISE, provider.region_id)
    ):
        raise Http404
    return provider


def _month(request: HttpRequest) -> object:
    return settlement.month_first(
        parse_date(request.GET.get("month") or request.POST.get("month"), timezone.localdate())
    )


@login_required
def month(request: HttpRequest, provider_id: uuid.UUID) -> HttpResponse:
    provider = _provider(request, provider_id)
    first = _month(request)
    summary = selectors.settlement_summary(actor=request.user, provider=provider, month=first)  # type: ignore[arg-type]
    return render(
        request,
        "homecare/settlement.html",
        {
            "provider": provider,
            "month": first,
            **summary,
            "may_provide": actor_has_perm(request.user, Perm.CARE_PROVIDE, provider.region_id),
            "may_claim": actor_has_perm(request.user, Perm.SUBSIDIES_MANAGE, provider.region_id)
            and actor_has_perm(request.user, Perm.CARE_SUPERVISE, provider.region_id),
        },
    )


@login_required
@require_POST
def act(request: HttpRequest, provider_id: uuid.UUID, action: str) -> HttpResponse:
    provider = _provider(request, provider_id)
    first = _month(request)
    ctx = audit_ctx(request)
    try:
        if action == "deliver":
            result = settlement.settlement_deliver(ctx=ctx, provider=provider, month=first)  # type: ignore[arg-type]
            messages.success(
                request,
                _("%(n)d visit(s) recorded as delivered; %(held)d held for a supervisor.")
                % {"n": result.delivered, "held": result.held},
            )
        elif action == "claim":
            claims = settlement.settlement_claim(ctx=ctx, provider=provider, month=first)  # type: ignore[arg-type]
            messages.success(request, _("%(n)d claim(s) prepared.") % {"n": len(claims)})
        else:
            raise Http404
    except DomainError as exc:
        messages.error(request, str(exc.message))
    url = reverse("homecare:settlement", kwargs={"provider_id": provider.pk})
    return redirect(f"{url}?month={first:%Y-%m-%d}")


@login_required
def export(request: HttpRequest, provider_id: uuid.UUID) -> HttpResponse:
    provider = _provider(request, provider_id)
    need(request, Perm.CARE_VIEW, provider.region_id)
    first = _month(request)
    summary = selectors.settlement_summary(actor=request.user, provider=provider, month=first)  # type: ignore[arg-type]
    header = [
        _("Date"),
        _("Service"),
        _("Elder"),
        _("Caregiver"),
        _("Status"),
        _("Arrival"),
        _("Minutes"),
        _("Flags"),
        _("Approved"),
        _("Price (fen)"),
        _("Subsidy (fen)"),
        _("Co-pay (fen)"),
        _("Delivered on"),
    ]
    rows = [
        [
            v.date,
            str(v.service_type),
            v.elder.name,
            v.caregiver.name if v.caregiver else "",
            v.get_status_display(),
            hhmm(v.planned_arrival),
            v.actual_minutes or 0,
            "; ".join(flag_label(f) for f in v.flags),
            _("yes") if v.flags_approved_at else "",
            v.order.price_fen,
            v.order.subsidy_fen,
            v.order.copay_fen,
            v.delivered_on or "",
        ]
        for v in summary["visits"]
    ]
    totals = [
        [_("Provider"), provider.name],
        [_("Month"), f"{first:%Y-%m}"],
        [_("Completed"), summary["completed"]],
        [_("Verified"), summary["verified"]],
        [_("Held for a supervisor"), summary["held"]],
        [_("Subsidy (fen)"), summary["subsidy_fen"]],
        [_("Co-pay (fen)"), summary["copay_fen"]],
    ]
    content = xlsx_bytes(
        [Sheet(str(_("Summary")), totals), Sheet(str(_("Visits")), [header, *rows])]
    )
    audit(
        audit_ctx(request),
        entity="provider",
        entity_id=provider.pk,
        region_code=provider.region_id,
        action=AuditAction.EXPORT,
        summary=f"settlement {first:%Y-%m} spreadsheet",
    )
    response = HttpResponse(
        content,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="care-{first:%Y-%m}.xlsx"'
    return response
