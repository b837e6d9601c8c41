from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from silvercare.common.text import validate_name_text, validate_plain_text
from silvercare.elders.choices import (
    STORED_CATEGORIES,
    ConsentPurpose,
    ElderStatus,
    HukouType,
    LivingSituation,
    Relationship,
    Sex,
)

CHOOSE = _("— choose —")


class ElderForm(forms.Form):
    """Renders the registry form; the service validates (one set of rules for every entry)."""

    name = forms.CharField(label=_("Name"), max_length=50, validators=[validate_name_text])
    id_number = forms.CharField(
        label=_("ID card number"),
        max_length=18,
        min_length=1,
        validators=[validate_plain_text],
        help_text=_("18 characters; birth date and sex are read from it."),
    )
    birth_date = forms.DateField(
        label=_("Birth date (optional check)"),
        required=False,
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )
    sex = forms.ChoiceField(
        label=_("Sex (optional check)"), required=False, choices=[("", "—"), *Sex.choices]
    )
    phone = forms.CharField(
        label=_("Phone"), max_length=20, required=False, validators=[validate_plain_text]
    )
    address = forms.CharField(
        label=_("Address"), max_length=200, required=False, validators=[validate_name_text]
    )
    region_code = forms.ChoiceField(label=_("Community"))
    latitude = forms.FloatField(label=_("Latitude"), required=False, min_value=-90, max_value=90)
    longitude = forms.FloatField(
        label=_("Longitude"), required=False, min_value=-180, max_value=180
    )
    # Facts that decide services start empty and must be chosen (issue 8); an edit shows
    # the stored value.
    hukou_type = forms.ChoiceField(
        label=_("Hukou type"),
        choices=[("", CHOOSE), *HukouType.choices],
        error_messages={"required": _("Choose the hukou type.")},
    )
    living_situation = forms.ChoiceField(
        label=_("Living situation"),
        choices=[("", CHOOSE), *LivingSituation.choices],
        error_messages={"required": _("Choose the living situation.")},
    )
    categories = forms.MultipleChoiceField(
        label=_("Policy categories"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=[(c.value, c.label) for c in STORED_CATEGORIES],
    )
    status = forms.ChoiceField(label=_("Status"), choices=ElderStatus.choices, required=False)
    status_date = forms.DateField(
        label=_("Status since"),
        required=False,
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
    )

    def __init__(
        self, *args: Any, communities: list[tuple[str, str]], editing: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        region_field = self.fields["region_code"]
        assert isinstance(region_field, forms.ChoiceField)
        region_field.choices = [("", "—"), *communities]
        if editing:
            del self.fields["birth_date"], self.fields["sex"]
        else:
            del self.fields["status"], self.fields["status_date"]

    def to_values(self) -> dict[str, Any]:
        return self._service_values(dict(self.cleaned_data))

    def submitted_values(self) -> dict[str, Any]:
        """The values to run the registry's own checks on while the form itself has errors,
        so every problem is reported in the same round: cleaned where a field passed, as
        typed where it did not (the form's own message for such a field is the one shown)."""
        data = {name: self[name].value() for name in self.fields}
        data.update(getattr(self, "cleaned_data", {}))
        return self._service_values(data)

    def _service_values(self, data: dict[str, Any]) -> dict[str, Any]:
        data["categories"] = set(data.get("categories") or [])
        if "birth_date" in data:
            data["claimed_birth_date"] = data.pop("birth_date")
            data["claimed_sex"] = data.pop("sex") or None
        if not data.get("status"):
            data.pop("status", None)
        return data


class ContactForm(forms.Form):
    name = forms.CharField(label=_("Contact name"), max_length=50, validators=[validate_name_text])
    relationship = forms.ChoiceField(
        label=_("Relationship"),
        choices=[("", CHOOSE), *Relationship.choices],
        error_messages={"required": _("Choose the relationship.")},
    )
    phone = forms.CharField(
        label=_("Contact phone"), max_length=20, validators=[validate_plain_text]
    )
    priority = forms.IntegerField(
        label=_("Priority (1 = call first)"), min_value=1, max_value=9, initial=1
    )
    is_guardian = forms.BooleanField(label=_("Guardian"), required=False)
    can_receive_alerts = forms.BooleanField(
        label=_("Receives alerts"), required=False, initial=True
    )


class ConsentForm(forms.Form):
    purpose = forms.ChoiceField(label=_("Purpose"), choices=ConsentPurpose.choices)
    granted = forms.TypedChoiceField(
        label=_("Decision"),
        coerce=lambda v: v == "1",
        choices=[("1", _("Grant")), ("0", _("Withdraw"))],
    )
    note = forms.CharField(
        label=_("Note"), max_length=200, required=False, validators=[validate_plain_text]
    )


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Spreadsheet (.xlsx)"))
