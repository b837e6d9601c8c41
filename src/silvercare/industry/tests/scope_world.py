"""Records of this capability for tests/test_scope_leak.py: built in street A, they must not
show to a worker of another district on any page or API operation."""

from __future__ import annotations

import datetime as dt
from typing import Any

from stdnum.cn import uscc

from silvercare.audit.services import AuditContext
from silvercare.common.testing import STREET_A, make_user

# URL parameter names (unique across the project) whose records build() creates.
IDS: tuple[str, ...] = (
    "ind_enterprise_id",
    "ind_facility_id",
    "ind_report_id",
    "ind_project_id",
    "ind_form_code",
    "ind_period",
)
# Text of those records that must never appear in an outsider's responses.
MARKERS: list[str] = ["绝密养老企业", "绝密颐养院", "绝密康养项目", "绝密退回原因"]


def build(worker: Any, elder: Any) -> dict[str, str]:
    """Create the records as a Futian officer (the worker only reads the registry) in
    street A: an enterprise, an institution it runs, a returned report and a key project."""
    from silvercare.industry import services
    from silvercare.industry.selectors import form_get

    officer = make_user("civil_affairs", "440304000000", "industry_scope_officer")
    ctx = AuditContext(actor=officer, via="test")
    body = "91440304000000777"
    enterprise = services.enterprise_register(
        ctx=ctx,
        credit_code=body + uscc.calc_check_digit(body),
        name="绝密养老企业",
        region_code=STREET_A,
    )
    facility = services.facility_register(
        ctx=ctx,
        kind="institution",
        name="绝密颐养院",
        region_code=STREET_A,
        latitude=22.552,  # on the indicators map of street A
        longitude=114.092,
        operator=enterprise,
        beds=50,
        nursing_beds=30,
    )
    report = services.report_save(
        ctx=ctx,
        form=form_get("enterprise-quarterly"),
        period_code="2026Q1",
        filer=enterprise,
        values={"revenue": 10, "export_revenue": 0, "silver_revenue": 5, "employees": 3},
        submit=True,
    )
    services.report_return(ctx=ctx, report=report, reason="绝密退回原因")
    project = services.project_create(
        ctx=ctx,
        name="绝密康养项目",
        region_code=STREET_A,
        sector="care",
        investment_wan="100",
        milestones=[("开工", dt.date(2026, 3, 1))],
    )
    return {
        "ind_enterprise_id": str(enterprise.pk),
        "ind_facility_id": str(facility.pk),
        "ind_report_id": str(report.pk),
        "ind_project_id": str(project.pk),
        "ind_form_code": "enterprise-quarterly",
        "ind_period": "2026Q1",
    }
