"""Assessment pages: booking, the tablet form (one domain per step), review, signing,
completion, the PDF report and the reassessment due list."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from silvercare.accounts.roles import Perm
from silvercare.accounts.scoping import actor_has_perm
from silvercare.accounts.selectors import active_user
from silvercare.assessments import presenters, selectors, services
from silvercare.assessments.appendix_registry import registry_view, with_registry
from silvercare.assessments.choices import LEVEL_NAMES, InstrumentChoice, Status
from silvercare.assessments.forms import BookForm, CancelForm, SignForm, TriggerForm
from silvercare.assessments.instruments import get_instrument
from silvercare.assessments.instruments.appendix_a import CONTACT_REF
from silvercare.assessments.models import Assessment
from silvercare.common.errors import DomainError, NotFound
from silvercare.common.forms import apply_errors
from silvercare.common.no_store import mark_no_store, no_store
from silvercare.common.pagination import paginate, query_without_page
from silvercare.common.request import audit_ctx
from silvercare.elders.selectors import elder_get_for
from silvercare.elders.services import elder_reveal


def _get(request: HttpRequest, assessment_id: uuid.UUID) -> Assessment:
    try:
        return selectors.assessment_get_for(actor=request.user, assessment_id=assessment_id)
    except NotFound:
        raise Http404 from None


def _is_performer(request: HttpRequest, assessment: Assessment) -> bool:
    return request.user.pk in (assessment.assessor_id, assessment.second_assessor_id)


@login_required
def assessment_list(request: HttpRequest) -> HttpResponse:
    if not actor_has_perm(request.user, Perm.ASSESSMENTS_VIEW):
        raise Http404
    status = request.GET.get("status", "")
    mine = request.GET.get("mine") == "1"
    qs = selectors.assessment_list(
        actor=request.user, status=status if status in Status.values else None, mine=mine
    )
    return render(
        request,
        "assessments/list.html",
        {
            "page": paginate(request, qs),
            "statuses": Status.choices,
            "status": status,
            "mine": mine,
            "query": query_without_page(request),
            "level_names": LEVEL_NAMES,
        },
    )


@login_required
def due_list(request: HttpRequest) -> HttpResponse:
    if not actor_has_perm(request.user, Perm.ASSESSMENTS_VIEW):
        raise Http404
    try:
        within = max(0, min(int(request.GET.get("within", "30")), 3650))
    except ValueError:
        within = 30
    never = request.GET.get("never") == "1"
    qs = selectors.assessment_due(actor=request.user, within_days=within, include_never=never)
    return render(
        request,
        "assessments/due.html",
        {
            "page": paginate(request, qs, 50),
            "within": within,
            "never": never,
            "today": timezone.localdate(),
            "query": query_without_page(request),
            "level_names": LEVEL_NAMES,
            "may_book": actor_has_perm(request.user, Perm.ASSESSMENTS_BOOK),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def book(request: HttpRequest, elder_id: uuid.UUID) -> HttpResponse:
    try:
        elder = elder_get_for(actor=request.user, elder_id=elder_id)
    except NotFound:
        raise Http404 from None
    if not actor_has_perm(request.user, Perm.ASSESSMENTS_BOOK, elder.region_id):
        raise Http404
    corrects = None
    if request.GET.get("corrects") or request.POST.get("corrects"):
        corrects = _get(request, request.GET.get("corrects") or request.POST["corrects"])  # type: ignore[arg-type]
    assessors = selectors.assessors_for(region_code=elder.region_id, on=timezone.localdate())
    initial = {
        "scheduled_for": timezone.localdate(),
        "reason": "review"
        if corrects
        else ("routine" if elder.ability_level is not None else "first"),
    }
    form = BookForm(
        request.POST or None, initial=initial, assessors=assessors, correcting=corrects is not None
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            assessment = services.assessment_book(
                ctx=audit_ctx(request),
                elder=elder,
                reason=data["reason"],
                scheduled_for=data["scheduled_for"],
                assessor=active_user(data["assessor"]),
                second_assessor=active_user(data.get("second_assessor")),
                place=data["place"],
                instrument=data["instrument"],
                corrects=corrects,
                correction_reason=data.get("correction_reason", ""),
            )
            messages.success(request, _("The assessment was booked."))
            return redirect("assessments:detail", assessment_id=assessment.pk)
        except DomainError as exc:
            apply_errors(form, exc)
    return render(
        request,
        "assessments/book.html",
        {"form": form, "elder": elder, "corrects": corrects},
        status=422 if form.errors else 200,
    )


@login_required
def detail(request: HttpRequest, assessment_id: uuid.UUID) -> HttpResponse:
    assessment = _get(request, assessment_id)
    performer = _is_performer(request, assessment)
    return render(
        request,
        "assessments/detail.html",
        {
            "a": assessment,
            "instrument_label": InstrumentChoice(assessment.instrument).label,
            "steps": presenters.steps_for(assessment),
            "domains": presenters.domain_rows(assessment),
            "performer": performer,
            "level_names": LEVEL_NAMES,
            "sign_form": SignForm(),
            "answered": len(assessment.items),
            "total_items": len(get_instrument(assessment.instrument).items),
            "may_cancel": _may_cancel(request, assessment),
            "may_correct": assessment.status == Status.COMPLETED
            and actor_has_perm(request.user, Perm.ASSESSMENTS_BOOK, assessment.region_id),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def step(request: HttpRequest, assessment_id: uuid.UUID, code: str) -> HttpResponse:
    assessment = _get(request, assessment_id)
    steps = presenters.steps_for(assessment)
    codes = [s["code"] for s in steps]
    if code not in codes or not _is_performer(request, assessment):
        raise Http404
    if assessment.status in (Status.COMPLETED, Status.CANCELLED):
        return redirect("assessments:detail", assessment_id=assessment.pk)
    errors: dict[str, str] = {}
    revealed = None
    if request.method == "POST" and code == "A" and "reveal" in request.POST:
        # The registry's audited reveal of the ID number and phones; nothing is saved.
        try:
            revealed = elder_reveal(ctx=audit_ctx(request), elder=assessment.elder)
        except DomainError as exc:
            messages.error(request, str(exc.message))
    elif request.method == "POST":
        try:
            if code == "A":
                forms = presenters.parse_appendix_post(request.POST)
                if CONTACT_REF in request.POST:
                    forms[CONTACT_REF] = request.POST[CONTACT_REF]
                services.assessment_save_answers(
                    ctx=audit_ctx(request),
                    assessment=assessment,
                    forms=forms,
                    update_registry=request.POST.get("registry_update") == "on",
                )
            else:
                items: dict[str, Any] = {}
                for block in presenters.item_blocks(assessment, code, {}):
                    raw = request.POST.get(block["code"], "")
                    # Only ASCII digits are a score: "²" or "٣" stay text, which the
                    # service refuses as not an option of this item (never int() them).
                    ascii_number = raw.isascii() and raw.lstrip("-").isdigit() and len(raw) <= 4
                    items[block["code"]] = (
                        int(raw) if ascii_number else (None if raw == "" else raw)
                    )
                services.assessment_save_answers(
                    ctx=audit_ctx(request), assessment=assessment, items=items
                )
            index = codes.index(code)
            if "next" in request.POST and index + 1 < len(codes):
                return redirect(
                    "assessments:step", assessment_id=assessment.pk, code=codes[index + 1]
                )
            if "next" in request.POST:
                return redirect("assessments:detail", assessment_id=assessment.pk)
            messages.success(request, _("Saved."))
            return redirect("assessments:step", assessment_id=assessment.pk, code=code)
        except DomainError as exc:
            errors = {e.field: str(e.message) for e in exc.errors} or {"": str(exc.message)}
            if not exc.errors:
                messages.error(request, str(exc.message))
        assessment.refresh_from_db()
    index = codes.index(code)
    context = {
        "a": assessment,
        "steps": steps,
        "step": steps[index],
        "index": index + 1,
        "count": len(steps),
        "errors": errors,
        "previous": codes[index - 1] if index else None,
        "is_last": index + 1 == len(codes),
    }
    if code == "A":
        registry = registry_view(
            actor=request.user, assessment=assessment, revealed=revealed, errors=errors
        )
        context["sections"] = with_registry(
            presenters.appendix_sections(assessment, errors), registry
        )
        context["registry"] = registry
        context["icd10"] = ", ".join(assessment.forms.get("A.4.1.icd10", []))
        context["psychiatrist"] = assessment.forms.get("A.4.1.psychiatrist", False)
        context["icd10_error"] = errors.get("A.4.1.icd10")
    else:
        context["blocks"] = presenters.item_blocks(assessment, code, errors)
    response = render(request, "assessments/step.html", context, status=422 if errors else 200)
    return mark_no_store(response) if revealed else response


@login_required
@require_POST
def act(request: HttpRequest, assessment_id: uuid.UUID, action: str) -> HttpResponse:
    assessment = _get(request, assessment_id)
    ctx = audit_ctx(request)
    try:
        if action == "submit":
            services.assessment_submit(ctx=ctx, assessment=assessment)
        elif action == "sign":
            form = SignForm(request.POST)
            form.is_valid()
            services.assessment_sign(
                ctx=ctx,
                assessment=assessment,
                informant_name=form.cleaned_data.get("informant_name"),
            )
        elif action == "complete":
            services.assessment_complete(ctx=ctx, assessment=assessment)
            messages.success(request, _("The assessment is complete."))
        else:
            raise Http404
    except DomainError as exc:
        details = "; ".join(f"{e.field}: {e.message}" for e in exc.errors)
        messages.error(request, f"{exc.message} {details}".strip())
    return redirect("assessments:detail", assessment_id=assessment.pk)


def _may_cancel(request: HttpRequest, assessment: Assessment) -> bool:
    return actor_has_perm(
        request.user, Perm.ASSESSMENTS_BOOK, assessment.region_id
    ) and assessment.status not in (Status.COMPLETED, Status.CANCELLED)


@login_required
@require_http_methods(["GET", "POST"])
def cancel(request: HttpRequest, assessment_id: uuid.UUID) -> HttpResponse:
    """Cancelling asks first: the page says what is lost; only its confirming POST cancels (a
    POST without ``confirm`` shows the question again and changes nothing)."""
    assessment = _get(request, assessment_id)
    if not _may_cancel(request, assessment):
        if not actor_has_perm(request.user, Perm.ASSESSMENTS_BOOK, assessment.region_id):
            raise PermissionDenied
        return redirect("assessments:detail", assessment_id=assessment.pk)
    form = CancelForm(request.POST or None)
    if request.method == "POST" and request.POST.get("confirm") == "yes" and form.is_valid():
        try:
            services.assessment_cancel(
                ctx=audit_ctx(request), assessment=assessment, note=form.cleaned_data["note"]
            )
            messages.success(request, _("The assessment was cancelled."))
        except DomainError as exc:
            messages.error(request, str(exc.message))
        return redirect("assessments:detail", assessment_id=assessment.pk)
    return render(
        request,
        "assessments/cancel.html",
        {"a": assessment, "form": form if form.is_bound else CancelForm()},
        status=422 if form.errors else 200,
    )


@login_required
@no_store
def report(request: HttpRequest, assessment_id: uuid.UUID) -> HttpResponse:
    from silvercare.assessments.report import assessment_report_pdf

    assessment = _get(request, assessment_id)
    if not assessment.result:
        raise Http404
    full = actor_has_perm(request.user, Perm.ELDERS_VIEW_PII, assessment.region_id)
    pdf = assessment_report_pdf(assessment, full_birth_date=full)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="assessment-{assessment.number}.pdf"'
    return response


@login_required
@require_POST
def trigger(request: HttpRequest, elder_id: uuid.UUID) -> HttpResponse:
    try:
        elder = elder_get_for(actor=request.user, elder_id=elder_id)
    except NotFound:
        raise Http404 from None
    form = TriggerForm(request.POST)
    if form.is_valid():
        try:
            services.trigger_add(ctx=audit_ctx(request), elder=elder, **form.cleaned_data)
            messages.success(request, _("The reassessment was brought forward."))
        except DomainError as exc:
            messages.error(request, str(exc.message))
    return redirect("elders:detail", elder_id=elder.pk)
