"""Demo home adaptation: the city's subsidy for households of elders in special difficulty
(kind ``service``, item code ``home_adaptation``), three contractors and twenty cases in
园岭街道 and 罗湖 in every state — checklists with hazards, plans from the recommended
list, approvals with reserved subsidies, works with progress, acceptances and follow-up
visits over the last months, one cancelled. Built through the services; idempotent."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.db.models import Case, Q, When
from django.utils import timezone

from silvercare.adaptation import services
from silvercare.adaptation.checklist import checklist
from silvercare.adaptation.models import AdaptationCase, Contractor
from silvercare.audit.services import AuditContext

SEED = 2026_08
CITY = "440300000000"
PROGRAMME = "sz-home-adaptation"
# (state, how many, days ago the home was visited) in 园岭街道; Luohu gets a few more.
PLAN = [
    ("assessed", 3, 3),
    ("planned", 3, 12),
    ("approved", 3, 20),
    ("cancelled", 1, 40),
    ("in_works", 3, 35),
    ("accepted", 3, 75),
    ("followed_up", 3, 120),
]
SUBSIDISED = {"approved", "in_works", "accepted", "followed_up"}
LUOHU = [("planned", 1, 10), ("in_works", 1, 30), ("followed_up", 2, 150)]
QUANTITY = {"平方米": (6, 16), "米": (2, 7)}


def _programme(officer: Any, today: dt.date) -> None:
    """The city's home-adaptation subsidy (basic items for 特困, disabled and severely
    dependent elders: in full up to 3,000 yuan per household), with this year's budget."""
    from silvercare.subsidies import services as subsidies
    from silvercare.subsidies.models import PayerBody, Programme

    if Programme.objects.filter(code=PROGRAMME).exists():
        return
    ctx = AuditContext(actor=officer, via="command")
    if not PayerBody.objects.filter(code="sz-finance").exists():
        subsidies.payer_create(
            ctx=ctx, code="sz-finance", name="深圳市财政局", kind="city_finance", region_code=CITY
        )
    programme = subsidies.programme_create(
        ctx=ctx,
        code=PROGRAMME,
        name="特殊困难老年人家庭居家适老化改造补贴",
        region_code=CITY,
        description=(
            "分散供养特困、低保及低保边缘家庭中的高龄、失能、残疾老年人家庭，"
            "居家适老化改造费用按实际全额补贴，每户最高3,000元（民发〔2020〕86号）。"
        ),
        version=subsidies.VersionValues(
            valid_from=dt.date(today.year - 1, 1, 1),
            eligibility_rule=(
                '"econ_difficult" in categories || has_disability_certificate'
                " || (level != null && level >= 3)"
            ),
            item_kinds=["service"],
            item_codes=["home_adaptation"],
            amount_rule={"type": "percentage", "percent_bp": 10000, "cap_fen": 300_000},
            lifetime_limit_fen=300_000,
            stacking_priority=5,
            shares=[("sz-finance", 10000)],
        ),
    )
    subsidies.version_publish(ctx=ctx, version=programme.versions.get())
    subsidies.budget_save(
        ctx=ctx, programme=programme, year=today.year, region_code=CITY, amount_fen=2_000_000_00
    )


def _contractors(ctx: AuditContext, officer: AuditContext) -> dict[str, Contractor]:
    made = {
        "yuanling": services.contractor_create(
            ctx=ctx,
            region_code="440304001000",
            name="深圳市安居适老化工程有限公司",
            credit_code="91440300MA5G8K2X7L",
            phone="0755-83210000",
        ),
        "futian": services.contractor_create(
            ctx=officer,
            region_code="440304000000",
            name="福田区银龄家居改造服务中心",
            phone="0755-82900000",
        ),
        "luohu": services.contractor_create(
            ctx=officer,
            region_code="440303000000",
            name="罗湖区康居适老化装饰工程部",
            phone="0755-25100000",
        ),
    }
    return made


