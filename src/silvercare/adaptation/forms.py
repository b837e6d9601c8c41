"""Forms of the home-adaptation pages (checks beyond the field types are the services')."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from silvercare.adaptation.checklist import checklist
from silvercare.adaptation.choices import FOLLOW_UP_DAYS, Outcome, Signer
from silvercare.common.text import validate_name_text, validate_plain_text

_DATE = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})


def yuan_to_fen(value: Decimal) -> int:
    return int((value * 100).to_integral_value())


class CaseOpenForm(forms.Form):
    assessed_on = forms.DateField(label=_("Date of the home visit"), widget=_DATE)


class PlanItemForm(forms.Form):
    code = forms.ChoiceField(label=_("Recommended item"), required=False)
    name = forms.CharField(
        label=_("Or another item"),
        required=False,
        max_length=100,
        validators=[validate_name_text],
        help_text=_("Name an item that is not on the recommended list."),
    )
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, max_value=1000, initial=1)
    unit_price = forms.DecimalField(
        label=_("Unit price (yuan)"),
        required=False,
        min_value=Decimal("0"),
        max_value=Decimal("1000000"),
        decimal_places=2,
        max_digits=9,
        help_text=_("Leave empty to use the reference price of a recommended item."),
    )
    unit = forms.CharField(
        label=_("Unit"), required=False, max_length=16, validators=[validate_plain_text]
    )
    note = forms.CharField(
        label=_("Note"), required=False, max_length=300, validators=[validate_plain_text]
    )

    def __init__(self, *args: Any, suggested: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        suggested = suggested or []
        items = checklist().recommended
        basic, optional = _("basic"), _("optional")

        def label(r: Any) -> str:
            star = "★ " if r.code in suggested else ""
            kind = basic if r.basic else optional
            return f"{star}{r.code} {r.name}（{kind}，{r.reference_price_fen / 100:g}/{r.unit}）"

        self.fields["code"].choices = [  # type: ignore[attr-defined]
            ("", "—"),
            *((r.code, label(r)) for r in items),
        ]


class ContractorChoiceForm(forms.Form):
    contractor_id = forms.ChoiceField(label=_("Contractor"))

    def __init__(self, *args: Any, contractors: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["contractor_id"].choices = [  # type: ignore[attr-defined]
            (str(c.pk), f"{c.name}（{c.region.name}）") for c in contractors
        ]


class ContractorForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100, validators=[validate_name_text])
    region_code = forms.ChoiceField(label=_("Area"))
    credit_code = forms.CharField(
        label=_("Unified social credit code"), required=False, max_length=18
    )
    phone = forms.CharField(label=_("Business phone"), required=False, max_length=20)

    def __init__(self, *args: Any, regions: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region_code"].choices = regions  # type: ignore[attr-defined]


class StartWorksForm(forms.Form):
    started_on = forms.DateField(label=_("Works started on"), widget=_DATE)


class WorksForm(forms.Form):
    on = forms.DateField(label=_("Date"), widget=_DATE)
    progress = forms.IntegerField(label=_("Progress (%)"), min_value=0, max_value=100)
    note = forms.CharField(
        label=_("What was done"),
        max_length=500,
        validators=[validate_plain_text],
        widget=forms.TextInput(),
    )
    photo = forms.FileField(label=_("Photo (JPEG or PNG, optional)"), required=False)


class AcceptForm(forms.Form):
    checked = forms.MultipleChoiceField(
        label=_("Items checked as done"), widget=forms.CheckboxSelectMultiple, required=False
    )
    signed_by = forms.CharField(
        label=_("Signed by (typed name)"), max_length=50, validators=[validate_name_text]
    )
    signer = forms.ChoiceField(label=_("Who signs"), choices=Signer.choices)
    accepted_on = forms.DateField(label=_("Accepted on"), widget=_DATE)
    follow_up_days = forms.IntegerField(
        label=_("Follow-up visit after (days)"),
        min_value=1,
        max_value=365,
        initial=FOLLOW_UP_DAYS,
    )
    note = forms.CharField(
        label=_("Note"), required=False, max_length=500, validators=[validate_plain_text]
    )

    def __init__(self, *args: Any, items: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["checked"].choices = [  # type: ignore[attr-defined]
            (str(i.pk), f"{i.name} × {i.quantity}") for i in items
        ]


class FollowUpForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Outcome.choices)
    visited_on = forms.DateField(label=_("Visited on"), widget=_DATE)
    note = forms.CharField(
        label=_("Note"), required=False, max_length=500, validators=[validate_plain_text]
    )


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300, validators=[validate_plain_text])


class CountsForm(forms.Form):
    region = forms.ChoiceField(label=_("Area"), required=False)
    month_from = forms.DateField(label=_("From"), widget=_DATE)
    month_to = forms.DateField(label=_("To"), widget=_DATE)

    def __init__(self, *args: Any, regions: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = regions  # type: ignore[attr-defined]
