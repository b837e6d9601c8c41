"""Put service FieldErrors onto a Django form so pages show them inline."""

from __future__ import annotations

from collections.abc import Iterable

from django import forms

from silvercare.common.errors import DomainError, FieldError


def apply_errors(form: forms.Form, error: DomainError) -> None:
    if not error.errors:
        form.add_error(None, str(error.message))
    for item in error.errors:
        field = item.field if item.field in form.fields else None
        form.add_error(field, str(item.message))


def merge_errors(form: forms.Form, errors: Iterable[FieldError]) -> None:
    """Add the service's field errors to a form that already has errors of its own, so a
    page reports every problem in one round. A field the form has already marked keeps the
    form's message (one message per field); errors on fields the form does not show go to
    the top of the form, once each."""
    shown = {str(m) for m in form.non_field_errors()}
    for item in errors:
        field = item.field if item.field in form.fields else None
        if field is not None and field in form.errors:
            continue
        message = str(item.message)
        if field is None:
            if message in shown:
                continue
            shown.add(message)
        form.add_error(field, message)
