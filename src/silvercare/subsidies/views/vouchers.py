"""Pages of the consumption vouchers (batches: define, issue, close expired; a voucher's
code handed out once), the merchant's check-and-redeem page, and trade-ins (an old device
handed in, from the elder's quote page)."""

from __future__ import annotations

import uuid
from typing import Any

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
from silvercare.common.no_store import no_store
from silvercare.common.request import audit_ctx
from silvercare.elders.selectors import elder_get_for
from silvercare.subsidies import selectors, services
from silvercare.subsidies.forms import (
    TradeInForm,
    VoucherBatchForm,
    VoucherCheckForm,
    VoucherRedeemForm,
    to_fen,
)
from silvercare.subsidies.models import Voucher, VoucherBatch
from silvercare.subsidies.presenters import tradein_present, voucher_batch_present


def _found(getter: Any, **kwargs: Any) -> Any:
    try:
        return getter(**kwargs)
    except NotFound:
        raise Http404 from None


def _require(request: HttpRequest, perm: str, region_code: str | None = None) -> None:
    if not actor_has_perm(request.user, perm, region_code):
        raise Http404


@login_required
@require_http_methods(["GET", "POST"])
def batch_list(request: HttpRequest) -> HttpResponse:
    _require(request, Perm.SUBSIDIES_VIEW)
    may_manage = actor_has_perm(request.user, Perm.SUBSIDIES_MANAGE)
    form = None
    if may_manage:
        today = timezone.localdate()
        form = VoucherBatchForm(
            request.POST or None,
            programmes=selectors.programme_list(actor=request.user),
            initial={"valid_from": today, "expires_on": today.replace(month=12, day=31)},
        )
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                batch = services.voucher_batch_create(
                    ctx=audit_ctx(request),
                    programme=data["programme"],
                    code=data["code"],
                    name=data["name"],
                    region_code=data["region_code"],
                    face_value_fen=to_fen(data["face_value_yuan"]) or 0,
                    valid_from=data["valid_from"],
                    expires_on=data["expires_on"],
                    allow_partial=data["allow_partial"],
                )
                messages.success(request, _("The batch was saved: issue it to the elders."))
                return redirect("subsidies:voucher_batch", voucher_batch_id=batch.pk)
            except DomainError as exc:
                if exc.status == 403:
                    raise Http404 from None
                apply_errors(form, exc)
    elif request.method == "POST":
        raise Http404
    return render(
        request,
        "subsidies/voucher_batches.html",
        {
            "batches": [
                voucher_batch_present(b) for b in selectors.voucher_batch_list(actor=request.user)
            ],
            "form": form,
        },
        status=422 if form is not None and form.errors else 200,
    )


def _batch(request: HttpRequest, batch_id: int) -> VoucherBatch:
    found: VoucherBatch = _found(
        selectors.voucher_batch_get_for, actor=request.user, batch_id=batch_id
    )
    return found


@login_required
def batch_detail(request: HttpRequest, voucher_batch_id: int) -> HttpResponse:
    batch = _batch(request, voucher_batch_id)
    vouchers = list(selectors.voucher_list(actor=request.user, batch_id=batch.pk)[:500])
    return render(
        request,
        "subsidies/voucher_batch.html",
        {
            "batch": voucher_batch_present(batch),
            "programme": batch.programme,
            "counts": selectors.voucher_batch_counts(batch),
            "vouchers": vouchers,
            "may_manage": actor_has_perm(request.user, Perm.SUBSIDIES_MANAGE, batch.region_id),
            "may_hand_out": actor_has_perm(request.user, Perm.SUBSIDIES_QUOTE),
            "expired": batch.expires_on < timezone.localdate(),
        },
    )


@login_required
@require_POST
def batch_issue(request: HttpRequest, voucher_batch_id: int) -> HttpResponse:
    batch = _batch(request, voucher_batch_id)
    _require(request, Perm.SUBSIDIES_MANAGE, batch.region_id)
    try:
        issued = services.voucher_batch_issue(ctx=audit_ctx(request), batch=batch)
        messages.success(request, _("%(n)s vouchers were issued.") % {"n": issued.issued_count})
    except DomainError as exc:
        messages.error(request, str(exc.message))
    return redirect("subsidies:voucher_batch", voucher_batch_id=batch.pk)


