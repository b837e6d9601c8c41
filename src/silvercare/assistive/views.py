"""Pages of the capability (thin: selectors read, services write): catalogue, products,
admissions, open data, an elder's recommendations with quotes, fittings and follow-ups."""

from __future__ import annotations

import csv
import io
import json
import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from silvercare.accounts.roles import Perm
from silvercare.accounts.scoping import actor_has_perm
from silvercare.assistive import selectors, services
from silvercare.assistive.forms import (
    AddTypeForm,
    ApplyForm,
    DecisionForm,
    FittingForm,
    FollowUpForm,
    ImportForm,
    NeedForm,
    ObjectionForm,
    ProductForm,
    StepForm,
)
from silvercare.assistive.models import (
    Admission,
    AdmissionStatus,
    DeviceTypeLevel,
    Enterprise,
    FollowUp,
    Product,
)
from silvercare.assistive.rules import need_labels
from silvercare.common.errors import DomainError, FieldError, NotFound
from silvercare.common.forms import apply_errors
from silvercare.common.no_store import no_store
from silvercare.common.pagination import paginate, query_without_page
from silvercare.common.photos import PHOTO_MAX_BYTES, photo_response
from silvercare.common.request import audit_ctx
from silvercare.elders.models import Elder


def _need(request: HttpRequest, perm: str, region_code: str | None = None) -> None:
    if not actor_has_perm(request.user, perm, region_code):
        raise Http404


def _lang() -> str:
    return get_language() or "en"


def _elder(request: HttpRequest, elder_id: uuid.UUID) -> Elder:
    from silvercare.elders.selectors import elder_get_for

    try:
        return elder_get_for(actor=request.user, elder_id=elder_id, perm=Perm.ASSISTIVE_VIEW)
    except NotFound:
        raise Http404 from None


def _product(request: HttpRequest, product_id: uuid.UUID) -> Product:
    try:
        return selectors.product_get_for(actor=request.user, product_id=product_id)
    except NotFound:
        raise Http404 from None


def _admission(request: HttpRequest, admission_id: uuid.UUID) -> Admission:
    try:
        return selectors.admission_get_for(actor=request.user, admission_id=admission_id)
    except NotFound:
        raise Http404 from None


def _type_choices() -> list[tuple[str, str]]:
    zh = _lang().startswith("zh")
    return [
        (t.code, f"{t.code} {t.name_zh if zh else t.name_en}")
        for t in selectors.device_types(level=DeviceTypeLevel.DIVISION)
    ]


@login_required
def home(request: HttpRequest) -> HttpResponse:
    _need(request, Perm.ASSISTIVE_VIEW)
    user = request.user
    return render(
        request,
        "assistive/home.html",
        {
            "listed": selectors.product_list().count(),
            "may_curate": selectors.may_curate(user),
            "may_apply": actor_has_perm(user, Perm.ASSISTIVE_APPLY),
            "may_consult": actor_has_perm(user, Perm.ASSISTIVE_CONSULT),
            "admissions": list(selectors.admission_list(actor=user)[:10]),
            "follow_ups": list(selectors.follow_ups_due(actor=user)[:20])
            if actor_has_perm(user, Perm.ASSISTIVE_CONSULT)
            else [],
            "fittings": list(selectors.fitting_list(actor=user)[:10]),
            "in_notice": list(selectors.admissions_in_notice()[:10]),
        },
    )


# --- Catalogue --------------------------------------------------------------------------------


@login_required
def catalogue(request: HttpRequest) -> HttpResponse:
    _need(request, Perm.ASSISTIVE_VIEW)
    type_code = request.GET.get("type", "")[:12]
    q = request.GET.get("q", "")[:50]
    return render(
        request,
        "assistive/catalogue.html",
        {
            "tree": selectors.device_type_tree(),
            "page": paginate(request, selectors.product_list(type_code=type_code, q=q)),
            "query": query_without_page(request),
            "q": q,
            "type_code": type_code,
            "may_add": selectors.may_curate(request.user)
            or selectors.enterprises_of(request.user).exists(),
        },
    )


@login_required
def device_type(request: HttpRequest, code: str) -> HttpResponse:
    _need(request, Perm.ASSISTIVE_VIEW)
    try:
        node = selectors.device_type_get(code)
    except NotFound:
        raise Http404 from None
    return render(
        request,
        "assistive/device_type.html",
        {
            "node": node,
            "children": node.children.order_by("code"),
            "products": selectors.product_list(type_code=node.code)[:200],
        },
    )


