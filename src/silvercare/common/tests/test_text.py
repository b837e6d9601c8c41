"""The one check of free text (control characters, formula starts) and full-width folding."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from pydantic import BaseModel
from pydantic import ValidationError as PydanticValidationError

from silvercare.common.text import (
    CONTROL_CHARACTERS,
    FORMULA_START,
    MultilineText,
    NameText,
    PlainText,
    check_text,
    fold_fullwidth,
    validate_name_text,
    validate_plain_text,
)

CONTROL = ["\x00", "\x01", "\x08", "\x0b", "\x0c", "\x1b", "\x1f", "\x7f"]


@pytest.mark.parametrize("char", [*CONTROL, "\t", "\n", "\r"])
def test_single_line_text_refuses_every_control_character(char: str) -> None:
    error = check_text(f"王{char}秀英", "name")
    assert error is not None and error.code == CONTROL_CHARACTERS and error.field == "name"
    with pytest.raises(ValidationError):
        validate_plain_text(f"王{char}秀英")


@pytest.mark.parametrize("char", CONTROL)
def test_multi_line_text_allows_only_tab_and_line_breaks(char: str) -> None:
    assert check_text("第一行\r\n第二行\t完", "note", multiline=True) is None
    error = check_text(f"第一行\n{char}", "note", multiline=True)
    assert error is not None and error.code == CONTROL_CHARACTERS


@pytest.mark.parametrize("start", ["=", "+", "-", "@", " ="])
def test_names_refuse_formula_starts(start: str) -> None:
    error = check_text(f"{start}HYPERLINK(1)", "address", formula=True)
    assert error is not None and error.code == FORMULA_START
    assert check_text(f"{start}1", "note") is None  # only where asked for
    with pytest.raises(ValidationError):
        validate_name_text(f"{start}1")


def test_schema_types_refuse_control_characters_and_formulas() -> None:
    class In(BaseModel):
        plain: PlainText = ""
        multi: MultilineText = ""
        name: NameText = ""

    assert In(plain="a b", multi="a\nb", name="王-秀英").name == "王-秀英"
    for body, kind in (
        ({"plain": "a\x00"}, CONTROL_CHARACTERS),
        ({"multi": "a\x00\n"}, CONTROL_CHARACTERS),
        ({"name": "=1+1"}, FORMULA_START),
    ):
        with pytest.raises(PydanticValidationError) as caught:
            In(**body)
        assert caught.value.errors()[0]["type"] == kind


def test_fullwidth_is_folded_and_nothing_else() -> None:
    assert fold_fullwidth("４４０３０４１９４５０３０８００１Ｘ") == "44030419450308001X"
    assert fold_fullwidth("１３８　００１３８０００") == "138 00138000"
    # Superscripts, Arabic-Indic and Devanagari digits stay as they are (refused later).
    assert fold_fullwidth("²٣४") == "²٣४"
