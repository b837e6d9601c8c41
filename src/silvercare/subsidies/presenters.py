"""Turn subsidy rows into the dicts the API and pages show (reasons rendered in the active
language)."""

from __future__ import annotations

from typing import Any

from silvercare.subsidies.explain import reasons_text
from silvercare.subsidies.models import (
    Claim,
    Delivery,
    DeliveryShare,
    EligibilitySnapshot,
    Programme,
    ProgrammeVersion,
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
