"""Put service FieldErrors onto a Django form so pages show them inline."""

from __future__ import annotations

from django import forms

from silvercare.common.errors import DomainError


def apply_errors(form: forms.Form, error: DomainError) -> None:
    if not error.errors:
        form.add_error(None, str(error.message))
    for item in error.errors:
        field = item.field if item.field in form.fields else None
        form.add_error(field, str(item.message))
