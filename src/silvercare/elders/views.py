"""Registry pages. Thin: parse the request, call selectors/services, render."""

from __future__ import annotations

import uuid
from dataclasses import asdict
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from silvercare.accounts.roles import Perm
from silvercare.accounts.scoping import actor_has_perm, actor_prefixes
from silvercare.audit.presenters import audit_rows
from silvercare.audit.selectors import audit_list
from silvercare.common.elder_panels import panels_for
from silvercare.common.errors import DomainError, NotFound
from silvercare.common.forms import apply_errors, merge_errors
from silvercare.common.htmx import is_htmx, render_page
from silvercare.common.no_store import no_store
from silvercare.common.pagination import paginate, query_without_page
from silvercare.common.request import audit_ctx
from silvercare.elders import importing, selectors, services
from silvercare.elders.choices import Category, ElderStatus
from silvercare.elders.exporting import elders_export
from silvercare.elders.forms import ConsentForm, ContactForm, ElderForm, ImportForm
from silvercare.elders.models import ImportBatch
from silvercare.elders.presenters import elder_categories, elder_detail
from silvercare.elders.spreadsheet import template_bytes
from silvercare.elders.validation import check_elder_fields
from silvercare.regions.models import Region
from silvercare.regions.selectors import regions_under

MASKED_ADDRESS = "****"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _int_or_none(raw: str | None) -> int | None:
    try:
        value = int(raw or "")
    except ValueError:
        return None
    return value if 0 <= value <= 130 else None


def _filters(request: HttpRequest) -> selectors.ElderFilters:
    get = request.GET
    region = get.get("region", "").strip()
    category = get.get("category", "")
    status = get.get("status", "")
    return selectors.ElderFilters(
        q=get.get("q", "")[:50],
        region=region if region.isdigit() and len(region) <= 12 else "",
        category=category if category in Category.values else "",
        age_min=_int_or_none(get.get("age_min")),
        age_max=_int_or_none(get.get("age_max")),
        status=status if status in ElderStatus.values else "",
        sort=get.get("sort", "name"),
    )


def _visible_towns(actor: Any) -> list[Region]:
    return regions_under(actor_prefixes(actor, Perm.ELDERS_VIEW), levels=[3, 4], limit=300)


def _communities(actor: Any, perm: str) -> list[tuple[str, str]]:
    rows = regions_under(actor_prefixes(actor, perm), levels=[5], limit=3000)
    return [(r.code, f"{r.parent.name if r.parent else ''} {r.name}") for r in rows]


@login_required
def elder_list(request: HttpRequest) -> HttpResponse:
    if not actor_has_perm(request.user, Perm.ELDERS_VIEW):
        raise Http404
    filters = _filters(request)
    try:
        found = selectors.elder_search(actor=request.user, filters=filters, ctx=audit_ctx(request))
        search_error, status = "", 200
    except DomainError as exc:  # an exact lookup refused (no right) or over the limit
        found = selectors.elder_none()
        # htmx swaps only 2xx answers: the fragment carries the message with 200.
        search_error, status = str(exc.message), 200 if is_htmx(request) else exc.status
    page = paginate(request, found)
    rows = [
        {
            "elder": e,
            "age": selectors.elder_age(e),
            "categories": [Category(c).label for c in elder_categories(e)],
        }
        for e in page.object_list
    ]
    return render_page(
        request,
        "elders/list.html",
        {
            "page": page,
            "rows": rows,
            "filters": filters,
            "query": query_without_page(request),
            "towns": _visible_towns(request.user),
            "categories": Category.choices,
            "statuses": ElderStatus.choices,
            "may_create": actor_has_perm(request.user, Perm.ELDERS_EDIT),
            "may_export": actor_has_perm(request.user, Perm.ELDERS_EXPORT),
            "search_error": search_error,
        },
        fragment="elders/htmx/results.html",
        status=status,
    )


def _get(request: HttpRequest, elder_id: uuid.UUID) -> Any:
    try:
        return selectors.elder_get_for(actor=request.user, elder_id=elder_id)
    except NotFound:
        raise Http404 from None


@login_required
def elder_detail_page(request: HttpRequest, elder_id: uuid.UUID) -> HttpResponse:
    elder = _get(request, elder_id)
    return render(request, "elders/detail.html", _detail_context(request, elder))


