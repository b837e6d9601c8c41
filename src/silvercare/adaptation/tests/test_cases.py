"""The state machine (every legal step and the illegal ones, refused with the rule), the
checklist rules, plan totals with the subsidy quote and its reservation, and the audit."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from silvercare.adaptation import services
from silvercare.adaptation.checklist import checklist, parse
from silvercare.adaptation.models import AdaptationCase
from silvercare.adaptation.services import TRANSITIONS, AnswerIn
from silvercare.audit.models import AuditEvent
from silvercare.audit.services import AuditContext
from silvercare.common.errors import DomainError, ValidationFailed
from silvercare.common.testing import COMMUNITY_LUOHU, make_elder
from silvercare.subsidies.models import Reservation

from .conftest import answer_all

pytestmark = pytest.mark.django_db


def test_the_shipped_checklist_follows_the_national_list() -> None:
    data = checklist()
    assert len(data.recommended) == 30
    assert {r.zh for r in data.recommended if r.basic} == {
        "防滑处理",
        "高差处理",
        "安装床边护栏（抓杆）",
        "安装扶手（如厕洗浴）",
        "配置淋浴椅",
        "配置手杖",
        "配置防走失装置",
    }
    assert {a.code for a in data.areas} >= {"lighting", "bathroom", "stairs", "kitchen"}
    assert "民发〔2020〕86号" in data.source
    with pytest.raises(ValueError, match="unknown items"):
        parse(
            {
                "version": "x",
                "source": "",
                "areas": [{"code": "a", "zh": "", "en": ""}],
                "items": [{"code": "q", "area": "a", "zh": "", "en": "", "suggests": ["R99"]}],
                "recommended": [],
            }
        )


def test_checklist_answers_are_validated_all_at_once(ctx: AuditContext, elder: Any) -> None:
    case = services.case_open(ctx=ctx, elder=elder)
    with pytest.raises(ValidationFailed) as caught:
        services.checklist_record(
            ctx=ctx,
            case=case,
            answers=[
                AnswerIn("floor_slip", "maybe"),
                AnswerIn("no_such_question", "ok"),
                AnswerIn("light_night", "hazard", "bad\x00note"),
            ],
        )
    fields = {(e.field, e.code) for e in caught.value.errors}
    assert ("answers.floor_slip", "answer_invalid") in fields
    assert ("answers.no_such_question", "checklist_item_unknown") in fields
    assert any(f == "answers.light_night" for f, _c in fields)
    assert case.answers.count() == 0  # nothing half-written
    services.checklist_record(
        ctx=ctx, case=case, answers=[AnswerIn("floor_slip", "hazard", "卫生间瓷砖湿滑")]
    )
    services.checklist_record(ctx=ctx, case=case, answers=[AnswerIn("floor_slip", "ok")])
    [answer] = case.answers.all()
    assert (answer.answer, answer.note) == ("ok", "")


def test_planning_needs_a_complete_checklist_and_an_item(
    ctx: AuditContext, elder: Any, programme: Any
) -> None:
    case = services.case_open(ctx=ctx, elder=elder)
    services.checklist_record(ctx=ctx, case=case, answers=[AnswerIn("floor_slip", "hazard")])
    with pytest.raises(ValidationFailed) as caught:
        services.case_plan(ctx=ctx, case=case)
    codes = {e.code for e in caught.value.errors}
    assert codes == {"checklist_incomplete", "plan_empty"}
    missing = caught.value.errors[0].params["missing"].split(",")
    assert len(missing) == len(checklist().questions) - 1
    case.refresh_from_db()
    assert case.status == "assessed"


def test_plan_totals_and_the_subsidy_quote(
    planned_case: Callable[..., Any], worker: Any, officer: Any
) -> None:
    case = planned_case("planned")
    # 2 grab bars × 200 yuan + 10 m² anti-slip × 80 yuan = 1,200 yuan; 80 % subsidy.
    assert case.total_fen == 120_000
    assert case.subsidy_fen == 96_000
    assert case.elder_pays_fen == 24_000
    from silvercare.subsidies.models import Quote

    quote = Quote.objects.get(pk=case.quote_id)
    assert (quote.item_kind, quote.item_code, quote.price_fen) == (
        "service",
        "home_adaptation",
        120_000,
    )
    # A change of a finished plan is quoted again.
    services.plan_item_add(
        ctx=AuditContext(actor=worker),
        case=case,
        name="燃气报警器（自购型号）",
        quantity=1,
        unit_price_fen=35_050,
    )
    case.refresh_from_db()
    assert case.total_fen == 155_050
    assert case.subsidy_fen == 124_040  # 80 % of 1,550.50 yuan
    assert case.elder_pays_fen == 31_010
    assert case.quote_id != quote.pk


def test_approval_reserves_acceptance_commits(
    planned_case: Callable[..., Any], officer: Any
) -> None:
    case = planned_case("approved", approver=officer)
    [reservation] = Reservation.objects.filter(pk__in=case.reservation_ids)
    assert (reservation.status, reservation.amount_fen) == ("reserved", 96_000)
    assert case.approved_by == officer
    case = services.works_start(ctx=AuditContext(actor=officer), case=case)
    case = services.case_accept(
        ctx=AuditContext(actor=officer),
        case=case,
        checked_item_ids=[i.pk for i in case.items.all()],
        signed_by="李明",
        signer="family",
    )
    reservation.refresh_from_db()
    assert (reservation.status, reservation.committed_fen) == ("committed", 96_000)
    assert case.follow_up_due_on == timezone.localdate() + dt.timedelta(days=30)


def test_whoever_planned_cannot_approve(planned_case: Callable[..., Any], worker: Any) -> None:
    case = planned_case("planned")
    with pytest.raises(DomainError) as caught:
        services.case_approve(ctx=AuditContext(actor=worker), case=case)
    assert caught.value.code == "approver_is_planner"
    case.refresh_from_db()
    assert case.status == "planned"
    assert not Reservation.objects.exists()


def test_cancelling_an_approved_case_releases_the_subsidy(
    planned_case: Callable[..., Any], officer: Any, worker: Any
) -> None:
    case = planned_case("approved", approver=officer)
    with pytest.raises(ValidationFailed):
        services.case_cancel(ctx=AuditContext(actor=worker), case=case, reason=" ")
    case = services.case_cancel(ctx=AuditContext(actor=worker), case=case, reason="老人搬去子女家")
    assert case.status == "cancelled"
    [reservation] = Reservation.objects.filter(pk__in=case.reservation_ids)
    assert (reservation.status, reservation.released_fen) == ("released", 96_000)


def test_acceptance_needs_every_item_checked(
    planned_case: Callable[..., Any], officer: Any, worker: Any
) -> None:
    case = planned_case("in_works", approver=officer)
    first = case.items.order_by("created_at").first()
    with pytest.raises(ValidationFailed) as caught:
        services.case_accept(
            ctx=AuditContext(actor=worker),
            case=case,
            checked_item_ids=[first.pk],
            signed_by="陈淑芬",
            signer="elder",
        )
    [error] = caught.value.errors
    assert error.code == "items_not_checked"
    assert "防滑处理" in str(error.message)
    case.refresh_from_db()
    assert case.status == "in_works"


def test_the_whole_way_with_the_follow_up_after_n_days(
    planned_case: Callable[..., Any], officer: Any, worker: Any, time_machine: Any
) -> None:
    case = planned_case("in_works", approver=officer)
    ctx = AuditContext(actor=worker)
    entry = services.works_record(
        ctx=ctx, case=case, on=timezone.localdate(), progress=50, note="卫生间扶手已安装"
    )
    assert entry.progress == 50
    case = services.case_accept(
        ctx=ctx,
        case=case,
        checked_item_ids=[i.pk for i in case.items.all()],
        signed_by="陈淑芬",
        signer="elder",
        follow_up_days=7,
    )
    with pytest.raises(ValidationFailed) as caught:
        services.case_follow_up(ctx=ctx, case=case, outcome="improved")
    assert caught.value.errors[0].code == "follow_up_too_early"
    time_machine.move_to(timezone.now() + dt.timedelta(days=8))
    case = services.case_follow_up(ctx=ctx, case=case, outcome="improved", note="扶手在用")
    assert case.status == "followed_up"
    summaries = list(
        AuditEvent.objects.filter(entity_type="adaptation.case", entity_id=str(case.pk))
        .order_by("id")
        .values_list("summary", flat=True)
    )
    steps = [s.split(" ", 2)[1] for s in summaries]
    for step in ("open", "checklist", "plan:", "approve:", "works", "accept", "follow-up"):
        assert step in steps, (step, steps)


ALL_STATES = ("assessed", "planned", "approved", "in_works", "accepted", "followed_up", "cancelled")


ILLEGAL = [
    (state, action)
    for action, (sources, _target) in TRANSITIONS.items()
    for state in ALL_STATES
    if state not in sources
]


def test_the_table_of_transitions() -> None:
    """The legal steps (each taken by the flows above): the chain and cancel before
    acceptance; everything else (ILLEGAL) is refused below."""
    assert {a: (list(s), t) for a, (s, t) in TRANSITIONS.items()} == {
        "plan": (["assessed"], "planned"),
        "approve": (["planned"], "approved"),
        "start_works": (["approved"], "in_works"),
        "accept": (["in_works"], "accepted"),
        "follow_up": (["accepted"], "followed_up"),
        "cancel": (["assessed", "planned", "approved", "in_works"], "cancelled"),
    }
    assert len(ILLEGAL) == 6 * 7 - 9


@pytest.mark.parametrize(("state", "action"), ILLEGAL)
def test_every_illegal_transition_is_refused_with_the_rule(
    state: str, action: str, ctx: AuditContext, elder: Any, officer: Any
) -> None:
    sources, _target = TRANSITIONS[action]
    case = services.case_open(ctx=ctx, elder=elder)
    AdaptationCase.objects.filter(pk=case.pk).update(status=state)
    case.refresh_from_db()
    octx = AuditContext(actor=officer)
    calls = {
        "plan": lambda: services.case_plan(ctx=ctx, case=case),
        "approve": lambda: services.case_approve(ctx=octx, case=case),
        "start_works": lambda: services.works_start(ctx=ctx, case=case),
        "accept": lambda: services.case_accept(
            ctx=ctx, case=case, checked_item_ids=[], signed_by="陈淑芬", signer="elder"
        ),
        "follow_up": lambda: services.case_follow_up(ctx=ctx, case=case, outcome="improved"),
        "cancel": lambda: services.case_cancel(ctx=ctx, case=case, reason="测试"),
    }
    before = AuditEvent.objects.count()
    with pytest.raises(DomainError) as caught:
        calls[action]()
    assert caught.value.code == "transition_invalid"
    assert caught.value.status == 409
    assert caught.value.extra["allowed_from"] == list(sources)
    case.refresh_from_db()
    assert case.status == state
    assert AuditEvent.objects.count() == before


def test_the_checklist_and_plan_freeze_after_approval(
    planned_case: Callable[..., Any], officer: Any, worker: Any
) -> None:
    case = planned_case("approved", approver=officer)
    ctx = AuditContext(actor=worker)
    with pytest.raises(DomainError) as caught:
        services.plan_item_add(ctx=ctx, case=case, code="R24", quantity=1)
    assert caught.value.code == "case_closed"
    with pytest.raises(DomainError):
        answer_all(ctx, case)
    assert case.items.count() == 2


def test_one_open_case_per_elder_and_scope(
    ctx: AuditContext, elder: Any, other_worker: Any
) -> None:
    first = services.case_open(ctx=ctx, elder=elder)
    with pytest.raises(DomainError) as caught:
        services.case_open(ctx=ctx, elder=elder)
    assert caught.value.code == "adaptation_case_open"
    assert first.number in str(caught.value.message)
    with pytest.raises(DomainError) as denied:
        services.case_open(ctx=AuditContext(actor=other_worker), elder=make_elder(ctx.actor))
    assert denied.value.status == 403
    luohu_elder = make_elder(other_worker, COMMUNITY_LUOHU, name="罗湖老人")
    with pytest.raises(DomainError):
        services.case_open(ctx=ctx, elder=luohu_elder)


def test_plan_item_input_is_checked(ctx: AuditContext, elder: Any) -> None:
    case = services.case_open(ctx=ctx, elder=elder)
    with pytest.raises(ValidationFailed) as caught:
        services.plan_item_add(ctx=ctx, case=case, code="R99", quantity=0, unit_price_fen=-1)
    assert {e.code for e in caught.value.errors} == {
        "recommended_item_unknown",
        "quantity_invalid",
        "price_invalid",
    }
    with pytest.raises(ValidationFailed) as free:
        services.plan_item_add(ctx=ctx, case=case, quantity=1, unit_price_fen=100)
    assert free.value.errors[0].field == "name"
    item = services.plan_item_add(ctx=ctx, case=case, code="R17", quantity=1)
    assert (item.name, item.basic, item.unit_price_fen) == ("配置淋浴椅", True, 20_000)


def test_a_contractor_must_work_in_the_elders_area(
    ctx: AuditContext, elder: Any, other_worker: Any
) -> None:
    luohu = services.contractor_create(
        ctx=AuditContext(actor=other_worker), region_code="440303001000", name="罗湖装修队"
    )
    case = services.case_open(ctx=ctx, elder=elder)
    with pytest.raises(ValidationFailed) as caught:
        services.contractor_assign(ctx=ctx, case=case, contractor=luohu)
    assert caught.value.errors[0].code == "contractor_out_of_area"


def test_works_cannot_start_without_a_contractor(
    ctx: AuditContext, elder: Any, programme: Any, officer: Any
) -> None:
    case = services.case_open(ctx=ctx, elder=elder)
    answer_all(ctx, case)
    services.plan_item_add(ctx=ctx, case=case, code="R24", quantity=1)
    case = services.case_plan(ctx=ctx, case=case)
    case = services.case_approve(ctx=AuditContext(actor=officer), case=case)
    with pytest.raises(ValidationFailed) as caught:
        services.works_start(ctx=ctx, case=case)
    assert caught.value.errors[0].code == "contractor_required"
    case.refresh_from_db()
    assert case.status == "approved"


def test_photos_must_be_images(ctx: AuditContext, elder: Any) -> None:
    case = services.case_open(ctx=ctx, elder=elder)
    with pytest.raises(ValidationFailed) as caught:
        services.photo_add(
            ctx=ctx, case=case, content=b"<svg></svg>", stage="checklist", question="floor_slip"
        )
    assert caught.value.errors[0].code == "photo_invalid"
    photo = services.photo_add(
        ctx=ctx,
        case=case,
        content=b"\x89PNG\r\n\x1a\n" + b"0" * 20,
        stage="checklist",
        question="floor_slip",
    )
    assert photo.content_type == "image/png"
