"""Fixtures of the home-adaptation tests: a Futian home-adaptation subsidy (80 % up to
3,000 yuan for economically difficult elders, budgeted), an elder of community A1 who
qualifies, a contractor of street A, an officer who approves."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from silvercare.adaptation import services
from silvercare.adaptation.checklist import checklist
from silvercare.audit.services import AuditContext
from silvercare.common.testing import COMMUNITY_A1, STREET_A, make_elder, make_user

FUTIAN = "440304000000"


@pytest.fixture
def officer(regions: None) -> Any:
    """A Futian civil-affairs officer: manages subsidies and approves plans."""
    return make_user("civil_affairs", FUTIAN, "futian_adaptation_officer")


@pytest.fixture
def programme(officer: Any) -> Any:
    from silvercare.subsidies import services as subsidies

    ctx = AuditContext(actor=officer, via="test")
    subsidies.payer_create(
        ctx=ctx, code="ft-finance", name="福田区财政局", kind="district_finance", region_code=FUTIAN
    )
    programme = subsidies.programme_create(
        ctx=ctx,
        code="ft-home-adaptation",
        name="福田区特殊困难老年人居家适老化改造补贴",
        region_code=FUTIAN,
        version=subsidies.VersionValues(
            valid_from=dt.date(2020, 1, 1),
            eligibility_rule='"econ_difficult" in categories',
            item_kinds=["service"],
            item_codes=["home_adaptation"],
            amount_rule={"type": "percentage", "percent_bp": 8000, "cap_fen": 300_000},
            lifetime_limit_fen=300_000,
            shares=[("ft-finance", 10000)],
        ),
    )
    subsidies.version_publish(ctx=ctx, version=programme.versions.get())
    subsidies.budget_save(
        ctx=ctx,
        programme=programme,
        year=timezone.localdate().year,
        region_code=FUTIAN,
        amount_fen=1_000_000,
    )
    return programme


@pytest.fixture
def elder(worker: Any) -> Any:
    return make_elder(worker, COMMUNITY_A1, name="陈淑芬", categories=["econ_difficult"])


@pytest.fixture
def contractor(worker: Any) -> Any:
    return services.contractor_create(
        ctx=AuditContext(actor=worker, via="test"),
        region_code=STREET_A,
        name="园岭安居适老化工程有限公司",
        credit_code="91440300MA5XXXXX1K",
    )


@pytest.fixture
def ctx(worker: Any) -> AuditContext:
    return AuditContext(actor=worker, via="test")


def answer_all(ctx: AuditContext, case: Any, hazards: tuple[str, ...] = ()) -> None:
    services.checklist_record(
        ctx=ctx,
        case=case,
        answers=[
            services.AnswerIn(q.code, "hazard" if q.code in hazards else "ok")
            for q in checklist().questions
        ],
    )


@pytest.fixture
def planned_case(
    ctx: AuditContext, elder: Any, programme: Any, contractor: Any
) -> Callable[..., Any]:
    """A case taken to ``upto`` (planned, approved, in_works, accepted) the normal way:
    grab bars (2 × 200 yuan) and anti-slip floor (10 m² × 80 yuan): 1,200 yuan."""

    def make(upto: str = "planned", *, approver: Any = None) -> Any:
        case = services.case_open(ctx=ctx, elder=elder)
        answer_all(ctx, case, hazards=("bath_toilet_bars", "floor_slip"))
        services.plan_item_add(ctx=ctx, case=case, code="R13", quantity=2)
        services.plan_item_add(ctx=ctx, case=case, code="R01", quantity=10)
        services.contractor_assign(ctx=ctx, case=case, contractor=contractor)
        case = services.case_plan(ctx=ctx, case=case)
        if upto == "planned":
            return case
        octx = AuditContext(actor=approver, via="test")
        case = services.case_approve(ctx=octx, case=case)
        if upto == "approved":
            return case
        case = services.works_start(ctx=ctx, case=case)
        if upto == "in_works":
            return case
        case = services.case_accept(
            ctx=ctx,
            case=case,
            checked_item_ids=[i.pk for i in case.items.all()],
            signed_by="陈淑芬",
            signer="elder",
            follow_up_days=1,
        )
        return case

    return make
