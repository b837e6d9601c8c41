"""Family care beds (contracted against delivered) and patrol visits: due lists by category
rule per worker's area, the outcome, needing help opens an order."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from silvercare.audit.services import AuditContext
from silvercare.common.testing import (
    COMMUNITY_A1,
    COMMUNITY_LUOHU,
    STREET_A,
    client_for,
    make_elder,
)
from silvercare.homecare.models import CareOrder, ServiceType, Visit
from silvercare.homecare.services import community, order_create

pytestmark = pytest.mark.django_db


def test_patrol_due_list_follows_the_rules_and_the_last_visit(
    worker: Any, other_worker: Any, officer: Any
) -> None:
    alone = make_elder(worker, COMMUNITY_A1, name="独居甲", categories=["living_alone"])
    visited = make_elder(worker, COMMUNITY_A1, name="独居乙", categories=["living_alone"])
    make_elder(worker, COMMUNITY_A1, name="有伴丙")  # no category with a rule
    make_elder(other_worker, COMMUNITY_LUOHU, name="罗湖独居", categories=["living_alone"])
    community.patrol_rule_set(
        ctx=AuditContext(actor=officer),
        region_code="440304000000",
        category="living_alone",
        every_days=7,
    )
    ctx = AuditContext(actor=worker)
    today = timezone.localdate()
    community.patrol_record(
        ctx=ctx, elder=visited, visited_on=today - dt.timedelta(days=2), outcome="well"
    )
    client = client_for(worker)
    due = client.get("/api/v1/care/patrols/due").json()
    assert [d["elder_name"] for d in due] == ["独居甲"]
    assert due[0]["every_days"] == 7 and due[0]["last_visited_on"] is None
    page = client.get("/care/patrols/").content.decode()
    assert "独居甲" in page and "独居乙" not in page and "罗湖独居" not in page
    # A stricter street rule wins over the district's: the visited elder is due again.
    community.patrol_rule_set(
        ctx=AuditContext(actor=officer),
        region_code=STREET_A,
        category="living_alone",
        every_days=1,
    )
    names = {d["elder_name"] for d in client.get("/api/v1/care/patrols/due").json()}
    assert names == {"独居甲", "独居乙"}
    assert client_for(other_worker).get("/api/v1/care/patrols/due").json() == []
    assert alone.pk


def test_needs_help_opens_an_order(worker: Any, provider: Any) -> None:
    elder = make_elder(worker, COMMUNITY_A1, name="独居丁", categories=["living_alone"])
    response = client_for(worker).post(
        "/api/v1/care/patrols",
        {
            "elder_id": str(elder.pk),
            "visited_on": timezone.localdate().isoformat(),
            "outcome": "needs_help",
            "notes": "家里很乱",
            "service_type": "cleaning",
            "provider_id": str(provider.pk),
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    order = CareOrder.objects.get(pk=response.json()["order_id"])
    assert (order.elder, order.service_type.code, order.status) == (elder, "cleaning", "requested")
    refused = client_for(worker).post(
        "/api/v1/care/patrols",
        {
            "elder_id": str(elder.pk),
            "visited_on": timezone.localdate().isoformat(),
            "outcome": "needs_help",
        },
        content_type="application/json",
    )
    assert refused.status_code == 422  # which service is needed must be said


def test_care_bed_counts_delivered_against_contracted(
    worker: Any, elder: Any, provider: Any, admin: Any
) -> None:
    bed = community.care_bed_create(
        ctx=AuditContext(actor=worker),
        elder=elder,
        provider=provider,
        contract_number="JTCW-2026-001",
        starts_on=timezone.localdate(),
        visits_per_month=8,
        devices="紧急呼叫器、烟感",
    )
    order = order_create(
        ctx=AuditContext(actor=worker),
        elder=elder,
        service_type=ServiceType.objects.get(code="daily_care"),
        provider=provider,
        first_date=timezone.localdate(),
        window_start=480,
        window_end=600,
        care_bed=bed,
    )
    Visit.objects.filter(order=order).update(status="completed")
    listed = client_for(worker).get("/api/v1/care/care-beds").json()
    assert [
        (b["contract_number"], b["visits_per_month"], b["delivered_this_month"]) for b in listed
    ] == [("JTCW-2026-001", 8, 1)]
    assert "JTCW-2026-001" in client_for(admin).get("/care/care-beds/").content.decode()


def test_care_bed_lists_cost_the_same_queries_for_one_bed_or_many(
    worker: Any, provider: Any, admin: Any, django_assert_max_num_queries: Any
) -> None:
    def bed(name: str) -> None:
        community.care_bed_create(
            ctx=AuditContext(actor=worker),
            elder=make_elder(worker, COMMUNITY_A1, name=name),
            provider=provider,
            contract_number=f"JTCW-{name}",
            starts_on=timezone.localdate(),
            visits_per_month=4,
            devices="",
        )

    bed("一号")
    client = client_for(admin)
    api = client_for(worker)
    with CaptureQueriesContext(connection) as one_page:
        client.get("/care/care-beds/")
    with CaptureQueriesContext(connection) as one_api:
        api.get("/api/v1/care/care-beds")
    for name in ("二号", "三号", "四号"):
        bed(name)
    with django_assert_max_num_queries(len(one_page)):
        assert client.get("/care/care-beds/").status_code == 200
    with django_assert_max_num_queries(len(one_api)):
        assert len(api.get("/api/v1/care/care-beds").json()) == 4