def _take(
    *,
    case: Any,
    state: str,
    days_ago: int,
    rng: random.Random,
    ctx: AuditContext,
    approver: AuditContext,
    contractor: Contractor,
    today: dt.date,
) -> None:
    data = checklist()
    questions = list(data.questions)
    hazards = set(rng.sample([q.code for q in questions], rng.randint(3, 7)))
    answers = [
        services.AnswerIn(
            q.code,
            "hazard" if q.code in hazards else ("na" if rng.random() < 0.1 else "ok"),
            "需改造" if q.code in hazards else "",
        )
        for q in questions
    ]
    if state == "assessed":
        answers = answers[: rng.randint(8, 20)]  # the visit is still being written up
    services.checklist_record(ctx=ctx, case=case, answers=answers)
    codes: list[str] = []
    for q in questions:
        if q.code in hazards:
            codes += [c for c in q.suggests[:1] if c not in codes]
    for code in codes[:5]:
        item = data.item(code)
        assert item is not None
        low, high = QUANTITY.get(item.unit_zh, (1, 3))
        services.plan_item_add(ctx=ctx, case=case, code=code, quantity=rng.randint(low, high - 1))
    if state == "assessed":
        return
    services.contractor_assign(ctx=ctx, case=case, contractor=contractor)
    if state == "cancelled":
        services.case_cancel(ctx=ctx, case=case, reason="老人入住养老机构，家属申请终止改造")
        return
    services.case_plan(ctx=ctx, case=case)
    if state == "planned":
        return
    services.case_approve(ctx=approver, case=case)
    if state == "approved":
        return
    started = today - dt.timedelta(days=days_ago - 5)
    services.works_start(ctx=ctx, case=case, started_on=started)
    steps = 2 if state == "in_works" else 3
    for n in range(steps):
        services.works_record(
            ctx=ctx,
            case=case,
            on=started + dt.timedelta(days=2 * n),
            progress=min(100, 40 * (n + 1)),
            note=["进场施工，拆除门槛", "卫生间扶手、淋浴椅安装", "地面防滑处理完成，清场"][n],
        )
    if state == "in_works":
        return
    accepted = started + dt.timedelta(days=7)
    case.refresh_from_db()
    services.case_accept(
        ctx=ctx,
        case=case,
        checked_item_ids=[i.pk for i in case.items.all()],
        signed_by=case.elder.name,
        signer="elder" if rng.random() < 0.6 else "family",
        accepted_on=accepted,
        follow_up_days=30,
    )
    if state == "accepted":
        return
    services.case_follow_up(
        ctx=ctx,
        case=case,
        outcome=rng.choice(["improved", "improved", "partly"]),
        visited_on=accepted + dt.timedelta(days=32),
        note="扶手牢固，老人能独立如厕",
    )


def seed_demo() -> dict[str, int]:
    """Build the demo cases once (nothing happens when a case exists)."""
    from silvercare.accounts.models import User
    from silvercare.elders.models import Elder

    if AdaptationCase.objects.exists():
        return {"cases": 0}
    users = {
        u.username: u
        for u in User.objects.filter(
            username__in=["community_worker", "community_worker_luohu", "civil_affairs"]
        )
    }
    if len(users) < 3:
        return {"cases": 0}
    today = timezone.localdate()
    rng = random.Random(SEED)  # noqa: S311 - deterministic demo data, not a secret
    worker = AuditContext(actor=users["community_worker"], via="command")
    luohu = AuditContext(actor=users["community_worker_luohu"], via="command")
    officer = AuditContext(actor=users["civil_affairs"], via="command")
    _programme(users["civil_affairs"], today)
    contractors = _contractors(worker, officer)
    made = 0
    for street, plan, ctx, contractor_key in (
        ("440304001", PLAN, worker, "yuanling"),
        ("440303001", LUOHU, luohu, "luohu"),
    ):
        wanted = sum(n for _s, n, _d in plan)
        pool = Elder.objects.filter(region__code__startswith=street, status="active")
        step = 3 if pool.count() >= wanted * 3 else 1  # spread over communities when it can
        # The subsidy's households (special difficulty, disabled, dependent) come first and
        # go to the cases that hold or have spent a subsidy.
        needy = Q(is_econ_difficult=True) | Q(is_disabled=True) | Q(ability_level__gte=3)
        elders = pool.annotate(later=Case(When(needy, then=0), default=1)).order_by(
            "later", "id_number_hash"
        )[: wanted * step : step]
        slots = [(state, i, days) for state, count, days in plan for i in range(count)]
        # Every state once, subsidised ones first; then the rest, subsidised ones first.
        order = sorted(slots, key=lambda s: (s[1] > 0, s[0] not in SUBSIDISED))
        chosen = dict(zip(order, elders, strict=False))
        for slot in slots:
            if slot not in chosen:
                continue
            state, index, days_ago = slot
            visited = today - dt.timedelta(days=days_ago + 9 * index)
            case = services.case_open(ctx=ctx, elder=chosen[slot], assessed_on=visited)
            contractor = contractors[
                "futian" if contractor_key == "yuanling" and index == 2 else contractor_key
            ]
            _take(
                case=case,
                state=state,
                days_ago=days_ago + 9 * index,
                rng=rng,
                ctx=ctx,
                approver=officer,
                contractor=contractor,
                today=today,
            )
            made += 1
    return {"cases": made}
