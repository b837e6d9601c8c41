"""Validation of appendix A form values (A.1–A.5) against the instrument data.

Values are stored by field code: text/date/number as given, a single choice as its option
value, a multiple choice as a list of option values, a group's children by their own codes
(A.2.14.1 …), a table (A.4.2) as a list of rows keyed by column code. Two keys qualify A.4.1:
``A.4.1.icd10`` (further ICD-10 codes) and ``A.4.1.psychiatrist`` (diagnosis by a
psychiatrist, which decides whether F04–F99 raises the level)."""

from __future__ import annotations

import datetime as dt
import math
import re
from typing import Any

from django.utils.translation import gettext as _

from silvercare.assessments import error_codes as codes
from silvercare.assessments.instruments import APPENDIX_A, FieldKind, FormField
from silvercare.assessments.instruments.appendix_a import CONTACT_REF, REGISTRY_FIELDS
from silvercare.common.errors import FieldError
from silvercare.common.text import check_text

EXTRA_KEYS = {"A.4.1.icd10", "A.4.1.psychiatrist"}
ICD10 = re.compile(r"^[A-Z][0-9]{2}(\.[0-9]{1,2})?$")


def _fields() -> dict[str, FormField]:
    found: dict[str, FormField] = {}

    def walk(fields: tuple[FormField, ...]) -> None:
        for field in fields:
            found[field.code] = field
            if field.kind != FieldKind.TABLE:
                walk(field.children)

    for section in APPENDIX_A:
        walk(section.fields)
    return found


FIELDS = _fields()


def _bad(code: str, message: str) -> FieldError:
    return FieldError(code, codes.FORM_VALUE_INVALID, message)


def check_value(field: FormField, value: Any) -> tuple[Any, FieldError | None]:
    kind = field.kind
    if value is None or value == "":
        return None, None
    if kind == FieldKind.TEXT:
        if not isinstance(value, str) or len(value) > 500:
            return None, _bad(field.code, _("Enter text of at most 500 characters."))
        text_error = check_text(value, field.code, multiline=True)
        if text_error:
            return None, text_error
        return value.strip(), None
    if kind == FieldKind.NUMBER:
        if isinstance(value, bool) or not isinstance(value, (int, float, str)):
            return None, _bad(field.code, _("Enter a number."))
        try:
            number = float(value)
        except (ValueError, OverflowError):
            return None, _bad(field.code, _("Enter a number."))
        if not 0 <= number <= 1000:  # also refuses inf and nan
            return None, _bad(field.code, _("Enter a number between 0 and 1000."))
        return number, None
    if kind == FieldKind.DATE:
        if not isinstance(value, str):
            return None, FieldError(field.code, codes.DATE_INVALID, _("Write dates as YYYY-MM-DD."))
        try:
            return dt.date.fromisoformat(value).isoformat(), None
        except ValueError:
            return None, FieldError(field.code, codes.DATE_INVALID, _("Write dates as YYYY-MM-DD."))
    allowed = {option.value for option in field.options}
    if kind == FieldKind.SINGLE_CHOICE:
        # Option values are strings: a list, an object or a number is not one of them.
        if not isinstance(value, str) or value not in allowed:
            return None, _bad(field.code, _("Choose one of the listed options."))
        return value, None
    if kind == FieldKind.MULTI_CHOICE:
        if not isinstance(value, list) or any(
            not isinstance(v, str) or v not in allowed for v in value
        ):
            return None, _bad(field.code, _("Choose only from the listed options."))
        return sorted(set(value), key=[o.value for o in field.options].index), None
    if kind == FieldKind.TABLE:
        columns = {child.code for child in field.children}
        if not isinstance(value, list) or len(value) > 50:
            return None, _bad(field.code, _("A table is a list of rows."))
        rows = []
        for row in value:
            if not isinstance(row, dict) or set(row) - columns:
                return None, _bad(field.code, _("A row has unknown columns."))
            cells: dict[str, str] = {}
            for column, cell in row.items():
                if cell is None or cell == "":
                    continue
                if (
                    isinstance(cell, bool)
                    or not isinstance(cell, (str, int, float))
                    or (isinstance(cell, float) and not math.isfinite(cell))
                ):
                    return None, _bad(field.code, _("A table cell holds text or a number."))
                text = str(cell)[:100]
                text_error = check_text(text, field.code)
                if text_error:
                    return None, text_error
                cells[column] = text
            rows.append(cells)
        return [r for r in rows if r], None
    return None, _bad(field.code, _("This field holds no value of its own."))


def check_forms(values: dict[str, Any]) -> tuple[dict[str, Any], list[FieldError]]:
    clean: dict[str, Any] = {}
    errors: list[FieldError] = []
    for code, value in values.items():
        if code == "A.4.1.icd10":
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                errors.append(_bad(code, _("List ICD-10 codes such as F01.1.")))
                continue
            normal = [v.strip().upper() for v in value if v.strip()]
            wrong = [v for v in normal if not ICD10.match(v)]
            if wrong:
                errors.append(
                    _bad(code, _("Not an ICD-10 code: %(codes)s") % {"codes": ", ".join(wrong)})
                )
            else:
                clean[code] = normal
            continue
        if code == "A.4.1.psychiatrist":
            if not isinstance(value, bool):
                errors.append(_bad(code, _("Answer yes or no.")))
            else:
                clean[code] = value
            continue
        if code in REGISTRY_FIELDS or code == CONTACT_REF:
            # Never stored here: see split_registry and assessments.appendix_registry.
            errors.append(
                FieldError(
                    code,
                    codes.REGISTRY_FIELD,
                    _("This field comes from the registry and is not stored with the assessment."),
                )
            )
            continue
        field = FIELDS.get(code)
        if field is None or field.kind == FieldKind.GROUP:
            errors.append(
                FieldError(
                    code,
                    codes.FORM_FIELD_UNKNOWN,
                    _("Unknown form field %(code)s.") % {"code": code},
                )
            )
            continue
        checked, error = check_value(field, value)
        if error:
            errors.append(error)
        elif checked is not None:
            clean[code] = checked
    return clean, errors


def scorer_fields(forms: dict[str, Any]) -> dict[str, Any]:
    """The C.4 inputs of the scorer, read from the stored form values."""
    diagnoses = list(forms.get("A.4.1", [])) + list(forms.get("A.4.1.icd10", []))
    counts: dict[str, int] = {}
    group = FIELDS["A.2.14"]
    for child in group.children:
        value = forms.get(child.code)
        if value is not None:
            counts[child.key] = child.option(value).count or 0
    return {
        "coma": forms.get("A.5.11") == "yes",
        "diagnoses": diagnoses,
        "diagnosed_by_psychiatrist": bool(forms.get("A.4.1.psychiatrist", False)),
        "risk_events_30d": counts,
    }


def split_registry(values: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """(values stored with the assessment, values the registry holds): A.1.1, A.2.1–A.2.3,
    A.2.8, A.3.3–A.3.4 and the chosen contact go to the registry side, never into the
    assessment's JSON (personal data stays encrypted in the registry)."""
    registry_codes = {*REGISTRY_FIELDS, CONTACT_REF}
    stored = {k: v for k, v in values.items() if k not in registry_codes}
    registry = {k: v for k, v in values.items() if k in registry_codes}
    return stored, registry
