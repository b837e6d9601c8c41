"""Turn subsidy rows into the dicts the API and pages show (reasons rendered in the active
language)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.urls import NoReverseMatch, reverse
from django.utils.html import conditional_escape, escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from silvercare.subsidies.choices import ClaimStatus, EvaluationTrigger, ItemKind, PayerKind
from silvercare.subsidies.explain import item_text, reasons_text, yuan
from silvercare.subsidies.models import (
    Claim,
    Delivery,
    DeliveryShare,
    EligibilitySnapshot,
    PayerBody,
    Programme,
    ProgrammeVersion,
    Quote,
    Reservation,
    TradeIn,
    Voucher,
    VoucherBatch,
)
from silvercare.subsidies.selectors import BudgetUsage, version_current, versions_of
from silvercare.subsidies.services import Outcome, TestRun


def version_present(version: ProgrammeVersion) -> dict[str, Any]:
    return {
        "id": version.pk,
        "programme_id": version.programme_id,
        "number": version.number,
        "status": version.status,
        "status_label": version.get_status_display(),
        "valid_from": version.valid_from,
        "valid_to": version.valid_to,
        "eligibility_rule": version.eligibility_rule,
        "item_kinds": version.item_kinds,
        "item_codes": version.item_codes,
        "amount_rule": version.amount_rule,
        "yearly_limit_fen": version.yearly_limit_fen,
        "lifetime_limit_fen": version.lifetime_limit_fen,
        "stacking_priority": version.stacking_priority,
        "budgeted": version.budgeted,
        "shares": [
            {"payer": s.payer.code, "payer_name": s.payer.name, "share_bp": s.share_bp}
            for s in version.shares.all()
        ],
        "note": version.note,
        "published_at": version.published_at,
    }


def programme_present(programme: Programme) -> dict[str, Any]:
    current = version_current(programme)
    return {
        "id": programme.pk,
        "code": programme.code,
        "name": programme.name,
        "region_code": programme.region_id,
        "region_name": programme.region.name,
        "description": programme.description,
        "current_version": version_present(current) if current else None,
        "versions": [version_present(v) for v in versions_of(programme)],
    }


def outcome_present(outcome: Outcome) -> dict[str, Any]:
    version = outcome.version
    return {
        "programme_id": version.programme_id,
        "programme_code": version.programme.code,
        "programme_name": version.programme.name,
        "version_id": version.pk,
        "version_number": version.number,
        "eligible": outcome.eligible,
        "decided_by": outcome.decided_by,
        "rule": version.eligibility_rule,
        "facts_used": outcome.facts_used,
        "why": reasons_text(outcome.reasons),
    }


def test_run_present(run: TestRun) -> dict[str, Any]:
    return {
        "passed": run.passed,
        "facts": run.facts,
        "facts_used": run.facts_used,
        "why": reasons_text(run.reasons),
        "amount_fen": run.amount_fen,
        "amount_why": reasons_text(run.amount_reasons),
    }


def quote_item_label(quote: Quote) -> str:
    return item_text(quote.item_label, quote.item_kind)


def reservation_present(r: Reservation) -> dict[str, Any]:
    return {
        "id": r.pk,
        "elder_id": r.elder_id,
        "programme_id": r.programme_id,
        "programme_code": r.programme.code,
        "version_id": r.version_id,
        "budget_id": r.budget_id,
        "quote_id": r.quote_id,
        "year": r.year,
        "amount_fen": r.amount_fen,
        "held_fen": r.held_fen,
        "committed_fen": r.committed_fen,
        "released_fen": r.released_fen,
        "status": r.status,
        "status_label": r.get_status_display(),
        "item_ref": r.item_ref,
        "provider_ref": r.provider_ref,
        "settled_at": r.settled_at,
        "created_at": r.created_at,
    }


def budget_present(u: BudgetUsage) -> dict[str, Any]:
    b = u.budget
    return {
        "id": b.pk,
        "programme_id": b.programme_id,
        "programme_code": b.programme.code,
        "programme_name": b.programme.name,
        "year": b.year,
        "region_code": b.region_id,
        "region_name": b.region.name,
        "amount_fen": u.amount_fen,
        "reserved_fen": u.reserved_fen,
        "committed_fen": u.committed_fen,
        "spent_fen": u.spent_fen,
        "available_fen": u.available_fen,
        "used_percent": u.used_percent,
    }


def delivery_present(d: Delivery) -> dict[str, Any]:
    return {
        "id": d.pk,
        "reservation_id": d.reservation_id,
        "elder_id": d.elder_id,
        "programme_id": d.programme_id,
        "programme_code": d.programme.code,
        "version_id": d.version_id,
        "kind": d.kind,
        "reverses_id": d.reverses_id,
        "delivered_on": d.delivered_on,
        "amount_fen": d.amount_fen,
        "provider_ref": d.provider_ref,
        "item_ref": d.item_ref,
        "note": d.note,
        "created_at": d.created_at,
    }


def claim_present(c: Claim) -> dict[str, Any]:
    return {
        "id": c.pk,
        "number": c.number,
        "payer_id": c.payer_id,
        "payer_code": c.payer.code,
        "payer_name": c.payer.name,
        "region_code": c.region_id,
        "provider_ref": c.provider_ref,
        "month": c.month,
        "sequence": c.sequence,
        "status": c.status,
        "status_label": c.get_status_display(),
        "total_fen": c.total_fen,
        "line_count": c.line_count,
        "prepared_by": str(c.prepared_by) if c.prepared_by else "",
        "approved_by": str(c.approved_by) if c.approved_by else "",
        "approved_at": c.approved_at,
        "settled_by": str(c.settled_by) if c.settled_by else "",
        "settled_at": c.settled_at,
        "payment_reference": c.payment_reference,
        "note": c.note,
    }


def claim_line_present(line: DeliveryShare) -> dict[str, Any]:
    d = line.delivery
    return {
        "delivery_id": d.pk,
        "reservation_id": d.reservation_id,
        "elder_id": d.elder_id,
        "programme_code": d.programme.code,
        "version_number": d.version.number,
        "kind": d.kind,
        "delivered_on": d.delivered_on,
        "item_ref": d.item_ref,
        "delivery_fen": d.amount_fen,
        "amount_fen": line.amount_fen,
    }


def voucher_batch_present(b: VoucherBatch) -> dict[str, Any]:
    return {
        "id": b.pk,
        "code": b.code,
        "name": b.name,
        "programme_id": b.programme_id,
        "programme_code": b.programme.code,
        "version_id": b.version_id,
        "region_code": b.region_id,
        "face_value_fen": b.face_value_fen,
        "allow_partial": b.allow_partial,
        "valid_from": b.valid_from,
        "expires_on": b.expires_on,
        "status": b.status,
        "status_label": b.get_status_display(),
        "issued_count": b.issued_count,
        "skipped_count": b.skipped_count,
        "issued_at": b.issued_at,
    }


def voucher_present(v: Voucher) -> dict[str, Any]:
    return {
        "id": v.pk,
        "batch_id": v.batch_id,
        "elder_id": v.elder_id,
        "face_value_fen": v.face_value_fen,
        "remaining_fen": v.remaining_fen,
        "status": v.status,
        "has_code": bool(v.code_hash),
        "code_issued_at": v.code_issued_at,
        "expires_on": v.batch.expires_on,
    }


def tradein_present(t: TradeIn) -> dict[str, Any]:
    return {
        "id": t.pk,
        "elder_id": t.elder_id,
        "device_type": t.device_type,
        "brand": t.brand,
        "serial": t.serial,
        "credit_fen": t.credit_fen,
        "received_on": t.received_on,
        "status": t.status,
        "used_by_quote_id": t.used_by_quote_id,
        "note": t.note,
    }


def snapshot_reasons(s: EligibilitySnapshot) -> list[dict[str, Any]]:
    """The outcome's shared reasons with this elder's assessment date put back."""
    if s.level_assessed_on is None:
        return list(s.outcome.reasons)
    date = s.level_assessed_on.isoformat()
    return [
        {**r, "params": {**r.get("params", {}), "date": date}} if r.get("code") == "level" else r
        for r in s.outcome.reasons
    ]


def entitlement_present(s: EligibilitySnapshot) -> dict[str, Any]:
    return {
        "programme_id": s.programme_id,
        "programme_code": s.programme.code,
        "programme_name": s.programme.name,
        "version_id": s.version_id,
        "version_number": s.version.number,
        "passed": s.passed,
        "why": reasons_text(snapshot_reasons(s)),
        "facts_used": {
            **s.outcome.facts_used,
            **(
                {"level_assessed_on": s.level_assessed_on.isoformat()}
                if s.level_assessed_on
                else {}
            ),
        },
        "trigger": s.trigger,
        "evaluated_at": s.evaluated_at,
        "changed_at": s.changed_at,
    }


# --- The audit trail ---------------------------------------------------------------------
# The subsidies services write their audit rows as short English summaries with codes and
# fen ("202609-ft-finance-…-1 approved: 4800 fen"). They are read here, when a page shows
# them, into sentences in the reader's language with names instead of codes, so rows
# written long ago read as well as new ones. A summary of a shape not known here is shown
# as it is (the audit trail must always answer).


class AuditNames:
    """The names of the programmes, payers and voucher batches audit rows give by code,
    each looked up once per page (a code no longer found is shown as code)."""

    def __init__(self) -> None:
        self._found: dict[tuple[str, str], SafeString] = {}

    def _name(self, model: Any, code: str) -> SafeString:
        key = (model.__name__, code)
        if key not in self._found:
            name = model.objects.filter(code=code).values_list("name", flat=True).first()
            self._found[key] = (
                format_html("<code>{}</code>", code) if name is None else escape(name)
            )
        return self._found[key]

    def programme(self, code: str) -> SafeString:
        return self._name(Programme, code)

    def payer(self, code: str) -> SafeString:
        return self._name(PayerBody, code)

    def batch(self, code: str) -> SafeString:
        return self._name(VoucherBatch, code)

    def trade_in(self, pk: str) -> TradeIn | None:
        """The old device of a trade-in row (its summary cannot tell a brand with spaces
        from the serial)."""
        try:
            return TradeIn.objects.filter(pk=pk).first()
        except (ValueError, ValidationError):
            return None


@dataclass
class AuditView:
    """What the audit pages show of one subsidies row (``None`` keeps the page's own)."""

    record: str
    what: str | None = None
    lines: list[tuple[str, str]] = field(default_factory=list)
    url: str = ""


def _say(sentence: str, **parts: Any) -> SafeString:
    """A translated sentence with its place-holders filled, escaped for the page (names and
    codes given as ``SafeString`` keep their markup)."""
    return mark_safe(str(escape(sentence)) % {k: conditional_escape(v) for k, v in parts.items()})  # noqa: S308


def _money(fen: Any) -> str:
    try:
        return _("%(amount)s yuan") % {"amount": yuan(int(fen))}
    except (TypeError, ValueError):
        return str(fen)


def _url(name: str, *args: Any) -> str:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


def _label(enum: Any, value: Any) -> str:
    return str(enum(value).label) if value in enum.values else str(value)


def _pair(value: Any, show: Callable[[Any], str]) -> str:
    """``[old, new]`` as "old → new" (a first value alone)."""
    if isinstance(value, (list, tuple)) and len(value) == 2:
        old, new = value
        if old is None:
            return show(new)
        return f"{show(old)} → {show(new)}"
    return show(value)


def _rule(value: Any) -> str:
    return format_html("<code>{}</code>", value) if value else "—"


_VERSION = re.compile(r"^(?P<code>\S+) v(?P<n>\d+)(?P<rest>.*)$")
_EVALUATED = re.compile(
    r"^ evaluated for (?P<elders>\d+) elders: (?P<eligible>\d+) eligible \((?P<cases>\d+) cases\)$"
)
_ENTITLEMENT = re.compile(
    r"^subsidy (?P<code>\S+) v(?P<n>\d+): (?P<state>eligible|no longer eligible) "
    r"\((?P<trigger>\w+)\)$"
)
_BATCH_MADE = re.compile(r"^(?P<code>\S+): (?P<face>-?\d+) fen, (?P<start>[\d-]+)–(?P<end>[\d-]+)$")
_BATCH_ISSUED = re.compile(
    r"^(?P<code>\S+) issued to (?P<n>\d+) elders \(\w+\), (?P<skipped>\d+) over their limits$"
)
_BATCH_CLOSED = re.compile(r"^(?P<code>\S+): (?P<n>\d+) expired vouchers closed$")
_REDEEMED = re.compile(
    r"^redeemed (?P<amount>-?\d+) fen at (?P<shop>.*); (?P<left>-?\d+) fen left$"
)
_QUOTE = re.compile(
    # The item code may hold spaces (ISO 9999 codes: "12 06 06").
    r"^(?P<kind>[a-z_]+):(?P<code>.*?) (?P<price>-?\d+) fen, elder pays (?P<elder>-?\d+)$"
)
_RESERVED = re.compile(r"^reserved (?P<amount>-?\d+) fen in (?P<n>\d+) lines$")
_CLOSED = re.compile(
    r"^(?P<how>commit|release): committed (?P<committed>-?\d+), released (?P<released>-?\d+) fen$"
)
_DELIVERED = re.compile(r"^delivered (?P<amount>-?\d+) fen on (?P<on>[\d-]+) \((?P<provider>.*)\)$")
_REVERSED = re.compile(r"^reversed \S+: (?P<amount>-?\d+) fen$")
_CORRECTED = re.compile(r"^corrected \S+: (?P<old>-?\d+) -> (?P<new>-?\d+) fen$")
_CLAIM_MADE = re.compile(r"^(?P<number>.+): (?P<lines>\d+) lines, (?P<total>-?\d+) fen$")
_CLAIM_APPROVED = re.compile(r"^(?P<number>.+) approved: (?P<total>-?\d+) fen$")
_CLAIM_REJECTED = re.compile(r"^(?P<number>.+) rejected: (?P<reason>.*)$")
_CLAIM_SETTLED = re.compile(r"^(?P<number>.+) settled: (?P<total>-?\d+) fen ?(?P<reference>.*)$")
_CLAIM_EXPORTED = re.compile(r"^settlement spreadsheet (?P<number>.+): (?P<lines>\d+) lines$")
_TRADE_IN = re.compile(r"^(?P<device>.*): credit (?P<credit>-?\d+) fen$")


def _identifier(value: str) -> SafeString:
    """A reference, serial or payment number: shown as it is, never translated."""
    return format_html('<span translate="no">{}</span>', value)


def _programme_rows(
    kind: str, summary: str, changes: dict[str, Any], names: AuditNames, created: bool
) -> AuditView | None:
    found = _VERSION.match(summary)
    if not found:
        return None
    name, number, rest = names.programme(found["code"]), found["n"], found["rest"]
    view = AuditView(record=_say(_("Subsidy programme: %(name)s"), name=name))
    evaluated = _EVALUATED.match(rest)
    if rest == " published":
        view.what = _("Version %(n)s published") % {"n": number}
    elif evaluated:
        view.what = _("Version %(n)s evaluated for every elder") % {"n": number}
        view.lines = [
            (_("Elders"), evaluated["elders"]),
            (_("Eligible"), evaluated["eligible"]),
            (_("Distinct cases"), evaluated["cases"]),
        ]
    elif rest == "":
        if kind == "subsidies.programme":
            view.what = _("Programme created (version %(n)s, a draft)") % {"n": number}
        elif created:
            view.what = _("Version %(n)s drafted") % {"n": number}
        else:
            view.what = _("Draft version %(n)s changed") % {"n": number}
    else:
        return None
    if "eligibility_rule" in changes:
        view.lines.append((_("Eligibility rule"), _pair(changes["eligibility_rule"], _rule)))
    return view


def _voucher_rows(kind: str, summary: str, names: AuditNames) -> AuditView | None:
    if kind == "subsidies.voucher":
        view = AuditView(record=_("Consumption voucher"))
        redeemed = _REDEEMED.match(summary)
        if summary == "redemption code handed out":
            view.what = _("Redemption code handed out to the elder")
        elif summary == "voucher code checked":
            view.what = _("Voucher code checked by a merchant")
        elif summary == "unknown voucher code":
            view.what = _("A code that is no voucher's was tried")
        elif redeemed:
            view.what = _("Voucher redeemed")
            view.lines = [
                (_("Amount"), _money(redeemed["amount"])),
                (_("Shop"), redeemed["shop"]),
                (_("Value left"), _money(redeemed["left"])),
            ]
        else:
            return None
        return view
    made, issued = _BATCH_MADE.match(summary), _BATCH_ISSUED.match(summary)
    closed = _BATCH_CLOSED.match(summary)
    found = made or issued or closed
    if not found:
        return None
    view = AuditView(record=_say(_("Voucher batch: %(name)s"), name=names.batch(found["code"])))
    if made:
        view.what = _("Voucher batch created")
        view.lines = [
            (_("Face value"), _money(made["face"])),
            (_("Valid"), f"{made['start']} – {made['end']}"),
        ]
    elif issued:
        view.what = _("Vouchers issued to the eligible elders")
        view.lines = [
            (_("Elders given a voucher"), issued["n"]),
            (_("Left out (over their limits)"), issued["skipped"]),
        ]
    elif closed:
        view.what = _("Expired vouchers closed")
        view.lines = [(_("Vouchers closed"), closed["n"])]
    return view


def _ledger_rows(
    kind: str, entity_id: str, summary: str, changes: dict[str, Any]
) -> AuditView | None:
    if kind == "subsidies.quote":
        quote = _QUOTE.match(summary)
        if not quote:
            return None
        lines = [(_("Item kind"), _label(ItemKind, quote["kind"]))]
        if quote["code"]:
            lines.append((_("Item code"), _rule(quote["code"])))
        lines += [
            (_("List price"), _money(quote["price"])),
            (_("The elder pays"), _money(quote["elder"])),
        ]
        return AuditView(
            record=_("Subsidy quote"),
            what=_("Quote made"),
            lines=lines,
            url=_url("subsidies:quote", entity_id),
        )
    if kind == "subsidies.reservation":
        reserved, closed = _RESERVED.match(summary), _CLOSED.match(summary)
        if reserved:
            # The row of a reservation names its quote.
            return AuditView(
                record=_("Subsidy reservation"),
                what=_("Amounts reserved"),
                lines=[
                    (_("Reserved"), _money(reserved["amount"])),
                    (_("Programme lines"), reserved["n"]),
                ],
                url=_url("subsidies:quote", entity_id),
            )
        if closed:
            return AuditView(
                record=_("Subsidy reservation"),
                what=(
                    _("Reservation closed: delivered in full")
                    if closed["how"] == "commit"
                    else _("Reservation closed: cancelled or returned early")
                ),
                lines=[
                    (_("Delivered"), _money(closed["committed"])),
                    (_("Given back to the budget"), _money(closed["released"])),
                ],
                url=_url("subsidies:reservation", entity_id),
            )
        return None
    if kind == "subsidies.delivery":
        delivered = _DELIVERED.match(summary)
        reversed_ = _REVERSED.match(summary)
        corrected = _CORRECTED.match(summary)
        view = AuditView(record=_("Delivery of a subsidised item"))
        if delivered:
            view.what = _("Delivery recorded")
            view.lines = [
                (_("Amount"), _money(delivered["amount"])),
                (_("Delivered on"), delivered["on"]),
                (
                    _("Provider"),
                    _identifier(delivered["provider"]) if delivered["provider"] else "—",
                ),
            ]
        elif reversed_:
            view.what = _("Delivery reversed")
            view.lines = [(_("Amount"), _money(reversed_["amount"]))]
        elif corrected:
            view.what = _("Delivery corrected")
            view.lines = [(_("Amount"), f"{_money(corrected['old'])} → {_money(corrected['new'])}")]
        else:
            return None
        return view
    return None


def _claim_rows(entity_id: str, summary: str, changes: dict[str, Any]) -> AuditView | None:
    exported = _CLAIM_EXPORTED.match(summary)
    if exported:
        return AuditView(
            record=_("Claim %(number)s") % {"number": exported["number"]},
            what=_("Settlement spreadsheet downloaded"),
            lines=[(_("Lines"), exported["lines"])],
            url=_url("subsidies:claim", entity_id),
        )
    made = _CLAIM_MADE.match(summary)
    approved = _CLAIM_APPROVED.match(summary)
    rejected = _CLAIM_REJECTED.match(summary)
    settled = _CLAIM_SETTLED.match(summary)
    found = made or approved or rejected or settled
    if not found:
        return None
    view = AuditView(
        record=_("Claim %(number)s") % {"number": found["number"]},
        url=_url("subsidies:claim", entity_id),
    )
    if made:
        view.what = _("Claim prepared")
        view.lines = [(_("Lines"), made["lines"]), (_("Total"), _money(made["total"]))]
    elif approved:
        view.what = _("Claim approved by the paying body")
        view.lines = [(_("Total"), _money(approved["total"]))]
    elif rejected:
        view.what = _("Claim rejected")
        view.lines = [(_("Why"), rejected["reason"])]
    elif settled:
        view.what = _("Claim settled (paid)")
        view.lines = [(_("Total"), _money(settled["total"]))]
        if settled["reference"]:
            view.lines.append((_("Payment reference"), _identifier(settled["reference"])))
    if "status" in changes:
        view.lines.append((_("Status"), _pair(changes["status"], lambda v: _label(ClaimStatus, v))))
    return view


def audit_event_view(
    *,
    kind: str,
    action: str,
    entity_id: str,
    summary: str,
    changes: dict[str, Any],
    regions: Callable[[Any], str],
    names: AuditNames,
) -> AuditView | None:
    """One audit row the subsidies services wrote (``kind`` ``subsidies.…``, or an elder's
    entitlement), in the reader's language; ``None`` for a shape this does not know."""
    if kind == "elder":
        found = _ENTITLEMENT.match(summary)
        if not found:
            return None
        programme = names.programme(found["code"])
        return AuditView(
            record=_("Elder"),
            what=(
                _say(_("Now eligible for %(programme)s"), programme=programme)
                if found["state"] == "eligible"
                else _say(_("No longer eligible for %(programme)s"), programme=programme)
            ),
            lines=[
                (_("Programme version"), found["n"]),
                (_("Evaluated because"), _label(EvaluationTrigger, found["trigger"])),
            ],
            url=_url("elders:detail", entity_id),
        )
    if kind in ("subsidies.programme", "subsidies.version"):
        view = _programme_rows(kind, summary, changes, names, created=action == "create")
        if view is not None and kind == "subsidies.programme":
            view.url = _url("subsidies:detail", entity_id)
        return view
    if kind == "subsidies.payer":
        code, _sep, payer_kind = summary.partition(" ")
        return AuditView(
            record=_say(_("Paying body: %(name)s"), name=names.payer(code)),
            what=_("Paying body created"),
            lines=[(_("Kind of payer"), _label(PayerKind, payer_kind))],
        )
    if kind == "subsidies.budget":
        code, year, region = [*summary.split(" "), "", "", ""][:3]
        view = AuditView(
            record=_say(_("Budget of %(name)s"), name=names.programme(code)),
            what=_("Budget set"),
            lines=[(_("Year"), year), (_("Area"), regions(region))],
        )
        if "amount_fen" in changes:
            view.lines.append((_("Amount"), _pair(changes["amount_fen"], _money)))
        return view
    if kind in ("subsidies.voucher", "subsidies.voucher_batch"):
        return _voucher_rows(kind, summary, names)
    if kind == "subsidies.claim":
        return _claim_rows(entity_id, summary, changes)
    if kind == "subsidies.trade_in":
        found = _TRADE_IN.match(summary)
        if not found:
            return None
        device = names.trade_in(entity_id)
        lines = (
            [
                (_("Device"), f"{device.device_type} · {device.brand}"),
                (_("Serial number"), _identifier(device.serial)),
            ]
            if device is not None
            else [(_("Device and serial number"), _identifier(found["device"]))]
        )
        return AuditView(
            record=_("Trade-in"),
            what=_("Old device handed in"),
            lines=[*lines, (_("Credit toward the new purchase"), _money(found["credit"]))],
        )
    return _ledger_rows(kind, entity_id, summary, changes)
