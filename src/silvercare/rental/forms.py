"""Forms of the rental pages (the rules beyond the field types are the services')."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from silvercare.common.text import validate_plain_text
from silvercare.rental.choices import (
    CleaningMethod,
    Condition,
    IncidentKind,
    RepairOutcome,
    Severity,
)

_DATE = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})


def yuan_to_fen(value: Decimal | None) -> int:
    return int((value or Decimal(0)) * 100)


def _yuan(label: Any, required: bool = True) -> forms.DecimalField:
    return forms.DecimalField(
        label=label, min_value=0, max_value=1_000_000, decimal_places=2, required=required
    )


class LeaseForm(forms.Form):
    product = forms.ChoiceField(label=_("Product"))
    point = forms.ChoiceField(label=_("Rental point"))
    starts_on = forms.DateField(label=_("Starts on"), widget=_DATE)
    months = forms.IntegerField(label=_("Months"), min_value=1, max_value=36, initial=3)
    deposit = _yuan(_("Deposit (yuan)"), required=False)


class ReturnForm(forms.Form):
    condition = forms.ChoiceField(label=_("Condition"), choices=Condition.choices, initial="good")


class ExtendForm(forms.Form):
    months = forms.IntegerField(label=_("Months"), min_value=1, max_value=36)


class BuyOutForm(forms.Form):
    price = _yuan(_("Price (yuan)"))


class CleaningForm(forms.Form):
    method = forms.ChoiceField(label=_("Method"), choices=CleaningMethod.choices)
    agent = forms.CharField(
        label=_("Disinfectant"), max_length=100, validators=[validate_plain_text]
    )
    note = forms.CharField(
        label=_("Note"), max_length=200, required=False, validators=[validate_plain_text]
    )


class RepairForm(forms.Form):
    fault = forms.CharField(label=_("Fault"), max_length=300, validators=[validate_plain_text])


class RepairCloseForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=[(v, lbl) for v, lbl in RepairOutcome.choices if v != RepairOutcome.OPEN],
    )
    parts = forms.CharField(
        label=_("Parts"), max_length=300, required=False, validators=[validate_plain_text]
    )
    cost = _yuan(_("Cost (yuan)"), required=False)


class TransitionForm(forms.Form):
    to_state = forms.ChoiceField(label=_("Move to"))
    reason = forms.CharField(
        label=_("Reason"), max_length=200, required=False, validators=[validate_plain_text]
    )


class IncidentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=IncidentKind.choices)
    severity = forms.ChoiceField(label=_("Severity"), choices=Severity.choices)
    occurred_on = forms.DateField(label=_("Occurred on"), widget=_DATE)
    description = forms.CharField(
        label=_("What happened"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )


class RecallForm(forms.Form):
    product = forms.ChoiceField(label=_("Product"))
    region_code = forms.ChoiceField(label=_("Area"))
    reference = forms.CharField(
        label=_("Recall reference"), max_length=60, validators=[validate_plain_text]
    )
    reason = forms.CharField(
        label=_("Reason"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )
    serial_from = forms.CharField(
        label=_("Serial from"), max_length=64, required=False, validators=[validate_plain_text]
    )
    serial_to = forms.CharField(
        label=_("Serial to"), max_length=64, required=False, validators=[validate_plain_text]
    )
    lot = forms.CharField(
        label=_("Lot"), max_length=32, required=False, validators=[validate_plain_text]
    )
    swap = forms.BooleanField(label=_("Swap for a replacement"), required=False)


class OrderCloseForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=[
            ("done", _("Unit collected")),
            ("unreachable", _("Holder unreachable")),
            ("closed", _("Closed")),
        ],
    )
    note = forms.CharField(
        label=_("Note"), max_length=200, required=False, validators=[validate_plain_text]
    )


class WaitForm(forms.Form):
    device_type = forms.ChoiceField(label=_("Device type"))
    note = forms.CharField(
        label=_("Note"), max_length=200, required=False, validators=[validate_plain_text]
    )


class AllocateForm(forms.Form):
    point = forms.ChoiceField(label=_("Rental point"))
    device_type = forms.ChoiceField(label=_("Device type"))