@login_required
@require_POST
def batch_expire(request: HttpRequest, voucher_batch_id: int) -> HttpResponse:
    batch = _batch(request, voucher_batch_id)
    _require(request, Perm.SUBSIDIES_MANAGE, batch.region_id)
    closed = services.vouchers_expire(ctx=audit_ctx(request), batch=batch)
    messages.success(request, _("%(n)s expired vouchers were closed.") % {"n": closed})
    return redirect("subsidies:voucher_batch", voucher_batch_id=batch.pk)


@login_required
@require_POST
@no_store
def voucher_code(request: HttpRequest, voucher_id: uuid.UUID) -> HttpResponse:
    """Hand a new code to the elder: shown on this page once (print it or read it out)."""
    voucher: Voucher = _found(selectors.voucher_get_for, actor=request.user, voucher_id=voucher_id)
    _require(request, Perm.SUBSIDIES_QUOTE, voucher.region_id)
    try:
        code = services.voucher_code_issue(ctx=audit_ctx(request), voucher=voucher)
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return redirect("subsidies:voucher_batch", voucher_batch_id=voucher.batch_id)
    return render(
        request,
        "subsidies/voucher_code.html",
        {"voucher": voucher, "batch": voucher.batch, "code": code},
    )


@login_required
@require_http_methods(["GET", "POST"])
def voucher_redeem(request: HttpRequest) -> HttpResponse:
    """The merchant's page: check a code (masked holder name, value left), then redeem."""
    _require(request, Perm.SUBSIDIES_REDEEM)
    check_form = VoucherCheckForm(request.POST if "check" in request.POST else None)
    redeem_form = VoucherRedeemForm(request.POST if "redeem" in request.POST else None)
    checked = None
    redeemed = None
    ctx = audit_ctx(request)
    if check_form.is_bound and check_form.is_valid():
        try:
            checked = services.voucher_check(ctx=ctx, code=check_form.cleaned_data["code"])
            redeem_form = VoucherRedeemForm(initial={"code": check_form.cleaned_data["code"]})
        except DomainError as exc:
            apply_errors(check_form, exc)
    if redeem_form.is_bound and redeem_form.is_valid():
        data = redeem_form.cleaned_data
        try:
            redeemed = services.voucher_redeem(
                ctx=ctx,
                code=data["code"],
                amount_fen=to_fen(data["amount_yuan"]) or 0,
                merchant_ref=data["merchant_ref"],
            )
            redeem_form = VoucherRedeemForm()
        except DomainError as exc:
            apply_errors(redeem_form, exc)
    failed = (check_form.is_bound and check_form.errors) or (
        redeem_form.is_bound and redeem_form.errors
    )
    return render(
        request,
        "subsidies/voucher_redeem.html",
        {
            "check_form": check_form if check_form.is_bound else VoucherCheckForm(),
            "redeem_form": redeem_form,
            "checked": checked,
            "redeemed": redeemed,
        },
        status=422 if failed else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def tradein_new(request: HttpRequest, elder_id: uuid.UUID) -> HttpResponse:
    elder = _found(elder_get_for, actor=request.user, elder_id=elder_id)
    _require(request, Perm.SUBSIDIES_QUOTE, elder.region_id)
    form = TradeInForm(request.POST or None, initial={"received_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.tradein_record(
                ctx=audit_ctx(request),
                elder=elder,
                device_type=data["device_type"],
                brand=data["brand"],
                serial=data["serial"],
                credit_fen=to_fen(data["credit_yuan"]) or 0,
                received_on=data["received_on"],
                note=data["note"],
            )
            messages.success(request, _("The old device was recorded: quote the new purchase."))
            return redirect("subsidies:quote_new", elder_id=elder.pk)
        except DomainError as exc:
            apply_errors(form, exc)
    return render(
        request,
        "subsidies/trade_in.html",
        {
            "elder": elder,
            "form": form,
            "trade_ins": [
                tradein_present(t)
                for t in selectors.tradein_list(actor=request.user, elder_id=elder.pk)
            ],
        },
        status=422 if form.errors else 200,
    )
