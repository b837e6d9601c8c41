"""Pages: family care beds (contracted against delivered visits) and patrol visits (the due
list of the worker's area, recording an outcome; needing help opens an order)."""

from __future__ import annotations

import uuid

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from silvercare.accounts.roles import Perm
from silvercare.accounts.scoping import actor_has_perm
from silvercare.common.errors import DomainError, NotFound
from silvercare.common.forms import apply_errors
from silvercare.common.request import audit_ctx
from silvercare.common.text import validate_plain_text
from silvercare.homecare import selectors
from silvercare.homecare.choices import PatrolOutcome, ServiceCode
from silvercare.homecare.services import community
from silvercare.homecare.views._common import need


class CareBedForm(forms.Form):
    provider = forms.ChoiceField(label=gettext_lazy("Provider"))
    contract_number = forms.CharField(
        label=gettext_lazy("Contract"), max_length=64, validators=[validate_plain_text]
    )
    starts_on = forms.DateField(
        label=gettext_lazy("From"), widget=forms.DateInput(attrs={"type": "date"})
    )
    ends_on = forms.DateField(
        label=gettext_lazy("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    visits_per_month = forms.IntegerField(
        label=gettext_lazy("Visits per month"), min_value=1, max_value=100
    )
    devices = forms.CharField(
        label=gettext_lazy("Devices installed"),
        required=False,
        max_length=200,
        validators=[validate_plain_text],
    )


class PatrolForm(forms.Form):
    visited_on = forms.DateField(
        label=gettext_lazy("Visited on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    outcome = forms.ChoiceField(label=gettext_lazy("Outcome"), choices=PatrolOutcome.choices)
    notes = forms.CharField(
        label=gettext_lazy("Notes"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    service_type = forms.ChoiceField(
        label=gettext_lazy("Service needed"),
        required=False,
        choices=[("", "—"), *ServiceCode.choices],
    )
    provider = forms.ChoiceField(label=gettext_lazy("Provider"), required=False)


def _elder(request: HttpRequest, elder_id: uuid.UUID) -> object:
    from silvercare.elders.selectors import elder_get_for

    try:
        return elder_get_for(actor=request.user, elder_id=elder_id)
    except NotFound:
        raise Http404 from None


@login_required
def care_beds(request: HttpRequest) -> HttpResponse:
    need(request, Perm.CARE_VIEW)
    today = timezone.localdate()
    beds = list(selectors.care_bed_list(actor=request.user)[:300])
    delivery = selectors.care_beds_delivery(beds, today)
    return render(
        request,
        "homecare/care_beds.html",
        {
            "rows": [(b, delivery[b.pk]) for b in beds],
            "today": today,
        },
    )


@login_required
def care_bed_new(request: HttpRequest, elder_id: uuid.UUID) -> HttpResponse:
    elder = _elder(request, elder_id)
    region = elder.region_id  # type: ignore[attr-defined]
    if not (
        actor_has_perm(request.user, Perm.CARE_ORDER, region)
        or actor_has_perm(request.user, Perm.CARE_PROVIDE, region)
    ):
        raise Http404
    providers = selectors.providers_serving(actor=request.user, region_code=region)
    form = CareBedForm(request.POST or None, initial={"starts_on": timezone.localdate()})
    form.fields["provider"].choices = [(str(p.pk), p.name) for p in providers]  # type: ignore[attr-defined]
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        provider = next(p for p in providers if str(p.pk) == data.pop("provider"))
        try:
            community.care_bed_create(
                ctx=audit_ctx(request),
                elder=elder,
                provider=provider,
                devices=data.pop("devices") or "",
                **data,
            )
            messages.success(request, _("The family care bed was set up."))
            return redirect("homecare:care_beds")
        except DomainError as exc:
            apply_errors(form, exc)
    return render(
        request, "homecare/form.html", {"form": form, "title": _("Set up a family care bed")}
    )


@login_required
def patrol_due(request: HttpRequest) -> HttpResponse:
    need(request, Perm.CARE_ORDER)
    today = timezone.localdate()
    return render(
        request,
        "homecare/patrol_due.html",
        {"due": selectors.patrol_due(actor=request.user, on=today), "today": today},
    )


@login_required
def patrol_new(request: HttpRequest, elder_id: uuid.UUID) -> HttpResponse:
    elder = _elder(request, elder_id)
    region = elder.region_id  # type: ignore[attr-defined]
    need(request, Perm.CARE_ORDER, region)
    providers = selectors.providers_serving(actor=request.user, region_code=region)
    form = PatrolForm(request.POST or None, initial={"visited_on": timezone.localdate()})
    form.fields["provider"].choices = [("", "—"), *[(str(p.pk), p.name) for p in providers]]  # type: ignore[attr-defined]
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        provider = next((p for p in providers if str(p.pk) == data["provider"]), None)
        service_type = (
            selectors.service_type_by_code(data["service_type"]) if data["service_type"] else None
        )
        try:
            patrol = community.patrol_record(
                ctx=audit_ctx(request),
                elder=elder,
                visited_on=data["visited_on"],
                outcome=data["outcome"],
                notes=data["notes"] or "",
                service_type=service_type,
                provider=provider,
            )
            if patrol.order_id:
                messages.success(request, _("Recorded; an order was opened."))
                return redirect("homecare:order", order_id=patrol.order_id)
            messages.success(request, _("The patrol visit was recorded."))
            return redirect("homecare:patrol_due")
        except DomainError as exc:
            apply_errors(form, exc)
    return render(
        request,
        "homecare/form.html",
        {
            "form": form,
            "title": _("Patrol visit to %(name)s") % {"name": elder.name},  # type: ignore[attr-defined]
        },
    )
