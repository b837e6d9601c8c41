from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from silvercare.accounts.roles import Role
from silvercare.common.text import validate_plain_text


class OtpForm(forms.Form):
    token = forms.CharField(
        label=_("6-digit code from your authenticator app"),
        max_length=6,
        min_length=6,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )


class TokenForm(forms.Form):
    name = forms.CharField(label=_("Token name"), max_length=64, validators=[validate_plain_text])
    expires_at = forms.DateTimeField(
        label=_("Expires at (optional)"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )


class UserCreateForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150)
    display_name = forms.CharField(label=_("Display name"), max_length=64, required=False)
    password = forms.CharField(
        label=_("Initial password"), widget=forms.PasswordInput, min_length=10
    )
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    region_code = forms.CharField(label=_("Region code"), max_length=12, min_length=12)


class GrantForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    region_code = forms.CharField(label=_("Region code"), max_length=12, min_length=12)
