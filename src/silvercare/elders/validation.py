"""Validation of registry input, shared by the web form, the API and the spreadsheet import.

Each check returns ``FieldError`` values with a code from ``error_codes`` and a translatable
message, so every entry point reports the same problem the same way.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from stdnum.cn import ric

from silvercare.common.errors import FieldError
from silvercare.elders import error_codes as codes
from silvercare.elders.choices import (
    STORED_CATEGORIES,
    ElderStatus,
    HukouType,
    LivingSituation,
    Sex,
)

PHONE_RE = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$")


@dataclass(frozen=True)
class IdInfo:
    number: str
    birth_date: dt.date
    sex: str


def parse_id_number(raw: str, field_name: str = "id_number") -> IdInfo | FieldError:
    """GB 11643 18-digit citizen ID: length, digits, check digit (ISO 7064 MOD 11-2) and a
    real birth date not in the future."""
    number = ric.compact(raw or "").upper()
    if not number:
        return FieldError(field_name, codes.ID_REQUIRED, _("ID number is required."))
    if len(number) != 18:
        return FieldError(
            field_name,
            codes.ID_LENGTH,
            _("An ID number has 18 characters; this one has %(n)d.") % {"n": len(number)},
        )
    if not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        return FieldError(
            field_name, codes.ID_FORMAT, _("An ID number is 17 digits followed by a digit or X.")
        )
    try:
        birth = ric.get_birth_date(number)
    except Exception:
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
    sex = Sex.MALE if int(number[16]) % 2 == 1 else Sex.FEMALE
    return IdInfo(number=number, birth_date=birth, sex=sex)


def normalise_phone(raw: str) -> str:
    return re.sub(r"[\s()（）]", "", raw or "").replace("+86", "")


def check_phone(raw: str, field_name: str) -> str | FieldError:
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
    hukou_type: str = HukouType.LOCAL_URBAN
    living_situation: str = LivingSituation.SPOUSE
    categories: set[str] = field(default_factory=set)
    status: str = ElderStatus.ACTIVE
    status_date: dt.date | None = None


CHOICE_FIELDS: dict[str, type[Any]] = {
    "hukou_type": HukouType,
    "living_situation": LivingSituation,
    "status": ElderStatus,
}
CATEGORY_VALUES = {c.value for c in STORED_CATEGORIES}


def check_elder_fields(values: dict[str, Any]) -> tuple[ElderData, list[FieldError]]:
    """Validate a full set of elder fields (create, or update merged over current values).

    ``values`` may carry ``claimed_birth_date`` / ``claimed_sex``: they must agree with the ID.
    Region existence and scope are checked by the service, which knows the actor.
    """
    errors: list[FieldError] = []
    data = ElderData()

    name = str(values.get("name") or "").strip()
    if not name:
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

    data.address = str(values.get("address") or "").strip()[:200]
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
