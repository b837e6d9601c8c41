"""Demo industry data: about 300 enterprises across the classification's categories, the
sub-sectors and the tiers; eldercare institutions, day-care centres, community stations,
street centres and experience centres across the demo city's streets; two years of quarterly
reports in every state (approved and locked, waiting for the district or the city, returned,
late, missing); a few key projects with milestones and progress; white-list entries and an
exit. The demo ``enterprise`` user belongs to one enterprise, and a Futian district officer
(``civil_affairs_futian``) gives the district approvals. Fast (bulk writes) and idempotent."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from stdnum.cn import uscc

from silvercare.audit.services import AuditContext
from silvercare.industry import services
from silvercare.industry.choices import (
    FacilityKind,
    Ownership,
    ReportStatus,
    ReportStep,
    SizeClass,
    Tier,
)
from silvercare.industry.models import (
    Enterprise,
    EnterpriseTier,
    Facility,
    IndustryCategory,
    Report,
    ReportForm,
    ReportHistory,
    ReportPeriod,
)
from silvercare.industry.periods import period_dates, recent_codes
from silvercare.industry.validation import values_check

SEED = 20261201
ENTERPRISES = 300
QUARTERS = 8
DISTRICT_OFFICER = "civil_affairs_futian"
FUTIAN = "440304000000"
_BRANDS = [
    "银龄",
    "康乐",
    "颐年",
    "福寿",
    "安泰",
    "长青",
    "松鹤",
    "乐龄",
    "怡康",
    "仁和",
    "晚晴",
    "康泰",
    "百岁",
    "金秋",
    "夕阳红",
    "益寿",
    "安康",
    "嘉禾",
    "瑞康",
    "同心",
    "华龄",
    "鹏城",
    "南粤",
    "前海",
    "深康",
]
_TRADES: dict[str, tuple[str, list[str]]] = {
    "assistive": ("10", ["康复辅具", "助行器械", "智能轮椅", "护理床"]),
    "smart": ("07", ["智慧养老科技", "健康监测设备", "适老智能终端"]),
    "food": ("10", ["老年营养食品", "膳食科技"]),
    "apparel": ("10", ["适老服饰", "护理服装"]),
    "daily": ("11", ["老年用品商贸", "适老家居"]),
    "health": ("02", ["康复医疗", "护理服务", "中医养生"]),
    "care": ("01", ["养老服务", "居家照护", "社区养老"]),
    "adaptation": ("12", ["适老化改造工程", "无障碍建设"]),
    "culture": ("03", ["老年文旅", "老年教育"]),
    "finance": ("06", ["养老金融服务", "健康保险代理"]),
}
_PROVINCE = "广东省工业和信息化厅"
_RETURNED = "请核对出口收入与上季度差异"
_WHITE = "诚信经营、产品质量稳定，经区级推荐入库"
_SIZE_WEIGHTS = [
    (SizeClass.LARGE, 5),
    (SizeClass.MEDIUM, 15),
    (SizeClass.SMALL, 45),
    (SizeClass.MICRO, 35),
]


def credit_code(n: int, district: str) -> str:
    """A valid unified social credit code numbered ``n`` (registration authority 9, company
    1, the district's 6-digit code)."""
    body = f"91{district[:6]}{n:09d}"[:17]
    return body + uscc.calc_check_digit(body)


def _ctx(user: Any) -> AuditContext:
    return AuditContext(actor=user, via="command")


def seed_demo() -> dict[str, int]:
    """Build the demo industry data once (nothing happens when the demo enterprises exist)."""
    from silvercare.accounts.models import User
    from silvercare.industry.services import seed_data_restore
    from silvercare.regions.models import Region

    seed_data_restore()
    streets = list(
        Region.objects.filter(code__startswith="4403", level=4, is_demo=True).order_by("code")
    )
    # The demo enterprise user's enterprise comes first, in Futian's first street.
    streets.sort(key=lambda s: (not s.code.startswith(FUTIAN[:6]), s.code))
    if streets and Enterprise.objects.filter(credit_code=credit_code(1, streets[0].code)).exists():
        return {"enterprises": 0}
    users = {
        u.username: u for u in User.objects.filter(username__in=["civil_affairs", "enterprise"])
    }
    if not streets or "civil_affairs" not in users:
        return {"enterprises": 0}
    rng = random.Random(SEED)  # noqa: S311 (deterministic demo data, not a secret)
    city = users["civil_affairs"]
    district_officer = _district_officer()
    with transaction.atomic():
        enterprises = _enterprises(rng, streets)
        _registered_earlier(rng, enterprises)
        _tiers(rng, enterprises)
        facilities = _facilities(rng, streets, enterprises)
        if "enterprise" in users:
            enterprises[0].members.add(users["enterprise"])
        reports = _reports(rng, enterprises, facilities, city, district_officer)
        projects = _projects(rng, city, streets, enterprises)
        _whitelist(rng, city, enterprises)
    return {
        "enterprises": len(enterprises),
        "facilities": len(facilities),
        "reports": reports,
        "projects": projects,
    }


def _registered_earlier(rng: random.Random, enterprises: list[Enterprise]) -> None:
    """Registration dates over the six years before today, 15 % of them in the last two, so
    the indicators have a history (the registry records when each was registered)."""
    now = timezone.now()
    for enterprise in enterprises:
        days = rng.randint(0, 730) if rng.random() < 0.15 else rng.randint(731, 2190)
        Enterprise.objects.filter(pk=enterprise.pk).update(created_at=now - dt.timedelta(days=days))


def _district_officer() -> Any:
    from silvercare.accounts.models import User
    from silvercare.accounts.services import user_create
    from silvercare.demo.city import DEMO_PASSWORD

    found = User.objects.filter(username=DISTRICT_OFFICER).first()
    if found is not None:
        return found
    return user_create(
        ctx=AuditContext(actor=None, via="command"),
        username=DISTRICT_OFFICER,
        password=DEMO_PASSWORD,
        display_name="陈福明",
        grants=[("civil_affairs", FUTIAN)],
        check_actor=False,
    )


def _enterprises(rng: random.Random, streets: list[Any]) -> list[Enterprise]:
    categories = set(IndustryCategory.objects.values_list("code", flat=True))
    sectors = list(_TRADES)
    rows = []
    seen: set[str] = set()
    for n in range(1, ENTERPRISES + 1):
        street = streets[0] if n == 1 else rng.choice(streets)
        sector = "assistive" if n == 1 else sectors[(n - 1) % len(sectors)]
        category, trades = _TRADES[sector]
        if sector == "assistive" and rng.random() < 0.3:
            category = "0232"
        if sector == "adaptation" and rng.random() < 0.5:
            category = "1220"
        name = f"深圳市{rng.choice(_BRANDS)}{rng.choice(trades)}有限公司"
        while name in seen:
            name = name.replace("有限公司", f"{rng.choice('一二三四五六七八九')}号有限公司", 1)
        seen.add(name)
        size = rng.choices([s for s, _ in _SIZE_WEIGHTS], [w for _, w in _SIZE_WEIGHTS])[0]
        extra = rng.choice(sectors) if rng.random() < 0.3 else sector
        rows.append(
            Enterprise(
                credit_code=credit_code(n, street.code),
                name=name,
                region_id=street.code,
                address=f"{street.name}{rng.randint(1, 300)}号",
                size_class=size,
                above_designated_size=size in (SizeClass.LARGE, SizeClass.MEDIUM)
                or rng.random() < 0.15,
                category_id=category if category in categories else None,
                sectors=sorted({sector, extra}),
            )
        )
    return Enterprise.objects.bulk_create(rows, batch_size=500)


def _tiers(rng: random.Random, enterprises: list[Enterprise]) -> None:
    rows = []
    for e in enterprises:
        if rng.random() > 0.3:
            continue
        for tier in rng.sample(list(Tier.values), k=rng.choice([1, 1, 2])):
            granted = dt.date(rng.randint(2019, 2025), rng.randint(1, 12), 1)
            expires = granted.replace(year=granted.year + 3) if tier != Tier.LEADING else None
            rows.append(
                EnterpriseTier(
                    enterprise=e,
                    tier=tier,
                    granted_on=granted,
                    expires_on=expires,
                    issuer="广东省工业和信息化厅"
                    if tier in (Tier.SPECIALISED, Tier.HIGH_TECH)
                    else "深圳市",
                )
            )
    EnterpriseTier.objects.bulk_create(rows, batch_size=500)


def _facilities(
    rng: random.Random, streets: list[Any], enterprises: list[Enterprise]
) -> list[Facility]:
    operators = [e for e in enterprises if "care" in e.sectors or "health" in e.sectors]
    from silvercare.regions.models import Region

    operators = [enterprises[0], *operators]
    communities: dict[str, list[Any]] = {}
    for community in Region.objects.filter(level=5, code__startswith="4403", is_demo=True).order_by(
        "code"
    ):
        communities.setdefault(community.code[:9], []).append(community)
    rows = []
    for index, street in enumerate(streets):
        lat, lon = street.latitude or 22.54, street.longitude or 114.05
        base = street.name.removesuffix("街道")

        def add(
            kind: str,
            name: str,
            street: Any = street,
            lat: float = lat,
            lon: float = lon,
            **values: Any,
        ) -> None:
            rows.append(
                Facility(
                    kind=kind,
                    name=name,
                    region_id=street.code,
                    address=f"{street.name}{rng.randint(1, 200)}号",
                    latitude=round(lat + rng.uniform(-0.01, 0.01), 6),
                    longitude=round(lon + rng.uniform(-0.01, 0.01), 6),
                    opened_on=dt.date(rng.randint(2008, 2025), rng.randint(1, 12), 1),
                    **values,
                )
            )

        beds = rng.choice([80, 120, 150, 200, 300])
        public = index % 3 == 0
        add(
            FacilityKind.INSTITUTION,
            f"{base}颐养院",
            operator=None if public else operators[index % len(operators)],
            ownership=Ownership.PUBLIC
            if public
            else rng.choice([Ownership.PRIVATE, Ownership.PUBLIC_PRIVATE]),
            beds=beds,
            nursing_beds=int(beds * rng.uniform(0.5, 0.9)),
            medical_care=rng.random() < 0.75,
        )
        add(
            FacilityKind.CENTRE,
            f"{base}街道长者服务中心",
            operator=operators[(index + 1) % len(operators)],
            ownership=Ownership.PUBLIC_PRIVATE,
            beds=rng.choice([20, 30, 40]),
            nursing_beds=rng.choice([10, 15, 20]),
            medical_care=rng.random() < 0.5,
            capacity=rng.choice([40, 60, 80]),
        )
        # Day-care centres are community places: about three communities in five have one.
        for community in communities.get(street.code[:9], []):
            if rng.random() < 0.6:
                add(
                    FacilityKind.DAY_CARE,
                    f"{community.name.removesuffix('社区')}社区日间照料中心",
                    street=community,
                    lat=community.latitude or lat,
                    lon=community.longitude or lon,
                    ownership=Ownership.PUBLIC_PRIVATE,
                    capacity=rng.choice([20, 30, 40]),
                )
        for n in range(2):
            add(
                FacilityKind.STATION,
                f"{base}第{n + 1}嵌入式养老服务站",
                ownership=Ownership.PRIVATE,
                capacity=rng.choice([10, 15, 20]),
            )
        if index % 4 == 0:
            add(
                FacilityKind.EXPERIENCE,
                f"{base}适老生活体验中心",
                operator=enterprises[0] if index == 0 else None,
                ownership=Ownership.PUBLIC,
            )
    return Facility.objects.bulk_create(rows, batch_size=500)


def _figures(rng: random.Random, form: ReportForm, filer: Any) -> dict[str, Any]:
    if form.filer == "enterprise":
        base = {"large": 50000, "medium": 8000, "small": 1500, "micro": 200}[filer.size_class]
        revenue = round(base * rng.uniform(0.6, 1.4), 2)
        return {
            "revenue": revenue,
            "export_revenue": round(revenue * rng.uniform(0, 0.3), 2),
            "silver_revenue": round(revenue * rng.uniform(0.3, 1), 2),
            "employees": max(3, int(revenue / rng.uniform(20, 60))),
            "new_products": rng.randint(0, 5),
            "rd_spending": round(revenue * rng.uniform(0.01, 0.08), 2),
        }
    beds = filer.beds
    residents = int(beds * rng.uniform(0.5, 0.95))
    return {
        "beds": beds,
        "nursing_beds": filer.nursing_beds,
        "residents": residents,
        "disabled_residents": int(residents * rng.uniform(0.3, 0.7)),
        "staff": max(5, beds // rng.choice([4, 5, 6])),
        "revenue": round(beds * rng.uniform(3, 6), 2),
    }


def _reports(
    rng: random.Random,
    enterprises: list[Enterprise],
    facilities: list[Facility],
    city: Any,
    district: Any,
) -> int:
    today = timezone.localdate()
    forms = {f.code: f for f in ReportForm.objects.all()}
    tz = timezone.get_current_timezone()
    plans: list[tuple[ReportForm | None, list[Any]]] = [
        (forms.get("enterprise-quarterly"), enterprises),
        (
            forms.get("institution-quarterly"),
            [f for f in facilities if f.kind in ("institution", "centre")],
        ),
    ]
    reports: list[Report] = []
    steps: list[tuple[int, str, str, str, Any, dt.datetime]] = []
    for form, filers in plans:
        if form is None:
            continue
        codes = recent_codes(form.frequency, today, QUARTERS)
        for age, code in enumerate(codes):
            dates = period_dates(form.frequency, code)
            assert dates is not None
            period, _ = ReportPeriod.objects.get_or_create(
                form=form,
                code=code,
                defaults={
                    "starts_on": dates[0],
                    "ends_on": dates[1],
                    "deadline": dates[1] + dt.timedelta(days=form.deadline_days),
                },
            )
            for filer in filers:
                if age == 0 and filer is enterprises[0]:
                    continue  # the demo enterprise user files this one
                roll = rng.random()
                if age == 0:  # the period being filed and approved now
                    status = (
                        None
                        if roll < 0.12
                        else ReportStatus.DRAFT
                        if roll < 0.2
                        else ReportStatus.RETURNED
                        if roll < 0.25
                        else ReportStatus.SUBMITTED
                        if roll < 0.55
                        else ReportStatus.DISTRICT_APPROVED
                        if roll < 0.8
                        else ReportStatus.APPROVED
                    )
                elif age == 1:
                    status = (
                        None
                        if roll < 0.04
                        else (
                            ReportStatus.DISTRICT_APPROVED if roll < 0.1 else ReportStatus.APPROVED
                        )
                    )
                else:
                    status = None if roll < 0.03 else ReportStatus.APPROVED
                if status is None:
                    continue
                values, errors = values_check(form, _figures(rng, form, filer))
                assert not errors, errors
                late = rng.random() < 0.1
                submitted = dt.datetime.combine(
                    period.deadline
                    + dt.timedelta(days=rng.randint(3, 20) if late else -rng.randint(0, 12)),
                    dt.time(10, rng.randint(0, 59)),
                    tzinfo=tz,
                )
                report = Report(
                    period=period,
                    region_id=filer.region_id,
                    status=status,
                    values=values,
                    locked=status == ReportStatus.APPROVED,
                    submitted_at=None if status == ReportStatus.DRAFT else submitted,
                    approved_at=submitted + dt.timedelta(days=12)
                    if status == ReportStatus.APPROVED
                    else None,
                    return_reason="请核对出口收入与上季度差异"
                    if status == ReportStatus.RETURNED
                    else "",
                    **{"enterprise" if form.filer == "enterprise" else "facility": filer},
                )
                reports.append(report)
                index = len(reports) - 1
                approver = district if filer.region_id.startswith(FUTIAN[:6]) else "区民政局"
                steps.append((index, ReportStep.SAVE, ReportStatus.DRAFT, "", None, submitted))
                if status == ReportStatus.DRAFT:
                    continue
                steps.append(
                    (index, ReportStep.SUBMIT, ReportStatus.SUBMITTED, "", None, submitted)
                )
                if status == ReportStatus.RETURNED:
                    steps.append(
                        (
                            index,
                            ReportStep.RETURN,
                            ReportStatus.RETURNED,
                            report.return_reason,
                            approver,
                            submitted + dt.timedelta(days=3),
                        )
                    )
                if status in (ReportStatus.DISTRICT_APPROVED, ReportStatus.APPROVED):
                    steps.append(
                        (
                            index,
                            ReportStep.DISTRICT_APPROVE,
                            ReportStatus.DISTRICT_APPROVED,
                            "",
                            approver,
                            submitted + dt.timedelta(days=5),
                        )
                    )
                if status == ReportStatus.APPROVED:
                    steps.append(
                        (
                            index,
                            ReportStep.CITY_APPROVE,
                            ReportStatus.APPROVED,
                            "",
                            city,
                            submitted + dt.timedelta(days=12),
                        )
                    )
    Report.objects.bulk_create(reports, batch_size=500)
    ReportHistory.objects.bulk_create(
        [
            ReportHistory(
                report=reports[index],
                step=step,
                status=status,
                reason=reason,
                actor=None if isinstance(actor, str) else actor,
                actor_label=_label(actor, reports[index]),
                at=at,
            )
            for index, step, status, reason, actor, at in steps
        ],
        batch_size=1000,
    )
    return len(reports)


def _label(actor: Any, report: Report) -> str:
    if actor is None:
        return report.filer.name[:150]
    if isinstance(actor, str):
        return actor
    return str(getattr(actor, "display_name", "") or actor.username)


def _projects(
    rng: random.Random, city: Any, streets: list[Any], enterprises: list[Enterprise]
) -> int:
    plans = [
        ("鹏城康养产业园", "care", "86000", "construction", 45),
        ("智慧养老创新中心", "smart", "32000", "operating", 100),
        ("康复辅具产业基地", "assistive", "54000", "approved", 10),
        ("银发文旅综合体", "culture", "21000", "planned", 0),
        ("适老化改造示范片区", "adaptation", "8600", "construction", 60),
        ("老年营养食品产业园", "food", "15000", "planned", 0),
    ]
    ctx = _ctx(city)
    for index, (name, sector, investment, stage, progress) in enumerate(plans):
        street = streets[(index * 5) % len(streets)]
        starts = dt.date(2025, 1 + index, 1)
        project = services.project_create(
            ctx=ctx,
            name=name,
            region_code=street.code,
            sector=sector,
            investment_wan=Decimal(investment),
            stage="planned",
            enterprise=next((e for e in enterprises if sector in e.sectors), None),
            starts_on=starts,
            ends_on=starts.replace(year=starts.year + 2),
            description=f"{street.name}{name}，列入市级重点项目库。",
            milestones=[
                ("立项批复", starts),
                ("开工建设", starts + dt.timedelta(days=120)),
                ("主体完工", starts + dt.timedelta(days=450)),
                ("投入运营", starts.replace(year=starts.year + 2)),
            ],
        )
        if progress:
            services.project_progress(
                ctx=ctx,
                project=project,
                stage=stage,
                progress=progress,
                note="按计划推进" if progress < 100 else "已投入运营",
            )
    return len(plans)


def _whitelist(rng: random.Random, city: Any, enterprises: list[Enterprise]) -> None:
    ctx = _ctx(city)
    chosen = [e for e in enterprises if e.above_designated_size][:12]
    for e in chosen:
        services.whitelist_enter(
            ctx=ctx, enterprise=e, reason="诚信经营、产品质量稳定，经区级推荐入库"
        )
    if chosen:
        services.whitelist_exit(
            ctx=ctx, enterprise=chosen[-1], reason="抽查发现产品标识不规范，整改期间移出白名单"
        )
