"""Pages of the delivery ledger and the claims: a reservation with its deliveries (record,
reverse, correct, early return), the claims list (prepare a month), a claim (approve,
reject, settle) and its settlement spreadsheet and PDF summary."""

from __future__ import annotations

import uuid
from collections.abc import Callable
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
from silvercare.subsidies import selectors, services
from silvercare.subsidies.choices import ClaimStatus, ReservationStatus
from silvercare.subsidies.explain import yuan
from silvercare.subsidies.forms import (
    ClaimApproveForm,
    ClaimPrepareForm,
    ClaimRejectForm,
    ClaimSettleForm,
    CorrectionForm,
    DeliveryForm,
    ReverseForm,
    to_fen,
)
from silvercare.subsidies.models import Claim, Delivery, PayerBody, Reservation
from silvercare.subsidies.presenters import (
    claim_present,
    quote_item_label,
    reservation_present,
)


def _found(getter: Any, **kwargs: Any) -> Any:
    try:
        return getter(**kwargs)
    except NotFound:
        raise Http404 from None


def _require(request: HttpRequest, perm: str, region_code: str | None = None) -> None:
    if not actor_has_perm(request.user, perm, region_code):
        raise Http404


def _reservation(request: HttpRequest, reservation_id: uuid.UUID) -> Reservation:
    found: Reservation = _found(
        selectors.reservation_get_for, actor=request.user, reservation_id=reservation_id
    )
    return found


def _claim(request: HttpRequest, claim_id: uuid.UUID) -> Claim:
    found: Claim = _found(selectors.claim_get_for, actor=request.user, claim_id=claim_id)
    return found


def _report(request: HttpRequest, exc: DomainError) -> None:
    if exc.status == 403:
        raise Http404 from None
    text = str(exc.message)
    if exc.errors:
        text = " ".join(str(e.message) for e in exc.errors)
    messages.error(request, text)


# --- Reservations and their deliveries -------------------------------------------------------


def _reservation_page(
    request: HttpRequest,
    reservation: Reservation,
    delivery_form: DeliveryForm | None = None,
    status: int = 200,
) -> HttpResponse:
    may_deliver = actor_has_perm(request.user, Perm.SUBSIDIES_QUOTE, reservation.region_id)
    is_open = reservation.status == ReservationStatus.RESERVED
    entries = list(selectors.delivery_list(actor=request.user, reservation_id=reservation.pk))
    followed = {e.reverses_id for e in entries if e.reverses_id}
    return render(
        request,
        "subsidies/reservation.html",
        {
            "reservation": reservation_present(reservation),
            "programme": reservation.programme,
            "item": quote_item_label(reservation.quote) if reservation.quote else "",
            "open_fen": (
                reservation.amount_fen - reservation.released_fen - reservation.committed_fen
                if is_open
                else 0
            ),
            "entries": entries,
            "followed": followed,
            "may_deliver": may_deliver,
            "is_open": is_open,
            "delivery_form": (
                delivery_form or DeliveryForm(initial={"delivered_on": timezone.localdate()})
            )
            if may_deliver and is_open
            else None,
            "correction_form": CorrectionForm() if may_deliver else None,
            "reverse_form": ReverseForm() if may_deliver else None,
        },
        status=status,
    )


@login_required
def reservation_detail(request: HttpRequest, reservation_id: uuid.UUID) -> HttpResponse:
    return _reservation_page(request, _reservation(request, reservation_id))


@login_required
@require_POST
def delivery_new(request: HttpRequest, reservation_id: uuid.UUID) -> HttpResponse:
    reservation = _reservation(request, reservation_id)
    _require(request, Perm.SUBSIDIES_QUOTE, reservation.region_id)
    form = DeliveryForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.delivery_record(
                ctx=audit_ctx(request),
                reservation=reservation,
                amount_fen=to_fen(data["amount_yuan"]) or 0,
                delivered_on=data["delivered_on"],
                provider_ref=data["provider_ref"] or None,
                note=data["note"],
            )
            messages.success(request, _("The delivery was recorded."))
            return redirect("subsidies:reservation", reservation_id=reservation.pk)
        except DomainError as exc:
            if exc.status == 403:
                raise Http404 from None
            apply_errors(form, exc)
    return _reservation_page(request, _reservation(request, reservation_id), form, status=422)


