"""Amount rules as data: how much of one unit's price a programme pays.

Shapes (JSON, money in integer fen, percentages in basis points: 8000 = 80 %)::

    {"type": "percentage", "percent_bp": 8000, "cap_fen": 20000, "per": "month",
     "base": "remaining"}            # base: "remaining" (after earlier payers) or "price"
    {"type": "fixed", "amount_fen": 500, "per": "meal"}
    {"type": "tiered", "by": "level", "tiers": [
        {"match": [2, 3], "rule": {"type": "fixed", "amount_fen": 10000, "per": "month"}},
        {"match": 4, "rule": {"type": "percentage", "percent_bp": 10000, "per": "month"}}]}
    {"type": "tiered", "by": "category", "tiers": [
        {"match": "econ_difficult", "rule": {...}}, {"match": "advanced_age", "rule": {...}}]}

Tiers are tried in order; the first that matches the elder decides. Percentages round down
to the fen, so a payer never pays more than its rule says.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, TypeGuard

from django.utils.translation import gettext as _

from silvercare.common.errors import FieldError
from silvercare.elders.choices import Category
from silvercare.subsidies import error_codes as codes
from silvercare.subsidies.choices import AmountType, Per

MAX_FEN = 10**12  # ten billion yuan: more than any budget; keeps sums inside BIGINT
Reason = dict[str, Any]


@dataclass
class AmountResult:
    amount_fen: int
    reasons: list[Reason] = field(default_factory=list)
    matched: bool = True  # False: a tiered rule had no tier for this elder


def _is_int(value: Any) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def _money(rule: dict[str, Any], key: str, where: str, errors: list[FieldError]) -> None:
    value = rule.get(key)
    if not _is_int(value) or not 0 <= value <= MAX_FEN:
        errors.append(
            FieldError(
                f"{where}.{key}",
                codes.AMOUNT_RULE_INVALID,
                _("Give a whole number of fen between 0 and %(max)s.") % {"max": MAX_FEN},
            )
        )


def _check_simple(rule: Any, where: str, errors: list[FieldError]) -> None:
    if not isinstance(rule, dict):
        errors.append(
            FieldError(where, codes.AMOUNT_RULE_INVALID, _("An amount rule is an object."))
        )
        return
    kind = rule.get("type")
    allowed: set[str]
    if kind == AmountType.PERCENTAGE:
        allowed = {"type", "percent_bp", "cap_fen", "per", "base"}
        bp = rule.get("percent_bp")
        if not _is_int(bp) or not 0 < bp <= 10000:
            errors.append(
                FieldError(
                    f"{where}.percent_bp",
                    codes.AMOUNT_RULE_INVALID,
                    _("The percentage is given in basis points, 1 to 10000 (100 %)."),
                )
            )
        if rule.get("cap_fen") is not None:
            _money(rule, "cap_fen", where, errors)
        if rule.get("base", "remaining") not in ("remaining", "price"):
            errors.append(
                FieldError(
                    f"{where}.base",
                    codes.AMOUNT_RULE_INVALID,
                    _("The base is “remaining” or “price”."),
                )
            )
    elif kind == AmountType.FIXED:
        allowed = {"type", "amount_fen", "per"}
        _money(rule, "amount_fen", where, errors)
    else:
        errors.append(
            FieldError(
                f"{where}.type",
                codes.AMOUNT_RULE_INVALID,
                _("The amount type is percentage, fixed or tiered."),
            )
        )
        return
    if rule.get("per", Per.ITEM) not in Per.values:
        errors.append(
            FieldError(
                f"{where}.per",
                codes.AMOUNT_RULE_INVALID,
                _("The unit is one of: %(units)s.") % {"units": ", ".join(Per.values)},
            )
        )
    extra = sorted(set(rule) - allowed)
    if extra:
        errors.append(
            FieldError(
                where,
                codes.AMOUNT_RULE_INVALID,
                _("Unknown keys in the amount rule: %(keys)s.") % {"keys": ", ".join(extra)},
            )
        )


def amount_rule_errors(rule: Any, where: str = "amount_rule") -> list[FieldError]:
    """Every problem of an amount rule, each naming the key path."""
    errors: list[FieldError] = []
    if isinstance(rule, dict) and rule.get("type") == AmountType.TIERED:
        by = rule.get("by")
        if by not in ("level", "category"):
            errors.append(
                FieldError(
                    f"{where}.by",
                    codes.AMOUNT_RULE_INVALID,
                    _("Tiers are by “level” or by “category”."),
                )
            )
        tiers = rule.get("tiers")
        if not isinstance(tiers, list) or not 1 <= len(tiers) <= 20:
            errors.append(
                FieldError(
                    f"{where}.tiers",
                    codes.AMOUNT_RULE_INVALID,
                    _("Give between 1 and 20 tiers."),
                )
            )
            return errors
        extra = sorted(set(rule) - {"type", "by", "tiers"})
        if extra:
            errors.append(
                FieldError(
                    where,
                    codes.AMOUNT_RULE_INVALID,
                    _("Unknown keys in the amount rule: %(keys)s.") % {"keys": ", ".join(extra)},
                )
            )
        for i, tier in enumerate(tiers):
            at = f"{where}.tiers.{i}"
            if not isinstance(tier, dict):
                errors.append(FieldError(at, codes.AMOUNT_RULE_INVALID, _("A tier is an object.")))
                continue
            values = tier.get("match")
            values = values if isinstance(values, list) else [values]
            good = bool(values) and all(
                (by == "level" and _is_int(v) and 0 <= v <= 4)
                or (by == "category" and v in Category.values)
                for v in values
            )
            if not good:
                errors.append(
                    FieldError(
                        f"{at}.match",
                        codes.AMOUNT_RULE_INVALID,
                        _("A tier matches levels 0–4 or policy categories, as its “by” says."),
                    )
                )
            _check_simple(tier.get("rule"), f"{at}.rule", errors)
        return errors
    _check_simple(rule, where, errors)
    return errors


def _tier_for(rule: dict[str, Any], facts: dict[str, Any]) -> dict[str, Any] | None:
    for tier in rule["tiers"]:
        values = tier["match"] if isinstance(tier["match"], list) else [tier["match"]]
        if rule["by"] == "level" and facts.get("level") in values:
            return dict(tier)
        if rule["by"] == "category":
            for value in values:
                if value in (facts.get("categories") or []):
                    return {**tier, "match": value}
    return None


def amount_compute(
    rule: dict[str, Any], facts: dict[str, Any], *, price_fen: int, remaining_fen: int
) -> AmountResult:
    """What the rule pays for one unit before limits and budgets, with its reasons."""
    if rule.get("type") == AmountType.TIERED:
        tier = _tier_for(rule, facts)
        if tier is None:
            return AmountResult(0, [{"code": "no_tier", "params": {"by": rule["by"]}}], False)
        inner = amount_compute(
            tier["rule"], facts, price_fen=price_fen, remaining_fen=remaining_fen
        )
        reason = {"code": f"tier_{rule['by']}", "params": {"match": tier["match"]}}
        return AmountResult(inner.amount_fen, [reason, *inner.reasons])
    per = rule.get("per", Per.ITEM)
    if rule.get("type") == AmountType.FIXED:
        amount = int(rule["amount_fen"])
        return AmountResult(amount, [{"code": "fixed", "params": {"fen": amount, "per": per}}])
    base_kind = rule.get("base", "remaining")
    base = price_fen if base_kind == "price" else remaining_fen
    bp = int(rule["percent_bp"])
    amount = base * bp // 10000
    reasons: list[Reason] = [
        {"code": "percentage", "params": {"bp": bp, "base_fen": base, "base": base_kind}}
    ]
    cap = rule.get("cap_fen")
    if cap is not None and amount > cap:
        amount = int(cap)
        reasons.append({"code": "cap", "params": {"fen": amount, "per": per}})
    return AmountResult(amount, reasons)


def split_between_payers(amount_fen: int, shares: list[tuple[Any, int]]) -> list[int]:
    """Split ``amount_fen`` by basis-point shares (summing to 10000) so the parts add up to
    the fen: each part rounds down, the fen left over go one each to the largest remainders
    (first payer first on a tie)."""
    floors = [amount_fen * bp // 10000 for _payer, bp in shares]
    remainders = [amount_fen * bp % 10000 for _payer, bp in shares]
    left = amount_fen - sum(floors)
    order = sorted(range(len(shares)), key=lambda i: (-remainders[i], i))
    for i in order[:left]:
        floors[i] += 1
    return floors