def _detail_context(
    request: HttpRequest, elder: Any, contact_form: ContactForm | None = None
) -> dict[str, Any]:
    user = request.user
    return {
        "elder": elder,
        "data": elder_detail(elder, actor=user),
        **_assessment_context(request, elder),
        "panels": panels_for(request, elder),
        "may_edit": selectors.elder_can(user, elder, Perm.ELDERS_EDIT),
        "may_reveal": selectors.elder_can(user, elder, Perm.ELDERS_VIEW_PII),
        "may_audit": selectors.elder_can(user, elder, Perm.AUDIT_VIEW),
        "contact_form": contact_form or ContactForm(),
        "consent_form": ConsentForm(),
    }


def _assessment_context(request: HttpRequest, elder: Any) -> dict[str, Any]:
    """What the assessment capability shows on the elder page (through its selectors)."""
    from silvercare.assessments.forms import TriggerForm
    from silvercare.assessments.selectors import (
        assessment_current_level,
        assessment_level_history,
        assessment_list,
    )

    if not actor_has_perm(request.user, Perm.ASSESSMENTS_VIEW, elder.region_id):
        return {}
    return {
        "level": assessment_current_level(elder),
        "level_history": assessment_level_history(elder),
        "assessments": assessment_list(actor=request.user, elder_id=elder.pk)[:20],
        "may_book": actor_has_perm(request.user, Perm.ASSESSMENTS_BOOK, elder.region_id),
        "trigger_form": TriggerForm(auto_id="trigger_%s"),
        "today": timezone.localdate(),
    }


@login_required
@no_store
@require_POST
def elder_reveal(request: HttpRequest, elder_id: uuid.UUID) -> HttpResponse:
    elder = _get(request, elder_id)
    try:
        revealed = services.elder_reveal(ctx=audit_ctx(request), elder=elder)
    except DomainError as exc:
        return render(request, "403.html", {"message": exc.message}, status=403)
    return render_page(
        request,
        "elders/detail.html",
        {
            "elder": elder,
            "data": elder_detail(elder, revealed, actor=request.user),
            "revealed": True,
            **_assessment_context(request, elder),
            "panels": panels_for(request, elder),
            "may_edit": selectors.elder_can(request.user, elder, Perm.ELDERS_EDIT),
            "may_audit": selectors.elder_can(request.user, elder, Perm.AUDIT_VIEW),
            "contact_form": ContactForm(),
            "consent_form": ConsentForm(),
        },
        fragment="elders/htmx/personal.html",
    )


@login_required
@require_http_methods(["GET", "POST"])
def elder_create(request: HttpRequest) -> HttpResponse:
    if not actor_has_perm(request.user, Perm.ELDERS_EDIT):
        raise Http404
    communities = _communities(request.user, Perm.ELDERS_EDIT)
    form = ElderForm(request.POST or None, communities=communities)
    existing_id = None
    if request.method == "POST" and not form.is_valid():
        _check_all(request, form, form.submitted_values())
    elif request.method == "POST":
        try:
            elder = services.elder_create(ctx=audit_ctx(request), values=form.to_values())
            messages.success(request, _("%(name)s was registered.") % {"name": elder.name})
            return redirect("elders:detail", elder_id=elder.pk)
        except DomainError as exc:
            apply_errors(form, exc)
            existing_id = next(
                (e.params.get("existing_id") for e in exc.errors if e.params.get("existing_id")),
                None,
            )
    status = 422 if form.errors else 200
    return render(
        request,
        "elders/form.html",
        {"form": form, "creating": True, "existing_id": existing_id},
        status=status,
    )


