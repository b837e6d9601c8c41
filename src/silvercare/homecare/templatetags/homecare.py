"""Template filters of the home-care pages."""

from __future__ import annotations

from typing import Any

from django import template

from silvercare.homecare.views._common import hhmm as _hhmm

register = template.Library()


@register.filter
def hhmm(minute: Any) -> str:
    """Minutes from midnight as ``HH:MM``."""
    return _hhmm(minute)


@register.filter
def metres(value: Any) -> str:
    if value is None:
        return ""
    return f"{round(float(value))} m"


@register.filter
def reason(value: Any) -> str:
    """A stored reason code (why a visit was not placed) as a sentence."""
    from silvercare.homecare.reasons import reason_text

    return reason_text(str(value or ""))


@register.filter
def skills(codes: Any) -> str:
    """Skill codes (or certificate kinds) as labels, comma separated."""
    from silvercare.homecare.reasons import skill_label

    return "、".join(skill_label(str(c)) for c in codes or [])


@register.filter
def certificates(kinds: Any) -> str:
    from silvercare.homecare.reasons import certificate_label

    return "、".join(certificate_label(str(k)) for k in kinds or [])


@register.filter
def flags(codes: Any) -> str:
    from silvercare.homecare.reasons import flag_label

    return "；".join(flag_label(str(c)) for c in codes or [])
