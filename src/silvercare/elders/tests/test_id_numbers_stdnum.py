"""Our ID-number verdict against python-stdnum's ``cn.ric`` (issue 7, point 7).

The documented differences (ADR 0006): we check only the province (first two digits) where
stdnum checks the county-level birthplace in its own table; we accept 83 (residence permits
of Taiwan residents); we refuse birth dates before 1880 or in the future; we fold full-width
digits first. Everything else must agree exactly."""

from __future__ import annotations

import datetime as dt
from importlib import resources

from django.utils import timezone
from hypothesis import example, given, settings
from hypothesis import strategies as st
from stdnum import numdb
from stdnum.cn import ric
from stdnum.exceptions import ValidationError

from silvercare.common.errors import FieldError
from silvercare.common.text import fold_fullwidth
from silvercare.elders.validation import PROVINCE_CODES, IdInfo, parse_id_number

LOC = numdb.get("cn/loc")
#: Province codes as stdnum holds them (GB/T 2260), found independently of our own list.
STDNUM_PROVINCES = {p for p in (f"{i:02d}" for i in range(100)) if LOC.info(p + "0000")[0][1]}


def _counties() -> list[str]:
    found, province = [], ""
    text = resources.files("stdnum").joinpath("cn/loc.dat").read_text("utf-8")
    for line in text.splitlines():
        if line[:2].isdigit():
            province = line[:2]
        elif line.startswith("  ") and line[2:6].isdigit():
            found.append(province + line[2:6])
    return found


COUNTIES = _counties()
DIGITS = "0123456789"
LOOKALIKES = "０１２３４５６７８９Ｘｘ٠١٢٣٤٥٦٧٨٩²³¹⁰۵४"
FULLWIDTH = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")


def stdnum_core(number: str) -> bool:
    """stdnum's own checks except the birthplace: length, ASCII digits, check digit and a
    real date (``validate`` with the birthplace error set aside)."""
    try:
        ric.validate(number)
        return True
    except ValidationError:
        pass
    compact = ric.compact(number)
    if len(compact) != 18 or not (compact[:17].isascii() and compact[:17].isdigit()):
        return False
    if compact[17] not in "0123456789X" or ric.calc_check_digit(compact) != compact[17]:
        return False
    try:
        ric.get_birth_date(compact)
    except ValidationError:
        return False
    return True


def plausible(number: str) -> bool:
    birth = ric.get_birth_date(number)
    return birth.year >= 1880 and birth <= timezone.localdate()


def expected(raw: str) -> bool:
    """Our rule, stated with stdnum's pieces: stdnum's checks on the full-width-folded
    text, a province stdnum knows (or 83), and a plausible birth date."""
    number = ric.compact(fold_fullwidth(raw))
    return (
        stdnum_core(number)
        and (number[:2] in STDNUM_PROVINCES or number[:2] == "83")
        and plausible(number)
    )


def check_against_stdnum(raw: str) -> IdInfo | FieldError:
    verdict = parse_id_number(raw)  # never raises
    if isinstance(verdict, IdInfo):
        assert expected(raw), raw
        assert verdict.number.isascii() and verdict.number == ric.compact(fold_fullwidth(raw))
        assert verdict.birth_date == ric.get_birth_date(verdict.number)
        assert verdict.sex == ("M" if int(verdict.number[16]) % 2 else "F")
    else:
        assert not expected(raw), raw
        assert verdict.field == "id_number" and verdict.code.startswith("id_number")
    return verdict


@st.composite
def valid_numbers(draw: st.DrawFn) -> str:
    place = draw(st.sampled_from(COUNTIES))
    birth = draw(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2020, 12, 31)))
    order = draw(st.integers(min_value=0, max_value=999))
    body = f"{place}{birth:%Y%m%d}{order:03d}"
    return body + ric.calc_check_digit(body + "0")


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=DIGITS + "Xx -" + LOOKALIKES, min_size=0, max_size=20))
@example("44030419450308001²")
@example("٤٤٠٣٠٤١٩٤٥٠٣٠٨٠٠١٢")
@example("１１０１０５１９４９１２３１００２Ｘ")
def test_any_string_gets_the_verdict_of_stdnum_and_never_an_exception(raw: str) -> None:
    check_against_stdnum(raw)


@settings(max_examples=300, deadline=None)
@given(valid_numbers())
def test_numbers_stdnum_accepts_are_accepted_also_in_fullwidth(number: str) -> None:
    verdict = check_against_stdnum(number)
    if ric.is_valid(number):
        assert isinstance(verdict, IdInfo)  # every generated birth date is plausible
        again = check_against_stdnum(number.translate(FULLWIDTH))
        assert isinstance(again, IdInfo) and again.number == number


@settings(max_examples=300, deadline=None)
@given(valid_numbers(), st.integers(min_value=0, max_value=17), st.sampled_from(DIGITS + "X²٣"))
def test_verdicts_agree_with_stdnum_on_near_misses(number: str, index: int, char: str) -> None:
    check_against_stdnum(number[:index] + char + number[index + 1 :])


def test_the_province_codes_are_gb_t_2260_as_stdnum_lists_them_plus_83() -> None:
    assert len(STDNUM_PROVINCES) == 34
    assert STDNUM_PROVINCES | {"83"} == PROVINCE_CODES
