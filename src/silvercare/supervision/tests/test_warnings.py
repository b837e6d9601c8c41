"""Fraud warnings: an officer publishes one for a district or a street; the community workers
there (and only there) see it on their home page while it is valid; it can be withdrawn."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from silvercare.audit.services import AuditContext
from silvercare.common.errors import DomainError
from silvercare.common.testing import (
    COMMUNITY_A1,
    STREET_A,
    STREET_B,
    STREET_LUOHU,
    client_for,
    make_user,
)
from silvercare.supervision import selectors, services
from silvercare.supervision.models import FraudWarning
from silvercare.supervision.tests.conftest import FUTIAN

pytestmark = pytest.mark.django_db


def _publish(
    ctx: AuditContext, region: str, title: str = "冒充医保局退费诈骗", **dates: Any
) -> Any:
    today = timezone.localdate()
    return services.warning_publish(
        ctx=ctx,
        title=title,
        pattern="骗子冒充医保局工作人员来电，称可以退还医保费用，要求老人提供银行卡号和验证码。",
        advice="医保局不会电话要求提供验证码；挂断后拨打 12393 或告诉社区工作人员。",
        region_code=region,
        valid_from=dates.get("valid_from", today - dt.timedelta(days=1)),
        valid_to=dates.get("valid_to", today + dt.timedelta(days=30)),
    )


def test_a_street_warning_reaches_only_that_streets_community_workers(
    ctx: AuditContext, worker: Any, other_worker: Any
) -> None:
    _publish(ctx, STREET_A)
    street_b_worker = make_user("community_worker", STREET_B, "worker_b")
    seen = client_for(worker).get("/").content.decode()
    assert 'id="fraud-warnings"' in seen
    assert "冒充医保局退费诈骗" in seen
    assert "12393" in seen
    for outsider in (other_worker, street_b_worker):
        html = client_for(outsider).get("/").content.decode()
        assert "冒充医保局退费诈骗" not in html
        assert 'id="fraud-warnings"' not in html


def test_a_district_warning_reaches_every_street_of_the_district_only(
    ctx: AuditContext, worker: Any, other_worker: Any
) -> None:
    _publish(ctx, FUTIAN, title="保健品会销")
    street_b_worker = make_user("community_worker", STREET_B, "worker_b")
    assert "保健品会销" in client_for(worker).get("/").content.decode()
    assert "保健品会销" in client_for(street_b_worker).get("/").content.decode()
    assert "保健品会销" not in client_for(other_worker).get("/").content.decode()


def test_other_roles_do_not_get_the_panel(ctx: AuditContext, regions: None) -> None:
    _publish(ctx, STREET_A)
    caregiver = make_user("caregiver", STREET_A)
    assert "冒充医保局退费诈骗" not in client_for(caregiver).get("/").content.decode()


def test_withdrawn_expired_and_future_warnings_are_not_shown(
    ctx: AuditContext, worker: Any
) -> None:
    today = timezone.localdate()
    withdrawn = _publish(ctx, STREET_A, title="已撤回")
    services.warning_withdraw(ctx=ctx, warning=withdrawn, reason="信息有误")
    _publish(
        ctx,
        STREET_A,
        title="已过期",
        valid_from=today - dt.timedelta(days=30),
        valid_to=today - dt.timedelta(days=1),
    )
    _publish(
        ctx,
        STREET_A,
        title="尚未生效",
        valid_from=today + dt.timedelta(days=1),
        valid_to=today + dt.timedelta(days=5),
    )
    html = client_for(worker).get("/").content.decode()
    assert 'id="fraud-warnings"' not in html
    with pytest.raises(DomainError) as twice:
        services.warning_withdraw(ctx=ctx, warning=withdrawn, reason="again")
    assert twice.value.code == "warning_already_withdrawn"


def test_warnings_for_region_include_the_regions_above(ctx: AuditContext, worker: Any) -> None:
    district = _publish(ctx, FUTIAN, title="区级")
    street = _publish(ctx, STREET_A, title="街道级")
    _publish(ctx, STREET_B, title="别的街道")
    today = timezone.localdate()
    found = selectors.warnings_for_region(region_code=COMMUNITY_A1, on=today)
    assert {w.pk for w in found} == {district.pk, street.pk}
    assert selectors.warnings_for_region(region_code=STREET_LUOHU, on=today) == []


def test_only_an_officer_of_the_area_publishes_and_bad_input_is_refused(
    ctx: AuditContext, worker: Any, luohu_officer: Any
) -> None:
    with pytest.raises(DomainError) as refused:
        _publish(AuditContext(actor=worker), STREET_A)
    assert refused.value.status == 403
    with pytest.raises(DomainError) as elsewhere:
        _publish(AuditContext(actor=luohu_officer), STREET_A)
    assert elsewhere.value.status == 403
    today = timezone.localdate()
    with pytest.raises(DomainError) as bad:
        services.warning_publish(
            ctx=ctx,
            title="\x00",
            pattern="",
            advice="ok",
            region_code=COMMUNITY_A1,
            valid_from=today,
            valid_to=today - dt.timedelta(days=1),
        )
    assert {e.field for e in bad.value.errors} == {"region_code"}
    with pytest.raises(DomainError) as bad:
        services.warning_publish(
            ctx=ctx,
            title="\x00",
            pattern="",
            advice="ok",
            region_code=STREET_A,
            valid_from=today,
            valid_to=today - dt.timedelta(days=1),
        )
    assert {e.field for e in bad.value.errors} == {"title", "pattern", "valid_to"}
    assert not FraudWarning.objects.exists()


def test_publish_and_withdraw_on_the_pages(officer: Any, worker: Any) -> None:
    client = client_for(officer)
    today = timezone.localdate()
    response = client.post(
        "/supervision/warnings/",
        {
            "title": "以房养老骗局",
            "region_code": STREET_A,
            "pattern": "诱骗老人抵押房产购买理财。",
            "advice": "签字前和子女商量。",
            "valid_from": today.isoformat(),
            "valid_to": (today + dt.timedelta(days=10)).isoformat(),
        },
    )
    warning = FraudWarning.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/supervision/warnings/{warning.pk}/"
    assert "以房养老骗局" in client_for(worker).get("/").content.decode()
    response = client.post(f"/supervision/warnings/{warning.pk}/", {"reason": "已处理"})
    assert response.status_code == 302
    assert "以房养老骗局" not in client_for(worker).get("/").content.decode()
    # A community worker reads warnings but cannot publish or withdraw.
    worker_client = client_for(worker)
    assert worker_client.get(f"/supervision/warnings/{warning.pk}/").status_code == 200
    assert (
        worker_client.post(f"/supervision/warnings/{warning.pk}/", {"reason": "x"}).status_code
        == 404
    )


def test_the_api_publishes_lists_and_scopes_warnings(
    officer: Any, worker: Any, other_worker: Any
) -> None:
    today = timezone.localdate()
    payload = {
        "title": "中奖短信",
        "pattern": "短信称中奖需先交税。",
        "advice": "不点链接。",
        "region_code": STREET_A,
        "valid_from": today.isoformat(),
        "valid_to": (today + dt.timedelta(days=10)).isoformat(),
    }
    response = client_for(officer).post(
        "/api/v1/supervision/warnings", payload, content_type="application/json"
    )
    assert response.status_code == 201, response.content
    warning_id = response.json()["id"]
    listed = client_for(worker).get("/api/v1/supervision/warnings?current=true").json()
    assert [w["title"] for w in listed] == ["中奖短信"]
    assert client_for(other_worker).get("/api/v1/supervision/warnings").json() == []
    assert (
        client_for(other_worker).get(f"/api/v1/supervision/warnings/{warning_id}").status_code
        == 404
    )
    refused = client_for(worker).post(
        "/api/v1/supervision/warnings", payload, content_type="application/json"
    )
    assert refused.status_code == 403
    assert refused["Content-Type"].startswith("application/problem+json")


def test_the_audit_trail_tells_what_was_done_in_the_readers_language(
    ctx: AuditContext, officer: Any
) -> None:
    from silvercare.supervision.tests.conftest import zh

    warning = _publish(ctx, STREET_A)
    services.warning_withdraw(ctx=ctx, warning=warning, reason="已核实")
    html = client_for(officer).get("/audit/").content.decode()
    assert zh("Fraud warning published: %(title)s") % {"title": warning.title} in html
    assert zh("Fraud warning withdrawn: %(title)s") % {"title": warning.title} in html
    assert f'href="/supervision/warnings/{warning.pk}/"' in html
