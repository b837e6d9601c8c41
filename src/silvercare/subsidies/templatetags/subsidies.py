"""Template helpers other pages use to offer the subsidy quote: ``{% load subsidies %}``."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.translation import get_language

from silvercare.accounts.roles import Perm
from silvercare.accounts.scoping import actor_has_perm
from silvercare.subsidies.choices import ItemKind
from silvercare.subsidies.explain import amount_rule_text, item_text
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


@register.filter
def item_kinds(codes: Any) -> str:
    """What a version covers, as the labels of its item kinds."""
    labels = [str(ItemKind(c).label) if c in ItemKind.values else str(c) for c in codes or []]
    return (", " if (get_language() or "").startswith("en") else "、").join(labels)


@register.filter
def amount_rule(rule: Any) -> str:
    """An amount rule as a sentence in the reader's language."""
    return amount_rule_text(rule)


@register.filter
def quote_item(quote: Any) -> str:
    """What a presented quote is for: its label (a product's own name, marked as a name
    not to translate), or else the kind of item."""
    label = quote.get("item_label") or ""
    if label:
        return format_html('<span translate="no">{}</span>', label)
    return item_text("", quote.get("item_kind") or "")
