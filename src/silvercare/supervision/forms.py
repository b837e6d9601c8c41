"""Forms of the supervision pages (the rules beyond the field types are the services')."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from silvercare.common.text import validate_plain_text
from silvercare.supervision.choices import EventSource, Outcome, SubjectKind

_DATE = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})


def _text(label: Any, max_length: int, *, required: bool = True) -> forms.CharField:
    return forms.CharField(
        label=label, max_length=max_length, required=required, validators=[validate_plain_text]
    )


def _area(label: Any, max_length: int, *, required: bool = True) -> forms.CharField:
    return forms.CharField(
        label=label, max_length=max_length, required=required, widget=forms.Textarea({"rows": 4})
    )


class WarningForm(forms.Form):
    title = _text(_("Title"), 120)
    region_code = forms.ChoiceField(label=_("Area"))
    pattern = _area(_("How the scam works"), 2000)
    advice = _area(_("How to protect oneself"), 2000)
    valid_from = forms.DateField(label=_("Valid from"), widget=_DATE)
    valid_to = forms.DateField(label=_("Valid to"), widget=_DATE)


class ReasonForm(forms.Form):
    reason = _text(_("Reason"), 200)


class EventForm(forms.Form):
    subject = forms.ChoiceField(label=_("Enterprise or person"))
    category = forms.ChoiceField(label=_("Category"))
    occurred_on = forms.DateField(label=_("Date"), widget=_DATE)
    source = forms.ChoiceField(label=_("Source"), choices=EventSource.choices)
    reference = _text(_("Document number"), 100, required=False)
    evidence = _area(_("Evidence"), 2000)


class BlacklistForm(forms.Form):
    reason = _area(_("Reason"), 2000)
    starts_on = forms.DateField(label=_("From"), widget=_DATE)
    ends_on = forms.DateField(
        label=_("Until"), widget=_DATE, required=False, help_text=_("Empty: until lifted.")
    )


class AppealForm(forms.Form):
    grounds = _area(_("Grounds of appeal"), 2000)
    filed_on = forms.DateField(label=_("Filed on"), widget=_DATE)


class DecideForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            ("granted", _("Grant the appeal and lift the listing")),
            ("upheld", _("Reject the appeal and keep the listing")),
        ],
        widget=forms.RadioSelect,
    )
    reason = _area(_("Reason for the decision"), 2000)


_CATEGORY_LINE = re.compile(r"^\s*([a-z0-9_]{1,40})\s*\|\s*(.+?)\s*\|\s*([+-]?\d{1,4})\s*$")
_THRESHOLD_LINE = re.compile(r"^\s*([A-Za-z0-9]{1,4})\s*(\d{1,4})?\s*$")


class ScoreModelForm(forms.Form):
    region_code = forms.ChoiceField(label=_("Area"))
    base_score = forms.IntegerField(label=_("Base score"), min_value=0, max_value=1000)
    half_life_months = forms.IntegerField(
        label=_("Half-life of events in months"),
        min_value=0,
        max_value=120,
        help_text=_("0: events keep their full weight."),
    )
    categories = forms.CharField(
        label=_("Categories"),
        widget=forms.Textarea({"rows": 8, "translate": "no"}),
        max_length=4000,
        help_text=_("One a line: code | label | points, for example: penalty | Penalty | -20"),
    )
    thresholds = forms.CharField(
        label=_("Grades"),
        widget=forms.Textarea({"rows": 5, "translate": "no"}),
        max_length=400,
        help_text=_(
            "One a line from the best: grade and minimum score, the last grade without a "
            "minimum, for example: A 90"
        ),
    )
    note = _text(_("Note"), 200, required=False)

    def clean_categories(self) -> list[dict[str, Any]]:
        rows = []
        for number, line in enumerate(self.cleaned_data["categories"].splitlines(), start=1):
            if not line.strip():
                continue
            match = _CATEGORY_LINE.match(line)
            if match is None:
                raise ValidationError(
                    _("Line %(n)s: write code | label | points."), params={"n": number}
                )
            rows.append({"code": match[1], "label": match[2][:100], "points": int(match[3])})
        return rows

    def clean_thresholds(self) -> list[dict[str, Any]]:
        rows = []
        for number, line in enumerate(self.cleaned_data["thresholds"].splitlines(), start=1):
            if not line.strip():
                continue
            match = _THRESHOLD_LINE.match(line)
            if match is None:
                raise ValidationError(
                    _("Line %(n)s: write a grade and its minimum score."), params={"n": number}
                )
            rows.append({"grade": match[1], "min": int(match[2]) if match[2] else None})
        return rows


def _percent(label: Any, required: bool = True) -> forms.DecimalField:
    return forms.DecimalField(
        label=label, min_value=0, max_value=100, decimal_places=2, required=required
    )


class DrawForm(forms.Form):
    title = _text(_("Title"), 120)
    region_code = forms.ChoiceField(label=_("Area"))
    kinds = forms.MultipleChoiceField(
        label=_("Kinds of target"), widget=forms.CheckboxSelectMultiple
    )
    default_percent = _percent(_("Sampling ratio (%)"))
    grade_c_percent = _percent(_("Ratio for grade C (%)"), required=False)
    grade_d_percent = _percent(_("Ratio for grade D (%)"), required=False)
    inspectors_per_target = forms.IntegerField(
        label=_("Inspectors per target"), min_value=1, max_value=5, initial=2
    )
    relationship_months = forms.IntegerField(
        label=_("Skip inspectors who inspected the target within (months)"),
        min_value=0,
        max_value=60,
        initial=12,
    )


class ResultForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Outcome.choices)
    inspected_on = forms.DateField(label=_("Inspected on"), widget=_DATE)
    findings = forms.CharField(
        label=_("Findings"),
        max_length=4000,
        widget=forms.Textarea({"rows": 5}),
        help_text=_("Published with the result: do not name older people or write personal data."),
    )
    correction_deadline = forms.DateField(label=_("Correct by"), widget=_DATE, required=False)


class ConflictForm(forms.Form):
    target = forms.ChoiceField(label=_("Enterprise or facility"))
    reason = _text(_("Relationship"), 200)


SUBJECT_KIND_CHOICES = [("", _("All kinds")), *SubjectKind.choices]
