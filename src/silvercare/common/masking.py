"""How personal values look to someone not allowed to see them in full.

The masks are designed together with what the rest of a page shows (ADR 0005): a role
without the personal-data right sees the birth year (not the date), the age, and coordinates
rounded to about a kilometre, so the ID mask must hide the birth date and the sequence
digits; otherwise the visible parts add up to the number.
"""

from __future__ import annotations

import datetime as dt

#: Decimal places of latitude/longitude shown to roles without the personal-data right:
#: 0.01° is about 1.1 km north–south, a neighbourhood rather than a door.
COARSE_COORDINATE_DECIMALS = 2


def mask_id_number(value: str) -> str:
    """44***************5: the province (first 2) and the check digit (last 1) only.

    Digits 3–6 (county), 7–14 (birth date) and 15–17 (sequence, whose parity is the sex)
    stay hidden. See docs/adr/0005 for why this much."""
    if len(value) < 8:
        return "*" * len(value)
    return value[:2] + "*" * (len(value) - 3) + value[-1:]


def mask_phone(value: str) -> str:
    """138****5678: the carrier prefix and the last four, the usual Chinese mask."""
    if len(value) < 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def mask_address(value: str) -> str:
    """Keep the first six characters (city and district, usually), hide the rest."""
    if not value:
        return ""
    keep = 6 if len(value) > 10 else max(len(value) // 3, 1)
    return value[:keep] + "****"


def coarse_coordinate(value: float | None) -> float | None:
    """A latitude or longitude rounded to about a kilometre (None stays None)."""
    if value is None:
        return None
    return round(value, COARSE_COORDINATE_DECIMALS)


def birth_year(value: dt.date) -> int:
    """What a role without the personal-data right learns of a birth date: the year."""
    return value.year


def mask_name(value: str) -> str:
    """王*英 / 王* / 欧阳**: the first character (the surname, usually) and, for three or
    more characters, the last; what a merchant checking a voucher sees of its holder."""
    name = value.strip()
    if len(name) <= 1:
        return "*" if name else ""
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]
