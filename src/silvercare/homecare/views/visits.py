"""Pages: one visit (for staff: cancel, no-show, approve flags, rating and complaint), the
caregiver's phone pages (today's route; a visit with the elder's contact and notes as the
elders' rules show them, check-in and check-out with the browser's position, checklist,
notes, photo), flagged visits and complaints."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from silvercare.accounts.roles import Perm
from silvercare.accounts.scoping import actor_has_perm
from silvercare.common.errors import DomainError, NotFound
from silvercare.common.request import audit_ctx
from silvercare.homecare import selectors, services
from silvercare.homecare.choices import ComplaintStatus, FeedbackBy, Side
from silvercare.homecare.forms import ReasonForm
from silvercare.homecare.models import Visit
from silvercare.homecare.views._common import need


class FeedbackForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=gettext_lazy("Rating"), choices=[(i, str(i)) for i in range(5, 0, -1)], coerce=int
    )
    by = forms.ChoiceField(label=gettext_lazy("From"), choices=FeedbackBy.choices)
    comment = forms.CharField(
        label=gettext_lazy("Comment"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ComplaintForm(forms.Form):
    by = forms.ChoiceField(label=gettext_lazy("From"), choices=FeedbackBy.choices)
    text = forms.CharField(
        label=gettext_lazy("Complaint"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class ComplaintActForm(forms.Form):
    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        choices=[
            (ComplaintStatus.IN_PROGRESS, ComplaintStatus.IN_PROGRESS.label),
            (ComplaintStatus.CLOSED, ComplaintStatus.CLOSED.label),
        ],
    )
    resolution = forms.CharField(
        label=gettext_lazy("Resolution"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


def _visit(request: HttpRequest, visit_id: uuid.UUID) -> Visit:
    try:
        return selectors.visit_get_for(actor=request.user, visit_id=visit_id)
    except NotFound:
        raise Http404 from None


@login_required
def visit_detail(request: HttpRequest, visit_id: uuid.UUID) -> HttpResponse:
    visit = _visit(request, visit_id)
    user = request.user
    may_order = actor_has_perm(user, Perm.CARE_ORDER, visit.region_id)
    return render(
        request,
        "homecare/visit.html",
        {
            "visit": visit,
            "may_provide": actor_has_perm(user, Perm.CARE_PROVIDE, visit.region_id),
            "may_order": may_order,
            "may_supervise": actor_has_perm(user, Perm.CARE_SUPERVISE, visit.region_id),
            "reason_form": ReasonForm(initial={"side": Side.ELDER}),
            "feedback_form": FeedbackForm() if may_order else None,
            "complaint_form": ComplaintForm() if may_order else None,
            "feedback": list(visit.feedback.all()),
            "complaints": list(visit.complaints.all()),
        },
    )


@login_required
@require_POST
def visit_record(request: HttpRequest, visit_id: uuid.UUID, action: str) -> HttpResponse:
    """Rating, complaint or a supervisor's approval of a flagged visit."""
    visit = _visit(request, visit_id)
    ctx = audit_ctx(request)
    what = action
    try:
        if what == "rating":
            form: forms.Form = FeedbackForm(request.POST)
            if form.is_valid():
                services.feedback_record(ctx=ctx, visit=visit, **form.cleaned_data)
                messages.success(request, _("The rating was recorded."))
            else:
                messages.error(request, _("Choose a rating."))
        elif what == "complaint":
            form = ComplaintForm(request.POST)
            if form.is_valid():
                services.complaint_open(ctx=ctx, visit=visit, **form.cleaned_data)
                messages.success(request, _("The complaint was recorded."))
            else:
                messages.error(request, _("Say what went wrong."))
        elif what == "approve":
            services.visit_flags_approve(ctx=ctx, visit=visit)
            messages.success(request, _("The visit was approved for settlement."))
        else:
            raise Http404
    except DomainError as exc:
        messages.error(request, str(exc.message))
    return redirect("homecare:visit", visit_id=visit.pk)


@login_required
def my_day(request: HttpRequest) -> HttpResponse:
    """The caregiver's route of the day, at phone width."""
    need(request, Perm.CARE_VISIT)
    caregiver = selectors.caregiver_of(request.user)
    today = timezone.localdate()
    return render(
        request,
        "homecare/my_day.html",
        {
            "caregiver": caregiver,
            "today": today,
            "visits": selectors.caregiver_day(caregiver, today) if caregiver else [],
        },
    )


