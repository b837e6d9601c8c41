"""Device forms: they collect input; the services check it (one round of errors)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from silvercare.monitoring.choices import DeviceType, Placement


class DeviceForm(forms.Form):
    serial = forms.CharField(label=_("Serial number"), max_length=64)
    type = forms.ChoiceField(label=_("Type"), choices=DeviceType.choices)
    region_code = forms.ChoiceField(label=_("Community"))
    model_name = forms.CharField(label=_("Model"), max_length=100, required=False)
    firmware = forms.CharField(label=_("Firmware"), max_length=50, required=False)
    placement = forms.ChoiceField(
        label=_("Worn on"),
        choices=Placement.choices,
        initial=Placement.NONE,
        help_text=_("Only for watches, wristbands and pendants."),
    )

    def __init__(self, *args: Any, regions: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region_code"].choices = regions  # type: ignore[attr-defined]
