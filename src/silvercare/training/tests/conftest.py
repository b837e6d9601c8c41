"""Fixtures of the training tests: a Futian course organiser, a course, a session, elders
with family contacts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from silvercare.audit.services import AuditContext
from silvercare.common.testing import COMMUNITY_A1, STREET_A, make_elder, make_user
from silvercare.elders.services import contact_add
from silvercare.training import services


@pytest.fixture
def organiser(worker: Any) -> Any:
    """The street-A community worker organises courses there."""
    return worker


@pytest.fixture
def course(organiser: Any) -> Any:
    return services.course_create(
        ctx=AuditContext(actor=organiser, via="test"),
        region_code=STREET_A,
        title="居家转移与防跌倒",
        hours=Decimal("12"),
        audience="family",
        leads_to="family_caregiver",
        certificate_months=24,
    )


@pytest.fixture
def make_session(organiser: Any, course: Any) -> Callable[..., Any]:
    def make(*, capacity: int = 2, starts_in: dt.timedelta = dt.timedelta(days=-1)) -> Any:
        start = timezone.now() + starts_in
        return services.session_schedule(
            ctx=AuditContext(actor=organiser, via="test"),
            course=course,
            region_code=COMMUNITY_A1,
            place="华富社区党群服务中心",
            starts_at=start,
            ends_at=start + dt.timedelta(hours=3),
            trainer="刘芳",
            capacity=capacity,
        )

    return make


@pytest.fixture
def family(organiser: Any) -> list[Any]:
    """Four family members of two elders of community A1."""
    ctx = AuditContext(actor=organiser, via="test")
    people = []
    for elder_name, children in (("王秀英", ("李娜", "李强")), ("赵桂兰", ("陈敏", "陈伟"))):
        elder = make_elder(organiser, COMMUNITY_A1, name=elder_name)
        for index, name in enumerate(children):
            people.append(
                contact_add(
                    ctx=ctx,
                    elder=elder,
                    values={
                        "name": name,
                        "relationship": "child",
                        "phone": f"1390000{len(people):04d}",
                        "priority": index + 1,
                    },
                )
            )
    return people


@pytest.fixture
def officer(regions: None) -> Any:
    return make_user("civil_affairs", "440304000000", "futian_training_officer")