@login_required
@no_store
@require_http_methods(["GET", "POST"])
def elder_edit(request: HttpRequest, elder_id: uuid.UUID) -> HttpResponse:
    elder = _get(request, elder_id)
    if not selectors.elder_can(request.user, elder, Perm.ELDERS_EDIT):
        raise Http404
    communities = _communities(request.user, Perm.ELDERS_EDIT)
    if request.method == "POST":
        form = ElderForm(request.POST, communities=communities, editing=True)
    else:
        plain = services.elder_plain(elder)
        if selectors.elder_can(request.user, elder, Perm.ELDERS_VIEW_PII):
            revealed = services.elder_reveal(ctx=audit_ctx(request), elder=elder)
            id_number, phone, address = (
                revealed["id_number"],
                revealed["phone"],
                revealed["address"],
            )
        else:
            id_number, phone, address = (elder.id_number_masked, elder.phone_masked, MASKED_ADDRESS)
        form = ElderForm(
            initial={
                "name": plain.name,
                "id_number": id_number,
                "phone": phone,
                "address": address,
                "region_code": plain.region_code,
                "latitude": plain.latitude,
                "longitude": plain.longitude,
                "hukou_type": plain.hukou_type,
                "living_situation": plain.living_situation,
                "categories": sorted(plain.categories),
                "status": plain.status,
                "status_date": plain.status_date,
            },
            communities=communities,
            editing=True,
        )
    if request.method == "POST" and not form.is_valid():
        merged = asdict(services.elder_plain(elder))
        merged.update(_unmasked_changes(elder, form.submitted_values()))
        _check_all(request, form, merged)
    elif request.method == "POST":
        values = _unmasked_changes(elder, form.to_values())
        try:
            services.elder_update(ctx=audit_ctx(request), elder=elder, changes=values)
            messages.success(request, _("The record was saved."))
            return redirect("elders:detail", elder_id=elder.pk)
        except DomainError as exc:
            apply_errors(form, exc)
    status = 422 if form.errors else 200
    return render(request, "elders/form.html", {"form": form, "elder": elder}, status=status)


def _unmasked_changes(elder: Any, values: dict[str, Any]) -> dict[str, Any]:
    """Masked values shown to roles without personal-data rights mean "unchanged"."""
    for key, masked in (
        ("id_number", elder.id_number_masked),
        ("phone", elder.phone_masked),
        ("address", MASKED_ADDRESS),
    ):
        if values.get(key) == masked:
            values.pop(key)
    return values


def _check_all(request: HttpRequest, form: ElderForm, values: dict[str, Any]) -> None:
    """The form found errors: still run the registry's field checks and the community
    check on what was submitted, so one submit reports every problem. The duplicate-ID
    check is not run here: it runs only for an otherwise valid row the actor may write
    (``services._validated``), so incomplete rows cannot probe the registry."""
    _data, errors = check_elder_fields(values)
    region_code = str(values.get("region_code") or "").strip()
    if region_code and "region_code" not in form.errors:
        region_error = services.check_region(request.user, region_code, Perm.ELDERS_EDIT)
        if region_error:
            errors.append(region_error)
    merge_errors(form, errors)


@login_required
@require_POST
def contact_add(request: HttpRequest, elder_id: uuid.UUID) -> HttpResponse:
    """Adds a contact; with any problem the page comes back with the form as typed and
    every field's problem at once (the form's and the registry's checks)."""
    elder = _get(request, elder_id)
    if not selectors.elder_can(request.user, elder, Perm.ELDERS_EDIT):
        raise PermissionDenied
    form = ContactForm(request.POST)
    if form.is_valid():
        try:
            services.contact_add(ctx=audit_ctx(request), elder=elder, values=form.cleaned_data)
            messages.success(request, _("The contact was added."))
            return redirect("elders:detail", elder_id=elder.pk)
        except DomainError as exc:
            apply_errors(form, exc)
    else:
        submitted = {name: form[name].value() for name in form.fields}
        submitted.update(form.cleaned_data)
        _clean, errors = services.contact_values_check(submitted)
        merge_errors(form, errors)
    return render(request, "elders/detail.html", _detail_context(request, elder, form), status=422)


@login_required
@require_http_methods(["GET", "POST"])
def contact_remove(request: HttpRequest, elder_id: uuid.UUID, contact_id: int) -> HttpResponse:
    """Asks first: the page names the contact; only its confirming POST removes them (a POST
    without ``confirm`` shows the question again and removes nothing)."""
    elder = _get(request, elder_id)
    if not selectors.elder_can(request.user, elder, Perm.ELDERS_EDIT):
        raise PermissionDenied
    contact = selectors.elder_contact_find(elder, contact_id=contact_id)
    if contact is None:
        raise Http404
    if request.method == "POST" and request.POST.get("confirm") == "yes":
        try:
            services.contact_remove(ctx=audit_ctx(request), elder=elder, contact_id=contact.pk)
            messages.success(request, _("The contact was removed."))
        except DomainError as exc:
            messages.error(request, str(exc.message))
        return redirect("elders:detail", elder_id=elder.pk)
    return render(request, "elders/contact_remove.html", {"elder": elder, "contact": contact})


