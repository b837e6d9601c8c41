"""Home-adaptation pages: the case list, a new case from the elder page, the case page
(checklist, plan with the subsidy quote, contractor, works, acceptance, follow-up, the
transitions), contractors, photos and the counts per area and month for officers. Thin:
selectors read, services write."""

from __future__ import annotations

import datetime as dt
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
from silvercare.accounts.scoping import actor_has_perm, actor_prefixes
from silvercare.adaptation import selectors, services
from silvercare.adaptation.checklist import checklist
from silvercare.adaptation.choices import OPEN_STATUSES, Action, Answer, PhotoStage, Status
from silvercare.adaptation.forms import (
    AcceptForm,
    CancelForm,
    CaseOpenForm,
    ContractorChoiceForm,
    ContractorForm,
    CountsForm,
    FollowUpForm,
    PlanItemForm,
    StartWorksForm,
    WorksForm,
    yuan_to_fen,
)
from silvercare.adaptation.models import AdaptationCase
from silvercare.adaptation.presenters import allowed_actions, elder_name
from silvercare.common.errors import DomainError, FieldError, NotFound, ValidationFailed
from silvercare.common.forms import apply_errors
from silvercare.common.no_store import no_store
from silvercare.common.pagination import paginate, query_without_page
from silvercare.common.photos import photo_response
from silvercare.common.request import audit_ctx
from silvercare.regions.selectors import regions_under


def _need(request: HttpRequest, perm: str, region_code: str | None = None) -> None:
    if not actor_has_perm(request.user, perm, region_code):
        raise Http404


def _case(request: HttpRequest, case_id: uuid.UUID) -> AdaptationCase:
    try:
        return selectors.case_get_for(actor=request.user, case_id=case_id)
    except NotFound:
        raise Http404 from None


