"""A claim's settlement spreadsheet (.xlsx, every line) and PDF summary (totals per
programme). The spreadsheet is written by ``common.spreadsheets.xlsx_bytes`` (text cells,
formula starts neutralised); it names the elders (ID numbers masked), so producing it is
audited as an export. The PDF carries no personal data: totals, lines and signatures.
Amounts are written as integer fen (numbers a spreadsheet can add up) beside the exact
yuan text, never as floats, so every figure reconciles to the fen.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from silvercare.audit.models import AuditAction
from silvercare.audit.services import AuditContext, audit_record
from silvercare.common.pdf import html_to_pdf
from silvercare.common.spreadsheets import Sheet, xlsx_bytes
from silvercare.subsidies.choices import DeliveryKind
from silvercare.subsidies.explain import yuan, yuan_exact
from silvercare.subsidies.models import Claim
from silvercare.subsidies.selectors import claim_by_programme, claim_lines
from silvercare.subsidies.services.claims import claim_reconcile

PDF_TEMPLATE = "subsidies/settlement.html"


def _when(moment: Any) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def claim_xlsx(*, ctx: AuditContext, claim: Claim) -> bytes:
    """Two sheets: the claim (who, what month, totals, status) and its lines."""
    kinds = dict(DeliveryKind.choices)
    lines = list(claim_lines(claim))
    detail: list[list[Any]] = [
        [
            _("Delivered on"),
            _("Elder"),
            _("ID number"),
            _("Programme"),
            _("Version"),
            _("Entry"),
            _("Item reference"),
            _("Entry amount (fen)"),
            _("This payer (fen)"),
            _("This payer (yuan)"),
        ]
    ]
    for line in lines:
        d = line.delivery
        detail.append(
            [
                d.delivered_on,
                d.elder.name,
                d.elder.id_number_masked,
                d.programme.name,
                d.version.number,
                str(kinds.get(d.kind, d.kind)),
                d.item_ref,
                d.amount_fen,
                line.amount_fen,
                yuan_exact(line.amount_fen),
            ]
        )
    detail.append(
        ["", "", "", "", "", "", _("Total"), "", claim.total_fen, yuan_exact(claim.total_fen)]
    )
    summary: list[list[Any]] = [
        [_("Claim"), claim.number],
        [_("Payer"), claim.payer.name],
        [_("Provider"), claim.provider_ref or "—"],
        [_("Month"), claim.month.strftime("%Y-%m")],
        [_("Status"), str(claim.get_status_display())],
        [_("Lines"), claim.line_count],
        [_("Total (yuan)"), yuan(claim.total_fen)],
        [_("Total (fen)"), claim.total_fen],
        [_("Prepared by"), str(claim.prepared_by or "")],
        [_("Approved by"), str(claim.approved_by or ""), _when(claim.approved_at)],
        [_("Settled"), str(claim.settled_by or ""), _when(claim.settled_at)],
        [_("Payment reference"), claim.payment_reference],
    ]
    with transaction.atomic():
        audit_record(
            ctx=ctx,
            action=AuditAction.EXPORT,
            entity_type="subsidies.claim",
            entity_id=str(claim.pk),
            region_code=claim.region_id,
            summary=f"settlement spreadsheet {claim.number}: {len(lines)} lines",
        )
    return xlsx_bytes([Sheet(_("Claim"), summary), Sheet(_("Lines"), detail)])


def claim_pdf(claim: Claim) -> bytes:
    """The claim's summary: totals per programme and kind of entry, whether it reconciles,
    and who prepared, approved and settled it. Noto CJK, like the assessment report."""

    rows = claim_by_programme(claim)
    html = render_to_string(
        PDF_TEMPLATE,
        {
            "claim": claim,
            "rows": rows,
            "problems": claim_reconcile(claim),
            "printed": _when(timezone.now()),
        },
    )
    return html_to_pdf(html, identifier=f"silvercare-claim-{claim.pk}")
