"""Demo supervision data: a city score model, credit events over two years with grades, a
blacklisting under appeal, two past random-inspection draws with their results published, an
open draw for the demo inspector, and a current fraud warning in Futian. Runs after the
industry demo (its enterprises and facilities are the pools); does nothing a second time."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.db import transaction
from django.utils import timezone

from silvercare.audit.services import AuditContext
from silvercare.common.errors import DomainError
from silvercare.supervision import scoring, services
from silvercare.supervision.models import InspectionDraw

CITY = "440300000000"
FUTIAN = "440304000000"
SEED = 20260514
FIRST_DRAW = "2025年第四季度养老机构和日间照料中心双随机抽查"
# Inspectors employed in a district (their grant), beside the demo's city-wide inspector.
DISTRICT_INSPECTORS = [
    ("inspector_futian", "440304000000", "邓志远"),
    ("inspector_luohu", "440303000000", "苏婉清"),
    ("inspector_nanshan", "440305000000", "程立新"),
    ("inspector_baoan", "440306000000", "叶锦华"),
]
_EVENTS = [
    ("award", "award", "获评区级养老服务示范单位"),
    ("complaint_upheld", "complaint", "家属投诉护理不及时，经核实属实"),
    ("correction_ordered", "inspection", "消防检查发现疏散通道堆放杂物，责令整改"),
    ("penalty", "penalty", "未按规定公示收费标准，警告并罚款"),
    ("good_inspection", "inspection", "日常检查未发现问题"),
]
_FINDINGS = {
    "compliant": "证照齐全，消防设施完好，服务台账规范。",
    "correction": "部分灭火器过期，护理记录有缺页，限期整改。",
    "violation": "超出核定床位收住老人，已立案调查。",
}


def _ctx(user: Any) -> AuditContext:
    return AuditContext(actor=user, via="command")


def seed_demo() -> dict[str, int]:
    from silvercare.accounts.models import User

    if InspectionDraw.objects.filter(title=FIRST_DRAW).exists():
        return {"draws": 0}
    officer = User.objects.filter(username="civil_affairs").first()
    if officer is None:
        return {"draws": 0}
    from silvercare.industry.selectors import enterprises_visible

    enterprises = list(enterprises_visible(officer).order_by("credit_code")[:400])
    if not enterprises:
        return {"draws": 0}
    rng = random.Random(SEED)  # noqa: S311 (deterministic demo data, not a secret)
    ctx = _ctx(officer)
    with transaction.atomic():
        _inspectors()
        services.score_model_publish(
            ctx=ctx,
            region_code=CITY,
            base_score=scoring.BUILT_IN["base_score"],
            half_life_months=24,
            categories=scoring.BUILT_IN["categories"],
            thresholds=scoring.BUILT_IN["thresholds"],
            note="深圳市养老服务信用评价办法（示范）",
        )
        events = _credit(ctx, rng, enterprises)
        draws = _draws(ctx)
        _warning(ctx)
    return {"credit_events": events, "draws": draws}


def _inspectors() -> None:
    from silvercare.accounts.models import User
    from silvercare.accounts.services import user_create
    from silvercare.demo.city import DEMO_PASSWORD
    from silvercare.regions.models import Region

    for username, region, name in DISTRICT_INSPECTORS:
        if User.objects.filter(username=username).exists():
            continue
        if not Region.objects.filter(code=region).exists():
            continue
        user_create(
            ctx=AuditContext(actor=None, via="command"),
            username=username,
            password=DEMO_PASSWORD,
            display_name=name,
            grants=[("inspector", region)],
            check_actor=False,
        )


def _credit(ctx: AuditContext, rng: random.Random, enterprises: list[Any]) -> int:
    from silvercare.accounts.models import User

    today = timezone.localdate()
    count = 0
    for enterprise in rng.sample(enterprises, min(40, len(enterprises))):
        subject = services.subject_for_enterprise(enterprise)
        for _ in range(rng.choice([1, 1, 2, 3])):
            category, source, evidence = rng.choice(_EVENTS)
            services.credit_event_record(
                ctx=ctx,
                subject=subject,
                category=category,
                occurred_on=today - dt.timedelta(days=rng.randint(10, 700)),
                source=source,
                evidence=evidence,
            )
            count += 1
    # Two poor records: one to the blacklist, under appeal.
    for enterprise in enterprises[5:7]:
        subject = services.subject_for_enterprise(enterprise)
        for evidence in ("虚报服务人次骗取运营补贴", "拒不整改消防隐患"):
            services.credit_event_record(
                ctx=ctx,
                subject=subject,
                category="fraud" if "骗取" in evidence else "penalty",
                occurred_on=today - dt.timedelta(days=rng.randint(30, 200)),
                source="penalty",
                evidence=evidence,
                reference=f"深民罚〔2026〕{rng.randint(10, 99)}号",
            )
            count += 1
    listed = services.subject_for_enterprise(enterprises[5])
    entry = services.blacklist_add(
        ctx=ctx,
        subject=listed,
        reason="虚报服务人次骗取运营补贴，金额较大",
        starts_on=today - dt.timedelta(days=60),
        ends_on=today + dt.timedelta(days=305),
    )
    services.appeal_file(
        ctx=ctx,
        entry=entry,
        grounds="已全额退回补贴并更换负责人，请求提前移出",
        filed_on=today - dt.timedelta(days=20),
    )
    for username, kind, category, evidence in (
        ("caregiver", "caregiver", "award", "获评街道优秀护理员"),
        ("rental_operator", "rental_operator", "complaint_upheld", "辅具配送延误，投诉属实"),
    ):
        user = User.objects.filter(username=username).first()
        if user is None:
            continue
        services.credit_event_record(
            ctx=ctx,
            subject=services.subject_for_user(user, kind),
            category=category,
            occurred_on=today - dt.timedelta(days=45),
            source="complaint" if category == "complaint_upheld" else "award",
            evidence=evidence,
        )
        count += 1
    return count


def _draws(ctx: AuditContext) -> int:
    now = timezone.now()
    made = 0
    for title, kinds, days_ago, bp, publish in (
        (FIRST_DRAW, ["institution", "day_care"], 200, 1000, True),
        (
            "2026年第一季度社区养老服务站和长者服务中心双随机抽查",
            ["centre", "station"],
            110,
            500,
            True,
        ),
        ("2026年第二季度养老服务企业双随机抽查", ["enterprise"], 3, 200, False),
    ):
        drawn_at = now - dt.timedelta(days=days_ago)
        try:
            draw = services.draw_create(
                ctx=ctx,
                title=title,
                region_code=CITY,
                kinds=kinds,
                default_bp=bp,
                by_grade={"C": bp * 2, "D": bp * 4},
                seed=f"{SEED:x}{made:02d}".ljust(64, "0"),
                now=drawn_at,
            )
        except DomainError:
            continue  # a pool the industry demo left empty
        made += 1
        if not publish:
            continue
        outcomes = ["compliant", "compliant", "correction", "compliant", "violation"]
        for n, inspection in enumerate(draw.inspections.order_by("position")):
            outcome = outcomes[n % len(outcomes)]
            on = drawn_at.date() + dt.timedelta(days=14 + n)
            services.inspection_record(
                ctx=_ctx(inspection.inspectors.order_by("pk").first()),
                inspection=inspection,
                outcome=outcome,
                findings=_FINDINGS[outcome],
                inspected_on=on,
                correction_deadline=on + dt.timedelta(days=30) if outcome == "correction" else None,
            )
        services.draw_publish(ctx=ctx, draw=draw)
    return made


def _warning(ctx: AuditContext) -> None:
    today = timezone.localdate()
    services.warning_publish(
        ctx=ctx,
        title="警惕“免费体检+保健品”会销骗局",
        pattern=(
            "不法分子以免费体检、旅游、领鸡蛋为名邀请老人听讲座，夸大保健品疗效，"
            "诱导老人高价购买或“投资养老项目”。"
        ),
        advice=(
            "保健品不能代替药品；不参加来路不明的讲座；购买或投资前与子女商量；"
            "发现可疑情况拨打 110 或告诉社区工作人员。"
        ),
        region_code=FUTIAN,
        valid_from=today - dt.timedelta(days=7),
        valid_to=today + dt.timedelta(days=60),
    )
