"""Validation of registry input, shared by the web form, the API and the spreadsheet import.

Each check returns ``FieldError`` values with a code from ``error_codes`` and a translatable
message, so every entry point reports the same problem the same way.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from stdnum.cn import ric
from stdnum.exceptions import ValidationError

from silvercare.common.errors import FieldError
from silvercare.common.text import (
    CONTROL_CHARACTERS,
    check_text,
    control_characters_message,
    fold_fullwidth,
    has_control_characters,
)
from silvercare.elders import error_codes as codes
from silvercare.elders.choices import (
    STORED_CATEGORIES,
    ElderStatus,
    HukouType,
    LivingSituation,
    Sex,
)

PHONE_RE = re.compile(r"^(1[3-9][0-9]{9}|0[0-9]{2,3}-?[0-9]{7,8})$")
ID_RE = re.compile(r"^[0-9]{17}[0-9X]$")


def _province_codes() -> frozenset[str]:
    """Province-level codes of GB/T 2260 as python-stdnum's birthplace data lists them
    (11 Beijing … 65 Xinjiang, 71 Taiwan, 81 Hong Kong, 82 Macao), plus 83: residence
    permits of Taiwan residents (since 2018) begin with 830000. See ADR 0006."""
    codes_ = {
        line[:2]
        for line in resources.files("stdnum").joinpath("cn/loc.dat").read_text("utf-8").splitlines()
        if line[:2].isascii() and line[:2].isdigit()
    }
    return frozenset(codes_ | {"83"})


PROVINCE_CODES = _province_codes()


@dataclass(frozen=True)
class IdInfo:
    number: str
    birth_date: dt.date
    sex: str


def normalise_id_number(raw: str) -> str:
    """Full-width digits and X folded to ASCII, surrounding space removed, x upper-cased.
    Other Unicode digits are left as they are (and then refused by ``parse_id_number``)."""
    return fold_fullwidth(raw or "").strip().upper()


def parse_id_number(raw: str, field_name: str = "id_number") -> IdInfo | FieldError:
    """GB 11643 18-digit citizen ID: ASCII digits only (full-width ones are folded first),
    a province code (GB/T 2260) in the first two digits, a real birth date not in the
    future, and the check digit (ISO 7064 MOD 11-2)."""
    number = normalise_id_number(raw)
    if not number:
        return FieldError(field_name, codes.ID_REQUIRED, _("ID number is required."))
    if len(number) != 18:
        return FieldError(
            field_name,
            codes.ID_LENGTH,
            _("An ID number has 18 characters; this one has %(n)d.") % {"n": len(number)},
        )
    if not ID_RE.match(number):
        return FieldError(
            field_name,
            codes.ID_FORMAT,
            _("An ID number is 17 digits 0–9 followed by a digit or X."),
        )
    try:
        birth = ric.get_birth_date(number)
    except ValidationError:
        return FieldError(
            field_name,
            codes.ID_BIRTH_DATE,
            _("The birth date inside the ID number is not a real date."),
        )
    if birth > timezone.localdate() or birth.year < 1880:
        return FieldError(
            field_name,
            codes.ID_BIRTH_DATE,
            _("The birth date inside the ID number is not plausible."),
        )
    if ric.calc_check_digit(number) != number[17]:
        return FieldError(
            field_name,
            codes.ID_CHECKSUM,
            _("The check digit of the ID number is wrong; please re-check it."),
        )
    if number[:2] not in PROVINCE_CODES:
        return FieldError(
            field_name,
            codes.ID_REGION,
            _("The ID number does not begin with a province code (%(code)s is none).")
            % {"code": number[:2]},
        )
    sex = Sex.MALE if int(number[16]) % 2 == 1 else Sex.FEMALE
    return IdInfo(number=number, birth_date=birth, sex=sex)


def normalise_phone(raw: str) -> str:
    """Full-width digits folded to ASCII; spaces, brackets and the +86 prefix removed."""
    return re.sub(r"[\s()（）]", "", fold_fullwidth(raw or "")).replace("+86", "")


def check_phone(raw: str, field_name: str) -> str | FieldError:
    if has_control_characters(raw or ""):
        return FieldError(field_name, CONTROL_CHARACTERS, control_characters_message())
    phone = normalise_phone(raw)
    if phone and not PHONE_RE.match(phone):
        return FieldError(
            field_name,
            codes.PHONE_INVALID,
            _("Enter an 11-digit mobile number or a landline such as 0755-12345678."),
        )
    return phone


@dataclass
class ElderData:
    """Validated registry fields (plain values, not yet encrypted)."""

    name: str = ""
    id_number: str = ""
    birth_date: dt.date | None = None
    sex: str = ""
    phone: str = ""
    address: str = ""
    region_code: str = ""
    latitude: float | None = None
    longitude: float | None = None
    # Facts that decide services have no default: they are chosen on every entry (issue 8).
    hukou_type: str = ""
    living_situation: str = ""
    categories: set[str] = field(default_factory=set)
    status: str = ElderStatus.ACTIVE
    status_date: dt.date | None = None


CHOICE_FIELDS: dict[str, type[Any]] = {
    "hukou_type": HukouType,
    "living_situation": LivingSituation,
    "status": ElderStatus,
}
CATEGORY_VALUES = {c.value for c in STORED_CATEGORIES}
#: Choices with no default: a record without them would silently decide services (issue 8).
REQUIRED_CHOICES: dict[str, Any] = {
    "hukou_type": lambda: _("Choose the hukou type."),
    "living_situation": lambda: _("Choose the living situation."),
}


def check_elder_fields(values: dict[str, Any]) -> tuple[ElderData, list[FieldError]]:
    """Validate a full set of elder fields (create, or update merged over current values).

    ``values`` may carry ``claimed_birth_date`` / ``claimed_sex``: they must agree with the ID.
    Region existence and scope are checked by the service, which knows the actor.
    """
    errors: list[FieldError] = []
    data = ElderData()

    raw_name = str(values.get("name") or "")
    name = raw_name.strip()
    name_error = check_text(raw_name, "name", formula=True)
    if name_error:
        errors.append(name_error)
    elif not name:
        errors.append(FieldError("name", codes.NAME_REQUIRED, _("Name is required.")))
    elif len(name) > 50:
        errors.append(
            FieldError("name", codes.NAME_TOO_LONG, _("A name has at most 50 characters."))
        )
    data.name = name

    parsed = parse_id_number(str(values.get("id_number") or ""))
    if isinstance(parsed, FieldError):
        errors.append(parsed)
    else:
        data.id_number, data.birth_date, data.sex = parsed.number, parsed.birth_date, parsed.sex
        claimed_birth = values.get("claimed_birth_date")
        if claimed_birth and claimed_birth != parsed.birth_date:
            errors.append(
                FieldError(
                    "birth_date",
                    codes.BIRTH_DATE_MISMATCH,
                    _("Birth date %(given)s does not match the ID number (%(id)s).")
                    % {"given": claimed_birth, "id": parsed.birth_date},
                )
            )
        claimed_sex = values.get("claimed_sex")
        if claimed_sex and claimed_sex != parsed.sex:
            errors.append(
                FieldError("sex", codes.SEX_MISMATCH, _("Sex does not match the ID number."))
            )

    phone = check_phone(str(values.get("phone") or ""), "phone")
    if isinstance(phone, FieldError):
        errors.append(phone)
    else:
        data.phone = phone

    raw_address = str(values.get("address") or "")
    address_error = check_text(raw_address, "address", formula=True)
    if address_error:
        errors.append(address_error)
    data.address = raw_address.strip()[:200]
    data.region_code = str(values.get("region_code") or "").strip()
    if not data.region_code:
        errors.append(
            FieldError(
                "region_code", codes.REGION_UNKNOWN, _("Choose the community the person lives in.")
            )
        )

    for coord, low, high in (("latitude", -90.0, 90.0), ("longitude", -180.0, 180.0)):
        raw = values.get(coord)
        if raw in (None, ""):
            continue
        try:
            number = float(raw)
        except (TypeError, ValueError):
            number = float("nan")
        if not (low <= number <= high):
            errors.append(
                FieldError(
                    coord,
                    codes.COORDINATE_INVALID,
                    _("Enter a number between %(low)s and %(high)s.") % {"low": low, "high": high},
                )
            )
        else:
            setattr(data, coord, number)

    for name_, enum in CHOICE_FIELDS.items():
        raw = values.get(name_)
        if raw in (None, ""):
            if name_ in REQUIRED_CHOICES:
                errors.append(FieldError(name_, codes.CHOICE_REQUIRED, REQUIRED_CHOICES[name_]()))
            continue
        if raw not in enum.values:
            errors.append(
                FieldError(
                    name_,
                    codes.CHOICE_INVALID,
                    _("“%(value)s” is not one of the choices.") % {"value": raw},
                )
            )
        else:
            setattr(data, name_, raw)

    categories = set(values.get("categories") or [])
    unknown = categories - CATEGORY_VALUES
    if unknown:
        errors.append(
            FieldError(
                "categories",
                codes.CHOICE_INVALID,
                _("Unknown categories: %(names)s") % {"names": ", ".join(sorted(unknown))},
            )
        )
    data.categories = categories & CATEGORY_VALUES
    if data.living_situation == LivingSituation.ALONE:
        data.categories.add("living_alone")

    data.status_date = values.get("status_date") or None
    if data.status != ElderStatus.ACTIVE and data.status_date is None:
        data.status_date = timezone.localdate()
    return data, errors