def _region_choices(request: HttpRequest, perm: str, levels: list[int]) -> list[tuple[str, str]]:
    regions = regions_under(actor_prefixes(request.user, perm), levels=levels, limit=400)
    return [
        (r.code, r.name if r.level < 5 or r.parent is None else f"{r.parent.name} · {r.name}")
        for r in regions
    ]


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The case list (filtered by state), with the counts by state."""
    _need(request, Perm.ADAPTATION_VIEW)
    status = request.GET.get("status", "")
    if status not in ("", "open", *Status.values):
        status = ""
    qs = selectors.case_list(actor=request.user, status=status)
    page = paginate(request, qs)
    rows = [(c, elder_name(request.user, c)) for c in page.object_list]
    counted = selectors.status_counts(actor=request.user)
    return render(
        request,
        "adaptation/home.html",
        {
            "page": page,
            "rows": rows,
            "query": query_without_page(request),
            "status": status,
            "statuses": [(v, label, counted[v]) for v, label in Status.choices],
            "may_manage": actor_has_perm(request.user, Perm.ADAPTATION_MANAGE),
            "due": selectors.follow_ups_due(actor=request.user, on=timezone.localdate()).count(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def case_new(request: HttpRequest, elder_id: uuid.UUID) -> HttpResponse:
    """Open a case for an elder (reached from the elder page)."""
    from silvercare.elders.selectors import elder_get_for

    try:
        elder = elder_get_for(actor=request.user, elder_id=elder_id, perm=Perm.ADAPTATION_MANAGE)
    except NotFound:
        raise Http404 from None
    form = CaseOpenForm(request.POST or None, initial={"assessed_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            case = services.case_open(
                ctx=audit_ctx(request), elder=elder, assessed_on=form.cleaned_data["assessed_on"]
            )
            messages.success(request, _("The case was opened: fill in the checklist."))
            return redirect("adaptation:case", adaptation_case_id=case.pk)
        except DomainError as exc:
            apply_errors(form, exc)
    return render(request, "adaptation/new.html", {"form": form, "elder": elder})


def _detail_context(request: HttpRequest, case: AdaptationCase, **forms: Any) -> dict[str, Any]:
    user = request.user
    may_manage = actor_has_perm(user, Perm.ADAPTATION_MANAGE, case.region_id)
    items = selectors.items_of(case)
    suggested = selectors.suggested_items(case)
    contractors = list(selectors.contractor_list(actor=user, case=case)) if may_manage else []
    today = timezone.localdate()
    data = checklist()
    context = {
        "case": case,
        "elder_name": elder_name(user, case),
        "may_manage": may_manage,
        "editable": may_manage and case.status in services.EDITABLE,
        "areas": selectors.checklist_rows(case),
        "answer_choices": Answer.choices,
        "items": items,
        "suggested": [data.item(c) for c in suggested],
        "quote": selectors.quote_for(actor=user, case=case),
        "works": selectors.works_of(case),
        "allowed": allowed_actions(case) if may_manage else [],
        "actions": dict(Action.choices),
        "source": data.source,
        "item_form": forms.get("item_form") or PlanItemForm(suggested=suggested),
        "contractor_form": forms.get("contractor_form")
        or ContractorChoiceForm(
            contractors=contractors,
            initial={"contractor_id": str(case.contractor_id or "")},
        ),
        "contractors": contractors,
        "start_form": forms.get("start_form") or StartWorksForm(initial={"started_on": today}),
        "works_form": forms.get("works_form") or WorksForm(initial={"on": today}),
        "accept_form": forms.get("accept_form")
        or AcceptForm(items=items, initial={"accepted_on": today}),
        "follow_form": forms.get("follow_form")
        or FollowUpForm(initial={"visited_on": case.follow_up_due_on or today}),
        "cancel_form": forms.get("cancel_form") or CancelForm(),
        "errors": forms.get("errors") or [],
        "today": today,
    }
    return context


@login_required
@no_store
def case_detail(request: HttpRequest, adaptation_case_id: uuid.UUID) -> HttpResponse:
    case = _case(request, adaptation_case_id)
    return render(request, "adaptation/case.html", _detail_context(request, case))


def _again(request: HttpRequest, case: AdaptationCase, **forms: Any) -> HttpResponse:
    return render(
        request, "adaptation/case.html", _detail_context(request, case, **forms), status=422
    )


def _manage(request: HttpRequest, adaptation_case_id: uuid.UUID) -> AdaptationCase:
    case = _case(request, adaptation_case_id)
    _need(request, Perm.ADAPTATION_MANAGE, case.region_id)
    return case


def _error_lines(exc: DomainError) -> list[str]:
    return [str(e.message) for e in exc.errors] or [str(exc.message)]


@login_required
@require_POST
def checklist_save(request: HttpRequest, adaptation_case_id: uuid.UUID) -> HttpResponse:
    """Save the answers given (questions left blank stay unanswered) and any photos."""
    case = _manage(request, adaptation_case_id)
    answers = []
    for q in checklist().questions:
        value = request.POST.get(f"q_{q.code}", "")
        note = request.POST.get(f"n_{q.code}", "")
        if value or note:
            answers.append(services.AnswerIn(q.code, value, note))
    photos = [
        (q.code, upload)
        for q in checklist().questions
        if (upload := request.FILES.get(f"p_{q.code}")) is not None
    ]
    ctx = audit_ctx(request)
    try:
        if answers:
            services.checklist_record(ctx=ctx, case=case, answers=answers)
        for code, upload in photos:
            if upload.size and upload.size > 3 * 1024 * 1024:
                raise ValidationFailed(
                    [FieldError("photo", "photo_invalid", _("The photo is larger than 3 MB."))]
                )
            services.photo_add(
                ctx=ctx, case=case, content=upload.read(), stage=PhotoStage.CHECKLIST, question=code
            )
    except DomainError as exc:
        return _again(request, case, errors=_error_lines(exc))
    if not answers and not photos:
        return _again(request, case, errors=[_("Answer at least one question.")])
    messages.success(request, _("The checklist was saved."))
    return redirect(f"/adaptation/cases/{case.pk}/#checklist")


@login_required
@require_POST
def item_add(request: HttpRequest, adaptation_case_id: uuid.UUID) -> HttpResponse:
    case = _manage(request, adaptation_case_id)
    form = PlanItemForm(request.POST, suggested=selectors.suggested_items(case))
    if form.is_valid():
        data = form.cleaned_data
        price = data["unit_price"]
        try:
            services.plan_item_add(
                ctx=audit_ctx(request),
                case=case,
                code=data["code"],
                name=data["name"],
                quantity=data["quantity"],
                unit_price_fen=yuan_to_fen(price) if price is not None else None,
                unit=data["unit"],
                note=data["note"],
            )
            messages.success(request, _("The item was added to the plan."))
            return redirect(f"/adaptation/cases/{case.pk}/#plan")
        except DomainError as exc:
            apply_errors(form, exc)
    return _again(request, case, item_form=form)


@login_required
@require_POST
def item_remove(
    request: HttpRequest, adaptation_case_id: uuid.UUID, adaptation_item_id: uuid.UUID
) -> HttpResponse:
    case = _manage(request, adaptation_case_id)
    try:
        item = selectors.plan_item_get_for(actor=request.user, item_id=adaptation_item_id)
    except NotFound:
        raise Http404 from None
    if item.case_id != case.pk:
        raise Http404
    try:
        services.plan_item_remove(ctx=audit_ctx(request), item=item)
    except DomainError as exc:
        return _again(request, case, errors=_error_lines(exc))
    messages.success(request, _("The item was removed from the plan."))
    return redirect(f"/adaptation/cases/{case.pk}/#plan")


@login_required
@require_POST
def contractor_choose(request: HttpRequest, adaptation_case_id: uuid.UUID) -> HttpResponse:
    case = _manage(request, adaptation_case_id)
    contractors = list(selectors.contractor_list(actor=request.user, case=case))
    form = ContractorChoiceForm(request.POST, contractors=contractors)
    if form.is_valid():
        contractor = next(c for c in contractors if str(c.pk) == form.cleaned_data["contractor_id"])
        try:
            services.contractor_assign(ctx=audit_ctx(request), case=case, contractor=contractor)
            messages.success(request, _("The contractor was chosen."))
            return redirect(f"/adaptation/cases/{case.pk}/#works")
        except DomainError as exc:
            apply_errors(form, exc)
    return _again(request, case, contractor_form=form)


@login_required
@require_POST
def works_add(request: HttpRequest, adaptation_case_id: uuid.UUID) -> HttpResponse:
    case = _manage(request, adaptation_case_id)
    form = WorksForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        ctx = audit_ctx(request)
        try:
            entry = services.works_record(
                ctx=ctx, case=case, on=data["on"], progress=data["progress"], note=data["note"]
            )
            if data.get("photo"):
                services.photo_add(
                    ctx=ctx,
                    case=case,
                    content=data["photo"].read(),
                    stage=PhotoStage.WORKS,
                    works_entry=entry,
                )
            messages.success(request, _("The progress was recorded."))
            return redirect(f"/adaptation/cases/{case.pk}/#works")
        except DomainError as exc:
            apply_errors(form, exc)
    return _again(request, case, works_form=form)


@login_required
@require_POST
def transition(request: HttpRequest, adaptation_case_id: uuid.UUID, action: str) -> HttpResponse:
    """One of the state machine's transitions, each with its own form."""
    if action not in Action.values:
        raise Http404
    case = _manage(request, adaptation_case_id)
    try:
        services.check_transition(case, action)
    except DomainError as exc:
        return _again(request, case, errors=_error_lines(exc))
    ctx = audit_ctx(request)
    form: Any = None
    key = ""
    try:
        if action == Action.PLAN:
            services.case_plan(ctx=ctx, case=case)
        elif action == Action.APPROVE:
            services.case_approve(ctx=ctx, case=case)
        elif action == Action.START_WORKS:
            form, key = StartWorksForm(request.POST), "start_form"
            if form.is_valid():
                services.works_start(ctx=ctx, case=case, started_on=form.cleaned_data["started_on"])
        elif action == Action.ACCEPT:
            form = AcceptForm(request.POST, items=selectors.items_of(case))
            key = "accept_form"
            if form.is_valid():
                data = form.cleaned_data
                services.case_accept(
                    ctx=ctx,
                    case=case,
                    checked_item_ids=data["checked"],
                    signed_by=data["signed_by"],
                    signer=data["signer"],
                    accepted_on=data["accepted_on"],
                    note=data["note"],
                    follow_up_days=data["follow_up_days"],
                )
        elif action == Action.FOLLOW_UP:
            form, key = FollowUpForm(request.POST), "follow_form"
            if form.is_valid():
                data = form.cleaned_data
                services.case_follow_up(
                    ctx=ctx,
                    case=case,
                    outcome=data["outcome"],
                    visited_on=data["visited_on"],
                    note=data["note"],
                )
        elif action == Action.CANCEL:
            form, key = CancelForm(request.POST), "cancel_form"
            if form.is_valid():
                services.case_cancel(ctx=ctx, case=case, reason=form.cleaned_data["reason"])
    except DomainError as exc:
        if form is not None:
            apply_errors(form, exc)
            return _again(request, case, **{key: form})
        return _again(request, case, errors=_error_lines(exc))
    if form is not None and not form.is_valid():
        return _again(request, case, **{key: form})
    case.refresh_from_db()
    messages.success(
        request,
        _("Done: the case is now “%(status)s”.") % {"status": services.status_label(case.status)},
    )
    return redirect("adaptation:case", adaptation_case_id=case.pk)


