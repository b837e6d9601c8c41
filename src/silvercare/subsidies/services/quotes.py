"""Explained eligibility and quotes: who pays how much of a price, and why.

``check_eligibility`` reads only; ``quote`` stores the result (``Quote`` with its lines, the
facts and the version of every programme it considered) so that it still explains itself
after the programmes change. Reasons are data rendered by ``subsidies.explain``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import connection, models, transaction
from django.utils.translation import gettext as _

from silvercare.accounts.roles import Perm
from silvercare.audit.models import AuditAction
from silvercare.audit.services import AuditContext, audit_record
from silvercare.common.errors import FieldError, ValidationFailed
from silvercare.regions.choices import PREFIX_LENGTH
from silvercare.subsidies import error_codes as codes
from silvercare.subsidies.amounts import (
    MAX_FEN,
    Reason,
    amount_compute,
    split_between_payers,
)
from silvercare.subsidies.catalogue import published_versions, published_versions_with
from silvercare.subsidies.choices import ItemKind, LineKind, TradeInStatus
from silvercare.subsidies.facts import elder_facts, fact_reasons, facts_used, rule_failure
from silvercare.subsidies.models import (
    Budget,
    ProgrammeVersion,
    Quote,
    QuoteLine,
    Reservation,
    TradeIn,
)
from silvercare.subsidies.rules import RuleError, facts_check, rule_compile, rule_evaluate
from silvercare.subsidies.services.programmes import (
    ITEM_CODE_RE,
    require,
    rule_field_errors,
)

if TYPE_CHECKING:
    from silvercare.elders.models import Elder


@dataclass(frozen=True)
class Item:
    """What is being priced: a kind (device_rental, device_purchase, service, meal), the
    catalogue code of the device or service type, a label for people, and the caller's
    reference (e.g. ``lease:<uuid>``)."""

    kind: str
    code: str = ""
    label: str = ""
    ref: str = ""


@dataclass
class Outcome:
    """One programme's answer for one elder and item."""

    version: ProgrammeVersion
    eligible: bool
    decided_by: str  # "rule", "yearly_limit", "lifetime_limit"
    reasons: list[Reason]
    facts_used: dict[str, Any]
    yearly_left_fen: int | None = None
    lifetime_left_fen: int | None = None

    @property
    def programme(self) -> Any:
        return self.version.programme


@dataclass
class TestRun:
    passed: bool
    facts: dict[str, Any]
    facts_used: dict[str, Any]
    reasons: list[Reason]
    amount_fen: int | None = None
    amount_reasons: list[Reason] = field(default_factory=list)


_UUID = models.UUIDField()


def ancestor_codes(region_code: str) -> list[str]:
    """The codes of the region and every region above it (12 digits each)."""
    return list(
        dict.fromkeys(region_code[:n].ljust(12, "0") for n in sorted(PREFIX_LENGTH.values()))
    )


def covers(version: ProgrammeVersion, item: Item) -> bool:
    return item.kind in version.item_kinds and (
        not version.item_codes or item.code in version.item_codes
    )


def _applying(published: Iterable[ProgrammeVersion], on: dt.date) -> list[ProgrammeVersion]:
    chosen: dict[int, ProgrammeVersion] = {}
    for version in published:  # by programme, the newest number first
        if version.programme_id in chosen or version.valid_from > on:
            continue
        chosen[version.programme_id] = version
    return [v for v in chosen.values() if v.valid_to is None or v.valid_to >= on]


def versions_applicable(region_code: str, on: dt.date) -> list[ProgrammeVersion]:
    """Per programme whose area contains ``region_code`` (its region is the area or one
    above it): the version that applies on ``on`` (the highest-numbered published one
    started by then, if it has not ended). The published versions of the area come from
    ``subsidies.catalogue`` (one statement when they are unchanged): shared objects, with
    their programme and their shares with the payers, never to be modified."""
    return _applying(published_versions(ancestor_codes(region_code)), on)


