"""Records of this capability for tests/test_scope_leak.py: built in street A, they must not
show to a worker of another district on any page or API operation."""

from __future__ import annotations

from typing import Any

# URL parameter names (unique across the project) whose records build() creates.
IDS: tuple[str, ...] = (
    "sv_warning_id",
    "sv_subject_id",
    "sv_listing_id",
    "sv_draw_id",
    "sv_inspection_id",
)
# Text of those records that must never appear in an outsider's responses. (The draw stays
# unpublished: a published draw's targets and results are public by design.)
MARKERS: list[str] = [
    "绝密诈骗预警",
    "绝密信用证据",
    "绝密失信理由",
    "绝密抽查计划",
    "绝密受检机构",
]


def build(worker: Any, elder: Any) -> dict[str, str]:
    """Create the records as worker (a street-A community worker) for elder."""
    import datetime as dt

    from django.utils import timezone
    from stdnum.cn import uscc

    from silvercare.audit.services import AuditContext
    from silvercare.common.testing import STREET_A, make_user
    from silvercare.industry.services import enterprise_register
    from silvercare.supervision import services

    officer = make_user("civil_affairs", "440304000000", "scope_sv_officer")
    ctx = AuditContext(actor=officer)
    today = timezone.localdate()
    warning = services.warning_publish(
        ctx=ctx,
        title="绝密诈骗预警",
        pattern="冒充公检法",
        advice="挂断电话",
        region_code=STREET_A,
        valid_from=today,
        valid_to=today + dt.timedelta(days=30),
    )
    body = "91440304987654321"
    enterprise = enterprise_register(
        ctx=ctx,
        credit_code=body + uscc.calc_check_digit(body),
        name="绝密受检机构",
        region_code=STREET_A,
    )
    subject = services.subject_for_enterprise(enterprise)
    services.credit_event_record(
        ctx=ctx,
        subject=subject,
        category="penalty",
        occurred_on=today,
        source="penalty",
        evidence="绝密信用证据",
    )
    listing = services.blacklist_add(
        ctx=ctx, subject=subject, reason="绝密失信理由", starts_on=today, ends_on=None
    )
    make_user("inspector", "440300000000", "scope_sv_insp1")
    make_user("inspector", "440300000000", "scope_sv_insp2")
    draw = services.draw_create(
        ctx=ctx,
        title="绝密抽查计划",
        region_code=STREET_A,
        kinds=["enterprise"],
        default_bp=10000,
    )
    inspection = draw.inspections.get(enterprise=enterprise)
    return {
        "sv_warning_id": str(warning.pk),
        "sv_subject_id": str(subject.pk),
        "sv_listing_id": str(listing.pk),
        "sv_draw_id": str(draw.pk),
        "sv_inspection_id": str(inspection.pk),
    }
