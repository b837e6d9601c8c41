from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from silvercare.assessments.choices import InstrumentChoice, Reason, TriggerReason
from silvercare.common.text import validate_name_text, validate_plain_text


class BookForm(forms.Form):
    reason = forms.ChoiceField(label=_("Reason"), choices=Reason.choices)
    scheduled_for = forms.DateField(
        label=_("Date"), widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    )
    assessor = forms.ChoiceField(label=_("Assessor"))
    second_assessor = forms.ChoiceField(label=_("Second assessor"), required=False)
    place = forms.CharField(
        label=_("Place"), max_length=100, required=False, validators=[validate_plain_text]
    )
    instrument = forms.ChoiceField(
        label=_("Instrument"),
        choices=InstrumentChoice.choices,
    )
    correction_reason = forms.CharField(
        label=_("Reason for correction"),
        max_length=200,
        required=False,
        validators=[validate_plain_text],
    )

    def __init__(
        self, *args: Any, assessors: list[Any], correcting: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        choices = [(str(u.pk), str(u)) for u in assessors]
        self.fields["assessor"].choices = [("", "—"), *choices]  # type: ignore[attr-defined]
        self.fields["second_assessor"].choices = [("", "—"), *choices]  # type: ignore[attr-defined]
        if not correcting:
            del self.fields["correction_reason"]


class SignForm(forms.Form):
    informant_name = forms.CharField(
        label=_("Informant (name)"),
        max_length=50,
        required=False,
        validators=[validate_name_text],
    )


class CancelForm(forms.Form):
    note = forms.CharField(
        label=_("Why is it cancelled? (optional)"),
        max_length=200,
        required=False,
        validators=[validate_plain_text],
    )


class TriggerForm(forms.Form):
    reason = forms.ChoiceField(label=_("Why reassess sooner"), choices=TriggerReason.choices)
    due_on = forms.DateField(
        label=_("Due on"),
        required=False,
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )
    note = forms.CharField(
        label=_("Note"), max_length=200, required=False, validators=[validate_plain_text]
    )
