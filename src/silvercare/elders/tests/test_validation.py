import datetime as dt

import pytest

from silvercare.common.errors import FieldError
from silvercare.common.testing import id_number
from silvercare.elders import error_codes as codes
from silvercare.elders.validation import check_elder_fields, parse_id_number


def test_valid_id_gives_birth_date_and_sex() -> None:
    number = id_number(dt.date(1940, 2, 29), male=False)
    info = parse_id_number(number)
    assert not isinstance(info, FieldError)
    assert info.birth_date == dt.date(1940, 2, 29)
    assert info.sex == "F"


def test_lowercase_x_check_digit_is_accepted() -> None:
    # 11010519491231002X is the standard's published example.
    info = parse_id_number("11010519491231002x")
    assert not isinstance(info, FieldError)
    assert info.number.endswith("X")
    assert info.sex == "F"


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("", codes.ID_REQUIRED),
        ("4403041945010112", codes.ID_LENGTH),
        ("44030419450101123A", codes.ID_FORMAT),
        ("440304194513011234", codes.ID_BIRTH_DATE),
        ("440304209901011234", codes.ID_BIRTH_DATE),
    ],
)
def test_bad_ids_are_rejected_with_their_reason(raw: str, code: str) -> None:
    result = parse_id_number(raw)
    assert isinstance(result, FieldError)
    assert result.code == code


def test_wrong_check_digit_is_rejected() -> None:
    good = id_number()
    bad_digit = "0" if good[-1] != "0" else "1"
    result = parse_id_number(good[:-1] + bad_digit)
    assert isinstance(result, FieldError)
    assert result.code == codes.ID_CHECKSUM


def test_claimed_birth_date_and_sex_must_agree() -> None:
    number = id_number(dt.date(1950, 6, 1), male=True)
    _data, errors = check_elder_fields(
        {
            "name": "李明",
            "id_number": number,
            "region_code": "440304001001",
            "hukou_type": "local_urban",
            "living_situation": "spouse",
            "claimed_birth_date": dt.date(1950, 6, 2),
            "claimed_sex": "F",
        }
    )
    assert {e.code for e in errors} == {codes.BIRTH_DATE_MISMATCH, codes.SEX_MISMATCH}


def test_phone_formats() -> None:
    base = {
        "name": "李明",
        "id_number": id_number(),
        "region_code": "440304001001",
        "hukou_type": "local_urban",
        "living_situation": "spouse",
    }
    for ok in ["13800138000", "0755-12345678", "+86 138 0013 8000"]:
        _d, errors = check_elder_fields({**base, "phone": ok})
        assert errors == [], ok
    _d, errors = check_elder_fields({**base, "phone": "12345"})
    assert [e.code for e in errors] == [codes.PHONE_INVALID]


def test_living_alone_situation_sets_the_category() -> None:
    data, errors = check_elder_fields(
        {
            "name": "李明",
            "id_number": id_number(),
            "region_code": "440304001001",
            "hukou_type": "local_rural",
            "living_situation": "alone",
        }
    )
    assert errors == []
    assert "living_alone" in data.categories
