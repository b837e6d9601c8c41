"""Export of the filtered elder list to .xlsx, masked by role and audited."""

from __future__ import annotations

from dataclasses import asdict

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from silvercare.accounts.roles import Perm
from silvercare.accounts.scoping import actor_has_perm, actor_prefixes
from silvercare.audit.models import AuditAction
from silvercare.audit.services import AuditContext, audit_record
from silvercare.common import crypto
from silvercare.common.errors import DomainError
from silvercare.common.masking import mask_address
from silvercare.elders.choices import Category, ElderStatus, HukouType, LivingSituation, Sex
from silvercare.elders.models import Elder
from silvercare.elders.selectors import ElderFilters, elder_age, elder_search
from silvercare.elders.services import CATEGORY_FIELDS
from silvercare.elders.spreadsheet import export_bytes

MAX_EXPORT_ROWS = 200_000


def elders_export(*, ctx: AuditContext, filters: ElderFilters) -> tuple[bytes, int]:
    actor = ctx.actor
    if not actor_has_perm(actor, Perm.ELDERS_EXPORT):
        raise DomainError(
            code="permission_denied", status=403, message=_("You may not export the registry.")
        )
    export_prefixes = actor_prefixes(actor, Perm.ELDERS_EXPORT)
    pii_prefixes = actor_prefixes(actor, Perm.ELDERS_VIEW_PII)
    qs = elder_search(actor=actor, filters=filters, ctx=ctx)
    today = timezone.localdate()
    rows = []
    unmasked = 0
    category_labels = dict(CATEGORY_FIELDS)
    for elder in qs.iterator(chunk_size=2000):
        if not any(elder.region_id.startswith(p) for p in export_prefixes):
            continue
        reveal = any(elder.region_id.startswith(p) for p in pii_prefixes)
        unmasked += reveal
        rows.append(_row(elder, reveal, today, category_labels))
        if len(rows) >= MAX_EXPORT_ROWS:
            break
    with transaction.atomic():
        audit_record(
            ctx=ctx,
            action=AuditAction.EXPORT,
            entity_type="elder_export",
            entity_id=timezone.now().strftime("%Y%m%d%H%M%S"),
            region_code=filters.region or (export_prefixes[0] if export_prefixes else ""),
            summary=f"{len(rows)} rows, {unmasked} unmasked",
            changes={
                "filters": {k: v for k, v in asdict(filters).items() if v},
                "rows": len(rows),
                "unmasked_rows": unmasked,
            },
        )
    return export_bytes(rows), len(rows)


def _row(elder: Elder, reveal: bool, today: object, labels: dict[str, str]) -> list[object]:
    if reveal:
        id_number = crypto.decrypt(elder.id_number_enc, purpose="elder.id_number")
        phone = crypto.decrypt(elder.phone_enc, purpose="elder.phone")
        address = crypto.decrypt(elder.address_enc, purpose="elder.address")
    else:
        id_number, phone = elder.id_number_masked, elder.phone_masked
        address = mask_address(crypto.decrypt(elder.address_enc, purpose="elder.address"))
    categories = [str(Category(c).label) for c, f in labels.items() if getattr(elder, f)]
    return [
        elder.name,
        id_number,
        str(Sex(elder.sex).label),
        # Without the personal-data right: the birth year only (ADR 0005).
        elder.birth_date.isoformat() if reveal else str(elder.birth_date.year),
        elder_age(elder),
        phone,
        address,
        elder.region_id,
        elder.region.name,
        str(HukouType(elder.hukou_type).label),
        str(LivingSituation(elder.living_situation).label),
        ", ".join(categories),
        str(ElderStatus(elder.status).label),
    ]
