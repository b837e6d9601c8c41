"""Forms of the industry pages (the rules beyond the field types are the services')."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from silvercare.common.text import validate_plain_text
from silvercare.industry.choices import (
    FacilityKind,
    FieldType,
    Ownership,
    ProjectStage,
    Sector,
    SizeClass,
    Tier,
)
from silvercare.industry.validation import fields_of

_DATE = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})


def _text(label: Any, max_length: int, required: bool = True) -> forms.CharField:
    return forms.CharField(
        label=label, max_length=max_length, required=required, validators=[validate_plain_text]
    )


class EnterpriseForm(forms.Form):
    credit_code = forms.CharField(
        label=_("Unified social credit code"),
        max_length=40,
        help_text=_("18 characters, as on the business licence."),
    )
    name = _text(_("Name"), 200)
    region = forms.ChoiceField(label=_("Area"))
    address = _text(_("Address"), 200, required=False)
    size_class = forms.ChoiceField(label=_("Size"), choices=SizeClass.choices, initial="small")
    above_designated_size = forms.BooleanField(
        label=_("Above designated size (规上)"), required=False
    )
    category = forms.ChoiceField(label=_("Industry category"), required=False)
    sectors = forms.MultipleChoiceField(
        label=_("Sub-sectors"),
        choices=Sector.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class FacilityForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=FacilityKind.choices)
    name = _text(_("Name"), 200)
    region = forms.ChoiceField(label=_("Area"))
    address = _text(_("Address"), 200, required=False)
    operator = forms.ChoiceField(label=_("Operator"), required=False)
    ownership = forms.ChoiceField(label=_("Ownership"), choices=Ownership.choices)
    beds = forms.IntegerField(label=_("Beds"), min_value=0, max_value=100_000, initial=0)
    nursing_beds = forms.IntegerField(
        label=_("Nursing beds"), min_value=0, max_value=100_000, initial=0
    )
    medical_care = forms.BooleanField(label=_("Offers medical care"), required=False)
    capacity = forms.IntegerField(
        label=_("Capacity (places)"), min_value=0, max_value=100_000, required=False
    )
    latitude = forms.FloatField(label=_("Latitude"), min_value=-90, max_value=90, required=False)
    longitude = forms.FloatField(
        label=_("Longitude"), min_value=-180, max_value=180, required=False
    )
    opened_on = forms.DateField(label=_("Opened on"), required=False, widget=_DATE)


class TierForm(forms.Form):
    tier = forms.ChoiceField(label=_("Tier"), choices=Tier.choices)
    granted_on = forms.DateField(label=_("Granted on"), widget=_DATE)
    expires_on = forms.DateField(label=_("Expires on"), required=False, widget=_DATE)
    issuer = _text(_("Issued by"), 100, required=False)


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ReportFigures(forms.Form):
    """The fields of a report form, built from its definition; the services check the
    figures (types, bounds, cross-field rules) and their errors land on these fields."""

    def __init__(self, *args: Any, report_form: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for spec in fields_of(report_form):
            label = f"{spec.label} ({spec.unit})" if spec.unit else spec.label
            attrs = {"inputmode": "numeric" if spec.type == FieldType.INTEGER else "decimal"}
            self.fields[spec.code] = forms.CharField(
                label=label,
                required=False,
                max_length=30,
                widget=forms.TextInput(attrs=attrs if spec.type != FieldType.TEXT else {}),
            )
            self.fields[spec.code].required_marker = spec.required  # type: ignore[attr-defined]


class UploadForm(forms.Form):
    form = forms.ChoiceField(label=_("Report form"))
    period = forms.CharField(
        label=_("Period"), max_length=8, help_text=_("For example 2026Q1, 2026-03 or 2026.")
    )
    file = forms.FileField(label=_("Spreadsheet (.xlsx)"))


class ProjectForm(forms.Form):
    name = _text(_("Name"), 200)
    region = forms.ChoiceField(label=_("Area"))
    sector = forms.ChoiceField(label=_("Sub-sector"), choices=Sector.choices)
    investment_wan = forms.DecimalField(
        label=_("Investment (10 000 yuan)"),
        min_value=0,
        max_value=1_000_000_000,
        decimal_places=2,
    )
    stage = forms.ChoiceField(label=_("Stage"), choices=ProjectStage.choices)
    starts_on = forms.DateField(label=_("Starts on"), required=False, widget=_DATE)
    ends_on = forms.DateField(label=_("Planned completion"), required=False, widget=_DATE)
    description = forms.CharField(
        label=_("Description"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class ProgressForm(forms.Form):
    stage = forms.ChoiceField(label=_("Stage"), choices=ProjectStage.choices)
    progress = forms.IntegerField(label=_("Progress, per cent"), min_value=0, max_value=100)
    note = forms.CharField(
        label=_("Note"), max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