def _elder_card(request: HttpRequest, visit: Visit) -> dict[str, Any]:
    """What the caregiver may see of the elder: through the elders' presenters (masked
    unless the caregiver holds the personal-data right)."""
    from silvercare.elders.presenters import elder_detail

    return elder_detail(visit.elder, actor=request.user)


@login_required
def visit_do(request: HttpRequest, visit_id: uuid.UUID) -> HttpResponse:
    need(request, Perm.CARE_VISIT)
    visit = _visit(request, visit_id)
    caregiver = selectors.caregiver_of(request.user)
    if caregiver is None or visit.caregiver_id != caregiver.pk:
        raise Http404
    return render(
        request,
        "homecare/visit_do.html",
        {
            "visit": visit,
            "elder": _elder_card(request, visit),
            "checklist": [
                (item, item in visit.checklist_done) for item in visit.service_type.checklist
            ],
        },
    )


def _float(value: str | None) -> float | None:
    try:
        return float(value) if value not in (None, "") else None
    except ValueError:
        return None


@login_required
@require_POST
def visit_step(request: HttpRequest, visit_id: uuid.UUID, action: str) -> HttpResponse:
    need(request, Perm.CARE_VISIT)
    visit = _visit(request, visit_id)
    ctx = audit_ctx(request)
    step = action
    lat, lon = _float(request.POST.get("lat")), _float(request.POST.get("lon"))
    notes = request.POST.get("notes", "")
    done = request.POST.getlist("done")
    try:
        if step == "check-in":
            visit = services.visit_check_in(ctx=ctx, visit=visit, lat=lat, lon=lon)
            messages.success(request, _("Checked in."))
        elif step == "checklist":
            services.visit_checklist_save(ctx=ctx, visit=visit, done=done, notes=notes)
            messages.success(request, _("Saved."))
        elif step == "check-out":
            visit = services.visit_check_out(
                ctx=ctx, visit=visit, lat=lat, lon=lon, done=done, notes=notes
            )
            messages.success(request, _("Checked out."))
        elif step == "photo":
            upload = request.FILES.get("photo")
            if upload is None:
                messages.error(request, _("Choose a photo."))
            else:
                services.visit_photo_attach(
                    ctx=ctx,
                    visit=visit,
                    content=upload.read(services.visits.MAX_PHOTO_BYTES + 1),
                    content_type=upload.content_type or "",
                )
                messages.success(request, _("The photo was added."))
        else:
            raise Http404
        if visit.flags and step in {"check-in", "check-out"}:
            messages.warning(request, _("This visit is flagged for a supervisor."))
    except DomainError as exc:
        messages.error(request, str(exc.message))
    return redirect("homecare:visit_do", visit_id=visit.pk)


@login_required
def visit_photo(request: HttpRequest, visit_id: uuid.UUID) -> HttpResponse:
    visit = _visit(request, visit_id)
    if not visit.photo:
        raise Http404
    response = HttpResponse(bytes(visit.photo), content_type=visit.photo_type)
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def flagged(request: HttpRequest) -> HttpResponse:
    need(request, Perm.CARE_SUPERVISE)
    return render(
        request,
        "homecare/flagged.html",
        {"visits": selectors.visit_list(actor=request.user, flagged=True)[:300]},
    )


@login_required
def complaints(request: HttpRequest) -> HttpResponse:
    need(request, Perm.CARE_VIEW)
    open_only = request.GET.get("all") != "1"
    return render(
        request,
        "homecare/complaints.html",
        {
            "complaints": selectors.complaint_list(actor=request.user, open_only=open_only)[:300],
            "open_only": open_only,
        },
    )


@login_required
def complaint_detail(request: HttpRequest, complaint_id: uuid.UUID) -> HttpResponse:
    try:
        complaint = selectors.complaint_get_for(actor=request.user, complaint_id=complaint_id)
    except NotFound:
        raise Http404 from None
    may_handle = actor_has_perm(
        request.user, Perm.CARE_SUPERVISE, complaint.region_id
    ) or actor_has_perm(request.user, Perm.CARE_PROVIDE, complaint.region_id)
    form = ComplaintActForm(request.POST or None)
    if request.method == "POST":
        if not may_handle:
            raise Http404
        if form.is_valid():
            try:
                services.complaint_update(
                    ctx=audit_ctx(request), complaint=complaint, **form.cleaned_data
                )
                messages.success(request, _("The complaint was updated."))
                return redirect("homecare:complaint", complaint_id=complaint.pk)
            except DomainError as exc:
                form.add_error(None, str(exc.message))
    return render(
        request,
        "homecare/complaint.html",
        {"complaint": complaint, "form": form, "may_handle": may_handle},
    )
