"""Forms of the home-care pages (services validate again and raise the same error codes)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from silvercare.common.text import validate_plain_text
from silvercare.homecare.choices import Recurrence, ServiceCode, Side


def minutes(value: dt.time) -> int:
    return value.hour * 60 + value.minute


class OrderForm(forms.Form):
    service_type = forms.ChoiceField(label=_("Service"), choices=ServiceCode.choices)
    provider = forms.ChoiceField(label=_("Provider"))
    first_date = forms.DateField(
        label=_("First date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    window_start = forms.TimeField(label=_("From"), widget=forms.TimeInput(attrs={"type": "time"}))
    window_end = forms.TimeField(label=_("Until"), widget=forms.TimeInput(attrs={"type": "time"}))
    recurrence = forms.ChoiceField(label=_("Repeats"), choices=Recurrence.choices)
    last_date = forms.DateField(
        label=_("Last date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, providers: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["provider"].choices = providers  # type: ignore[attr-defined]


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=200, validators=[validate_plain_text])
    side = forms.ChoiceField(label=_("Whose side"), choices=Side.choices, required=False)


class PriceForm(forms.Form):
    service_type = forms.ChoiceField(label=_("Service"), choices=ServiceCode.choices)
    price_yuan = forms.DecimalField(
        label=_("Price (yuan)"), min_value=0.01, max_value=100000, decimal_places=2
    )


class PlanForm(forms.Form):
    date = forms.DateField(label=_("Day"), widget=forms.DateInput(attrs={"type": "date"}))


class ReplanForm(forms.Form):
    caregiver = forms.ChoiceField(label=_("Absent caregiver"))
    from_time = forms.TimeField(
        label=_("Absent from"), widget=forms.TimeInput(attrs={"type": "time"})
    )

    def __init__(self, *args: Any, caregivers: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["caregiver"].choices = caregivers  # type: ignore[attr-defined]