@login_required
def photo(request: HttpRequest, adaptation_photo_id: uuid.UUID) -> HttpResponse:
    try:
        found = selectors.photo_get_for(actor=request.user, photo_id=adaptation_photo_id)
    except NotFound:
        raise Http404 from None
    return photo_response(found.content, found.content_type)


@login_required
@require_http_methods(["GET", "POST"])
def contractors(request: HttpRequest) -> HttpResponse:
    _need(request, Perm.ADAPTATION_VIEW)
    may_manage = actor_has_perm(request.user, Perm.ADAPTATION_MANAGE)
    form = None
    if may_manage:
        form = ContractorForm(
            request.POST or None,
            regions=_region_choices(request, Perm.ADAPTATION_MANAGE, [2, 3, 4]),
        )
        if request.method == "POST" and form.is_valid():
            try:
                services.contractor_create(ctx=audit_ctx(request), **form.cleaned_data)
                messages.success(request, _("The contractor was recorded."))
                return redirect("adaptation:contractors")
            except DomainError as exc:
                apply_errors(form, exc)
    elif request.method == "POST":
        raise Http404
    return render(
        request,
        "adaptation/contractors.html",
        {
            "contractors": selectors.contractor_list(actor=request.user)[:500],
            "form": form,
        },
    )


def _month_start(day: dt.date) -> dt.date:
    return dt.date(day.year, day.month, 1)


