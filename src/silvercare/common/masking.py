"""How personal values look to someone not allowed to see them in full."""

from __future__ import annotations


def mask_id_number(value: str) -> str:
    """4403**********1234: region prefix and last four kept."""
    if len(value) < 8:
        return "*" * len(value)
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


def mask_phone(value: str) -> str:
    """138****5678."""
    if len(value) < 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def mask_address(value: str) -> str:
    """Keep the first six characters (city and district, usually), hide the rest."""
    if not value:
        return ""
    keep = 6 if len(value) > 10 else max(len(value) // 3, 1)
    return value[:keep] + "****"
