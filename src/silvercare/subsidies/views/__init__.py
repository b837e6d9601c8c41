"""Subsidy pages: programmes (with the rule editor, validation, test-run and who the live
version lets in), budgets with usage charts, and the quote with its "why" lines (a
component other pages include). Claims and the ledger: ``views.claims``; vouchers and
trade-ins: ``views.vouchers``."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from silvercare.accounts.roles import Perm
from silvercare.accounts.scoping import actor_has_perm, actor_prefixes
from silvercare.common.errors import DomainError, NotFound
from silvercare.common.forms import apply_errors
from silvercare.common.htmx import render_page
from silvercare.common.request import audit_ctx
from silvercare.elders.choices import Category, HukouType
from silvercare.elders.selectors import elder_get_for
from silvercare.regions.selectors import regions_under
from silvercare.subsidies import selectors, services
from silvercare.subsidies.forms import (
    BudgetForm,
    ProgrammeForm,
    QuoteForm,
    ReserveForm,
    TestRunForm,
    VersionForm,
    to_fen,
    version_initial,
)
from silvercare.subsidies.models import Programme, ProgrammeVersion
from silvercare.subsidies.presenters import (
    budget_present,
    entitlement_present,
    test_run_present,
    version_present,
)
from silvercare.subsidies.rules import FACTS, rule_compile


def _found(getter: Any, **kwargs: Any) -> Any:
    try:
        return getter(**kwargs)
    except NotFound:
        raise Http404 from None


def _require(request: HttpRequest, perm: str, region_code: str | None = None) -> None:
    if not actor_has_perm(request.user, perm, region_code):
        raise Http404


def _programme(request: HttpRequest, programme_id: int) -> Programme:
    found: Programme = _found(
        selectors.programme_get_for, actor=request.user, programme_id=programme_id
    )
    return found


def _version(request: HttpRequest, version_id: int) -> ProgrammeVersion:
    found: ProgrammeVersion = _found(
        selectors.version_get_for, actor=request.user, version_id=version_id
    )
    return found


def _manage_regions(request: HttpRequest) -> list[tuple[str, str]]:
    prefixes = actor_prefixes(request.user, Perm.SUBSIDIES_MANAGE)
    rows = regions_under(prefixes, levels=[1, 2, 3, 4], limit=300)
    return [(r.code, f"{r.name} ({r.code})") for r in rows]


# What each fact means, in words (the values a rule compares it with are listed as code).
FACT_HELP = {
    "level": gettext_lazy("ability level 0–4 (GB/T 42195); empty if never assessed"),
    "level_assessed_on": gettext_lazy("date of the assessment that set the level"),
    "categories": gettext_lazy("the elder's policy categories"),
    "age": gettext_lazy("age in whole years on the date of the quote"),
    "hukou_type": gettext_lazy("hukou type"),
    "region_code": gettext_lazy("12-digit code of the elder's community"),
    "has_disability_certificate": gettext_lazy(
        "holds a disability certificate (for now: in the disabled category)"
    ),
    "income_band": gettext_lazy("income band (not recorded yet: always empty)"),
    "has_trade_in": gettext_lazy("the purchase comes with an old device handed in (以旧换新)"),
}
# The kinds of value, in words.
FACT_KINDS = {
    "int": gettext_lazy("whole number"),
    "int | null": gettext_lazy("whole number or empty"),
    "string": gettext_lazy("text"),
    "string | null": gettext_lazy("text or empty"),
    "list of strings": gettext_lazy("list of texts"),
    "bool": gettext_lazy("yes or no"),
}


def _facts_help() -> list[dict[str, Any]]:
    """The facts a rule can use: name and sample as code, meaning in words, and for the
    facts compared with fixed values, each value with its label."""
    values: dict[str, list[tuple[str, str]]] = {
        "categories": [(c.value, str(c.label)) for c in Category],
        "hukou_type": [(h.value, str(h.label)) for h in HukouType],
    }
    return [
        {
            "name": f.name,
            "kind": str(FACT_KINDS.get(f.kind, f.kind)),
            "help": str(FACT_HELP.get(f.name, f.help)),
            "values": values.get(f.name, []),
        }
        for f in FACTS.values()
    ]


@login_required
def programme_list(request: HttpRequest) -> HttpResponse:
    _require(request, Perm.SUBSIDIES_VIEW)
    q = request.GET.get("q", "")[:50]
    programmes = list(selectors.programme_list(actor=request.user, q=q)[:200])
    rows = [
        {
            "programme": p,
            "current": selectors.version_current(p),
            "draft": selectors.version_draft(p),
        }
        for p in programmes
    ]
    return render(
        request,
        "subsidies/list.html",
        {"rows": rows, "q": q, "may_manage": actor_has_perm(request.user, Perm.SUBSIDIES_MANAGE)},
    )


def _form_page(
    request: HttpRequest, form: VersionForm, *, programme: Programme | None, version: Any
) -> HttpResponse:
    return render(
        request,
        "subsidies/form.html",
        {
            "form": form,
            "programme": programme,
            "version": version,
            "facts": _facts_help(),
        },
        status=422 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def programme_new(request: HttpRequest) -> HttpResponse:
    _require(request, Perm.SUBSIDIES_MANAGE)
    payers = list(selectors.payer_list(actor=request.user))
    form = ProgrammeForm(
        request.POST or None,
        initial=version_initial(None),
        payers=payers,
        regions=_manage_regions(request),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            programme = services.programme_create(
                ctx=audit_ctx(request),
                code=data["code"],
                name=data["name"],
                region_code=data["region_code"],
                description=data.get("description") or "",
                version=form.values(),
            )
            messages.success(
                request, _("The programme was saved as a draft: test-run it, then publish it.")
            )
            return redirect("subsidies:detail", programme_id=programme.pk)
        except DomainError as exc:
            form.show_errors(exc)
    return _form_page(request, form, programme=None, version=None)


@login_required
def programme_detail(request: HttpRequest, programme_id: int) -> HttpResponse:
    programme = _programme(request, programme_id)
    versions = selectors.versions_of(programme)
    usage = selectors.budget_usage(actor=request.user, programme_id=programme.pk)
    draft = selectors.version_draft(programme)
    current = selectors.version_current(programme)
    return render(
        request,
        "subsidies/detail.html",
        {
            "programme": programme,
            "eligibility": (
                selectors.version_eligibility(actor=request.user, version=current)
                if current
                else None
            ),
            "versions": [version_present(v) for v in versions],
            "current": current,
            "draft": draft,
            "budgets": [budget_present(u) for u in usage],
            "may_manage": actor_has_perm(request.user, Perm.SUBSIDIES_MANAGE, programme.region_id),
            "test_form": TestRunForm(initial={"on": timezone.localdate()}),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def version_new(request: HttpRequest, programme_id: int) -> HttpResponse:
    programme = _programme(request, programme_id)
    _require(request, Perm.SUBSIDIES_MANAGE, programme.region_id)
    draft = selectors.version_draft(programme)
    if draft is not None:
        return redirect("subsidies:version_edit", version_id=draft.pk)
    latest = next(iter(selectors.versions_of(programme)), None)
    payers = list(selectors.payer_list(actor=request.user))
    form = VersionForm(request.POST or None, initial=version_initial(latest), payers=payers)
    if request.method == "POST" and form.is_valid():
        try:
            services.version_create(
                ctx=audit_ctx(request), programme=programme, values=form.values()
            )
            messages.success(request, _("The new version was saved as a draft."))
            return redirect("subsidies:detail", programme_id=programme.pk)
        except DomainError as exc:
            form.show_errors(exc)
    return _form_page(request, form, programme=programme, version=None)


@login_required
@require_http_methods(["GET", "POST"])
def version_edit(request: HttpRequest, version_id: int) -> HttpResponse:
    version = _version(request, version_id)
    programme = version.programme
    _require(request, Perm.SUBSIDIES_MANAGE, programme.region_id)
    if version.status != "draft":
        messages.info(
            request,
            _("A published version never changes: this is a new version based on it."),
        )
        return redirect("subsidies:version_new", programme_id=programme.pk)
    payers = list(selectors.payer_list(actor=request.user))
    form = VersionForm(request.POST or None, initial=version_initial(version), payers=payers)
    if request.method == "POST" and form.is_valid():
        try:
            services.version_update(ctx=audit_ctx(request), version=version, values=form.values())
            messages.success(request, _("Saved."))
            return redirect("subsidies:detail", programme_id=programme.pk)
        except DomainError as exc:
            form.show_errors(exc)
    return _form_page(request, form, programme=programme, version=version)


@login_required
@require_POST
def version_publish(request: HttpRequest, version_id: int) -> HttpResponse:
    version = _version(request, version_id)
    try:
        services.version_publish(ctx=audit_ctx(request), version=version)
        messages.success(request, _("Version %(n)s is live.") % {"n": version.number})
    except DomainError as exc:
        if exc.status == 403:
            raise Http404 from None
        messages.error(request, str(exc.message))
    return redirect("subsidies:detail", programme_id=version.programme_id)


@login_required
@require_POST
def version_evaluate(request: HttpRequest, version_id: int) -> HttpResponse:
    """Evaluate the live version for every elder of the area now (publishing does it in
    the background)."""
    version = _version(request, version_id)
    _require(request, Perm.SUBSIDIES_MANAGE, version.programme.region_id)
    if version.status == "draft":
        messages.error(request, _("A draft is test-run, not evaluated for every elder."))
    else:
        summary = services.eligibility_evaluate_version(ctx=audit_ctx(request), version=version)
        messages.success(
            request,
            _("%(eligible)s of %(elders)s elders are eligible (%(cases)s distinct cases).")
            % {"eligible": summary.eligible, "elders": summary.elders, "cases": summary.cases},
        )
    return redirect("subsidies:detail", programme_id=version.programme_id)


@login_required
@require_http_methods(["GET", "POST"])
def version_test_run(request: HttpRequest, version_id: int) -> HttpResponse:
    version = _version(request, version_id)
    _require(request, Perm.SUBSIDIES_MANAGE, version.programme.region_id)
    form = TestRunForm(request.POST or None, initial={"on": timezone.localdate()})
    result = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            elder = (
                elder_get_for(actor=request.user, elder_id=data["elder_id"])
                if data.get("elder_id")
                else None
            )
            run = services.version_test_run(
                actor=request.user,
                version=version,
                elder=elder,
                facts=None if elder else form.facts(),
                price_fen=to_fen(data.get("price_yuan")),
                on=data.get("on"),
            )
            result = test_run_present(run)
        except NotFound:
            form.add_error("elder_id", _("No elder with this id in your area."))
        except DomainError as exc:
            apply_errors(form, exc)
    return render_page(
        request,
        "subsidies/test_run.html",
        {"version": version, "form": form, "result": result},
        fragment="subsidies/htmx/test_run_form.html",
    )


@login_required
@require_POST
def rule_check(request: HttpRequest) -> HttpResponse:
    _require(request, Perm.SUBSIDIES_VIEW)
    text = request.POST.get("eligibility_rule", request.POST.get("rule", ""))[:4000]
    errors = services.rule_field_errors(text)
    facts = [] if errors else list(rule_compile(text).facts)
    return render(
        request, "subsidies/htmx/rule_check.html", {"errors": errors, "facts": facts, "text": text}
    )


@login_required
@require_http_methods(["GET", "POST"])
def budget_list(request: HttpRequest) -> HttpResponse:
    _require(request, Perm.SUBSIDIES_VIEW)
    may_manage = actor_has_perm(request.user, Perm.SUBSIDIES_MANAGE)
    form = None
    if may_manage:
        form = BudgetForm(
            request.POST or None, programmes=selectors.programme_list(actor=request.user)
        )
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                services.budget_save(
                    ctx=audit_ctx(request),
                    programme=data["programme"],
                    year=data["year"],
                    region_code=data["region_code"],
                    amount_fen=to_fen(data["amount_yuan"]) or 0,
                )
                messages.success(request, _("The budget was saved."))
                return redirect("subsidies:budgets")
            except DomainError as exc:
                apply_errors(form, exc)
    elif request.method == "POST":
        raise Http404
    try:
        year = int(request.GET.get("year", "") or 0) or None
    except ValueError:
        year = None
    if year is not None and not 2000 <= year <= 2100:
        year = None
    usage = selectors.budget_usage(actor=request.user, year=year)
    budgets = [budget_present(u) for u in usage[:500]]
    chart_year = year or timezone.localdate().year
    chart = {
        "labels": {
            "reserved": _("Reserved"),
            "committed": _("Committed"),
            "spent": _("Spent"),
            "available": _("Available"),
            "delivered": _("Delivered"),
            "settled": _("Settled"),
        },
        "budgets": [
            {
                "name": f"{b['programme_name']} {b['year']} {b['region_name']}",
                "reserved": b["reserved_fen"],
                "committed": b["committed_fen"],
                "spent": b["spent_fen"],
                "available": max(0, b["available_fen"]),
            }
            for b in budgets[:30]
        ],
        # Money in fen (integers); the chart script shows yuan.
        "months": selectors.budget_months(actor=request.user, year=chart_year),
    }
    return render(
        request,
        "subsidies/budgets.html",
        {
            "budgets": budgets,
            "form": form,
            "year": year or "",
            "chart": chart,
            "chart_year": chart_year,
        },
        status=422 if form is not None and form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def quote_new(request: HttpRequest, elder_id: uuid.UUID) -> HttpResponse:
    elder = _found(elder_get_for, actor=request.user, elder_id=elder_id)
    _require(request, Perm.SUBSIDIES_QUOTE, elder.region_id)
    trade_ins = list(
        selectors.tradein_list(actor=request.user, elder_id=elder.pk).filter(status="available")
    )
    form = QuoteForm(
        request.POST or None, initial={"on": timezone.localdate()}, trade_ins=trade_ins
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        trade_in = next((t for t in trade_ins if str(t.pk) == data.get("trade_in")), None)
        try:
            quote = services.quote(
                actor=request.user,
                elder=elder,
                item=services.Item(
                    kind=data["item_kind"], code=data["item_code"], label=data["item_label"]
                ),
                price_fen=to_fen(data["price_yuan"]) or 0,
                on=data["on"],
                ctx=audit_ctx(request),
                trade_in=trade_in,
            )
            return redirect("subsidies:quote", quote_id=quote.pk)
        except DomainError as exc:
            apply_errors(form, exc)
    return render(
        request,
        "subsidies/quote_new.html",
        {
            "elder": elder,
            "form": form,
            "entitlements": [
                entitlement_present(e)
                for e in selectors.entitlements_of(actor=request.user, elder=elder)
            ],
        },
        status=422 if form.errors else 200,
    )


@login_required
def quote_detail(request: HttpRequest, quote_id: uuid.UUID) -> HttpResponse:
    quote = _found(selectors.quote_get_for, actor=request.user, quote_id=quote_id)
    may_reserve = actor_has_perm(request.user, Perm.SUBSIDIES_QUOTE, quote.region_id)
    return render(
        request,
        "subsidies/quote_detail.html",
        {
            "quote": selectors.quote_present(quote),
            "elder": quote.elder,
            "reservations": list(
                selectors.reservation_list(actor=request.user).filter(quote=quote)
            ),
            "reserve_form": ReserveForm() if may_reserve else None,
        },
    )


@login_required
@require_POST
def quote_reserve(request: HttpRequest, quote_id: uuid.UUID) -> HttpResponse:
    quote = _found(selectors.quote_get_for, actor=request.user, quote_id=quote_id)
    _require(request, Perm.SUBSIDIES_QUOTE, quote.region_id)
    form = ReserveForm(request.POST)
    if form.is_valid():
        try:
            made = services.reserve(
                ctx=audit_ctx(request),
                quote=quote,
                units=form.cleaned_data["units"],
                item_ref=form.cleaned_data["item_ref"],
                provider_ref=form.cleaned_data["provider_ref"],
            )
            messages.success(
                request,
                _("Reserved: %(n)s programme lines.") % {"n": len(made)}
                if made
                else _("Nothing to reserve: no programme pays for this quote."),
            )
        except DomainError as exc:
            messages.error(request, str(exc.message))
    else:
        messages.error(request, _("Give between 1 and 120 units."))
    return redirect("subsidies:quote", quote_id=quote.pk)