@login_required
def counts(request: HttpRequest) -> HttpResponse:
    """Cases opened, accepted, households adapted and spend per street and month."""
    _need(request, Perm.ADAPTATION_VIEW)
    from silvercare.adaptation.api import scoped_prefix

    today = timezone.localdate()
    start = _month_start(today - dt.timedelta(days=150))
    regions = [("", _("All my areas")), *_region_choices(request, Perm.ADAPTATION_VIEW, [2, 3, 4])]
    form = CountsForm(
        request.GET or None,
        regions=regions,
        initial={"month_from": start, "month_to": today},
    )
    region, month_from, month_to = "", start, today
    if request.GET and form.is_valid():
        region = form.cleaned_data["region"] or ""
        month_from, month_to = form.cleaned_data["month_from"], form.cleaned_data["month_to"]
    span = (month_to.year * 12 + month_to.month) - (month_from.year * 12 + month_from.month)
    rows: list[Any] = []
    error = ""
    if not 0 <= span < 60 or not 2000 <= month_from.year <= month_to.year <= 2100:
        error = _("Choose up to 60 months, the end not before the start.")
    else:
        try:
            prefix = scoped_prefix(request.user, region)
        except NotFound:
            raise Http404 from None
        # Per street (9 digits) inside a district or wider, else per community.
        digits = 9 if len(prefix) < 9 else 12
        rows = [
            r
            for r in selectors.adaptation_counts(prefix, month_from, month_to, group_digits=digits)
            if r.opened or r.accepted
        ]
    from silvercare.regions.models import Region

    names = dict(
        Region.objects.filter(code__in={r.region_code for r in rows}).values_list("code", "name")
    )
    totals = {
        "opened": sum(r.opened for r in rows),
        "accepted": sum(r.accepted for r in rows),
        "households": sum(r.households for r in rows),
        "spend_fen": sum(r.spend_fen for r in rows),
        "subsidy_fen": sum(r.subsidy_fen for r in rows),
    }
    return render(
        request,
        "adaptation/counts.html",
        {
            "form": form,
            "rows": [(r, names.get(r.region_code, r.region_code)) for r in rows],
            "totals": totals,
            "error": error,
        },
    )


def elder_panel(request: HttpRequest, elder: Any) -> dict[str, Any] | None:
    """The elder page's section: the elder's adaptation cases and a way to open one."""
    user = request.user
    if not actor_has_perm(user, Perm.ADAPTATION_VIEW, elder.region_id):
        return None
    cases = list(selectors.case_list(actor=user, elder_id=elder.pk)[:10])
    return {
        "elder": elder,
        "cases": cases,
        "may_open": actor_has_perm(user, Perm.ADAPTATION_MANAGE, elder.region_id)
        and elder.status == "active"
        and not any(c.status in OPEN_STATUSES for c in cases),
    }
