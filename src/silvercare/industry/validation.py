"""Report forms defined as data, and the check of a report's figures against them: each
field's type, bounds and presence, then the cross-field rules — CEL expressions over the
field codes, evaluated with ``cel-python`` as the subsidy rules are (``subsidies/rules.py``).

Every figure reaches CEL as a double, so ``nursing_beds <= beds`` and ``revenue >= 0`` mix
whole numbers and decimals freely. A rule naming a figure left empty (an optional field) is
not evaluated: there is nothing to compare."""

from __future__ import annotations

import functools
import threading
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

import celpy
from celpy import celtypes
from celpy.celparser import CELParseError
from celpy.evaluation import CELEvalError
from django.utils import translation
from django.utils.translation import gettext as _

from silvercare.common.errors import FieldError
from silvercare.common.text import fold_fullwidth
from silvercare.industry import error_codes as codes
from silvercare.industry.choices import FieldType
from silvercare.industry.models import ReportForm

_env = celpy.Environment()
_env_lock = threading.Lock()  # lark's parser object is shared


def localized(value: Any) -> str:
    """The text of a bilingual label ({"en": …, "zh-hans": …}) in the active language."""
    if isinstance(value, str):
        return value
    if not isinstance(value, dict):
        return ""
    language = (translation.get_language() or "zh-hans").lower()
    if language.startswith("en"):
        return str(value.get("en") or value.get("zh-hans") or "")
    return str(value.get("zh-hans") or value.get("en") or "")


@dataclass(frozen=True)
class FieldSpec:
    code: str
    label: str
    unit: str
    type: str
    required: bool
    min: Decimal | None
    max: Decimal | None


@dataclass(frozen=True)
class RuleSpec:
    code: str
    expression: str
    fields: tuple[str, ...]
    message: str


def fields_of(form: ReportForm) -> list[FieldSpec]:
    out = []
    for raw in form.fields:
        out.append(
            FieldSpec(
                code=str(raw["code"]),
                label=localized(raw.get("label")) or str(raw["code"]),
                unit=localized(raw.get("unit")),
                type=str(raw.get("type", FieldType.DECIMAL)),
                required=bool(raw.get("required", False)),
                min=None if raw.get("min") is None else Decimal(str(raw["min"])),
                max=None if raw.get("max") is None else Decimal(str(raw["max"])),
            )
        )
    return out


def rules_of(form: ReportForm) -> list[RuleSpec]:
    return [
        RuleSpec(
            code=str(raw["code"]),
            expression=str(raw["expression"]),
            fields=tuple(raw.get("fields") or ()),
            message=localized(raw.get("message")) or _("This figure breaks a rule of the form."),
        )
        for raw in form.rules
    ]


@functools.lru_cache(maxsize=512)
def _program(expression: str) -> Any:
    with _env_lock:
        return _env.program(_env.compile(expression))


def rule_check(expression: str) -> str | None:
    """None when the expression compiles, else the parser's message (for form authors)."""
    try:
        _program(expression)
    except CELParseError as exc:
        return str(exc)[:200]
    return None


def _number(field: FieldSpec, raw: Any) -> tuple[Decimal | None, FieldError | None]:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        if field.required:
            return None, FieldError(field.code, codes.REQUIRED, _("Enter this figure."))
        return None, None
    if isinstance(raw, bool):
        return None, FieldError(field.code, codes.NUMBER_INVALID, _("Enter a number."))
    text = fold_fullwidth(str(raw)).strip().replace(",", "")
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None, FieldError(field.code, codes.NUMBER_INVALID, _("Enter a number."))
    if not number.is_finite():
        return None, FieldError(field.code, codes.NUMBER_INVALID, _("Enter a number."))
    if field.type == FieldType.INTEGER and number != number.to_integral_value():
        return None, FieldError(field.code, codes.NUMBER_INVALID, _("Enter a whole number."))
    if (field.min is not None and number < field.min) or (
        field.max is not None and number > field.max
    ):
        return None, FieldError(
            field.code,
            codes.NUMBER_INVALID,
            _("Enter a number from %(min)s to %(max)s.")
            % {"min": field.min if field.min is not None else "", "max": field.max or ""},
        )
    if field.type == FieldType.DECIMAL and number.as_tuple().exponent < -2:  # type: ignore[operator]
        return None, FieldError(
            field.code, codes.NUMBER_INVALID, _("Enter at most two decimal places.")
        )
    return number, None


def values_check(form: ReportForm, raw: dict[str, Any]) -> tuple[dict[str, Any], list[FieldError]]:
    """The clean figures (JSON numbers) and every problem, per field; the cross-field rules
    run on the figures that passed their own checks."""
    values: dict[str, Any] = {}
    errors: list[FieldError] = []
    numbers: dict[str, Decimal] = {}
    for field in fields_of(form):
        if field.type == FieldType.TEXT:
            text = str(raw.get(field.code) or "").strip()
            if field.required and not text:
                errors.append(FieldError(field.code, codes.REQUIRED, _("Enter this figure.")))
            if text:
                values[field.code] = text[:500]
            continue
        number, error = _number(field, raw.get(field.code))
        if error is not None:
            errors.append(error)
        elif number is not None:
            numbers[field.code] = number
            values[field.code] = (
                int(number) if field.type == FieldType.INTEGER else float(round(number, 2))
            )
    failed = {e.field for e in errors}
    activation = {code: celtypes.DoubleType(float(n)) for code, n in numbers.items()}
    for rule in rules_of(form):
        if failed & set(rule.fields):
            continue
        try:
            result = _program(rule.expression).evaluate(activation)
        except (CELEvalError, CELParseError):
            continue  # a figure it names is empty: nothing to compare
        if isinstance(result, CELEvalError):
            continue
        if not bool(result):
            target = rule.fields[0] if rule.fields else "__all__"
            errors.append(
                FieldError(target, codes.RULE_FAILED, rule.message, params={"rule": rule.code})
            )
    return values, errors