def _delivery(request: HttpRequest, delivery_id: uuid.UUID) -> Delivery:
    found: Delivery = _found(
        selectors.delivery_get_for, actor=request.user, delivery_id=delivery_id
    )
    _require(request, Perm.SUBSIDIES_QUOTE, found.region_id)
    return found


@login_required
@require_POST
def delivery_reverse(request: HttpRequest, delivery_id: uuid.UUID) -> HttpResponse:
    delivery = _delivery(request, delivery_id)
    form = ReverseForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        services.delivery_reverse(ctx=audit_ctx(request), delivery=delivery, note=note)
        messages.success(request, _("The entry was reversed."))
    except DomainError as exc:
        _report(request, exc)
    return redirect("subsidies:reservation", reservation_id=delivery.reservation_id)


@login_required
@require_POST
def delivery_correct(request: HttpRequest, delivery_id: uuid.UUID) -> HttpResponse:
    delivery = _delivery(request, delivery_id)
    form = CorrectionForm(request.POST)
    if form.is_valid():
        try:
            services.delivery_correct(
                ctx=audit_ctx(request),
                delivery=delivery,
                amount_fen=to_fen(form.cleaned_data["amount_yuan"]) or 0,
                note=form.cleaned_data["note"],
            )
            messages.success(request, _("The entry was corrected."))
        except DomainError as exc:
            _report(request, exc)
    else:
        messages.error(request, _("Give the right amount in yuan."))
    return redirect("subsidies:reservation", reservation_id=delivery.reservation_id)


@login_required
@require_POST
def reservation_release(request: HttpRequest, reservation_id: uuid.UUID) -> HttpResponse:
    """Cancellation or early return: what was not delivered goes back."""
    reservation = _reservation(request, reservation_id)
    _require(request, Perm.SUBSIDIES_QUOTE, reservation.region_id)
    try:
        done = services.release(ctx=audit_ctx(request), reservation=reservation)
        messages.success(
            request,
            _("Closed: %(released)s yuan went back to the budget.")
            % {"released": yuan(done.released_fen)},
        )
    except DomainError as exc:
        _report(request, exc)
    return redirect("subsidies:reservation", reservation_id=reservation.pk)


# --- Claims ----------------------------------------------------------------------------------


def _manageable_payers(request: HttpRequest) -> Any:
    return PayerBody.objects.visible_to(request.user, Perm.SUBSIDIES_MANAGE).order_by("code")


@login_required
@require_http_methods(["GET", "POST"])
def claim_list(request: HttpRequest) -> HttpResponse:
    _require(request, Perm.SUBSIDIES_VIEW)
    may_prepare = actor_has_perm(request.user, Perm.SUBSIDIES_MANAGE)
    form = None
    if may_prepare:
        form = ClaimPrepareForm(
            request.POST or None,
            payers=_manageable_payers(request),
            initial={"month": timezone.localdate().replace(day=1)},
        )
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                made = services.claim_prepare(
                    ctx=audit_ctx(request),
                    payer=data["payer"],
                    month=data["month"],
                    provider_ref=data["provider_ref"] or None,
                )
                messages.success(request, _("%(n)s claims were prepared.") % {"n": len(made)})
                if len(made) == 1:
                    return redirect("subsidies:claim", claim_id=made[0].pk)
                return redirect("subsidies:claims")
            except DomainError as exc:
                if exc.status == 403:
                    raise Http404 from None
                apply_errors(form, exc)
    elif request.method == "POST":
        raise Http404
    status = request.GET.get("status", "")
    status = status if status in ClaimStatus.values else ""
    claims = [
        claim_present(c) for c in selectors.claim_list(actor=request.user, status=status)[:300]
    ]
    return render(
        request,
        "subsidies/claims.html",
        {
            "claims": claims,
            "form": form,
            "status": status,
            "statuses": ClaimStatus.choices,
            "claimable": selectors.claimable(actor=request.user) if may_prepare else [],
        },
        status=422 if form is not None and form.errors else 200,
    )


