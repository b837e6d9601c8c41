"""The operator's and the officer's pages and the /api/v1/rental endpoints, through HTTP."""

from __future__ import annotations

import json
from typing import Any

from django.utils import timezone

from silvercare.common.testing import STREET_LUOHU, client_for, make_user
from silvercare.rental.models import Lease, Unit
from silvercare.rental.tests.conftest import FUTIAN, make_product


def test_operator_leases_returns_cleans_through_the_pages(
    operator: Any, point: Any, product: Any, make_unit: Any, elder: Any
) -> None:
    unit = make_unit()
    web = client_for(operator)
    page = web.get(f"/rental/leases/new/?elder={elder.pk}&product={product.pk}")
    assert page.status_code == 200
    assert "园岭街道租赁点" in page.content.decode()
    response = web.post(
        f"/rental/leases/new/?elder={elder.pk}",
        {
            "product": str(product.pk),
            "point": str(point.pk),
            "starts_on": timezone.localdate().isoformat(),
            "months": "3",
            "deposit": "100",
        },
    )
    lease = Lease.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/rental/leases/{lease.pk}/"
    assert lease.deposit_fen == 10000
    assert "李桂兰" in web.get(f"/rental/leases/{lease.pk}/").content.decode()
    # The elder page shows the lease in the rental panel.
    assert unit.serial in web.get(f"/elders/{elder.pk}/").content.decode()
    back = web.post(f"/rental/leases/{lease.pk}/return/", {"ret-condition": "good"})
    assert back["Location"] == f"/rental/units/{unit.pk}/"
    unit.refresh_from_db()
    assert unit.state == "returned"
    refused = web.post(f"/rental/units/{unit.pk}/move/", {"move-to_state": "available"})
    assert refused.status_code == 400
    unit.refresh_from_db()
    assert unit.state == "returned"
    cleaned = web.post(
        f"/rental/units/{unit.pk}/clean/", {"clean-method": "spray", "clean-agent": "75%酒精"}
    )
    assert cleaned.status_code == 302
    unit.refresh_from_db()
    assert (unit.state, unit.needs_cleaning) == ("available", False)


def test_api_problems_name_the_rule(operator: Any, point: Any, make_unit: Any, elder: Any) -> None:
    fitted = make_product(code="12 22 03", requires_fitting=True)
    unit = make_unit(product=fitted)
    api = client_for(operator)
    response = api.post(
        "/api/v1/rental/leases",
        json.dumps(
            {
                "elder_id": str(elder.pk),
                "unit_id": unit.pk,
                "starts_on": timezone.localdate().isoformat(),
                "months": 2,
            }
        ),
        content_type="application/json",
    )
    assert response.status_code == 409
    assert response["Content-Type"].startswith("application/problem+json")
    assert response.json()["code"] == "fitting_required"
    moved = api.post(
        f"/api/v1/rental/units/{unit.pk}/transitions",
        json.dumps({"to_state": "returned"}),
        content_type="application/json",
    )
    assert moved.status_code == 409
    assert moved.json()["code"] == "transition_illegal"
    detail = api.get(f"/api/v1/rental/units/{unit.pk}").json()
    assert [h["to_state"] for h in detail["history"]] == ["available"]


def test_other_areas_see_nothing(operator: Any, make_unit: Any, regions: None) -> None:
    unit = make_unit()
    outsider = client_for(make_user("rental_operator", STREET_LUOHU))
    assert outsider.get(f"/api/v1/rental/units/{unit.pk}").status_code == 404
    assert outsider.get(f"/rental/units/{unit.pk}/").status_code == 404
    assert outsider.get("/api/v1/rental/units").json()["count"] == 0
    assert Unit.objects.count() == 1


def test_officer_recall_and_inspector_sees_incidents(
    ctx: Any, officer: Any, operator: Any, product: Any, make_unit: Any, elder: Any
) -> None:
    from silvercare.rental import services

    unit = make_unit("R-001")
    services.lease_open(ctx=ctx, elder=elder, unit=unit, starts_on=timezone.localdate(), months=1)
    services.incident_report(
        ctx=ctx,
        unit=unit,
        kind="injury",
        severity="serious",
        occurred_on=timezone.localdate(),
        description="扶手断裂，老人擦伤",
    )
    api = client_for(officer)
    created = api.post(
        "/api/v1/rental/recalls",
        json.dumps(
            {
                "product_id": str(product.pk),
                "region_code": FUTIAN,
                "reference": "SAMR-2026-9",
                "reason": "扶手断裂",
            }
        ),
        content_type="application/json",
    )
    assert created.status_code == 201
    body = created.json()
    assert [(o["serial"], o["kind"], o["holder_name"]) for o in body["orders"]] == [
        ("R-001", "pickup", "李桂兰")
    ]
    assert body["orders"][0]["address"].endswith("****")
    page = client_for(officer).get(f"/rental/recalls/{body['id']}/").content.decode()
    assert "李桂兰" in page
    inspector = client_for(make_user("inspector", FUTIAN))
    incidents = inspector.get("/api/v1/rental/incidents").json()
    assert [i["description"] for i in incidents] == ["扶手断裂，老人擦伤"]
    assert "扶手断裂，老人擦伤" in inspector.get("/rental/incidents/").content.decode()