def _insert_lines(lines: list[QuoteLine]) -> None:
    """The lines in one ``INSERT … VALUES``: every column but the key, each value prepared
    by its model field exactly as ``bulk_create`` does (timestamps set, JSON adapted).
    ``bulk_create`` would send 4–6 rows as arrays for ``UNNEST`` and read their ids back,
    which costs more here than the statement itself; nothing needs these ids."""
    fields = [f for f in QuoteLine._meta.concrete_fields if not f.primary_key]
    params = [
        f.get_db_prep_save(f.pre_save(line, add=True), connection) for line in lines for f in fields
    ]
    qn = connection.ops.quote_name
    row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    sql = (
        f"INSERT INTO {qn(QuoteLine._meta.db_table)} "  # noqa: S608
        f"({', '.join(qn(str(f.column)) for f in fields)}) VALUES {', '.join([row] * len(lines))}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _placeholders(values: list[Any]) -> str:
    return ", ".join(["%s"] * len(values))


def _reservations_sql() -> str:
    """The elder's reservations (programme, year, amount held): few rows."""
    table = connection.ops.quote_name(Reservation._meta.db_table)
    return f"SELECT programme_id, year, held_fen FROM {table} WHERE elder_id = %s"  # noqa: S608


def _usage_from(
    rows: Iterable[tuple[Any, ...]], programme_ids: Iterable[int], year: int
) -> dict[int, tuple[int, int]]:
    """(used this year, used ever) per programme of ``programme_ids``, in fen."""
    wanted = set(programme_ids)
    totals: dict[int, tuple[int, int]] = {}
    for programme_id, row_year, held in rows:
        if programme_id not in wanted:
            continue
        yearly, lifetime = totals.get(programme_id, (0, 0))
        totals[programme_id] = (yearly + (held if row_year == year else 0), lifetime + held)
    return totals


def _versions_and_usage(
    elder: Elder, on: dt.date
) -> tuple[list[ProgrammeVersion], list[tuple[Any, ...]]]:
    """The versions applying to the elder's area on ``on`` and the elder's reservations,
    read in one statement (the digest of the kept versions and the reservations: plain
    SQL, as the ORM's compiling cost several times the statement on this path)."""
    elder_id = _UUID.get_db_prep_value(elder.pk, connection)  # a hex string on SQLite
    published, reservations = published_versions_with(
        ancestor_codes(elder.region_id), _reservations_sql(), [elder_id]
    )
    return _applying(published, on), reservations


def _specificity(region_code: str) -> int:
    """How deep a 12-digit code is: its digits before the trailing zeros (a community's
    code is longer than its street's, a street's than its district's)."""
    return len(region_code.rstrip("0"))


def budgets_for(
    programme_ids: list[int], year: int, region_code: str
) -> dict[int, tuple[Budget, int]]:
    """Per programme, the most specific budget of the year covering the region, with what
    is already held on it (reserved + committed + spent). A raw queryset (real ``Budget``
    rows, no ORM compiling: a quote of an eligible elder runs this every time)."""
    if not programme_ids:
        return {}
    qn = connection.ops.quote_name
    regions = ancestor_codes(region_code)
    sql = (
        "SELECT b.*, COALESCE((SELECT SUM(r.held_fen) "  # noqa: S608
        f"FROM {qn(Reservation._meta.db_table)} r WHERE r.budget_id = b.id), 0) "
        f"AS used FROM {qn(Budget._meta.db_table)} b "
        f"WHERE b.programme_id IN ({_placeholders(programme_ids)}) "
        f"AND b.year = %s AND b.region_id IN ({_placeholders(regions)})"
    )
    rows = sorted(
        Budget.objects.raw(sql, [*programme_ids, year, *regions]),
        key=lambda b: (b.programme_id, -_specificity(b.region_id)),
    )
    out: dict[int, tuple[Budget, int]] = {}
    for budget in rows:
        out.setdefault(budget.programme_id, (budget, int(budget.used)))  # type: ignore[attr-defined]
    return out


def _outcome(version: ProgrammeVersion, facts: dict[str, Any], usage: tuple[int, int]) -> Outcome:
    try:
        rule = rule_compile(version.eligibility_rule)
    except RuleError:  # saved rules are checked; only a change of the fact list gets here
        return Outcome(
            version,
            False,
            "rule",
            [{"code": "rule_failed", "params": {"rule": version.eligibility_rule, "empty": []}}],
            {},
        )
    result = rule_evaluate(rule, facts)
    used = facts_used(rule, facts)
    if not result.passed:
        return Outcome(
            version,
            False,
            "rule",
            [rule_failure(rule, facts, result), *fact_reasons(rule, facts, passed=False)],
            used,
        )
    reasons = fact_reasons(rule, facts, passed=True)
    outcome = Outcome(version, True, "rule", reasons, used)
    yearly_used, lifetime_used = usage
    for kind, limit, spent in (
        ("yearly", version.yearly_limit_fen, yearly_used),
        ("lifetime", version.lifetime_limit_fen, lifetime_used),
    ):
        if limit is None:
            continue
        left = max(0, limit - spent)
        setattr(outcome, f"{kind}_left_fen", left)
        if left <= 0:
            outcome.eligible = False
            outcome.decided_by = f"{kind}_limit"
            reasons.append({"code": f"{kind}_reached", "params": {"limit_fen": limit}})
    return outcome


def _check_item(item: Item, on: dt.date, price_fen: int | None = None) -> None:
    errors = []
    if item.kind not in ItemKind.values:
        errors.append(
            FieldError(
                "item_kind",
                codes.ITEM_INVALID,
                _("The item kind is one of: %(kinds)s.") % {"kinds": ", ".join(ItemKind.values)},
            )
        )
    if item.code and not ITEM_CODE_RE.match(item.code):
        errors.append(FieldError("item_code", codes.ITEM_INVALID, _("Unknown item code format.")))
    if len(item.label) > 200 or len(item.ref) > 100:
        errors.append(FieldError("item_label", codes.ITEM_INVALID, _("The text is too long.")))
    if price_fen is not None and (isinstance(price_fen, bool) or not 0 <= price_fen <= MAX_FEN):
        errors.append(
            FieldError(
                "price_fen", codes.PRICE_INVALID, _("Give the price as a whole number of fen.")
            )
        )
    if not 2000 <= on.year <= 2100:
        errors.append(FieldError("on", codes.ITEM_INVALID, _("Give a date between 2000 and 2100.")))
    if errors:
        raise ValidationFailed(errors)


def _outcomes(
    elder: Elder, item: Item, on: dt.date, *, has_trade_in: bool = False
) -> tuple[dict[str, Any], list[Outcome]]:
    facts = elder_facts(elder, on)
    facts["has_trade_in"] = has_trade_in
    applying, reservations = _versions_and_usage(elder, on)
    versions = [v for v in applying if covers(v, item)]
    versions.sort(key=lambda v: (v.stacking_priority, v.programme.code))
    limited = [
        v.programme_id
        for v in versions
        if v.yearly_limit_fen is not None or v.lifetime_limit_fen is not None
    ]
    usage = _usage_from(reservations, limited, on.year) if limited else {}
    return facts, [_outcome(v, facts, usage.get(v.programme_id, (0, 0))) for v in versions]


def _check_trade_in(trade_in: TradeIn, elder: Elder, item: Item) -> None:
    message = None
    code = codes.TRADE_IN_INVALID
    if trade_in.elder_id != elder.pk:
        message = _("This trade-in belongs to another elder.")
    elif item.kind != ItemKind.DEVICE_PURCHASE:
        message = _("A trade-in credit pays toward a device purchase only.")
    elif not TradeIn.objects.filter(pk=trade_in.pk, status=TradeInStatus.AVAILABLE).exists():
        code = codes.TRADE_IN_USED
        message = _("The credit of this trade-in was already used for another purchase.")
    if message is not None:
        raise ValidationFailed([FieldError("trade_in_id", code, message)])


def check_eligibility(*, actor: Any, elder: Elder, item: Item, on: dt.date) -> list[Outcome]:
    """Every programme of the elder's area valid on ``on`` that covers the item, in
    stacking order, each passed or failed with the facts and the rule or limit that
    decided it. ``elder`` comes from ``elders.selectors.elder_get_for`` (visible)."""
    require(actor, Perm.SUBSIDIES_QUOTE, elder.region_id)
    _check_item(item, on)
    return _outcomes(elder, item, on)[1]


def quote(
    *,
    actor: Any,
    elder: Elder,
    item: Item,
    price_fen: int,
    on: dt.date,
    ctx: AuditContext | None = None,
    trade_in: TradeIn | None = None,
) -> Quote:
    """Split ``price_fen`` (one unit: a month's rent, a visit, a meal, a purchase) between
    the programmes in stacking order and the elder; stored with every reason. A purchase
    may use the credit of an old device the elder handed in (``trade_in``): it comes off
    the price first, and rules see ``has_trade_in``."""
    require(actor, Perm.SUBSIDIES_QUOTE, elder.region_id)
    _check_item(item, on, price_fen)
    if trade_in is not None:
        _check_trade_in(trade_in, elder, item)
    facts, outcomes = _outcomes(elder, item, on, has_trade_in=trade_in is not None)
    budgets = budgets_for(
        [o.version.programme_id for o in outcomes if o.eligible and o.version.budgeted],
        on.year,
        elder.region_id,
    )
    remaining = price_fen
    lines: list[QuoteLine] = []
    if trade_in is not None:
        credit = min(trade_in.credit_fen, price_fen)
        lines.append(
            QuoteLine(
                position=0,
                kind=LineKind.TRADE_IN,
                programme_name=str(trade_in),
                amount_fen=credit,
                reasons=[
                    {
                        "code": "trade_in",
                        "params": {
                            "device_type": trade_in.device_type,
                            "brand": trade_in.brand,
                            "serial": trade_in.serial,
                            "date": trade_in.received_on.isoformat(),
                            "credit_fen": trade_in.credit_fen,
                        },
                    }
                ],
            )
        )
        remaining -= credit
    for outcome in outcomes:
        version = outcome.version
        line = QuoteLine(
            position=len(lines),
            version=version,
            programme_name=version.programme.name,
            facts_used=outcome.facts_used,
            kind=LineKind.NOT_ELIGIBLE,
            reasons=list(outcome.reasons),
        )
        lines.append(line)
        if not outcome.eligible:
            continue
        computed = amount_compute(
            version.amount_rule, facts, price_fen=price_fen, remaining_fen=remaining
        )
        line.reasons += computed.reasons
        if not computed.matched:
            continue
        line.kind = LineKind.PAYS
        amount = min(computed.amount_fen, remaining)
        if remaining <= 0:
            line.reasons.append({"code": "nothing_left", "params": {}})
        for kind in ("yearly", "lifetime"):
            left = getattr(outcome, f"{kind}_left_fen")
            if left is not None:
                limit = getattr(version, f"{kind}_limit_fen")
                line.reasons.append(
                    {"code": f"{kind}_left", "params": {"left_fen": left, "limit_fen": limit}}
                )
                amount = min(amount, left)
        if version.budgeted:
            found = budgets.get(version.programme_id)
            if found is None:
                line.reasons.append({"code": "no_budget", "params": {"year": on.year}})
                amount = 0
            else:
                budget, used = found
                left = max(0, budget.amount_fen - used)
                line.budget = budget
                code = "budget_left" if left > 0 else "budget_exhausted"
                line.reasons.append({"code": code, "params": {"fen": left, "year": on.year}})
                amount = min(amount, left)
        else:
            line.reasons.append({"code": "unbudgeted", "params": {}})
        line.amount_fen = amount
        shares = [(s.payer, s.share_bp) for s in version.shares.all()]
        parts = split_between_payers(amount, shares)
        line.payer_split = [
            {
                "payer_id": payer.pk,
                "payer_code": payer.code,
                "payer_name": payer.name,
                "share_bp": bp,
                "amount_fen": part,
            }
            for (payer, bp), part in zip(shares, parts, strict=True)
        ]
        remaining -= amount
    elder_reason = "elder_share" if outcomes else "not_covered"
    lines.append(
        QuoteLine(
            position=len(lines),
            kind=LineKind.ELDER,
            amount_fen=remaining,
            reasons=[{"code": elder_reason, "params": {}}],
        )
    )
    with transaction.atomic():
        stored = Quote.objects.create(
            elder=elder,
            region_id=elder.region_id,
            item_kind=item.kind,
            item_code=item.code,
            item_label=item.label,
            price_fen=price_fen,
            on=on,
            facts=facts,
            elder_pays_fen=remaining,
            trade_in=trade_in,
            created_by=actor if getattr(actor, "pk", None) else None,
        )
        for line in lines:
            line.quote = stored
        _insert_lines(lines)
        audit_record(
            ctx=ctx or AuditContext(actor=actor, via="service"),
            action=AuditAction.CREATE,
            entity_type="subsidies.quote",
            entity_id=str(stored.pk),
            region_code=elder.region_id,
            summary=f"{item.kind}:{item.code} {price_fen} fen, elder pays {remaining}",
        )
    return stored


def rule_test_run(*, rule_text: str, facts: Any) -> TestRun:
    """Evaluate a rule (not saved) on a facts dict typed in by the user."""
    errors = rule_field_errors(rule_text, "rule")
    if errors:
        raise ValidationFailed(errors)
    try:
        checked = facts_check(facts)
    except ValueError as exc:
        raise ValidationFailed([FieldError("facts", codes.FACTS_INVALID, str(exc))]) from None
    return _run(rule_text, checked)


def _run(rule_text: str, facts: dict[str, Any]) -> TestRun:
    rule = rule_compile(rule_text)
    result = rule_evaluate(rule, facts)
    if result.passed:
        reasons = [
            {"code": "rule_met", "params": {"rule": rule.text}},
            *fact_reasons(rule, facts, passed=True),
        ]
    else:
        reasons = [rule_failure(rule, facts, result), *fact_reasons(rule, facts, passed=False)]
    return TestRun(result.passed, facts, facts_used(rule, facts), reasons)


def version_test_run(
    *,
    actor: Any,
    version: ProgrammeVersion,
    elder: Elder | None = None,
    facts: Any = None,
    price_fen: int | None = None,
    on: dt.date | None = None,
) -> TestRun:
    """Run a (draft) version on a sample elder — a real one the actor may see, or typed-in
    facts — and say whether they qualify and what the amount rule would pay of a price
    (before other programmes, limits and budgets)."""
    require(actor, Perm.SUBSIDIES_MANAGE, version.programme.region_id)
    when = on or version.valid_from
    if elder is not None:
        checked = elder_facts(elder, when)
    else:
        try:
            checked = facts_check(facts if facts is not None else {})
        except ValueError as exc:
            raise ValidationFailed([FieldError("facts", codes.FACTS_INVALID, str(exc))]) from None
    run = _run(version.eligibility_rule, checked)
    if price_fen is not None:
        _check_item(Item(kind=ItemKind.SERVICE), when, price_fen)
        if run.passed:
            computed = amount_compute(
                version.amount_rule, checked, price_fen=price_fen, remaining_fen=price_fen
            )
            run.amount_fen = computed.amount_fen
            run.amount_reasons = computed.reasons
        else:
            run.amount_fen = 0
    return run
