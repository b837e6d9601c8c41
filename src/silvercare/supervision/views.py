"""Pages of supervision: fraud warnings, credit records and grades, the blacklist and its
appeals, score models, random-inspection draws, inspectors' own inspections and the public
results page (no sign-in). Thin: selectors read, services write; out of scope is 404."""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from silvercare.accounts.roles import Perm
from silvercare.accounts.scoping import actor_has_perm, actor_prefixes
from silvercare.common.errors import DomainError, NotFound
from silvercare.common.forms import apply_errors
from silvercare.common.pagination import paginate, query_without_page
from silvercare.common.request import audit_ctx
from silvercare.regions.selectors import regions_under
from silvercare.supervision import selectors, services
from silvercare.supervision.choices import INDIVIDUAL_ROLES, SubjectKind
from silvercare.supervision.forms import (
    SUBJECT_KIND_CHOICES,
    AppealForm,
    BlacklistForm,
    ConflictForm,
    DecideForm,
    DrawForm,
    EventForm,
    ReasonForm,
    ResultForm,
    ScoreModelForm,
    WarningForm,
)
from silvercare.supervision.services.credit import individuals_in, model_data
from silvercare.supervision.services.inspections import target_kinds


def _need(request: HttpRequest, perm: str, region_code: str | None = None) -> None:
    if not actor_has_perm(request.user, perm, region_code):
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
    """Run a service for a valid form; its refusal goes onto the form. None when refused."""
    if not form.is_valid():
        return None
    try:
        result = action()
    except DomainError as exc:
        apply_errors(form, exc)
        return None
    messages.success(request, done)
    return result if result is not None else True


def _region_choices(request: HttpRequest, perm: str, levels: list[int]) -> list[tuple[str, str]]:
    return [
        (r.code, f"{r.name} ({r.code})")
        for r in regions_under(actor_prefixes(request.user, perm), levels=levels, limit=400)
    ]


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not (
        actor_has_perm(user, Perm.SUPERVISION_VIEW)
        or actor_has_perm(user, Perm.SUPERVISION_INSPECT)
    ):
        raise Http404
    today = timezone.localdate()
    return render(
        request,
        "supervision/home.html",
        {
            "warnings": selectors.warning_list(actor=user, current_on=today)[:5],
            "open_inspections": selectors.my_inspections(actor=user)
            .filter(status="assigned")
            .count(),
            "may_inspect": actor_has_perm(user, Perm.SUPERVISION_INSPECT),
            "may_manage": actor_has_perm(user, Perm.SUPERVISION_MANAGE),
            "may_warn": actor_has_perm(user, Perm.SUPERVISION_WARN),
        },
    )


# --- Fraud warnings ---------------------------------------------------------------------


def warnings_panel(request: HttpRequest) -> dict[str, Any] | None:
    """The home-page panel: current warnings of the areas of a community worker."""
    found = selectors.warnings_for_worker(user=request.user, on=timezone.localdate())
    return {"warnings": found} if found else None


