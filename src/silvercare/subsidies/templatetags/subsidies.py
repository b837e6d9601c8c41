"""Template helpers other pages use to offer the subsidy quote: ``{% load subsidies %}``."""

from __future__ import annotations

from typing import Any

from django import template

from silvercare.accounts.roles import Perm
from silvercare.accounts.scoping import actor_has_perm
from silvercare.subsidies.explain import yuan as yuan_text
from silvercare.subsidies.explain import yuan_exact as yuan_exact_text

register = template.Library()


@register.filter
def may_quote(user: Any, elder: Any) -> bool:
    """Whether ``user`` may quote subsidies for ``elder`` (the quote right in their area)."""
    return actor_has_perm(user, Perm.SUBSIDIES_QUOTE, getattr(elder, "region_id", None) or "")


@register.filter
def yuan(fen: Any) -> str:
    """Integer fen shown as yuan: 41230000 -> "412,300", 1850 -> "18.50"."""
    try:
        return yuan_text(int(fen))
    except (TypeError, ValueError):
        return "—"


@register.filter
def percent_bp(bp: Any) -> str:
    try:
        return f"{int(bp) / 100:g}"
    except (TypeError, ValueError):
        return "—"


@register.filter
def yuan_exact(fen: Any) -> str:
    """Integer fen as yuan with both decimals: -451 -> "-4.51"."""
    try:
        return yuan_exact_text(int(fen))
    except (TypeError, ValueError):
        return "—"