@login_required
def product_detail(request: HttpRequest, product_id: uuid.UUID) -> HttpResponse:
    _need(request, Perm.ASSISTIVE_VIEW)
    product = _product(request, product_id)
    own = services.is_member(request.user, product.enterprise)
    labels = need_labels()
    zh = _lang().startswith("zh")
    return render(
        request,
        "assistive/product.html",
        {
            "product": product,
            "specs": selectors.spec_rows(product, _lang()),
            "suits": [labels[n][0 if zh else 1] for n in product.suits_needs if n in labels],
            "admissions": product.admissions.order_by("-created_at")
            if own or selectors.may_curate(request.user)
            else [],
            "may_edit": selectors.may_curate(request.user)
            or (own and product.status in {"draft", "rejected"}),
            "may_apply": own and product.status in {"draft", "rejected"},
            "photos": selectors.photo_ids(product=product),
            "apply_form": ApplyForm(),
        },
    )


def _uploaded(upload: Any) -> bytes | None:
    """The bytes of an optional uploaded file (at most one byte over the photo limit is read:
    the service refuses anything larger)."""
    return None if upload is None else upload.read(PHOTO_MAX_BYTES + 1)


def photo(request: HttpRequest, assistive_photo_id: uuid.UUID) -> HttpResponse:
    """A product's photo (public once listed) or a fitting's (in the fitting's scope)."""
    try:
        found, public = selectors.photo_get_for(actor=request.user, photo_id=assistive_photo_id)
    except NotFound:
        raise Http404 from None
    return photo_response(found.content, found.content_type, public=public)


def _product_form(request: HttpRequest, product: Product | None) -> ProductForm:
    if selectors.may_curate(request.user):
        enterprises = Enterprise.objects.all()
    else:
        enterprises = selectors.enterprises_of(request.user)
    initial: dict[str, Any] = {}
    if product is not None:
        initial = {
            "enterprise": str(product.enterprise_id),
            "device_type": product.device_type.code,
            "brand": product.brand,
            "model": product.model,
            "name": product.name,
            "specifications": json.dumps(product.specifications, ensure_ascii=False),
            "sale_price_fen": product.sale_price_fen,
            "monthly_rent_fen": product.monthly_rent_fen,
            "price_cap_fen": product.price_cap_fen,
            "rentable": product.rentable,
            "requires_fitting": product.requires_fitting,
            "suits_needs": product.suits_needs,
            "suitability_note": product.suitability_note,
            "description": product.description,
        }
    return ProductForm(
        request.POST or None,
        request.FILES or None,
        enterprises=[(str(e.pk), e.name) for e in enterprises],
        types=_type_choices(),
        language=_lang(),
        initial=initial,
    )


@login_required
@require_http_methods(["GET", "POST"])
def product_edit(request: HttpRequest, product_id: uuid.UUID | None = None) -> HttpResponse:
    _need(request, Perm.ASSISTIVE_VIEW)
    product = _product(request, product_id) if product_id else None
    may = selectors.may_curate(request.user) or (
        selectors.enterprises_of(request.user).exists()
        if product is None
        else services.is_member(request.user, product.enterprise)
    )
    if not may:
        raise Http404
    form = _product_form(request, product)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        enterprise = Enterprise.objects.filter(pk=data["enterprise"]).first()
        if enterprise is None:
            raise Http404
        try:
            product = services.product_save(
                ctx=audit_ctx(request),
                enterprise=enterprise,
                product=product,
                values=services.ProductValues(
                    brand=data["brand"],
                    model=data["model"],
                    name=data["name"],
                    device_type_code=data["device_type"],
                    specifications=data["specifications"],
                    description=data["description"],
                    sale_price_fen=data["sale_price_fen"],
                    monthly_rent_fen=data["monthly_rent_fen"],
                    price_cap_fen=data["price_cap_fen"],
                    rentable=data["rentable"],
                    requires_fitting=data["requires_fitting"],
                    suits_needs=list(data["suits_needs"]),
                    suitability_note=data["suitability_note"],
                    photo=_uploaded(data["photo"]),
                ),
            )
            messages.success(request, _("The product was saved."))
            return redirect("assistive:product", product_id=product.pk)
        except DomainError as exc:
            for error in exc.errors:
                if error.field.startswith("specifications."):
                    form.add_error("specifications", str(error.message))
            exc.errors = [e for e in exc.errors if not e.field.startswith("specifications.")]
            if exc.errors or not form.errors:
                apply_errors(form, exc)
    return render(
        request,
        "assistive/product_form.html",
        {
            "form": form,
            "product": product,
            "title": _("Change product") if product else _("New product"),
            "schemas": [
                (t.code, t.name_zh if _lang().startswith("zh") else t.name_en, t.attribute_schema)
                for t in selectors.device_types(level=DeviceTypeLevel.DIVISION)
            ],
        },
    )