@login_required
@require_http_methods(["GET", "POST"])
def warnings(request: HttpRequest) -> HttpResponse:
    _need(request, Perm.SUPERVISION_VIEW)
    may_warn = actor_has_perm(request.user, Perm.SUPERVISION_WARN)
    form = WarningForm(request.POST or None)
    _set_choices(form, "region_code", _region_choices(request, Perm.SUPERVISION_WARN, [2, 3, 4]))
    if request.method == "POST":
        if not may_warn:
            raise Http404
        made = _act(
            request,
            form,
            lambda: services.warning_publish(ctx=audit_ctx(request), **form.cleaned_data),
            _("Warning published."),
        )
        if made:
            return redirect("supervision:warning", made.pk)
    return render(
        request,
        "supervision/warnings.html",
        {
            "page": paginate(request, selectors.warning_list(actor=request.user)),
            "query": query_without_page(request),
            "form": form if may_warn else None,
            "today": timezone.localdate(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def warning(request: HttpRequest, sv_warning_id: int) -> HttpResponse:
    _need(request, Perm.SUPERVISION_VIEW)
    found = _get(selectors.warning_get_for, actor=request.user, warning_id=sv_warning_id)
    may_withdraw = actor_has_perm(request.user, Perm.SUPERVISION_WARN, found.region_id)
    form = ReasonForm(request.POST or None)
    if request.method == "POST":
        if not may_withdraw:
            raise Http404
        if _act(
            request,
            form,
            lambda: services.warning_withdraw(
                ctx=audit_ctx(request), warning=found, reason=form.cleaned_data["reason"]
            ),
            _("Warning withdrawn."),
        ):
            return redirect("supervision:warning", found.pk)
    return render(
        request,
        "supervision/warning.html",
        {
            "warning": found,
            "form": form if may_withdraw and found.status == "published" else None,
            "today": timezone.localdate(),
        },
    )


# --- Credit -----------------------------------------------------------------------------


def _subject_choices(request: HttpRequest) -> list[tuple[str, str]]:
    from silvercare.industry.selectors import enterprises_visible

    choices: list[tuple[str, str]] = [("", "—")]
    for e in enterprises_visible(request.user, Perm.SUPERVISION_MANAGE).order_by("name")[:500]:
        choices.append((f"e:{e.pk}", f"{e.name} ({e.credit_code})"))
    prefixes = actor_prefixes(request.user, Perm.SUPERVISION_MANAGE)
    for kind in INDIVIDUAL_ROLES:
        label = SubjectKind(kind).label
        for person in individuals_in(prefixes, kind)[:200]:
            name = person.display_name or person.username
            choices.append((f"u:{person.pk}:{kind}", f"{name} · {label}"))
    return choices


def _subject_from_choice(request: HttpRequest, value: str) -> Any:
    from silvercare.industry.selectors import enterprise_get_for

    if value.startswith("e:"):
        enterprise = enterprise_get_for(
            actor=request.user, id=value[2:], perm=Perm.SUPERVISION_MANAGE
        )
        return services.subject_for_enterprise(enterprise)
    parts = value.split(":")
    if len(parts) == 3 and parts[0] == "u" and parts[2] in INDIVIDUAL_ROLES:
        prefixes = actor_prefixes(request.user, Perm.SUPERVISION_MANAGE)
        for person in individuals_in(prefixes, parts[2]):
            if str(person.pk) == parts[1]:
                return services.subject_for_user(person, parts[2])
    raise NotFound()


def _category_choices(region_code: str) -> list[tuple[str, str]]:
    model = model_data(services.score_model_for(region_code))
    return [(c["code"], f"{c['label']} ({c['points']:+d})") for c in model["categories"]]


@login_required
def credit(request: HttpRequest) -> HttpResponse:
    _need(request, Perm.SUPERVISION_VIEW)
    kind = request.GET.get("kind", "")
    grade = request.GET.get("grade", "")[:4]
    q = request.GET.get("q", "")[:100]
    qs = selectors.subject_list(
        actor=request.user,
        kind=kind if kind in SubjectKind.values else "",
        grade=grade,
        q=q,
    )
    return render(
        request,
        "supervision/credit.html",
        {
            "page": paginate(request, qs),
            "query": query_without_page(request),
            "kinds": SUBJECT_KIND_CHOICES,
            "kind": kind,
            "grade": grade,
            "grades": sorted(
                {
                    g
                    for g in selectors.subject_list(actor=request.user).values_list(
                        "grade", flat=True
                    )
                    if g
                }
            ),
            "q": q,
            "may_manage": actor_has_perm(request.user, Perm.SUPERVISION_MANAGE),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def event_new(request: HttpRequest) -> HttpResponse:
    _need(request, Perm.SUPERVISION_MANAGE)
    form = EventForm(request.POST or None, initial={"occurred_on": timezone.localdate()})
    _set_choices(form, "subject", _subject_choices(request))
    prefixes = actor_prefixes(request.user, Perm.SUPERVISION_MANAGE)
    _set_choices(form, "category", _category_choices(prefixes[0].ljust(12, "0")))
    if request.method == "POST" and form.is_valid():
        try:
            subject = _subject_from_choice(request, form.cleaned_data["subject"])
        except NotFound:
            form.add_error("subject", _("Unknown or not in your area."))
        else:
            values = {k: v for k, v in form.cleaned_data.items() if k != "subject"}
            if _act(
                request,
                form,
                lambda: services.credit_event_record(
                    ctx=audit_ctx(request), subject=subject, **values
                ),
                _("Credit event recorded."),
            ):
                return redirect("supervision:subject", subject.pk)
    return render(
        request, "supervision/form.html", {"form": form, "title": _("Record a credit event")}
    )


@login_required
@require_http_methods(["GET", "POST"])
def subject(request: HttpRequest, sv_subject_id: int) -> HttpResponse:
    _need(request, Perm.SUPERVISION_VIEW)
    found = _get(selectors.subject_get_for, actor=request.user, subject_id=sv_subject_id)
    may_manage = actor_has_perm(request.user, Perm.SUPERVISION_MANAGE, found.region_id)
    event_form = EventForm(
        request.POST if request.POST.get("form") == "event" else None,
        initial={"occurred_on": timezone.localdate()},
        prefix="event",
    )
    event_form.fields.pop("subject")
    _set_choices(event_form, "category", _category_choices(found.region_id))
    list_form = BlacklistForm(
        request.POST if request.POST.get("form") == "blacklist" else None,
        initial={"starts_on": timezone.localdate()},
        prefix="listing",
    )
    if request.method == "POST":
        if not may_manage:
            raise Http404
        ctx = audit_ctx(request)
        if request.POST.get("form") == "event" and _act(
            request,
            event_form,
            lambda: services.credit_event_record(ctx=ctx, subject=found, **event_form.cleaned_data),
            _("Credit event recorded."),
        ):
            return redirect("supervision:subject", found.pk)
        if request.POST.get("form") == "blacklist" and _act(
            request,
            list_form,
            lambda: services.blacklist_add(ctx=ctx, subject=found, **list_form.cleaned_data),
            _("Put on the blacklist."),
        ):
            return redirect("supervision:subject", found.pk)
    return render(
        request,
        "supervision/subject.html",
        {
            "subject": found,
            "events": selectors.subject_events(found)[:200],
            "grades": selectors.subject_grades(found)[:50],
            "listings": found.listings.all(),
            "event_form": event_form if may_manage else None,
            "list_form": list_form if may_manage else None,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def score_models(request: HttpRequest) -> HttpResponse:
    _need(request, Perm.SUPERVISION_VIEW)
    may_manage = actor_has_perm(request.user, Perm.SUPERVISION_MANAGE)
    found = list(selectors.score_models(actor=request.user).order_by("region_id", "-version"))
    latest = found[0] if found else None
    base = model_data(latest)
    form = ScoreModelForm(
        request.POST or None,
        initial={
            "base_score": base["base_score"],
            "half_life_months": base["half_life_months"],
            "categories": "\n".join(
                f"{c['code']} | {c['label']} | {c['points']}" for c in base["categories"]
            ),
            "thresholds": "\n".join(
                f"{t['grade']} {t['min']}" if t["min"] is not None else t["grade"]
                for t in base["thresholds"]
            ),
        },
    )
    _set_choices(form, "region_code", _region_choices(request, Perm.SUPERVISION_MANAGE, [2, 3]))
    if request.method == "POST":
        if not may_manage:
            raise Http404
        if _act(
            request,
            form,
            lambda: services.score_model_publish(ctx=audit_ctx(request), **form.cleaned_data),
            _("Score model published; grades recomputed."),
        ):
            return redirect("supervision:score_models")
    return render(
        request,
        "supervision/score_models.html",
        {"models": found, "form": form if may_manage else None},
    )


@login_required
def blacklist(request: HttpRequest) -> HttpResponse:
    _need(request, Perm.SUPERVISION_VIEW)
    state = request.GET.get("state", "")
    return render(
        request,
        "supervision/blacklist.html",
        {
            "page": paginate(request, selectors.blacklist_list(actor=request.user, state=state)),
            "query": query_without_page(request),
            "state": state,
            "today": timezone.localdate(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def listing(request: HttpRequest, sv_listing_id: int) -> HttpResponse:
    _need(request, Perm.SUPERVISION_VIEW)
    entry = _get(selectors.blacklist_get_for, actor=request.user, entry_id=sv_listing_id)
    may_manage = actor_has_perm(request.user, Perm.SUPERVISION_MANAGE, entry.region_id)
    which = request.POST.get("form")
    appeal_form = AppealForm(
        request.POST if which == "appeal" else None,
        initial={"filed_on": timezone.localdate()},
        prefix="appeal",
    )
    decide_form = DecideForm(request.POST if which == "decide" else None, prefix="decide")
    if request.method == "POST":
        if not may_manage:
            raise Http404
        ctx = audit_ctx(request)
        if which == "appeal" and _act(
            request,
            appeal_form,
            lambda: services.appeal_file(ctx=ctx, entry=entry, **appeal_form.cleaned_data),
            _("Appeal recorded."),
        ):
            return redirect("supervision:listing", entry.pk)
        if which == "decide" and _act(
            request,
            decide_form,
            lambda: services.appeal_decide(
                ctx=ctx,
                entry=entry,
                granted=decide_form.cleaned_data["decision"] == "granted",
                reason=decide_form.cleaned_data["reason"],
            ),
            _("Appeal decided."),
        ):
            return redirect("supervision:listing", entry.pk)
    return render(
        request,
        "supervision/listing.html",
        {
            "entry": entry,
            "active": selectors.listing_active(entry, timezone.localdate()),
            "appeal_form": appeal_form if may_manage and not entry.appeal_status else None,
            "decide_form": decide_form if may_manage and entry.appeal_status == "filed" else None,
        },
    )


# --- Draws and inspections --------------------------------------------------------------


def _kind_choices() -> list[tuple[str, str]]:
    from silvercare.industry.choices import FacilityKind

    labels = {"enterprise": str(SubjectKind.ENTERPRISE.label)} | {
        k: str(v) for k, v in FacilityKind.choices
    }
    return [(k, labels[k]) for k in target_kinds()]


def _bp(value: Decimal | None) -> int:
    return int((value or Decimal(0)) * 100)


@login_required
def draws(request: HttpRequest) -> HttpResponse:
    _need(request, Perm.SUPERVISION_VIEW)
    return render(
        request,
        "supervision/draws.html",
        {
            "page": paginate(request, selectors.draw_list(actor=request.user)),
            "query": query_without_page(request),
            "may_manage": actor_has_perm(request.user, Perm.SUPERVISION_MANAGE),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def draw_new(request: HttpRequest) -> HttpResponse:
    _need(request, Perm.SUPERVISION_MANAGE)
    form = DrawForm(request.POST or None, initial={"default_percent": 5, "grade_d_percent": 10})
    _set_choices(form, "region_code", _region_choices(request, Perm.SUPERVISION_MANAGE, [2, 3, 4]))
    field = form.fields["kinds"]
    assert isinstance(field, forms.MultipleChoiceField)
    field.choices = _kind_choices()
    if request.method == "POST":
        data = form.cleaned_data if form.is_valid() else {}
        by_grade = {
            grade: _bp(data.get(f"grade_{grade.lower()}_percent"))
            for grade in ("C", "D")
            if data.get(f"grade_{grade.lower()}_percent") is not None
        }
        made = _act(
            request,
            form,
            lambda: services.draw_create(
                ctx=audit_ctx(request),
                title=data["title"],
                region_code=data["region_code"],
                kinds=list(data["kinds"]),
                default_bp=_bp(data["default_percent"]),
                by_grade=by_grade,
                inspectors_per_target=data["inspectors_per_target"],
                relationship_months=data["relationship_months"],
            ),
            _("Draw made."),
        )
        if made:
            return redirect("supervision:draw", made.pk)
    return render(
        request, "supervision/form.html", {"form": form, "title": _("New random inspection draw")}
    )


@login_required
def draw(request: HttpRequest, sv_draw_id: int) -> HttpResponse:
    _need(request, Perm.SUPERVISION_VIEW)
    found = _get(selectors.draw_get_for, actor=request.user, draw_id=sv_draw_id)
    return render(
        request,
        "supervision/draw.html",
        {
            "draw": found,
            "inspections": selectors.draw_inspections(found),
            "problems": services.draw_problems(found) if "verify" in request.GET else None,
            "verified": "verify" in request.GET,
            "may_publish": actor_has_perm(request.user, Perm.SUPERVISION_MANAGE, found.region_id)
            and found.status == "drawn",
        },
    )


@login_required
@require_POST
def draw_publish(request: HttpRequest, sv_draw_id: int) -> HttpResponse:
    _need(request, Perm.SUPERVISION_MANAGE)
    found = _get(selectors.draw_get_for, actor=request.user, draw_id=sv_draw_id)
    try:
        services.draw_publish(ctx=audit_ctx(request), draw=found)
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Results published."))
    return redirect("supervision:draw", found.pk)


def _download(data: dict[str, Any], draw_id: int) -> HttpResponse:
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="draw-{draw_id}.json"'
    return response


@login_required
def draw_data(request: HttpRequest, sv_draw_id: int) -> HttpResponse:
    _need(request, Perm.SUPERVISION_VIEW)
    found = _get(selectors.draw_get_for, actor=request.user, draw_id=sv_draw_id)
    return _download(selectors.draw_published_data(found), found.pk)


@login_required
@require_http_methods(["GET", "POST"])
def my_inspections(request: HttpRequest) -> HttpResponse:
    _need(request, Perm.SUPERVISION_INSPECT)
    form = ConflictForm(request.POST or None)
    _set_choices(form, "target", _conflict_choices(request))
    if request.method == "POST":
        target = form.data.get("target", "")
        if _act(
            request,
            form,
            lambda: _declare(request, target, form.cleaned_data["reason"]),
            _("Relationship declared: draws will not send you there."),
        ):
            return redirect("supervision:mine")
    return render(
        request,
        "supervision/mine.html",
        {"inspections": selectors.my_inspections(actor=request.user)[:200], "form": form},
    )


def _conflict_choices(request: HttpRequest) -> list[tuple[str, str]]:
    from silvercare.industry.selectors import enterprises_visible

    return [("", "—")] + [
        (f"e:{e.pk}", e.name)
        for e in enterprises_visible(request.user, Perm.INDUSTRY_VIEW).order_by("name")[:500]
    ]


def _declare(request: HttpRequest, target: str, reason: str) -> Any:
    from silvercare.industry.selectors import enterprise_get_for

    try:
        enterprise = enterprise_get_for(actor=request.user, id=target.removeprefix("e:"))
    except NotFound:
        enterprise = None
    return services.conflict_declare(ctx=audit_ctx(request), enterprise=enterprise, reason=reason)


@login_required
@require_http_methods(["GET", "POST"])
def inspection(request: HttpRequest, sv_inspection_id: int) -> HttpResponse:
    if not (
        actor_has_perm(request.user, Perm.SUPERVISION_VIEW)
        or actor_has_perm(request.user, Perm.SUPERVISION_INSPECT)
    ):
        raise Http404
    found = _get(selectors.inspection_get_for, actor=request.user, inspection_id=sv_inspection_id)
    mine = found.inspectors.filter(pk=request.user.pk).exists()
    form = ResultForm(request.POST or None, initial={"inspected_on": timezone.localdate()})
    if request.method == "POST":
        if not mine:
            raise Http404
        if _act(
            request,
            form,
            lambda: services.inspection_record(
                ctx=audit_ctx(request), inspection=found, **form.cleaned_data
            ),
            _("Result recorded."),
        ):
            return redirect("supervision:inspection", found.pk)
    return render(
        request,
        "supervision/inspection.html",
        {"inspection": found, "form": form if mine and found.status == "assigned" else None},
    )


# --- Public results (no sign-in) --------------------------------------------------------


def public_results(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "supervision/public_list.html",
        {
            "page": paginate(request, selectors.public_draws()),
            "query": query_without_page(request),
        },
    )


def public_draw(request: HttpRequest, sv_draw_id: int) -> HttpResponse:
    found = _get(selectors.public_draw_get, draw_id=sv_draw_id)
    return render(
        request,
        "supervision/public_draw.html",
        {"draw": found, "inspections": selectors.draw_inspections(found)},
    )


def public_draw_data(request: HttpRequest, sv_draw_id: int) -> HttpResponse:
    found = _get(selectors.public_draw_get, draw_id=sv_draw_id)
    return _download(selectors.draw_published_data(found), found.pk)
