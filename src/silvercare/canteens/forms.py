"""Forms of the canteen pages (services validate again and raise the same error codes)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from silvercare.canteens.choices import WEEKDAYS, DishTag, Meal, Mode
from silvercare.common.text import validate_name_text, validate_plain_text


def fen(value: Decimal) -> int:
    return int((value * 100).to_integral_value())


class CanteenForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100, validators=[validate_name_text])
    region_code = forms.ChoiceField(label=_("Street or community"))
    address = forms.CharField(
        label=_("Address"), max_length=200, required=False, validators=[validate_name_text]
    )
    latitude = forms.FloatField(label=_("Latitude"), required=False, min_value=-90, max_value=90)
    longitude = forms.FloatField(
        label=_("Longitude"), required=False, min_value=-180, max_value=180
    )
    capacity = forms.IntegerField(label=_("Meals per sitting"), min_value=1, max_value=2000)
    operator_name = forms.CharField(
        label=_("Operator"), max_length=100, validators=[validate_name_text]
    )
    open_days = forms.MultipleChoiceField(
        label=_("Opening days"),
        choices=[(str(n), label) for n, label in WEEKDAYS],
        widget=forms.CheckboxSelectMultiple,
    )
    meals = forms.MultipleChoiceField(
        label=_("Meals"), choices=Meal.choices, widget=forms.CheckboxSelectMultiple
    )
    cutoff_min = forms.IntegerField(
        label=_("Order and cancel until (minutes before the sitting)"),
        min_value=0,
        max_value=1440,
        initial=120,
    )

    def __init__(self, *args: Any, regions: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region_code"].choices = regions  # type: ignore[attr-defined]


class DishForm(forms.Form):
    name = forms.CharField(label=_("Dish"), max_length=60, validators=[validate_name_text])
    tags = forms.MultipleChoiceField(
        label=_("Tags"),
        choices=DishTag.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )


class MenuForm(forms.Form):
    dishes = forms.MultipleChoiceField(label=_("Dishes"), widget=forms.CheckboxSelectMultiple)
    price = forms.DecimalField(
        label=_("Price (yuan)"), min_value=Decimal(0), max_value=Decimal(100), decimal_places=2
    )
    capacity = forms.IntegerField(label=_("Meals"), min_value=1, max_value=2000)
    note = forms.CharField(
        label=_("Note"), max_length=200, required=False, validators=[validate_plain_text]
    )

    def __init__(self, *args: Any, dishes: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["dishes"].choices = dishes  # type: ignore[attr-defined]


class OrderForm(forms.Form):
    canteen = forms.ChoiceField(label=_("Canteen"))
    day = forms.DateField(label=_("Day"), widget=forms.DateInput(attrs={"type": "date"}))
    meal = forms.ChoiceField(label=_("Meal"), choices=Meal.choices)
    mode = forms.ChoiceField(label=_("How"), choices=Mode.choices)
    note = forms.CharField(
        label=_("Note"), max_length=200, required=False, validators=[validate_plain_text]
    )

    def __init__(self, *args: Any, canteens: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["canteen"].choices = canteens  # type: ignore[attr-defined]


class ServeForm(forms.Form):
    code = forms.CharField(
        label=_("Card number or QR code"),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autofocus": True}),
    )


class CanteenEditForm(CanteenForm):
    active = forms.BooleanField(label=_("Open (takes orders)"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, regions=[], **kwargs)
        del self.fields["region_code"]
