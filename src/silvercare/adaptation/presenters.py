"""How cases look to readers: the elder's name in full only to those who may see the
registry in that area (others, e.g. inspectors, see it masked)."""

from __future__ import annotations

from typing import Any

from silvercare.accounts.roles import Perm
from silvercare.accounts.scoping import actor_has_perm
from silvercare.adaptation.models import AdaptationCase, Contractor
from silvercare.adaptation.services import TRANSITIONS
from silvercare.common.masking import mask_name


def elder_name(actor: Any, case: AdaptationCase) -> str:
    name = case.elder.name
    if actor_has_perm(actor, Perm.ELDERS_VIEW, case.region_id):
        return name
    return mask_name(name)


def allowed_actions(case: AdaptationCase) -> list[str]:
    return [str(a) for a, (sources, _t) in TRANSITIONS.items() if case.status in sources]


def present_contractor(c: Contractor | None) -> dict[str, Any] | None:
    if c is None:
        return None
    return {
        "id": c.pk,
        "region_code": c.region_id,
        "name": c.name,
        "credit_code": c.credit_code,
        "phone": c.phone,
        "active": c.active,
    }


def present_case(actor: Any, case: AdaptationCase) -> dict[str, Any]:
    return {
        "id": case.pk,
        "number": case.number,
        "elder_id": case.elder_id,
        "elder_name": elder_name(actor, case),
        "region_code": case.region_id,
        "status": case.status,
        "assessed_on": case.assessed_on,
        "checklist_version": case.checklist_version,
        "total_fen": case.total_fen,
        "subsidy_fen": case.subsidy_fen,
        "elder_pays_fen": case.elder_pays_fen,
        "quote_id": case.quote_id,
        "reservation_ids": list(case.reservation_ids or []),
        "contractor": present_contractor(case.contractor),
        "works_started_on": case.works_started_on,
        "accepted_on": case.accepted_on,
        "signed_by": case.signed_by,
        "signer": case.signer,
        "follow_up_due_on": case.follow_up_due_on,
        "followed_up_on": case.followed_up_on,
        "follow_up_outcome": case.follow_up_outcome,
        "cancel_reason": case.cancel_reason,
    }
