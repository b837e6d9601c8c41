"""Forms of the training pages (checks beyond the field types are the services')."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from silvercare.common.text import validate_name_text, validate_plain_text
from silvercare.training.choices import CAREGIVER_LEVELS, Audience, Kind

_DATE = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
_MOMENT = forms.DateTimeInput(format="%Y-%m-%dT%H:%M", attrs={"type": "datetime-local"})
_LEVELS = [("", "—"), *((str(k), v) for k, v in CAREGIVER_LEVELS.items())]


class CourseForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=100, validators=[validate_name_text])
    audience = forms.ChoiceField(label=_("For"), choices=Audience.choices)
    region_code = forms.ChoiceField(label=_("Area"))
    hours = forms.DecimalField(
        label=_("Hours"), min_value=0.5, max_value=2000, decimal_places=1, max_digits=5
    )
    curriculum = forms.CharField(
        label=_("Curriculum"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=4000,
    )
    leads_to = forms.ChoiceField(
        label=_("Qualification it leads to"),
        choices=[("", _("None")), *Kind.choices],
        required=False,
    )
    leads_to_level = forms.TypedChoiceField(
        label=_("Caregiver level"), choices=_LEVELS, coerce=int, required=False, empty_value=None
    )
    certificate_months = forms.IntegerField(
        label=_("Certificate valid for (months)"),
        min_value=1,
        max_value=240,
        required=False,
        help_text=_("Leave empty if the certificate does not expire."),
    )

    def __init__(self, *args: Any, regions: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region_code"].choices = regions  # type: ignore[attr-defined]


class SessionForm(forms.Form):
    region_code = forms.ChoiceField(label=_("Area"))
    place = forms.CharField(label=_("Place"), max_length=100, validators=[validate_name_text])
    starts_at = forms.DateTimeField(label=_("Starts"), widget=_MOMENT)
    ends_at = forms.DateTimeField(label=_("Ends"), widget=_MOMENT)
    trainer = forms.CharField(label=_("Trainer"), max_length=50, validators=[validate_name_text])
    capacity = forms.IntegerField(label=_("Places"), min_value=1, max_value=500)

    def __init__(self, *args: Any, regions: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region_code"].choices = regions  # type: ignore[attr-defined]


class StaffEnrolForm(forms.Form):
    username = forms.CharField(
        label=_("Staff member's user name"), max_length=150, validators=[validate_plain_text]
    )


class QualificationForm(forms.Form):
    username = forms.CharField(
        label=_("Staff member's user name"), max_length=150, validators=[validate_plain_text]
    )
    kind = forms.ChoiceField(label=_("Qualification"), choices=Kind.choices)
    level = forms.TypedChoiceField(
        label=_("Caregiver level"), choices=_LEVELS, coerce=int, required=False, empty_value=None
    )
    number = forms.CharField(
        label=_("Certificate number"), max_length=64, validators=[validate_plain_text]
    )
    issued_by = forms.CharField(
        label=_("Issued by"), max_length=100, validators=[validate_plain_text]
    )
    valid_from = forms.DateField(label=_("Valid from"), widget=_DATE)
    valid_until = forms.DateField(
        label=_("Valid until"),
        widget=_DATE,
        required=False,
        help_text=_("Leave empty if the certificate does not expire."),
    )
    employer = forms.CharField(
        label=_("Employer"), max_length=100, required=False, validators=[validate_plain_text]
    )
    employer_email = forms.EmailField(label=_("Employer's email"), required=False)
    evidence = forms.CharField(
        label=_("Evidence"),
        max_length=200,
        required=False,
        validators=[validate_plain_text],
        help_text=_("Where the certificate can be seen, e.g. a scanned copy on file."),
    )


class VerifyForm(forms.Form):
    code = forms.CharField(
        label=_("Verification code"), max_length=20, validators=[validate_plain_text]
    )