@login_required
@require_POST
def product_apply(request: HttpRequest, product_id: uuid.UUID) -> HttpResponse:
    product = _product(request, product_id)
    form = ApplyForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The notice period is 1 to 60 days."))
        return redirect("assistive:product", product_id=product.pk)
    try:
        admission = services.admission_apply(
            ctx=audit_ctx(request),
            product=product,
            notice_days=form.cleaned_data["notice_days"],
            note=form.cleaned_data["note"],
        )
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return redirect("assistive:product", product_id=product.pk)
    messages.success(request, _("The application was submitted."))
    return redirect("assistive:admission", admission_id=admission.pk)


@login_required
@require_http_methods(["GET", "POST"])
def product_import(request: HttpRequest) -> HttpResponse:
    if not selectors.may_curate(request.user):
        raise Http404
    form = ImportForm(request.POST or None, request.FILES or None)
    errors: list[FieldError] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            text = upload.read(2_000_000).decode("utf-8-sig")
            rows = list(csv.DictReader(io.StringIO(text)))
        except (UnicodeDecodeError, csv.Error):
            rows = None
        if rows is None:
            form.add_error("file", _("The file is not a UTF-8 CSV file."))
        else:
            try:
                result = services.products_import(ctx=audit_ctx(request), rows=rows[:2000])
            except DomainError as exc:
                raise Http404 from exc
            if result.errors:
                errors = result.errors
            else:
                messages.success(
                    request, _("%(n)s products were imported as drafts.") % {"n": result.created}
                )
                return redirect("assistive:catalogue")
    return render(
        request,
        "assistive/import.html",
        {"form": form, "errors": errors, "columns": services.IMPORT_COLUMNS},
    )


# --- Admission --------------------------------------------------------------------------------


