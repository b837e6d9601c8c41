"""Free text entering the system: the one check every form, API schema and import uses.

* Control characters: C0 (U+0000–U+001F, NUL included) and DEL (U+007F) are refused; a
  multi-line field also accepts tab, line feed and carriage return. Nothing else changes
  the text: refusing is clearer than silently dropping what someone typed or pasted.
* Formula starts: a name or an address may not begin with ``=``, ``+``, ``-`` or ``@``
  (spreadsheet formula injection; exports neutralise such cells anyway, see
  ``common.spreadsheets``).
* Full-width forms: ``fold_fullwidth`` turns full-width ASCII (``１２３``, ``Ｘ``) into
  ASCII for fields made of digits (ID numbers, phones). Only that block is folded —
  superscripts, Arabic-Indic and other Unicode digits stay as they are, so the field's own
  check refuses them.

Forms use ``validate_plain_text`` as a field validator, API schemas the ``PlainText`` /
``MultilineText`` annotated types, services and imports ``check_text``.
"""

from __future__ import annotations

import re
from typing import Annotated

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from pydantic import AfterValidator
from pydantic_core import PydanticCustomError

from silvercare.common.errors import FieldError

CONTROL_CHARACTERS = "text_control_characters"
FORMULA_START = "text_formula_start"

FORMULA_CHARACTERS = ("=", "+", "-", "@")
_CONTROL_SINGLE_LINE = re.compile("[\x00-\x1f\x7f]")
_CONTROL_MULTI_LINE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Full-width ASCII (U+FF01–U+FF5E) sits exactly 0xFEE0 above ASCII; U+3000 is the
# ideographic space.
_FULLWIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}


def has_control_characters(value: str, *, multiline: bool = False) -> bool:
    pattern = _CONTROL_MULTI_LINE if multiline else _CONTROL_SINGLE_LINE
    return pattern.search(value) is not None


def control_characters_message(multiline: bool = False) -> str:
    if multiline:
        return _("Remove the control characters: only text, tabs and line breaks are allowed.")
    return _("Remove the control characters (such as tabs or line breaks) from this field.")


def formula_start_message() -> str:
    return _("This field may not begin with = + - or @.")


def check_text(
    value: str, field: str, *, multiline: bool = False, formula: bool = False
) -> FieldError | None:
    """The one check of free text. ``formula=True`` also refuses a leading = + - @
    (names and addresses)."""
    if has_control_characters(value, multiline=multiline):
        return FieldError(field, CONTROL_CHARACTERS, control_characters_message(multiline))
    if formula and value.strip().startswith(FORMULA_CHARACTERS):
        return FieldError(field, FORMULA_START, formula_start_message())
    return None


def strip_control_characters(value: str, *, multiline: bool = True) -> str:
    """Drop control characters (for what leaves the system: exports of older rows)."""
    pattern = _CONTROL_MULTI_LINE if multiline else _CONTROL_SINGLE_LINE
    return pattern.sub("", value)


def fold_fullwidth(value: str) -> str:
    """Full-width ASCII to ASCII (``１２３Ｘ`` → ``123X``); nothing else is touched."""
    return value.translate(_FULLWIDTH)


# --- Django forms ---------------------------------------------------------------------------


def validate_plain_text(value: str) -> None:
    """Form field validator of single-line text."""
    if has_control_characters(str(value)):
        raise ValidationError(control_characters_message(), code=CONTROL_CHARACTERS)


def validate_name_text(value: str) -> None:
    """Form field validator of names and addresses: single line, no formula start."""
    validate_plain_text(value)
    if str(value).strip().startswith(FORMULA_CHARACTERS):
        raise ValidationError(formula_start_message(), code=FORMULA_START)


# --- API schemas (pydantic) -----------------------------------------------------------------


def _single_line(value: str) -> str:
    if has_control_characters(value):
        raise PydanticCustomError(CONTROL_CHARACTERS, control_characters_message())
    return value


def _multi_line(value: str) -> str:
    if has_control_characters(value, multiline=True):
        raise PydanticCustomError(CONTROL_CHARACTERS, control_characters_message(True))
    return value


def _name_like(value: str) -> str:
    _single_line(value)
    if value.strip().startswith(FORMULA_CHARACTERS):
        raise PydanticCustomError(FORMULA_START, formula_start_message())
    return value


PlainText = Annotated[str, AfterValidator(_single_line)]
MultilineText = Annotated[str, AfterValidator(_multi_line)]
NameText = Annotated[str, AfterValidator(_name_like)]
