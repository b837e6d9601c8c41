"""Fixtures of the subsidies tests: a Futian officer, payers, programmes built through the
services, elders with real completed assessments."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from silvercare.audit.services import AuditContext
from silvercare.common.testing import COMMUNITY_A1, make_assessor, make_elder, make_user
from silvercare.subsidies import services
from silvercare.subsidies.models import PayerBody, Programme

FUTIAN = "440304000000"
LUOHU = "440303000000"
SHENZHEN = "440300000000"
GBT = "gbt42195-2022"
# Points taken off the 90-point maximum for each final level (no diagnoses, no risk events).
DROP_FOR_LEVEL = {0: 0, 1: 10, 2: 30, 3: 50}


def new_elder(actor: Any, region: str = COMMUNITY_A1, **values: Any) -> Any:
    """An elder registered through the registry's service, with every required choice."""
    values.setdefault("hukou_type", "local_urban")
    values.setdefault("living_situation", "spouse")
    return make_elder(actor, region, **values)


def pytest_collection_modifyitems(config: Any, items: list[Any]) -> None:
    """``postgres_only`` tests skip on SQLite (select_for_update is a no-op there)."""
    if connection.vendor == "postgresql":
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL (DATABASE_URL=postgres://…)")
    for item in items:
        if "postgres_only" in item.keywords:
            item.add_marker(skip)


@pytest.fixture
def officer(regions: None) -> Any:
    """A civil-affairs officer of Futian district."""
    return make_user("civil_affairs", FUTIAN, "futian_officer")


@pytest.fixture
def luohu_officer(regions: None) -> Any:
    return make_user("civil_affairs", LUOHU, "luohu_officer")


@pytest.fixture
def city_officer(regions: None) -> Any:
    return make_user("civil_affairs", SHENZHEN, "city_officer")


@pytest.fixture
def consultant(regions: None) -> Any:
    return make_user("at_consultant", FUTIAN, "futian_consultant")


@pytest.fixture
def payers(officer: Any, city_officer: Any) -> dict[str, PayerBody]:
    ctx = AuditContext(actor=officer, via="test")
    city = AuditContext(actor=city_officer, via="test")
    return {
        "district": services.payer_create(
            ctx=ctx,
            code="futian-finance",
            name="福田区财政",
            kind="district_finance",
            region_code=FUTIAN,
        ),
        "street": services.payer_create(
            ctx=ctx,
            code="yuanling-finance",
            name="园岭街道财政",
            kind="street_finance",
            region_code="440304001000",
        ),
        "ltc": services.payer_create(
            ctx=city,
            code="sz-ltc-fund",
            name="深圳市长护险基金",
            kind="ltc_fund",
            region_code=SHENZHEN,
        ),
    }


def version_values(**overrides: Any) -> services.VersionValues:
    values: dict[str, Any] = {
        "valid_from": dt.date(2026, 1, 1),
        "eligibility_rule": "true",
        "item_kinds": ["device_rental"],
        "amount_rule": {"type": "percentage", "percent_bp": 8000, "cap_fen": 20000, "per": "month"},
        "shares": [("futian-finance", 5000), ("yuanling-finance", 5000)],
        **overrides,
    }
    return services.VersionValues(**values)


@pytest.fixture
def make_programme(officer: Any, payers: dict[str, PayerBody]) -> Callable[..., Programme]:
    """Create and publish a programme (by the Futian officer unless ``actor`` is given)."""

    def make(
        code: str,
        *,
        name: str | None = None,
        region: str = FUTIAN,
        actor: Any = None,
        publish: bool = True,
        budget_fen: int | None = None,
        year: int | None = None,
        **values: Any,
    ) -> Programme:
        ctx = AuditContext(actor=actor or officer, via="test")
        programme = services.programme_create(
            ctx=ctx,
            code=code,
            name=name or code,
            region_code=region,
            version=version_values(**values),
        )
        if publish:
            services.version_publish(ctx=ctx, version=programme.versions.get())
        if budget_fen is not None:
            services.budget_save(
                ctx=ctx,
                programme=programme,
                year=year or timezone.localdate().year,
                region_code=region,
                amount_fen=budget_fen,
            )
        return programme

    return make


@pytest.fixture
def assess(
    worker: Any, django_capture_on_commit_callbacks: Callable[..., Any]
) -> Callable[[Any, int], Any]:
    """Complete a real GB/T 42195 assessment giving the elder the final ``level``."""
    from silvercare.assessments import services as assessment_services
    from silvercare.assessments.instruments import get_instrument

    assessor = make_assessor(username="subsidy_assessor")
    as_assessor = AuditContext(actor=assessor, via="test")

    def complete(elder: Any, level: int) -> Any:
        items = {item.code: item.max_score for item in get_instrument(GBT).items}
        left = DROP_FOR_LEVEL[level]
        for code in items:
            take = min(left, items[code])
            items[code] -= take
            left -= take
        assessment = assessment_services.assessment_book(
            ctx=AuditContext(actor=worker, via="test"),
            elder=elder,
            reason="first",
            scheduled_for=timezone.localdate(),
            assessor=assessor,
        )
        assessment = assessment_services.assessment_save_answers(
            ctx=as_assessor,
            assessment=assessment,
            items=items,
            forms={"A.5.11": "no", "A.2.14.1": "none", "A.2.14.2": "none"},
        )
        assessment = assessment_services.assessment_submit(ctx=as_assessor, assessment=assessment)
        assessment = assessment_services.assessment_sign(
            ctx=as_assessor, assessment=assessment, informant_name="王小明"
        )
        with django_capture_on_commit_callbacks(execute=True):
            done = assessment_services.assessment_complete(ctx=as_assessor, assessment=assessment)
        assert done.final_level == level
        return done

    return complete
