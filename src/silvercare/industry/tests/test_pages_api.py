"""Pages and API of the industry capability, as officers and enterprise users use them:
scope by district and by membership, filing with errors on the spot, the approval flow,
the upload page, key projects and the white list."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from django.urls import reverse
from openpyxl import Workbook

from silvercare.common.testing import STREET_A, client_for
from silvercare.industry import services
from silvercare.industry.models import Enterprise, Report
from silvercare.industry.tests.conftest import credit_code, ctx_of

pytestmark = pytest.mark.django_db
API = "/api/v1/industry"
GOOD = {"revenue": "500", "export_revenue": "100", "silver_revenue": "300", "employees": "40"}


def test_every_page_renders_for_an_officer(
    futian_officer: Any, enterprise: Any, institution: Any
) -> None:
    report = services.report_save(
        ctx=ctx_of(futian_officer),
        form=services.reporting.ReportForm.objects.get(code="enterprise-quarterly"),
        period_code="2026Q1",
        filer=enterprise,
        values=GOOD,
        submit=True,
    )
    project = services.project_create(
        ctx=ctx_of(futian_officer),
        name="园岭智慧康养综合体",
        region_code=STREET_A,
        sector="care",
        investment_wan="12000",
        milestones=[("开工", __import__("datetime").date(2026, 5, 1))],
    )
    client = client_for(futian_officer)
    for url in [
        reverse("industry:home"),
        reverse("industry:enterprises") + "?sector=assistive&above_size=0&tier=gazelle",
        reverse("industry:enterprise_new"),
        reverse("industry:enterprise", args=[enterprise.pk]),
        reverse("industry:facilities") + "?kind=institution",
        reverse("industry:facility_new"),
        reverse("industry:facility", args=[institution.pk]),
        reverse("industry:reports") + "?status=submitted",
        reverse("industry:report", args=[report.pk]),
        reverse("industry:approvals"),
        reverse("industry:compliance"),
        reverse("industry:upload"),
        reverse("industry:projects"),
        reverse("industry:project_new"),
        reverse("industry:project", args=[project.pk]),
        reverse("industry:whitelist"),
        reverse("industry:report_file", args=["enterprise-quarterly", "2026Q2"])
        + f"?enterprise={enterprise.pk}",
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
    assert enterprise.name in client.get(reverse("industry:enterprises")).content.decode()


def test_district_officer_sees_only_their_district_pages_and_api(
    luohu_officer: Any, enterprise: Any, institution: Any, luohu_enterprise: Any
) -> None:
    client = client_for(luohu_officer)
    listing = client.get(reverse("industry:enterprises")).content.decode()
    assert luohu_enterprise.name in listing and enterprise.name not in listing
    assert client.get(reverse("industry:enterprise", args=[enterprise.pk])).status_code == 404
    assert client.get(reverse("industry:facility", args=[institution.pk])).status_code == 404
    body = client.get(f"{API}/enterprises").json()
    assert [e["name"] for e in body["items"]] == [luohu_enterprise.name]
    assert client.get(f"{API}/enterprises/{enterprise.pk}").status_code == 404
    assert client.get(f"{API}/facilities").json()["count"] == 0
    assert client.get(f"{API}/facilities/{institution.pk}").status_code == 404


def test_enterprise_user_confined_to_own_enterprise(
    member: Any, enterprise: Any, luohu_enterprise: Any, institution: Any
) -> None:
    client = client_for(member)
    home = client.get(reverse("industry:home")).content.decode()
    assert enterprise.name in home
    listing = client.get(reverse("industry:enterprises")).content.decode()
    assert enterprise.name in listing and luohu_enterprise.name not in listing
    assert client.get(reverse("industry:enterprise", args=[luohu_enterprise.pk])).status_code == 404
    assert client.get(f"{API}/enterprises/{luohu_enterprise.pk}").status_code == 404
    assert [e["id"] for e in client.get(f"{API}/enterprises").json()["items"]] == [
        str(enterprise.pk)
    ]
    # Filing for another enterprise is refused like a missing one.
    response = client.post(
        f"{API}/reports",
        data=json.dumps(
            {
                "form": "enterprise-quarterly",
                "period": "2026Q1",
                "enterprise_id": str(luohu_enterprise.pk),
                "values": GOOD,
            }
        ),
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "enterprise_id"
    assert Report.objects.count() == 0
    # No officer's lists.
    assert client.get(reverse("industry:compliance")).status_code == 404
    assert client.get(reverse("industry:approvals")).status_code == 404


def test_filing_page_refuses_rule_on_the_spot_then_submits(member: Any, enterprise: Any) -> None:
    client = client_for(member)
    url = reverse("industry:report_file", args=["enterprise-quarterly", "2026Q1"])
    url += f"?enterprise={enterprise.pk}"
    response = client.post(url, {**GOOD, "export_revenue": "900", "submit": "1"})
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="id_export_revenue_error"' in page
    assert Report.objects.count() == 0
    response = client.post(url, {**GOOD, "submit": "1"})
    report = Report.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/{report.pk}/")
    assert report.status == "submitted"


def test_api_approval_flow_and_locking(
    member: Any, enterprise: Any, futian_officer: Any, city_officer: Any
) -> None:
    filer = client_for(member)
    created = filer.post(
        f"{API}/reports",
        data=json.dumps(
            {
                "form": "enterprise-quarterly",
                "period": "2026q1",
                "enterprise_id": str(enterprise.pk),
                "values": GOOD,
                "submit": True,
            }
        ),
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    report_id = created.json()["id"]
    city = client_for(city_officer)
    assert city.post(f"{API}/reports/{report_id}/approve").status_code == 403
    district = client_for(futian_officer)
    assert [r["id"] for r in district.get(f"{API}/approvals").json()] == [report_id]
    assert district.post(f"{API}/reports/{report_id}/approve").json()["status"] == (
        "district_approved"
    )
    body = city.post(f"{API}/reports/{report_id}/approve").json()
    assert (body["status"], body["locked"]) == ("approved", True)
    refused = filer.post(
        f"{API}/reports",
        data=json.dumps(
            {
                "form": "enterprise-quarterly",
                "period": "2026Q1",
                "enterprise_id": str(enterprise.pk),
                "values": GOOD,
            }
        ),
        content_type="application/json",
    )
    assert refused.status_code == 409 and refused.json()["code"] == "report_locked"
    unlocked = city.post(
        f"{API}/reports/{report_id}/unlock",
        data=json.dumps({"reason": "数据更正"}),
        content_type="application/json",
    ).json()
    assert unlocked["status"] == "returned"
    assert unlocked["history"][-1]["step"] == "unlock"
    assert unlocked["history"][-1]["reason"] == "数据更正"


def test_api_register_enterprise_with_bad_code(futian_officer: Any) -> None:
    client = client_for(futian_officer)
    response = client.post(
        f"{API}/enterprises",
        data=json.dumps(
            {"credit_code": "91110000600037341M", "name": "某公司", "region_code": STREET_A}
        ),
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "credit_code"
    good = client.post(
        f"{API}/enterprises",
        data=json.dumps(
            {
                "credit_code": credit_code(55),
                "name": "某公司",
                "region_code": STREET_A,
                "sectors": ["food"],
            }
        ),
        content_type="application/json",
    )
    assert good.status_code == 201 and good.json()["sectors"] == ["food"]
    assert Enterprise.objects.filter(credit_code=credit_code(55)).exists()


def test_upload_page_lists_row_errors(futian_officer: Any, enterprise: Any) -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["credit_code", "revenue", "export_revenue", "silver_revenue", "employees"])
    ws.append([enterprise.credit_code, 100, 200, 50, 3])
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    buf.name = "q1.xlsx"
    client = client_for(futian_officer)
    response = client.post(
        reverse("industry:upload"),
        {"form": "enterprise-quarterly", "period": "2026Q1", "file": buf},
    )
    assert response.status_code == 200
    assert 'id="row-errors"' in response.content.decode()
    assert Report.objects.count() == 0


def test_whitelist_and_project_progress_pages(
    futian_officer: Any, enterprise: Any, member: Any
) -> None:
    client = client_for(futian_officer)
    url = reverse("industry:enterprise", args=[enterprise.pk])
    assert client.post(url, {"whitelist": "1", "reason": ""}).status_code == 200
    response = client.post(url, {"whitelist": "1", "reason": "诚信经营，产品质量稳定"})
    assert response.status_code == 302
    enterprise.refresh_from_db()
    assert enterprise.whitelisted
    events = client_for(futian_officer).get(f"{API}/whitelist").json()
    assert [(e["action"], e["reason"]) for e in events] == [("enter", "诚信经营，产品质量稳定")]
    # An enterprise user cannot change the white list.
    assert client_for(member).post(url, {"whitelist": "1", "reason": "x"}).status_code == 404
    created = client.post(
        f"{API}/projects",
        data=json.dumps(
            {
                "name": "康养产业园",
                "region_code": STREET_A,
                "sector": "care",
                "investment_wan": "5000.5",
                "milestones": [{"name": "开工", "due_on": "2026-06-01"}],
            }
        ),
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    project_id = created.json()["id"]
    milestone = created.json()["milestones"][0]["id"]
    page = reverse("industry:project", args=[project_id])
    response = client.post(
        page, {"stage": "construction", "progress": "30", "note": "主体施工", "done": milestone}
    )
    assert response.status_code == 302
    body = client.get(f"{API}/projects/{project_id}").json()
    assert (body["stage"], body["progress"]) == ("construction", 30)
    assert body["milestones"][0]["done_on"] is not None
    back = client.post(
        f"{API}/projects/{project_id}/progress",
        data=json.dumps({"stage": "construction", "progress": 10}),
        content_type="application/json",
    )
    assert back.status_code == 422 and back.json()["errors"][0]["field"] == "progress"


def test_audit_rows_read_in_chinese(futian_officer: Any, enterprise: Any) -> None:
    import re

    page = client_for(futian_officer).get("/audit/")
    assert page.status_code == 200
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page.content.decode()))
    assert f"企业 {enterprise.name}（ {enterprise.credit_code} ）已登记" in text
    assert "registered" not in text


def test_upload_template_download(member: Any) -> None:
    from openpyxl import load_workbook

    response = client_for(member).get(
        reverse("industry:upload_template", args=["enterprise-quarterly"])
    )
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    header = [c.value for c in next(sheet.iter_rows(max_row=1))]
    assert header[:3] == ["credit_code", "revenue", "export_revenue"]


def test_list_pages_and_api_keep_their_query_budget(
    futian_officer: Any, django_assert_max_num_queries: Any
) -> None:
    import datetime as dt

    for n in range(12):
        found = services.enterprise_register(
            ctx=ctx_of(futian_officer),
            credit_code=credit_code(100 + n),
            name=f"预算企业{n}",
            region_code=STREET_A,
            category_code="10",
        )
        services.tier_grant(
            ctx=ctx_of(futian_officer),
            enterprise=found,
            tier="gazelle",
            granted_on=dt.date(2025, 1, 1),
        )
        services.facility_register(
            ctx=ctx_of(futian_officer),
            kind="station",
            name=f"预算服务站{n}",
            region_code=STREET_A,
            operator=found,
        )
    client = client_for(futian_officer)
    for url in (
        reverse("industry:home"),
        reverse("industry:enterprises"),
        reverse("industry:facilities"),
        reverse("industry:reports"),
        f"{API}/enterprises",
        f"{API}/facilities",
    ):
        client.get(url)  # warm the session and caches
        with django_assert_max_num_queries(16):
            assert client.get(url).status_code == 200
