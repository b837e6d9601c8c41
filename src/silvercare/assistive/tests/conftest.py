"""Fixtures of the assistive tests: a curator, a qualified consultant, an enterprise with a
member, listed products, and elders with real completed GB/T 42195 assessments."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from silvercare.assistive import services
from silvercare.assistive.models import (
    Admission,
    AdmissionStatus,
    Enterprise,
    ListingStatus,
    Product,
)
from silvercare.audit.services import AuditContext
from silvercare.common.testing import COMMUNITY_A1, make_assessor, make_elder, make_user

FUTIAN = "440304000000"
GBT = "gbt42195-2022"


def ctx(user: Any) -> AuditContext:
    return AuditContext(actor=user, via="test")


@pytest.fixture
def curator(regions: None) -> Any:
    return make_user("civil_affairs", FUTIAN, "at_curator")


@pytest.fixture
def consultant(regions: None) -> Any:
    """An AT consultant of Futian with a valid qualification on file."""
    from silvercare.training.services import qualification_record

    user = make_user("at_consultant", FUTIAN, "at_consultant_futian")
    qualification_record(
        ctx=AuditContext(actor=None, via="test"),
        kind="at_consultant",
        user=user,
        number="FZ-2025-001",
        valid_from=dt.date(2025, 1, 1),
        check_actor=False,
    )
    return user


@pytest.fixture
def unqualified_consultant(regions: None) -> Any:
    return make_user("at_consultant", FUTIAN, "at_consultant_new")


@pytest.fixture
def vendor(regions: None) -> Any:
    return make_user("enterprise", FUTIAN, "vendor_user")


@pytest.fixture
def enterprise(vendor: Any) -> Enterprise:
    enterprise = Enterprise.objects.create(name="深圳康扶医疗器械有限公司")
    enterprise.members.add(vendor)
    return enterprise


def values(**overrides: Any) -> services.ProductValues:
    data: dict[str, Any] = {
        "brand": "康扶",
        "model": "KF-W100",
        "name": "铝合金手动轮椅",
        "device_type_code": "12 22 03",
        "specifications": {"seat_width_cm": 46, "max_user_weight_kg": 100},
        "sale_price_fen": 89_000,
        "monthly_rent_fen": 6_000,
        "price_cap_fen": 120_000,
        "rentable": True,
    }
    data.update(overrides)
    return services.ProductValues(**data)


@pytest.fixture
def make_listed(curator: Any, enterprise: Enterprise) -> Callable[..., Product]:
    """A listed product (created and set listed directly; admission is tested separately)."""

    def make(**overrides: Any) -> Product:
        product = services.product_save(
            ctx=ctx(curator), enterprise=enterprise, values=values(**overrides)
        )
        product.status = ListingStatus.LISTED
        product.listed_at = timezone.now()
        product.save()
        Admission.objects.create(product=product, status=AdmissionStatus.LISTED)
        return product

    return make


@pytest.fixture
def elder(worker: Any) -> Any:
    return make_elder(worker, COMMUNITY_A1)


@pytest.fixture
def assess(
    worker: Any, django_capture_on_commit_callbacks: Callable[..., Any]
) -> Callable[..., Any]:
    """Complete a real GB/T 42195 assessment: every item at its maximum except ``scores``."""
    from silvercare.assessments import services as assessment_services
    from silvercare.assessments.instruments import get_instrument

    assessor = make_assessor(username="at_test_assessor")
    as_assessor = ctx(assessor)

    def complete(elder: Any, scores: dict[str, int], forms: dict[str, Any] | None = None) -> Any:
        items = {item.code: item.max_score for item in get_instrument(GBT).items}
        items.update(scores)
        assessment = assessment_services.assessment_book(
            ctx=ctx(worker),
            elder=elder,
            reason="first",
            scheduled_for=timezone.localdate(),
            assessor=assessor,
        )
        answers = {"A.5.11": "no", "A.2.14.1": "none", "A.2.14.2": "none", **(forms or {})}
        assessment = assessment_services.assessment_save_answers(
            ctx=as_assessor, assessment=assessment, items=items, forms=answers
        )
        assessment = assessment_services.assessment_submit(ctx=as_assessor, assessment=assessment)
        assessment = assessment_services.assessment_sign(
            ctx=as_assessor, assessment=assessment, informant_name="王小明"
        )
        with django_capture_on_commit_callbacks(execute=True):
            return assessment_services.assessment_complete(ctx=as_assessor, assessment=assessment)

    return complete