@login_required
@require_POST
def consent_record(request: HttpRequest, elder_id: uuid.UUID) -> HttpResponse:
    elder = _get(request, elder_id)
    form = ConsentForm(request.POST)
    if form.is_valid():
        try:
            services.consent_record(ctx=audit_ctx(request), elder=elder, **form.cleaned_data)
            messages.success(request, _("The consent decision was recorded."))
        except DomainError as exc:
            messages.error(request, str(exc.message))
    return redirect("elders:detail", elder_id=elder.pk)


@login_required
def elder_audit(request: HttpRequest, elder_id: uuid.UUID) -> HttpResponse:
    elder = _get(request, elder_id)
    if not selectors.elder_can(request.user, elder, Perm.AUDIT_VIEW):
        raise Http404
    events = audit_list(actor=request.user, entity_type="elder", entity_id=str(elder.pk))
    page = paginate(request, events.select_related("actor"), 50)
    return render(
        request,
        "elders/audit.html",
        {"elder": elder, "page": page, "rows": audit_rows(page.object_list)},
    )


@login_required
def import_template(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(template_bytes(), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="elders-template.xlsx"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def import_upload(request: HttpRequest) -> HttpResponse:
    if not actor_has_perm(request.user, Perm.ELDERS_IMPORT):
        raise Http404
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        batch = importing.import_check(
            ctx=audit_ctx(request), filename=upload.name, fileobj=upload.file
        )
        return redirect("elders:import_batch", batch_id=batch.pk)
    return render(request, "elders/import.html", {"form": form})


def _batch(request: HttpRequest, batch_id: uuid.UUID) -> ImportBatch:
    batch = ImportBatch.objects.filter(pk=batch_id, created_by_id=request.user.pk).first()
    if batch is None:
        raise Http404
    return batch


@login_required
def import_batch(request: HttpRequest, batch_id: uuid.UUID) -> HttpResponse:
    batch = _batch(request, batch_id)
    checking = batch.state == ImportBatch.State.CHECKING
    if checking:
        percent = int(100 * batch.checked_rows / batch.total_rows) if batch.total_rows else 0
    else:
        percent = (
            int(100 * (batch.imported_rows + len(batch.skipped_rows)) / batch.good_rows)
            if batch.good_rows
            else 100
        )
    duplicates = [s for s in batch.skipped_rows if s.get("code") == "id_number_duplicate"]
    response = render_page(
        request,
        "elders/import_batch.html",
        {
            "batch": batch,
            "percent": percent,
            "checking": checking,
            "running": checking or batch.state == ImportBatch.State.RUNNING,
            "skipped_duplicates": len(duplicates),
            # Rows refused at import time: the right to import there was withdrawn (or
            # the community removed) after the dry run.
            "skipped_refused": sorted(
                s["row"] for s in batch.skipped_rows if s.get("code") != "id_number_duplicate"
            ),
        },
        fragment="elders/htmx/import_progress.html",
    )
    if request.GET.get("was") == "checking" and not checking:
        response["HX-Refresh"] = "true"  # the check is done: load the page with its problems
    return response


@login_required
@require_POST
def import_commit(request: HttpRequest, batch_id: uuid.UUID) -> HttpResponse:
    batch = _batch(request, batch_id)
    try:
        importing.import_start(ctx=audit_ctx(request), batch=batch)
    except DomainError as exc:
        messages.error(request, str(exc.message))
    return redirect(reverse("elders:import_batch", kwargs={"batch_id": batch.pk}))


@login_required
@no_store
def export(request: HttpRequest) -> HttpResponse:
    if not actor_has_perm(request.user, Perm.ELDERS_EXPORT):
        raise Http404
    content, _count = elders_export(ctx=audit_ctx(request), filters=_filters(request))
    response = HttpResponse(content, content_type=XLSX)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="elders-{stamp}.xlsx"'
    return response