@login_required
def claim_detail(request: HttpRequest, claim_id: uuid.UUID) -> HttpResponse:
    claim = _claim(request, claim_id)
    may_approve = actor_has_perm(request.user, Perm.SUBSIDIES_APPROVE, claim.region_id)
    return render(
        request,
        "subsidies/claim.html",
        {
            "claim": claim_present(claim),
            "lines": list(selectors.claim_lines(claim)[:2000]),
            "by_programme": selectors.claim_by_programme(claim),
            "problems": services.claim_reconcile(claim),
            # Four eyes: whoever prepared the claim does not approve it.
            "may_approve": may_approve
            and claim.status == ClaimStatus.PREPARED
            and claim.prepared_by_id != request.user.pk,
            "may_reject": may_approve
            and claim.status in (ClaimStatus.PREPARED, ClaimStatus.APPROVED),
            "may_settle": may_approve and claim.status == ClaimStatus.APPROVED,
            "approve_form": ClaimApproveForm(initial={"total_fen": claim.total_fen}),
            "reject_form": ClaimRejectForm(),
            "settle_form": ClaimSettleForm(),
        },
    )


def _decide(
    request: HttpRequest,
    claim_id: uuid.UUID,
    form_class: Any,
    decide: Callable[[Any, Any, dict[str, Any]], object],
    done: str,
    invalid: str | None,
) -> HttpResponse:
    """One decision of the paying body on a claim (approve, reject, settle): the right to
    approve in the claim's region, the form, the service, and back to the claim."""
    claim = _claim(request, claim_id)
    _require(request, Perm.SUBSIDIES_APPROVE, claim.region_id)
    form = form_class(request.POST)
    if not form.is_valid() and invalid is not None:
        messages.error(request, invalid)
        return redirect("subsidies:claim", claim_id=claim.pk)
    try:
        decide(audit_ctx(request), claim, form.cleaned_data if form.is_valid() else {})
        messages.success(request, done)
    except DomainError as exc:
        _report(request, exc)
    return redirect("subsidies:claim", claim_id=claim.pk)


@login_required
@require_POST
def claim_approve(request: HttpRequest, claim_id: uuid.UUID) -> HttpResponse:
    return _decide(
        request,
        claim_id,
        ClaimApproveForm,
        lambda ctx, claim, data: services.claim_approve(
            ctx=ctx, claim=claim, total_fen=data["total_fen"]
        ),
        _("The claim was approved."),
        _("Reload the claim and check it again."),
    )


@login_required
@require_POST
def claim_reject(request: HttpRequest, claim_id: uuid.UUID) -> HttpResponse:
    return _decide(
        request,
        claim_id,
        ClaimRejectForm,
        lambda ctx, claim, data: services.claim_reject(ctx=ctx, claim=claim, reason=data["reason"]),
        _("The claim was rejected."),
        _("Say why the claim is refused."),
    )


@login_required
@require_POST
def claim_settle(request: HttpRequest, claim_id: uuid.UUID) -> HttpResponse:
    # The payment reference is optional: an invalid form settles without one.
    return _decide(
        request,
        claim_id,
        ClaimSettleForm,
        lambda ctx, claim, data: services.claim_settle(
            ctx=ctx, claim=claim, payment_reference=data.get("payment_reference", "")
        ),
        _("The claim was settled."),
        None,
    )


@login_required
@no_store
def claim_xlsx(request: HttpRequest, claim_id: uuid.UUID) -> HttpResponse:
    from silvercare.subsidies.settlement import claim_xlsx as build

    claim = _claim(request, claim_id)
    content = build(ctx=audit_ctx(request), claim=claim)
    response = HttpResponse(
        content,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="claim-{claim.pk}.xlsx"'
    return response


@login_required
@no_store
def claim_pdf(request: HttpRequest, claim_id: uuid.UUID) -> HttpResponse:
    from silvercare.subsidies.settlement import claim_pdf as build

    claim = _claim(request, claim_id)
    response = HttpResponse(build(claim), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="claim-{claim.pk}.pdf"'
    return response
