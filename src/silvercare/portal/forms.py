"""Forms of the portal (plain labels, large inputs)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class PhoneForm(forms.Form):
    phone = forms.CharField(
        label=_("Mobile number"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )


class CodeForm(forms.Form):
    phone = forms.CharField(widget=forms.HiddenInput, max_length=20)
    code = forms.CharField(
        label=_("Code from the text message"),
        max_length=8,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )


class RatingForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("How was the visit?"),
        coerce=int,
        choices=[
            (5, _("5 — very good")),
            (4, _("4 — good")),
            (3, _("3 — all right")),
            (2, _("2 — poor")),
            (1, _("1 — very poor")),
        ],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Anything to add (optional)"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    complain = forms.BooleanField(
        label=_("I want to make a complaint about this visit"), required=False
    )


#: The time windows an elder chooses from (minutes of the day): plain words, no clock maths.
WINDOWS = {
    "morning": (8 * 60, 12 * 60),
    "afternoon": (13 * 60, 17 * 60),
    "evening": (17 * 60, 20 * 60),
}


class BookForm(forms.Form):
    """Book a home-care service: which, from whom, when, how often, anything to add."""

    service_type = forms.ChoiceField(label=_("Which service?"), widget=forms.RadioSelect)
    provider = forms.ChoiceField(label=_("From which provider?"), widget=forms.RadioSelect)
    first_date = forms.DateField(
        label=_("On which day?"), widget=forms.DateInput(attrs={"type": "date"})
    )
    window = forms.ChoiceField(
        label=_("At what time?"),
        choices=[
            ("morning", _("Morning, 8:00 to 12:00")),
            ("afternoon", _("Afternoon, 13:00 to 17:00")),
            ("evening", _("Evening, 17:00 to 20:00")),
        ],
        initial="morning",
        widget=forms.RadioSelect,
    )
    recurrence = forms.ChoiceField(
        label=_("How often?"),
        choices=[
            ("once", _("Just once")),
            ("weekly", _("Every week")),
            ("daily", _("Every day")),
        ],
        initial="once",
        widget=forms.RadioSelect,
    )
    last_date = forms.DateField(
        label=_("Until which day? (only when it repeats)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    notes = forms.CharField(
        label=_("Anything the caregiver should know (optional)"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(
        self,
        *args: object,
        service_types: list[tuple[str, str]],
        providers: list[tuple[str, str]],
        **kwargs: object,
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["service_type"].choices = service_types  # type: ignore[attr-defined]
        self.fields["provider"].choices = providers  # type: ignore[attr-defined]
        if len(providers) == 1:
            self.fields["provider"].initial = providers[0][0]


class FaultForm(forms.Form):
    description = forms.CharField(
        label=_("What is wrong with it?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
