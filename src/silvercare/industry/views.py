"""Pages of the industry capability: the registries of enterprises and facilities, report
filing (form and spreadsheet), the approval queue, late and missing reports, key projects
and the white list. Thin: selectors read, services write; out of scope is 404 like a
missing record. Enterprise users see only their own enterprise."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from silvercare.accounts.roles import Perm
from silvercare.accounts.scoping import actor_has_perm, actor_prefixes
from silvercare.assistive.selectors import products_of_registry_enterprise
from silvercare.common.errors import DomainError, NotFound
from silvercare.common.forms import apply_errors
from silvercare.common.pagination import paginate, query_without_page
from silvercare.common.request import audit_ctx
from silvercare.common.spreadsheets import Sheet, xlsx_bytes
from silvercare.homecare.selectors import providers_of_registry_enterprise
from silvercare.industry import selectors, services
from silvercare.industry.choices import (
    EDITABLE,
    FacilityKind,
    Filer,
    Ownership,
    ProjectStage,
    ReportStatus,
    Sector,
    SizeClass,
    Tier,
)
from silvercare.industry.forms import (
    EnterpriseForm,
    FacilityForm,
    ProgressForm,
    ProjectForm,
    ReasonForm,
    ReportFigures,
    TierForm,
    UploadForm,
)
from silvercare.industry.models import officer_prefixes
from silvercare.industry.periods import previous_code, recent_codes
from silvercare.industry.validation import fields_of, localized
from silvercare.regions.selectors import regions_under


def _need(request: HttpRequest, perm: str = Perm.INDUSTRY_VIEW) -> None:
    if not actor_has_perm(request.user, perm):
        raise Http404


def _get(call: Callable[..., Any], **kwargs: Any) -> Any:
    try:
        return call(**kwargs)
    except NotFound:
        raise Http404 from None


def _set_choices(form: forms.Form, name: str, choices: Any) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    field.choices = choices


def _act(request: HttpRequest, form: forms.Form, action: Callable[[], Any], done: str) -> Any:
    """Run a service for a valid form; its refusal goes onto the form."""
    if not form.is_valid():
        return None
    try:
        result = action()
    except DomainError as exc:
        apply_errors(form, exc)
        return None
    messages.success(request, done)
    return result if result is not None else True


def _area_choices(request: HttpRequest, perm: str, levels: list[int]) -> list[tuple[str, str]]:
    regions = regions_under(actor_prefixes(request.user, perm), levels=levels, limit=400)
    return [(r.code, f"{r.parent.name if r.parent else ''} {r.name}".strip()) for r in regions]


def _districts(request: HttpRequest) -> list[tuple[str, str]]:
    return [
        (r.code, r.name)
        for r in regions_under(
            officer_prefixes(request.user, Perm.INDUSTRY_VIEW), levels=[3], limit=100
        )
    ]


def _flag(value: str) -> bool | None:
    return {"1": True, "0": False}.get(value)


# --- Home -------------------------------------------------------------------------------------


@login_required
def home(request: HttpRequest) -> HttpResponse:
    _need(request)
    user = request.user
    officer = selectors.is_officer(user)
    mine = list(selectors.enterprises_of_member(user)[:20]) if not officer else []
    context: dict[str, Any] = {
        "officer": officer,
        "mine": mine,
        "may_manage": actor_has_perm(user, Perm.INDUSTRY_MANAGE),
        "may_report": actor_has_perm(user, Perm.INDUSTRY_REPORT),
        "queue": selectors.approval_queue(user).count(),
        "may_approve": actor_has_perm(user, Perm.INDUSTRY_APPROVE),
        "reminders": list(selectors.reminders_for(user)[:10]),
    }
    if officer:
        context["enterprise_count"] = selectors.enterprises_visible(user).count()
        counts = selectors.facility_counts(user)
        context["facility_counts"] = [
            (label, counts.get(value, 0)) for value, label in FacilityKind.choices
        ]
        context["project_count"] = selectors.projects_visible(user).count()
    return render(request, "industry/home.html", context)


# --- Enterprises ---------------------------------------------------------------------------


@login_required
def enterprises(request: HttpRequest) -> HttpResponse:
    _need(request)
    g = request.GET
    filters = {
        "q": g.get("q", "")[:100],
        "region": g.get("region", "")[:12],
        "category": g.get("category", "")[:4],
        "sector": g.get("sector", "")[:12],
        "tier": g.get("tier", "")[:16],
        "size_class": g.get("size_class", "")[:8],
    }
    qs = selectors.enterprise_search(
        actor=request.user,
        above_size=_flag(g.get("above_size", "")),
        whitelisted=_flag(g.get("whitelisted", "")),
        **filters,
    ).prefetch_related("tiers")
    return render(
        request,
        "industry/enterprises.html",
        {
            "page": paginate(request, qs),
            "query": query_without_page(request),
            "f": filters,
            "above_size": g.get("above_size", ""),
            "whitelisted": g.get("whitelisted", ""),
            "districts": _districts(request),
            "categories": list(selectors.categories().filter(level=1)),
            "sectors": Sector.choices,
            "tiers": Tier.choices,
            "sizes": SizeClass.choices,
            "may_register": actor_has_perm(request.user, Perm.INDUSTRY_MANAGE)
            or actor_has_perm(request.user, Perm.INDUSTRY_REPORT),
        },
    )


def _enterprise_form_choices(request: HttpRequest, form: EnterpriseForm, perm: str) -> None:
    _set_choices(form, "region", _area_choices(request, perm, [3, 4]))
    _set_choices(
        form,
        "category",
        [("", "—"), *[(c.code, f"{c.code} {c.name}") for c in selectors.categories()]],
    )


@login_required
def enterprise_new(request: HttpRequest) -> HttpResponse:
    perm = Perm.INDUSTRY_MANAGE
    if not actor_has_perm(request.user, perm):
        perm = Perm.INDUSTRY_REPORT
        _need(request, perm)
    form = EnterpriseForm(request.POST or None)
    _enterprise_form_choices(request, form, perm)
    if request.method == "POST":
        found = _act(
            request,
            form,
            lambda: services.enterprise_register(
                ctx=audit_ctx(request),
                credit_code=form.cleaned_data["credit_code"],
                name=form.cleaned_data["name"],
                region_code=form.cleaned_data["region"],
                address=form.cleaned_data["address"],
                size_class=form.cleaned_data["size_class"],
                above_designated_size=form.cleaned_data["above_designated_size"],
                category_code=form.cleaned_data["category"],
                sectors=form.cleaned_data["sectors"],
            ),
            _("The enterprise is registered."),
        )
        if found:
            return redirect("industry:enterprise", found.pk)
    return render(
        request, "industry/form.html", {"form": form, "title": _("Register an enterprise")}
    )


@login_required
def enterprise_detail(request: HttpRequest, ind_enterprise_id: Any) -> HttpResponse:
    _need(request)
    enterprise = _get(selectors.enterprise_get_for, actor=request.user, id=ind_enterprise_id)
    may_manage = actor_has_perm(request.user, Perm.INDUSTRY_MANAGE, enterprise.region_id)
    tier_form = TierForm(request.POST if "tier" in request.POST else None, prefix="tier")
    reason_form = ReasonForm(request.POST if "whitelist" in request.POST else None)
    if request.method == "POST":
        if not may_manage:
            raise Http404
        if "tier" in request.POST and _act(
            request,
            tier_form,
            lambda: services.tier_grant(
                ctx=audit_ctx(request),
                enterprise=enterprise,
                tier=tier_form.cleaned_data["tier"],
                granted_on=tier_form.cleaned_data["granted_on"],
                expires_on=tier_form.cleaned_data["expires_on"],
                issuer=tier_form.cleaned_data["issuer"],
            ),
            _("The tier is recorded."),
        ):
            return redirect("industry:enterprise", enterprise.pk)
        if "whitelist" in request.POST:
            change = services.whitelist_exit if enterprise.whitelisted else services.whitelist_enter
            if _act(
                request,
                reason_form,
                lambda: change(
                    ctx=audit_ctx(request),
                    enterprise=enterprise,
                    reason=reason_form.cleaned_data["reason"],
                ),
                _("The white list is changed."),
            ):
                return redirect("industry:enterprise", enterprise.pk)
    today = timezone.localdate()
    return render(
        request,
        "industry/enterprise.html",
        {
            "enterprise": enterprise,
            "tiers": [
                (t, t.expires_on is None or t.expires_on >= today) for t in enterprise.tiers.all()
            ],
            "facilities": list(
                selectors.facilities_visible(request.user).filter(operator=enterprise)[:100]
            ),
            "reports": list(
                selectors.report_search(actor=request.user, enterprise=str(enterprise.pk))[:12]
            ),
            "projects": list(
                selectors.projects_visible(request.user).filter(enterprise=enterprise)[:20]
            ),
            "history": list(selectors.whitelist_history(enterprise)[:20]),
            "products": list(products_of_registry_enterprise(request.user, enterprise.pk)[:50]),
            "care_contracts": providers_of_registry_enterprise(
                actor=request.user, registry_id=enterprise.pk
            ),
            "sectors": [str(Sector(s).label) for s in enterprise.sectors if s in Sector.values],
            "may_manage": may_manage,
            "may_file": services.may_file(request.user, enterprise),
            "filing": _filing_links(Filer.ENTERPRISE, enterprise),
            "tier_form": tier_form,
            "reason_form": reason_form,
        },
    )


def _filing_links(filer_kind: str, filer: Any) -> list[dict[str, str]]:
    """Links to file the forms this filer owes, for the last complete period."""
    today = timezone.localdate()
    out = []
    for form in selectors.forms_active().filter(filer=filer_kind):
        if form.facility_kinds and getattr(filer, "kind", None) not in form.facility_kinds:
            continue
        code = previous_code(form.frequency, today)
        key = "enterprise" if filer_kind == Filer.ENTERPRISE else "facility"
        out.append(
            {
                "name": localized({"zh-hans": form.name, "en": form.name_en or form.name}),
                "period": code,
                "url": reverse("industry:report_file", args=[form.code, code])
                + f"?{key}={filer.pk}",
            }
        )
    return out


# --- Facilities ------------------------------------------------------------------------------


@login_required
def facilities(request: HttpRequest) -> HttpResponse:
    _need(request)
    g = request.GET
    kind = g.get("kind", "")
    kind = kind if kind in FacilityKind.values else ""
    ownership = g.get("ownership", "")
    ownership = ownership if ownership in Ownership.values else ""
    qs = selectors.facility_search(
        actor=request.user,
        q=g.get("q", "")[:100],
        kind=kind,
        region=g.get("region", "")[:12],
        ownership=ownership,
        medical_care=_flag(g.get("medical_care", "")),
    )
    return render(
        request,
        "industry/facilities.html",
        {
            "page": paginate(request, qs),
            "query": query_without_page(request),
            "q": g.get("q", "")[:100],
            "kind": kind,
            "region": g.get("region", "")[:12],
            "ownership": ownership,
            "medical_care": g.get("medical_care", ""),
            "kinds": FacilityKind.choices,
            "ownerships": Ownership.choices,
            "districts": _districts(request),
            "may_register": actor_has_perm(request.user, Perm.INDUSTRY_MANAGE),
        },
    )


@login_required
def facility_new(request: HttpRequest) -> HttpResponse:
    _need(request, Perm.INDUSTRY_MANAGE)
    form = FacilityForm(request.POST or None)
    _set_choices(form, "region", _area_choices(request, Perm.INDUSTRY_MANAGE, [3, 4, 5]))
    operators = selectors.enterprises_visible(request.user, Perm.INDUSTRY_MANAGE)
    _set_choices(form, "operator", [("", "—"), *[(str(e.pk), e.name) for e in operators[:500]]])
    if request.method == "POST":

        def register() -> Any:
            operator_id = form.cleaned_data["operator"]
            operator = (
                selectors.enterprise_get_for(actor=request.user, id=operator_id)
                if operator_id
                else None
            )
            data = form.cleaned_data
            return services.facility_register(
                ctx=audit_ctx(request),
                kind=data["kind"],
                name=data["name"],
                region_code=data["region"],
                address=data["address"],
                latitude=data["latitude"],
                longitude=data["longitude"],
                operator=operator,
                ownership=data["ownership"],
                beds=data["beds"] or 0,
                nursing_beds=data["nursing_beds"] or 0,
                medical_care=data["medical_care"],
                capacity=data["capacity"],
                opened_on=data["opened_on"],
            )

        found = _act(request, form, register, _("The facility is registered."))
        if found:
            return redirect("industry:facility", found.pk)
    return render(request, "industry/form.html", {"form": form, "title": _("Register a facility")})


@login_required
def facility_detail(request: HttpRequest, ind_facility_id: Any) -> HttpResponse:
    _need(request)
    facility = _get(selectors.facility_get_for, actor=request.user, id=ind_facility_id)
    return render(
        request,
        "industry/facility.html",
        {
            "facility": facility,
            "reports": list(
                selectors.report_search(actor=request.user, facility=str(facility.pk))[:12]
            ),
            "may_file": services.may_file(request.user, facility),
            "filing": _filing_links(Filer.FACILITY, facility),
        },
    )


# --- Reports -------------------------------------------------------------------------------


@login_required
def reports(request: HttpRequest) -> HttpResponse:
    _need(request)
    g = request.GET
    status = g.get("status", "")
    status = status if status in ReportStatus.values else ""
    form_code = g.get("form", "")[:40]
    period = g.get("period", "")[:8]
    qs = selectors.report_search(
        actor=request.user,
        form=form_code,
        period=period,
        status=status,
        region=g.get("region", "")[:12],
    )
    return render(
        request,
        "industry/reports.html",
        {
            "page": paginate(request, qs),
            "query": query_without_page(request),
            "forms": list(selectors.forms_active()),
            "form_code": form_code,
            "period": period,
            "status": status,
            "region": g.get("region", "")[:12],
            "statuses": ReportStatus.choices,
            "districts": _districts(request),
            "may_upload": actor_has_perm(request.user, Perm.INDUSTRY_REPORT)
            or actor_has_perm(request.user, Perm.INDUSTRY_MANAGE),
        },
    )


def _report_filer(request: HttpRequest, report_form: Any) -> Any:
    if report_form.filer == Filer.ENTERPRISE:
        return _get(
            selectors.enterprise_get_for, actor=request.user, id=request.GET.get("enterprise", "")
        )
    return _get(selectors.facility_get_for, actor=request.user, id=request.GET.get("facility", ""))


@login_required
def report_file(request: HttpRequest, ind_form_code: str, ind_period: str) -> HttpResponse:
    """Fill in (or correct) the figures of one filer for one period, save or submit."""
    _need(request)
    form_code, period = ind_form_code, ind_period[:8]
    report_form = _get(selectors.form_get, code=form_code)
    filer = _report_filer(request, report_form)
    if not services.may_file(request.user, filer):
        raise Http404
    existing = selectors.report_for_filer(form=report_form, period_code=period, filer=filer)
    initial = {k: str(v) for k, v in (existing.values if existing else {}).items()}
    figures = ReportFigures(request.POST or None, report_form=report_form, initial=initial)
    editable = existing is None or existing.status in EDITABLE
    if request.method == "POST":
        if not editable:
            assert existing is not None
            messages.error(request, _("This report cannot be changed now."))
            return redirect("industry:report", existing.pk)
        submit = "submit" in request.POST
        saved = _act(
            request,
            figures,
            lambda: services.report_save(
                ctx=audit_ctx(request),
                form=report_form,
                period_code=period,
                filer=filer,
                values=dict(figures.cleaned_data),
                submit=submit,
            ),
            _("The report is submitted.") if submit else _("The report is saved."),
        )
        if saved:
            return redirect("industry:report", saved.pk)
    rules = [localized(r.get("message")) for r in report_form.rules if isinstance(r, dict)]
    return render(
        request,
        "industry/report_file.html",
        {
            "report_form": report_form,
            "form_name": localized({"zh-hans": report_form.name, "en": report_form.name_en}),
            "period": period.upper(),
            "filer": filer,
            "figures": figures,
            "existing": existing,
            "editable": editable,
            "rules": rules,
        },
    )


@login_required
def report_detail(request: HttpRequest, ind_report_id: Any) -> HttpResponse:
    _need(request)
    report = _get(selectors.report_get_for, actor=request.user, id=ind_report_id)
    form = report.period.form
    level = services.approval_level(request.user, report.region_id)
    district = any(
        report.region_id.startswith(p) and len(p) == 6
        for p in actor_prefixes(request.user, Perm.INDUSTRY_APPROVE)
    )
    may_approve = (report.status == ReportStatus.SUBMITTED and district) or (
        report.status == ReportStatus.DISTRICT_APPROVED and level == "city"
    )
    may_return = may_approve or (report.status == ReportStatus.SUBMITTED and level == "city")
    filer = report.filer
    key = "enterprise" if report.enterprise_id else "facility"
    return render(
        request,
        "industry/report.html",
        {
            "report": report,
            "form_name": localized({"zh-hans": form.name, "en": form.name_en}),
            "rows": [
                (spec.label, report.values.get(spec.code, ""), spec.unit)
                for spec in fields_of(form)
            ],
            "history": list(selectors.report_history(report)),
            "may_edit": report.status in EDITABLE and services.may_file(request.user, filer),
            "edit_url": reverse("industry:report_file", args=[form.code, report.period.code])
            + f"?{key}={filer.pk}",
            "may_submit": report.status in EDITABLE
            and bool(report.values)
            and services.may_file(request.user, filer),
            "may_approve": may_approve,
            "may_return": may_return,
            "may_unlock": report.locked and level == "city",
            "reason_form": ReasonForm(),
        },
    )


def _report_post(
    request: HttpRequest, ind_report_id: Any, action: Callable[..., Any], done: str, reason: bool
) -> HttpResponse:
    _need(request)
    report = _get(selectors.report_get_for, actor=request.user, id=ind_report_id)
    try:
        if reason:
            form = ReasonForm(request.POST)
            if not form.is_valid():
                messages.error(request, _("Give the reason."))
                return redirect("industry:report", report.pk)
            action(ctx=audit_ctx(request), report=report, reason=form.cleaned_data["reason"])
        else:
            action(ctx=audit_ctx(request), report=report)
    except DomainError as exc:
        messages.error(request, str(exc.errors[0].message if exc.errors else exc.message))
        return redirect("industry:report", report.pk)
    messages.success(request, done)
    return redirect("industry:report", report.pk)


@login_required
@require_POST
def report_submit(request: HttpRequest, ind_report_id: Any) -> HttpResponse:
    return _report_post(
        request, ind_report_id, services.report_submit, _("The report is submitted."), False
    )


@login_required
@require_POST
def report_approve(request: HttpRequest, ind_report_id: Any) -> HttpResponse:
    return _report_post(
        request, ind_report_id, services.report_approve, _("The report is approved."), False
    )


@login_required
@require_POST
def report_return(request: HttpRequest, ind_report_id: Any) -> HttpResponse:
    return _report_post(
        request, ind_report_id, services.report_return, _("The report is returned."), True
    )


@login_required
@require_POST
def report_unlock(request: HttpRequest, ind_report_id: Any) -> HttpResponse:
    return _report_post(
        request, ind_report_id, services.report_unlock, _("The report is unlocked."), True
    )


@login_required
def approvals(request: HttpRequest) -> HttpResponse:
    _need(request, Perm.INDUSTRY_APPROVE)
    qs = selectors.approval_queue(request.user)
    return render(
        request,
        "industry/approvals.html",
        {"page": paginate(request, qs), "query": query_without_page(request)},
    )


@login_required
def upload(request: HttpRequest) -> HttpResponse:
    if not (
        actor_has_perm(request.user, Perm.INDUSTRY_REPORT)
        or actor_has_perm(request.user, Perm.INDUSTRY_MANAGE)
    ):
        raise Http404
    form = UploadForm(request.POST or None, request.FILES or None)
    active = list(selectors.forms_active())
    _set_choices(
        form,
        "form",
        [(f.code, localized({"zh-hans": f.name, "en": f.name_en})) for f in active],
    )
    row_errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.reports_upload(
                ctx=audit_ctx(request),
                form=selectors.form_get(form.cleaned_data["form"]),
                period_code=form.cleaned_data["period"],
                fileobj=form.cleaned_data["file"],
            )
        except DomainError as exc:
            file_errors = [e for e in exc.errors if e.field in ("file", "period")]
            for e in file_errors:
                form.add_error(e.field, str(e.message))
            row_errors = [str(e.message) for e in exc.errors if e not in file_errors]
            if row_errors:
                form.add_error(None, str(exc.message))
        else:
            messages.success(
                request,
                _("%(n)s reports are filed.") % {"n": len(saved)},
            )
            return redirect("industry:reports")
    templates = [
        {
            "name": localized({"zh-hans": f.name, "en": f.name_en}),
            "columns": ", ".join(services.reporting.upload_template_rows(f)[0]),
            "url": reverse("industry:upload_template", args=[f.code]),
        }
        for f in active
    ]
    return render(
        request,
        "industry/upload.html",
        {"form": form, "row_errors": row_errors, "templates": templates},
    )


@login_required
def upload_template(request: HttpRequest, ind_form_code: str) -> HttpResponse:
    """An empty spreadsheet with the form's header row (and a row of labels to delete)."""
    _need(request)
    report_form = _get(selectors.form_get, code=ind_form_code)
    header = services.reporting.upload_template_rows(report_form)[0]
    labels = ["", *[f"{f.label} ({f.unit})" if f.unit else f.label for f in fields_of(report_form)]]
    content = xlsx_bytes([Sheet(title=report_form.code[:31], rows=[header, labels])])
    response = HttpResponse(
        content,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{report_form.code}.xlsx"'
    return response


@login_required
def compliance(request: HttpRequest) -> HttpResponse:
    _need(request)
    if not selectors.is_officer(request.user):
        raise Http404
    active = list(selectors.forms_active())
    form_code = request.GET.get("form", "") or (active[0].code if active else "")
    report_form = _get(selectors.form_get, code=form_code)
    codes = recent_codes(report_form.frequency, timezone.localdate(), 8)
    period_code = request.GET.get("period", "") or codes[0]
    period = selectors.periods_of(report_form).filter(code=period_code.upper()[:8]).first()
    region = request.GET.get("region", "")[:12]
    rows = selectors.compliance(actor=request.user, period=period, region=region) if period else []
    return render(
        request,
        "industry/compliance.html",
        {
            "forms": [(f.code, localized({"zh-hans": f.name, "en": f.name_en})) for f in active],
            "form_code": report_form.code,
            "codes": codes,
            "period_code": period_code.upper(),
            "period": period,
            "region": region,
            "districts": _districts(request),
            "by_region": selectors.compliance_by_region(rows),
            "rows": rows[:500],
        },
    )


# --- Key projects and the white list ----------------------------------------------------------


@login_required
def projects(request: HttpRequest) -> HttpResponse:
    _need(request)
    g = request.GET
    sector = g.get("sector", "")
    sector = sector if sector in Sector.values else ""
    stage = g.get("stage", "")
    stage = stage if stage in ProjectStage.values else ""
    qs = selectors.project_search(
        actor=request.user,
        q=g.get("q", "")[:100],
        region=g.get("region", "")[:12],
        sector=sector,
        stage=stage,
    )
    return render(
        request,
        "industry/projects.html",
        {
            "page": paginate(request, qs),
            "query": query_without_page(request),
            "q": g.get("q", "")[:100],
            "region": g.get("region", "")[:12],
            "sector": sector,
            "stage": stage,
            "sectors": Sector.choices,
            "stages": ProjectStage.choices,
            "districts": _districts(request),
            "may_manage": actor_has_perm(request.user, Perm.INDUSTRY_MANAGE),
        },
    )


@login_required
def project_new(request: HttpRequest) -> HttpResponse:
    _need(request, Perm.INDUSTRY_MANAGE)
    form = ProjectForm(request.POST or None)
    _set_choices(form, "region", _area_choices(request, Perm.INDUSTRY_MANAGE, [2, 3, 4]))
    if request.method == "POST":
        found = _act(
            request,
            form,
            lambda: services.project_create(
                ctx=audit_ctx(request),
                name=form.cleaned_data["name"],
                region_code=form.cleaned_data["region"],
                sector=form.cleaned_data["sector"],
                investment_wan=form.cleaned_data["investment_wan"],
                stage=form.cleaned_data["stage"],
                starts_on=form.cleaned_data["starts_on"],
                ends_on=form.cleaned_data["ends_on"],
                description=form.cleaned_data["description"],
            ),
            _("The project is entered in the library."),
        )
        if found:
            return redirect("industry:project", found.pk)
    return render(request, "industry/form.html", {"form": form, "title": _("Enter a key project")})


@login_required
def project_detail(request: HttpRequest, ind_project_id: Any) -> HttpResponse:
    _need(request)
    project = _get(selectors.project_get_for, actor=request.user, id=ind_project_id)
    may_manage = actor_has_perm(request.user, Perm.INDUSTRY_MANAGE, project.region_id)
    form = ProgressForm(
        request.POST or None, initial={"stage": project.stage, "progress": project.progress}
    )
    if request.method == "POST":
        if not may_manage:
            raise Http404
        done = [int(v) for v in request.POST.getlist("done") if v.isdecimal() and len(v) < 12]
        today = timezone.localdate()
        if _act(
            request,
            form,
            lambda: services.project_progress(
                ctx=audit_ctx(request),
                project=project,
                stage=form.cleaned_data["stage"],
                progress=form.cleaned_data["progress"],
                note=form.cleaned_data["note"],
                milestones_done=dict.fromkeys(done, today),
            ),
            _("The progress is recorded."),
        ):
            return redirect("industry:project", project.pk)
    return render(
        request,
        "industry/project.html",
        {
            "project": project,
            "milestones": list(project.milestones.all()),
            "updates": list(project.updates.all()[:50]),
            "may_manage": may_manage,
            "form": form,
        },
    )


@login_required
def whitelist(request: HttpRequest) -> HttpResponse:
    _need(request)
    listed = selectors.enterprise_search(actor=request.user, whitelisted=True)
    return render(
        request,
        "industry/whitelist.html",
        {
            "page": paginate(request, listed),
            "query": query_without_page(request),
            "events": list(selectors.whitelist_events_visible(request.user)[:30]),
        },
    )
