"""Forms of the assistive pages (checks beyond the field types are the services')."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from silvercare.assistive.models import AdmissionStatus
from silvercare.assistive.rules import need_labels
from silvercare.assistive.services import MAX_NOTICE_DAYS
from silvercare.common.text import validate_name_text, validate_plain_text

_DATE = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
_TEXT = forms.Textarea(attrs={"rows": 3})


class ProductForm(forms.Form):
    enterprise = forms.ChoiceField(label=_("Enterprise"))
    device_type = forms.ChoiceField(label=_("Device type"))
    brand = forms.CharField(label=_("Brand"), max_length=60, validators=[validate_name_text])
    model = forms.CharField(label=_("Model"), max_length=60, validators=[validate_name_text])
    name = forms.CharField(label=_("Product name"), max_length=100, validators=[validate_name_text])
    specifications = forms.CharField(
        label=_("Specifications (JSON)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "translate": "no", "lang": "en"}),
        max_length=4000,
    )
    sale_price_fen = forms.IntegerField(
        label=_("Sale price (fen)"), required=False, min_value=0, max_value=100_000_000
    )
    monthly_rent_fen = forms.IntegerField(
        label=_("Reference monthly rent (fen)"), required=False, min_value=0, max_value=100_000_000
    )
    price_cap_fen = forms.IntegerField(
        label=_("Price cap (fen)"), required=False, min_value=0, max_value=100_000_000
    )
    rentable = forms.BooleanField(label=_("Rentable"), required=False)
    requires_fitting = forms.BooleanField(label=_("Requires professional fitting"), required=False)
    suits_needs = forms.MultipleChoiceField(
        label=_("Suits"), required=False, widget=forms.CheckboxSelectMultiple
    )
    suitability_note = forms.CharField(
        label=_("Suitability"), required=False, max_length=200, validators=[validate_plain_text]
    )
    description = forms.CharField(
        label=_("Description"), required=False, widget=_TEXT, max_length=2000
    )
    photo = forms.FileField(label=_("Photo (JPEG or PNG, optional)"), required=False)

    def __init__(
        self,
        *args: Any,
        enterprises: list[tuple[str, str]],
        types: list[tuple[str, str]],
        language: str = "en",
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].choices = enterprises  # type: ignore[attr-defined]
        self.fields["device_type"].choices = types  # type: ignore[attr-defined]
        zh = language.startswith("zh")
        self.fields["suits_needs"].choices = [  # type: ignore[attr-defined]
            (code, zh_en[0] if zh else zh_en[1]) for code, zh_en in need_labels().items()
        ]

    def clean_specifications(self) -> dict[str, Any]:
        text = self.cleaned_data.get("specifications") or ""
        if not text.strip():
            return {}
        try:
            value = json.loads(text)
        except ValueError:
            raise forms.ValidationError(_("Specifications must be a JSON object.")) from None
        if not isinstance(value, dict):
            raise forms.ValidationError(_("Specifications must be a JSON object."))
        return value


class ApplyForm(forms.Form):
    notice_days = forms.IntegerField(
        label=_("Public notice period (days)"), min_value=1, max_value=MAX_NOTICE_DAYS, initial=7
    )
    note = forms.CharField(label=_("Note"), required=False, widget=_TEXT, max_length=2000)


class StepForm(forms.Form):
    to = forms.ChoiceField(label=_("Step"), choices=AdmissionStatus.choices)
    reason = forms.CharField(label=_("Reason"), required=False, widget=_TEXT, max_length=2000)


class ObjectionForm(forms.Form):
    raised_by = forms.CharField(
        label=_("Raised by"), max_length=100, validators=[validate_name_text]
    )
    text = forms.CharField(label=_("Objection"), widget=_TEXT, max_length=2000)


class ImportForm(forms.Form):
    file = forms.FileField(label=_("CSV file"))


class NeedForm(forms.Form):
    need = forms.ChoiceField(label=_("Need"))
    note = forms.CharField(
        label=_("Note"), required=False, max_length=200, validators=[validate_plain_text]
    )

    def __init__(self, *args: Any, language: str = "en", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        zh = language.startswith("zh")
        self.fields["need"].choices = [  # type: ignore[attr-defined]
            (code, zh_en[0] if zh else zh_en[1]) for code, zh_en in need_labels().items()
        ]


class DecisionForm(forms.Form):
    device_type = forms.CharField(max_length=8, widget=forms.HiddenInput)
    status = forms.ChoiceField(
        label=_("Decision"), choices=[("added", _("Add")), ("dismissed", _("Dismiss"))]
    )
    note = forms.CharField(label=_("Note"), max_length=2000, widget=_TEXT)


class AddTypeForm(forms.Form):
    device_type = forms.ChoiceField(label=_("Device type"))
    note = forms.CharField(label=_("Note"), max_length=2000, widget=_TEXT)

    def __init__(self, *args: Any, types: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["device_type"].choices = types  # type: ignore[attr-defined]


MEASUREMENTS = (
    ("height_cm", _("Body height (cm)")),
    ("weight_kg", _("Body weight (kg)")),
    ("hip_width_cm", _("Hip width (cm)")),
    ("seat_depth_cm", _("Seat depth needed (cm)")),
    ("wrist_height_cm", _("Wrist height standing (cm)")),
    ("hearing_loss_db", _("Hearing loss, better ear (dB)")),
)


class FittingForm(forms.Form):
    product = forms.ChoiceField(label=_("Product fitted"))
    fitted_on = forms.DateField(label=_("Fitted on"), widget=_DATE)
    adjustments = forms.CharField(
        label=_("Adjustments made"), required=False, widget=_TEXT, max_length=2000
    )
    training_elder = forms.CharField(
        label=_("Training given to the elder"), widget=_TEXT, max_length=2000
    )
    training_family = forms.CharField(
        label=_("Training given to the family"), required=False, widget=_TEXT, max_length=2000
    )
    photo = forms.FileField(label=_("Photo (JPEG or PNG, optional)"), required=False)
    signed_name = forms.CharField(
        label=_("Signed by (elder or family member)"),
        max_length=50,
        validators=[validate_name_text],
    )
    signature_confirmed = forms.BooleanField(
        label=_("The elder or family member confirms the fitting and the training received"),
        required=False,
    )

    def __init__(self, *args: Any, products: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["product"].choices = products  # type: ignore[attr-defined]
        for key, label in MEASUREMENTS:
            self.fields[f"m_{key}"] = forms.DecimalField(
                label=label, required=False, min_value=0, max_value=999, decimal_places=1
            )

    def measurements(self) -> dict[str, Any]:
        return {
            key: self.cleaned_data[f"m_{key}"]
            for key, _label in MEASUREMENTS
            if self.cleaned_data.get(f"m_{key}") is not None
        }


class FollowUpForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=[
            ("in_use", _("In use, fits well")),
            ("adjusted", _("Adjusted at the visit")),
            ("not_used", _("Not used")),
            ("returned", _("Returned")),
            ("unreachable", _("Could not be reached")),
        ],
    )
    note = forms.CharField(label=_("Note"), required=False, widget=_TEXT, max_length=2000)