@login_required
def admission_list(request: HttpRequest) -> HttpResponse:
    _need(request, Perm.ASSISTIVE_VIEW)
    status = request.GET.get("status", "")
    if status not in AdmissionStatus.values:
        status = ""
    return render(
        request,
        "assistive/admissions.html",
        {
            "page": paginate(request, selectors.admission_list(actor=request.user, status=status)),
            "query": query_without_page(request),
            "status": status,
            "statuses": AdmissionStatus.choices,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def admission_detail(request: HttpRequest, admission_id: uuid.UUID) -> HttpResponse:
    admission = _admission(request, admission_id)
    may_curate = selectors.may_curate(request.user)
    step_form = StepForm(request.POST if "step" in request.POST else None)
    objection_form = ObjectionForm(request.POST if "objection" in request.POST else None)
    if request.method == "POST":
        if not may_curate:
            raise Http404
        ctx = audit_ctx(request)
        try:
            if "step" in request.POST and step_form.is_valid():
                services.admission_advance(
                    ctx=ctx,
                    admission=admission,
                    to=step_form.cleaned_data["to"],
                    reason=step_form.cleaned_data["reason"],
                )
                messages.success(request, _("The step was recorded."))
                return redirect("assistive:admission", admission_id=admission.pk)
            if "objection" in request.POST and objection_form.is_valid():
                services.objection_record(
                    ctx=ctx,
                    admission=admission,
                    raised_by=objection_form.cleaned_data["raised_by"],
                    text=objection_form.cleaned_data["text"],
                )
                messages.success(request, _("The objection was recorded."))
                return redirect("assistive:admission", admission_id=admission.pk)
        except DomainError as exc:
            apply_errors(step_form if "step" in request.POST else objection_form, exc)
    nexts = [to for (frm, to) in services.STEPS if frm == admission.status]
    step_form.fields["to"].choices = [(to, AdmissionStatus(to).label) for to in nexts]  # type: ignore[attr-defined]
    return render(
        request,
        "assistive/admission.html",
        {
            "admission": admission,
            "product": admission.product,
            "steps": selectors.admission_steps(admission),
            "objections": admission.objections.all(),
            "may_curate": may_curate and bool(nexts),
            "may_object": may_curate and admission.status == AdmissionStatus.NOTICE,
            "step_form": step_form,
            "objection_form": objection_form,
        },
    )


# --- Open data (no login) --------------------------------------------------------------------


def open_data(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "assistive/open.html",
        {
            "count": selectors.product_list().count(),
            "in_notice": list(selectors.admissions_in_notice()[:50]),
        },
    )


def open_products_json(request: HttpRequest) -> HttpResponse:
    rows = selectors.open_products()
    response = JsonResponse(
        {
            "title": "SilverCare assistive products catalogue (listed products)",
            "licence": "CC BY 4.0",
            "generated_at": timezone.now().isoformat(),
            "count": len(rows),
            "products": rows,
        },
        json_dumps_params={"ensure_ascii": False},
    )
    response["Access-Control-Allow-Origin"] = "*"
    return response


def open_products_csv(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="assistive-products.csv"'
    response["Access-Control-Allow-Origin"] = "*"
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(selectors.OPEN_COLUMNS)
    for row in selectors.open_products():
        values = []
        for col in selectors.OPEN_COLUMNS:
            value = row[col]
            if isinstance(value, dict):
                value = json.dumps(value, ensure_ascii=False, sort_keys=True)
            elif isinstance(value, bool):
                value = "1" if value else "0"
            elif value is None:
                value = ""
            text = str(value)
            if text[:1] in ("=", "+", "-", "@") and col not in {"specifications"}:
                text = "'" + text
            values.append(text)
        writer.writerow(values)
    return response


# --- Recommendations --------------------------------------------------------------------------


@login_required
@no_store
@require_http_methods(["GET", "POST"])
def recommendations(request: HttpRequest, elder_id: uuid.UUID) -> HttpResponse:
    elder = _elder(request, elder_id)
    may_consult = actor_has_perm(request.user, Perm.ASSISTIVE_CONSULT, elder.region_id)
    ctx = audit_ctx(request)
    need_form = NeedForm(request.POST if "declare" in request.POST else None, language=_lang())
    add_form = AddTypeForm(
        request.POST if "add_type" in request.POST else None, types=_type_choices()
    )
    if request.method == "POST":
        if not may_consult:
            raise Http404
        try:
            if "declare" in request.POST and need_form.is_valid():
                services.need_declare(
                    ctx=ctx,
                    elder=elder,
                    need=need_form.cleaned_data["need"],
                    note=need_form.cleaned_data["note"],
                )
                messages.success(request, _("The need was recorded."))
                return redirect("assistive:recommendations", elder_id=elder.pk)
            if "withdraw" in request.POST:
                try:
                    need_id = uuid.UUID(str(request.POST.get("withdraw", ""))[:40])
                except ValueError:
                    raise Http404 from None
                need = selectors.needs_of(elder).filter(pk=need_id).first()
                if need is not None:
                    services.need_withdraw(ctx=ctx, need=need)
                return redirect("assistive:recommendations", elder_id=elder.pk)
            if "decide" in request.POST:
                decision = DecisionForm(request.POST)
                if decision.is_valid():
                    services.recommendation_decide(
                        ctx=ctx,
                        elder=elder,
                        device_type=selectors.device_type_get(decision.cleaned_data["device_type"]),
                        status=decision.cleaned_data["status"],
                        note=decision.cleaned_data["note"],
                    )
                    messages.success(request, _("The decision was recorded."))
                else:
                    messages.error(request, _("Write a note for the decision."))
                return redirect("assistive:recommendations", elder_id=elder.pk)
            if "add_type" in request.POST and add_form.is_valid():
                services.recommendation_decide(
                    ctx=ctx,
                    elder=elder,
                    device_type=selectors.device_type_get(add_form.cleaned_data["device_type"]),
                    status="added",
                    note=add_form.cleaned_data["note"],
                )
                messages.success(request, _("The device type was added."))
                return redirect("assistive:recommendations", elder_id=elder.pk)
        except NotFound:
            raise Http404 from None
        except DomainError as exc:
            messages.error(request, str(exc.message))
    recs = selectors.recommendations_for(elder)
    may_quote = actor_has_perm(request.user, Perm.SUBSIDIES_QUOTE, elder.region_id)
    rows = []
    from silvercare.subsidies.selectors import quote_present

    for rec in recs:
        products = []
        for product in rec.products:
            quoted = None
            if may_quote:
                try:
                    q = services.product_quote(ctx=ctx, elder=elder, product=product)
                    quoted = quote_present(q) if q is not None else None
                except DomainError:
                    quoted = None
            products.append(
                {
                    "product": product,
                    "quote": quoted,
                    "specs": selectors.spec_rows(product, _lang()),
                }
            )
        rows.append(
            {
                "rec": rec,
                "reason": rec.reason(_lang()),
                "products": products,
                "reasons": rec.reasons_zh if _lang().startswith("zh") else rec.reasons_en,
            }
        )
    from silvercare.assessments.selectors import assessment_current_level

    labels = need_labels()
    zh = _lang().startswith("zh")
    return render(
        request,
        "assistive/recommendations.html",
        {
            "elder": elder,
            "rows": rows,
            "level": assessment_current_level(elder),
            "needs": [
                (n, labels.get(n.need, (n.need, n.need))[0 if zh else 1])
                for n in selectors.needs_of(elder)
            ],
            "may_consult": may_consult,
            "need_form": need_form,
            "add_form": add_form,
        },
    )


# --- Fittings ---------------------------------------------------------------------------------


@login_required
@no_store
@require_http_methods(["GET", "POST"])
def fitting_new(request: HttpRequest, elder_id: uuid.UUID) -> HttpResponse:
    elder = _elder(request, elder_id)
    _need(request, Perm.ASSISTIVE_CONSULT, elder.region_id)
    recommended = [p for r in selectors.recommendations_for(elder) for p in r.products]
    others = [p for p in selectors.product_list()[:500] if p not in recommended]
    choices = [
        (str(p.pk), f"{p.device_type.code} {p.brand} {p.model} · {p.name}")
        for p in recommended + others
    ]
    initial: dict[str, Any] = {"fitted_on": timezone.localdate()}
    if request.GET.get("product"):
        initial["product"] = request.GET["product"][:40]
    form = FittingForm(
        request.POST or None, request.FILES or None, products=choices, initial=initial
    )
    qualified = services.consultant_qualified(request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            fitting = services.fitting_record(
                ctx=audit_ctx(request),
                elder=elder,
                values=services.FittingValues(
                    product_id=data["product"],
                    fitted_on=data["fitted_on"],
                    training_elder=data["training_elder"],
                    training_family=data["training_family"],
                    adjustments=data["adjustments"],
                    signed_name=data["signed_name"],
                    signature_confirmed=data["signature_confirmed"],
                    measurements=form.measurements(),
                    photo=_uploaded(data["photo"]),
                ),
            )
            messages.success(request, _("The fitting was recorded; follow-ups are scheduled."))
            return redirect("assistive:fitting", fitting_id=fitting.pk)
        except DomainError as exc:
            apply_errors(form, exc)
    return render(
        request,
        "assistive/fitting_form.html",
        {"form": form, "elder": elder, "qualified": qualified},
    )


@login_required
@no_store
@require_http_methods(["GET", "POST"])
def fitting_detail(request: HttpRequest, fitting_id: uuid.UUID) -> HttpResponse:
    try:
        fitting = selectors.fitting_get_for(actor=request.user, fitting_id=fitting_id)
    except NotFound:
        raise Http404 from None
    may_consult = actor_has_perm(request.user, Perm.ASSISTIVE_CONSULT, fitting.region_id)
    form = FollowUpForm(request.POST or None)
    if request.method == "POST":
        if not may_consult:
            raise Http404
        raw = str(request.POST.get("follow_up", ""))
        follow_up: FollowUp | None = (
            fitting.follow_ups.filter(pk=int(raw)).first()
            if raw.isdigit() and len(raw) < 10
            else None
        )
        if follow_up is None:
            raise Http404
        if form.is_valid():
            try:
                services.followup_record(
                    ctx=audit_ctx(request),
                    follow_up=follow_up,
                    outcome=form.cleaned_data["outcome"],
                    note=form.cleaned_data["note"],
                )
                messages.success(request, _("The follow-up was recorded."))
                return redirect("assistive:fitting", fitting_id=fitting.pk)
            except DomainError as exc:
                apply_errors(form, exc)
    return render(
        request,
        "assistive/fitting.html",
        {
            "fitting": fitting,
            "follow_ups": fitting.follow_ups.all(),
            "photos": selectors.photo_ids(fitting=fitting),
            "may_consult": may_consult,
            "form": form,
            "today": timezone.localdate(),
        },
    )


def elder_panel(request: HttpRequest, elder: Any) -> dict[str, Any] | None:
    """The elder page's section: recommended types, fittings, and links for consultants."""
    if not actor_has_perm(request.user, Perm.ASSISTIVE_VIEW, elder.region_id):
        return None
    recs = selectors.recommendations_for(elder)
    zh = _lang().startswith("zh")
    return {
        "elder": elder,
        "recommended": [
            {
                "code": r.device_type.code,
                "name": r.device_type.name_zh if zh else r.device_type.name_en,
                "reason": r.reason(_lang()),
            }
            for r in recs
            if not r.dismissed
        ][:8],
        "fittings": list(selectors.fitting_list(actor=request.user, elder=elder)[:5]),
        "may_consult": actor_has_perm(request.user, Perm.ASSISTIVE_CONSULT, elder.region_id),
    }
