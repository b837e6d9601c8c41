"""Reasons are stored as data (``{"code": ..., "params": {...}}``) and rendered here, in the
reader's active language, so a stored quote explains itself in Chinese or English years
later, from the facts and versions it was made with."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from silvercare.elders.choices import Category, HukouType
from silvercare.subsidies.choices import Per

Reason = dict[str, Any]


def yuan(fen: int | None) -> str:
    """Integer fen as yuan for people: 41230000 -> "412,300", 1850 -> "18.50"."""
    if fen is None:
        return "—"
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(int(fen)), 100)
    return f"{sign}{whole:,}" + (f".{cents:02d}" if cents else "")


def yuan_exact(fen: int) -> str:
    """Fen as yuan with both decimals, exactly (Decimal, never a float): -451 -> "-4.51"."""
    return str((Decimal(int(fen)) / 100).quantize(Decimal("0.01")))


def _category(code: Any) -> str:
    return str(Category(code).label) if code in Category.values else str(code)


def _per(code: Any) -> str:
    return str(Per(code).label) if code in Per.values else str(code)


def _fact(p: dict[str, Any]) -> str:
    name, value = p.get("name"), p.get("value")
    if name == "age":
        return _("aged %(age)s") % {"age": value}
    if name == "hukou_type":
        label = HukouType(value).label if value in HukouType.values else value
        return str(label)
    if name == "has_disability_certificate":
        return _("holds a disability certificate") if value else _("no disability certificate")
    if name == "income_band":
        return (
            _("income band %(band)s") % {"band": value} if value else _("no income band recorded")
        )
    if name == "has_trade_in":
        return _("an old device handed in") if value else _("no old device handed in")
    if name == "region_code":
        return _("lives in area %(code)s") % {"code": value}
    return f"{name} = {value}"


def _percentage(p: dict[str, Any]) -> str:
    percent = f"{p['bp'] / 100:g}"
    if p.get("base") == "price":
        return _("%(percent)s %% of the price %(amount)s yuan") % {
            "percent": percent,
            "amount": yuan(p["base_fen"]),
        }
    return _("%(percent)s %% of the %(amount)s yuan still to pay") % {
        "percent": percent,
        "amount": yuan(p["base_fen"]),
    }


def _rule_failed(p: dict[str, Any]) -> str:
    if p.get("empty"):
        return _("rule “%(rule)s” cannot be decided: %(facts)s not known for this elder") % {
            "rule": p["rule"],
            "facts": ", ".join(p["empty"]),
        }
    return _("rule “%(rule)s” is not met") % {"rule": p["rule"]}


_RENDER: dict[str, Callable[[dict[str, Any]], str]] = {
    "level": lambda p: (
        _("level %(level)s since %(date)s assessment") % p
        if p.get("date") not in (None, "", "—")
        else _("level %(level)s") % p
    ),
    "no_level": lambda p: _("no completed ability assessment"),
    "category": lambda p: _("%(label)s category") % {"label": _category(p["category"])},
    "not_category": lambda p: (
        _("not in the %(label)s category") % {"label": _category(p["category"])}
    ),
    "fact": _fact,
    "rule_failed": _rule_failed,
    "rule_met": lambda p: _("meets “%(rule)s”") % p,
    "percentage": _percentage,
    "cap": lambda p: (
        _("capped at %(amount)s yuan per %(per)s")
        % {"amount": yuan(p["fen"]), "per": _per(p["per"])}
    ),
    "fixed": lambda p: (
        _("%(amount)s yuan per %(per)s") % {"amount": yuan(p["fen"]), "per": _per(p["per"])}
    ),
    "tier_level": lambda p: _("tier for level %(level)s") % {"level": p["match"]},
    "tier_category": lambda p: (
        _("tier for the %(label)s category") % {"label": _category(p["match"])}
    ),
    "no_tier": lambda p: (
        _("no tier for this elder's level")
        if p.get("by") == "level"
        else _("no tier for this elder's categories")
    ),
    "yearly_left": lambda p: (
        _("%(left)s of the %(limit)s yuan yearly limit left")
        % {"left": yuan(p["left_fen"]), "limit": yuan(p["limit_fen"])}
    ),
    "yearly_reached": lambda p: (
        _("yearly limit of %(limit)s yuan reached") % {"limit": yuan(p["limit_fen"])}
    ),
    "lifetime_left": lambda p: (
        _("%(left)s of the %(limit)s yuan lifetime limit left")
        % {"left": yuan(p["left_fen"]), "limit": yuan(p["limit_fen"])}
    ),
    "lifetime_reached": lambda p: (
        _("lifetime limit of %(limit)s yuan reached") % {"limit": yuan(p["limit_fen"])}
    ),
    "budget_left": lambda p: _("budget left %(amount)s yuan") % {"amount": yuan(p["fen"])},
    "budget_exhausted": lambda p: _("the %(year)s budget is used up") % p,
    "no_budget": lambda p: _("no %(year)s budget for this area") % p,
    "unbudgeted": lambda p: _("paid from the fund, no yearly budget"),
    "nothing_left": lambda p: _("nothing left to pay after the programmes before it"),
    "not_covered": lambda p: _("no programme covers this"),
    "trade_in": lambda p: (
        _(
            "credit of %(credit)s yuan for the old %(type)s %(brand)s "
            "(serial %(serial)s) handed in on %(date)s"
        )
        % {
            "credit": yuan(p["credit_fen"]),
            "type": p["device_type"],
            "brand": p["brand"],
            "serial": p["serial"],
            "date": p["date"],
        }
    ),
    "elder_share": lambda p: _("what the programmes do not pay"),
}


def reason_text(reason: Reason) -> str:
    render = _RENDER.get(str(reason.get("code")))
    if render is None:
        return str(reason.get("code"))
    try:
        return render(dict(reason.get("params") or {}))
    except (KeyError, TypeError, ValueError):
        return str(reason.get("code"))


def reasons_text(reasons: list[Reason]) -> str:
    """All reasons of a line, joined the way the language joins a list of clauses."""
    return _("; ").join(reason_text(r) for r in reasons)
