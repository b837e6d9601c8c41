"""Reasons are stored as data (``{"code": ..., "params": {...}}``) and rendered here, in the
reader's active language, so a stored quote explains itself in Chinese or English years
later, from the facts and versions it was made with.

A rendered reason is plain text (the API, spreadsheets) that a page shows richer: the
eligibility rule it quotes in ``<code>`` beside the sentence, a serial number marked as not
to be translated (``Explained.__html__``, which Django's templates use as they do for
``SafeString``)."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.utils.html import escape, format_html
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from silvercare.elders.choices import Category, HukouType
from silvercare.subsidies.choices import ItemKind, Per

Reason = dict[str, Any]

# The facts a rule can name, as a reader calls them.
FACT_LABELS = {
    "level": gettext_lazy("ability level"),
    "level_assessed_on": gettext_lazy("date of the assessment"),
    "categories": gettext_lazy("categories"),
    "age": gettext_lazy("age"),
    "hukou_type": gettext_lazy("hukou type"),
    "region_code": gettext_lazy("community"),
    "has_disability_certificate": gettext_lazy("disability certificate"),
    "income_band": gettext_lazy("income band"),
    "has_trade_in": gettext_lazy("old device handed in"),
}


class Explained(str):
    """Reasons as text, with the HTML a page shows them in (rules as code)."""

    html: str

    def __new__(cls, text: str, html: str | None = None) -> Explained:
        made = super().__new__(cls, text)
        made.html = str(escape(text)) if html is None else html
        return made

    def __html__(self) -> str:
        return self.html


def _code(text: Any) -> str:
    return str(format_html("<code>{}</code>", text))


def _markup(sentence: str, **parts: str) -> str:
    """A translated sentence, escaped, with ``parts`` (already HTML) put in its place-holders."""
    return str(escape(sentence)) % parts


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


_FACT_SENTENCES = {
    "age",
    "hukou_type",
    "has_disability_certificate",
    "income_band",
    "has_trade_in",
    "region_code",
}


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


def _rule_failed_html(p: dict[str, Any]) -> str:
    if p.get("empty"):
        facts = _list_sep().join(str(FACT_LABELS.get(f, f)) for f in p["empty"])
        return _markup(
            _(
                "the eligibility rule %(rule)s cannot be decided: %(facts)s not known for "
                "this elder"
            ),
            rule=_code(p["rule"]),
            facts=str(escape(facts)),
        )
    return _markup(_("the eligibility rule %(rule)s is not met"), rule=_code(p["rule"]))


def _fact_html(p: dict[str, Any]) -> str:
    """A fact the sentences above do not know is shown as what the rule wrote."""
    text = _fact(p)
    return _code(text) if p.get("name") not in _FACT_SENTENCES else str(escape(text))


def _trade_in_html(p: dict[str, Any]) -> str:
    return _markup(
        _(
            "credit of %(credit)s yuan for the old %(type)s %(brand)s "
            "(serial %(serial)s) handed in on %(date)s"
        ),
        credit=str(escape(yuan(p["credit_fen"]))),
        type=str(escape(p["device_type"])),
        brand=str(escape(p["brand"])),
        serial=str(format_html('<span translate="no">{}</span>', p["serial"])),
        date=str(escape(p["date"])),
    )


# Reasons whose page form is richer than their text.
_HTML: dict[str, Callable[[dict[str, Any]], str]] = {
    "rule_failed": _rule_failed_html,
    "rule_met": lambda p: _markup(_("meets the eligibility rule %(rule)s"), rule=_code(p["rule"])),
    "fact": _fact_html,
    "trade_in": _trade_in_html,
}


def _list_sep() -> str:
    return ", " if (get_language() or "").startswith("en") else "、"


def reason_text(reason: Reason) -> Explained:
    code = str(reason.get("code"))
    render = _RENDER.get(code)
    if render is None:
        return Explained(code)
    params = dict(reason.get("params") or {})
    try:
        text = render(params)
        html = _HTML[code](params) if code in _HTML else None
    except (KeyError, TypeError, ValueError):
        return Explained(code)
    return Explained(text, html)


def reasons_text(reasons: list[Reason]) -> Explained:
    """All reasons of a line, joined the way the language joins a list of clauses."""
    parts = [reason_text(r) for r in reasons]
    separator = _("; ")
    return Explained(
        separator.join(parts), str(escape(separator)).join(p.__html__() for p in parts)
    )


def _amount_part(rule: Any) -> str:
    if not isinstance(rule, dict):
        return str(rule)
    per = _per(rule.get("per", "month"))
    if rule.get("type") == "fixed":
        return _("%(amount)s yuan per %(per)s") % {
            "amount": yuan(rule.get("amount_fen")),
            "per": per,
        }
    if rule.get("type") == "percentage":
        values = {"percent": f"{int(rule.get('percent_bp') or 0) / 100:g}", "per": per}
        text = (
            _("%(percent)s %% of the price per %(per)s") % values
            if rule.get("base") == "price"
            else _("%(percent)s %% of what is left to pay per %(per)s") % values
        )
        if rule.get("cap_fen") is not None:
            text += _(", up to %(cap)s yuan") % {"cap": yuan(rule["cap_fen"])}
        return text
    if rule.get("type") == "tiered":
        by_level = rule.get("by") == "level"
        tiers = []
        for tier in rule.get("tiers") or []:
            match = tier.get("match") if isinstance(tier, dict) else None
            matches = match if isinstance(match, list) else [match]
            if by_level:
                who = _("level %(levels)s") % {"levels": _list_sep().join(map(str, matches))}
            else:
                who = _list_sep().join(_category(m) for m in matches)
            tiers.append(
                _("%(who)s: %(amount)s") % {"who": who, "amount": _amount_part(tier.get("rule"))}
            )
        listed = _("; ").join(tiers)
        if by_level:
            return _("by ability level: %(tiers)s") % {"tiers": listed}
        return _("by category: %(tiers)s") % {"tiers": listed}
    return str(rule.get("type"))


def amount_rule_text(rule: Any) -> str:
    """An amount rule as a sentence: "80 % of what is left to pay per month, up to 200 yuan";
    tiers one after another, the first that matches the elder deciding."""
    try:
        return _amount_part(rule)
    except (TypeError, ValueError, AttributeError):
        return str(rule)


def item_text(label: str, kind: str) -> str:
    """What was quoted, for people: its label, or else the kind of item."""
    if label:
        return label
    return str(ItemKind(kind).label) if kind in ItemKind.values else kind
