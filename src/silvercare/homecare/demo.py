"""Demo home care across the demo city: three Futian providers and one in Luohu with their
prices, about 150 caregivers (skills, certificates — a few expired — shifts, breaks, home
bases), a week of orders for Futian elders (accepted, subsidies reserved), today planned for
the demo provider (the demo caregiver has a route), family care beds, patrol rules and some
patrol visits. Idempotent: nothing happens when a provider exists."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.utils import timezone
from stdnum.cn import uscc

from silvercare.audit.services import AuditContext
from silvercare.homecare import services
from silvercare.homecare.models import Caregiver, Provider, ServiceType
from silvercare.homecare.services import community, planning
from silvercare.homecare.services.catalogue import service_types_restore
from silvercare.industry.services import enterprise_register, seed_data_restore

SEED = 2026_13
FUTIAN = "440304000000"
LUOHU = "440303000000"
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘"
GIVEN = [
    "秀英",
    "桂兰",
    "美华",
    "丽娟",
    "小燕",
    "海燕",
    "春梅",
    "玉芳",
    "建华",
    "志强",
    "红梅",
    "晓东",
    "淑珍",
    "文静",
    "国平",
    "慧敏",
    "雪梅",
    "金凤",
    "翠萍",
    "凤英",
]
SKILL_SETS = [
    ["bathing", "personal_care", "cleaning"],
    ["cleaning", "walking"],
    ["nursing", "first_aid"],
    ["personal_care", "walking", "escort"],
    ["cleaning", "bathing"],
    ["escort", "walking", "first_aid"],
]
LANGUAGES = [["普通话", "粤语"], ["普通话"], ["普通话", "客家话"], ["普通话", "潮汕话"]]
# (service, share of the week's orders, window start, window length in minutes)
ORDER_MIX = [
    ("bathing", 3, 540, 180),
    ("cleaning", 4, 480, 240),
    ("daily_care", 3, 480, 180),
    ("walking", 2, 900, 150),
    ("comfort", 2, 840, 180),
    ("medical", 2, 510, 150),
    ("meals", 3, 660, 75),
    ("shopping", 1, 600, 240),
    ("escort", 1, 480, 300),
]


def _ctx(user: Any) -> AuditContext:
    return AuditContext(actor=user, via="command")


def seed_demo() -> dict[str, int]:
    """Build the demo home-care data once."""
    from silvercare.accounts.models import User
    from silvercare.elders.models import Elder
    from silvercare.regions.models import Region

    if Provider.objects.exists():
        return {"providers": 0}
    service_types_restore()
    users = {
        u.username: u
        for u in User.objects.filter(
            username__in=[
                "civil_affairs",
                "care_provider_admin",
                "caregiver",
                "community_worker",
                "sysadmin",
            ]
        )
    }
    if len(users) < 5:
        return {"providers": 0}
    rng = random.Random(SEED)  # noqa: S311 - deterministic demo data, not a secret
    today = timezone.localdate()
    officer, admin = _ctx(users["civil_affairs"]), _ctx(users["care_provider_admin"])
    setup = _ctx(users["sysadmin"])  # caregivers of providers without a linked admin
    streets = list(
        Region.objects.filter(level=4, code__startswith="440304").order_by("code")
    ) or list(Region.objects.filter(code=FUTIAN))
    luohu_streets = list(Region.objects.filter(level=4, code__startswith="440303").order_by("code"))
    specs = [
        (
            "福田颐康居家养老服务中心",
            FUTIAN,
            [s.code for s in streets[: max(1, len(streets) // 2)]] or [FUTIAN],
        ),
        ("福田乐龄居家照护站", FUTIAN, [s.code for s in streets[len(streets) // 2 :]] or [FUTIAN]),
        ("福田仁爱护理服务社", FUTIAN, [FUTIAN]),
    ]
    if luohu_streets:
        specs.append(("罗湖康馨居家服务中心", LUOHU, [LUOHU]))
    providers = []
    seed_data_restore()  # the classification the registry files the providers under
    for index, (name, region, served) in enumerate(specs, start=1):
        # Each provider is an enterprise of the one registry (industry) first.
        body = f"91440300MA5DH{index:04d}"
        credit_code = body + uscc.calc_check_digit(body)
        enterprise_register(
            ctx=officer,
            credit_code=credit_code,
            name=name,
            region_code=region,
            category_code="01",
            sectors=["care"],
        )
        provider = services.provider_create(
            ctx=officer,
            name=name,
            region_code=region,
            served=served,
            contract_number=f"深民居养〔{today.year}〕{index:03d}号",
            contract_from=dt.date(today.year, 1, 1),
            contract_until=dt.date(today.year + 2, 12, 31),
            phone=f"0755-8{index:03d}6688",
            credit_code=credit_code,
        )
        providers.append(provider)
    first = providers[0]
    services.provider_staff_link(ctx=officer, provider=first, user=users["care_provider_admin"])
    for code, price in (("bathing", 7500), ("cleaning", 5500), ("daily_care", 5800)):
        services.provider_price_set(
            ctx=admin,
            provider=first,
            service_type=ServiceType.objects.get(code=code),
            price_fen=price,
        )
    # Caregivers: 60 for the demo provider, 40 and 30 for the other Futian ones, 20 in Luohu.
    counts = [60, 40, 30, 20][: len(providers)]
    street_of = {s.code: s for s in [*streets, *luohu_streets]}
    made = 0
    index_of = {p.pk: i for i, p in enumerate(providers, start=1)}
    for provider, count in zip(providers, counts, strict=True):
        areas = [street_of[c] for c in provider.served if c in street_of] or list(
            streets if provider.region_id == FUTIAN else luohu_streets
        )
        for n in range(count):
            street = areas[n % len(areas)]
            lat = (street.latitude or 22.54) + rng.uniform(-0.008, 0.008)
            lon = (street.longitude or 114.06) + rng.uniform(-0.008, 0.008)
            is_demo_user = provider is first and n == 0
            start = rng.choice([480, 480, 510, 540])
            caregiver = services.caregiver_create(
                ctx=setup,
                provider=provider,
                name="刘桂英" if is_demo_user else rng.choice(SURNAMES) + rng.choice(GIVEN),
                region_code=(
                    "440304001000" if is_demo_user and "440304001000" in street_of else street.code
                ),
                home_lat=round(lat, 6),
                home_lon=round(lon, 6),
                skills=["bathing", "personal_care", "cleaning", "walking"]
                if is_demo_user
                else rng.choice(SKILL_SETS),
                languages=rng.choice(LANGUAGES),
                shift_start=start,
                shift_end=start + 540,
                break_start=720,
                break_minutes=30 if rng.random() < 0.7 else 60,
                travel_mode="ebike" if rng.random() < 0.7 else "walking",
                max_visits=rng.choice([6, 8, 10]),
                meal_capacity=12 if made % 3 == 0 else None,  # a delivery box on a meal round
                phone=f"1380013{made:04d}",
                user=users["caregiver"] if is_demo_user else None,
            )
            kind = "nurse" if "nursing" in caregiver.skills else "caregiver"
            expired = rng.random() < 0.06 and not is_demo_user
            services.certificate_add(
                ctx=setup,
                caregiver=caregiver,
                kind=kind,
                number=f"4403{today.year}{index_of[provider.pk]:02d}{n + 1:04d}",
                valid_until=today - dt.timedelta(days=rng.randint(5, 60))
                if expired
                else today + dt.timedelta(days=rng.randint(90, 900)),
            )
            made += 1
    demo_carer = Caregiver.objects.get(user=users["caregiver"])
    orders = _demo_orders(rng, today, first, providers[1:3], admin, Elder, users, demo_carer)
    # Today is planned for the demo provider: the demo caregiver has a route.
    plan = planning.plan_day(ctx=admin, provider=first, day=today, time_limit=2.0)
    beds = _demo_care_beds(rng, today, first, admin, Elder)
    patrols = _demo_patrols(rng, today, officer, _ctx(users["community_worker"]), Elder)
    return {
        "providers": len(providers),
        "caregivers": made,
        "orders": orders,
        "planned": sum(len(r.get("stops", [])) for r in plan.routes),
        "care_beds": beds,
        "patrols": patrols,
    }


def _demo_orders(
    rng: random.Random,
    today: dt.date,
    first: Provider,
    others: list[Provider],
    admin: AuditContext,
    elder_model: Any,
    users: dict[str, Any],
    demo_carer: Caregiver,
) -> int:
    """A week of orders: about 120 for the demo provider's streets (40 of them today; the
    first five cleanings in the demo caregiver's street, with her as the usual caregiver),
    60 for the others; the demo provider's accepted."""
    weights = [w for _c, w, _s, _l in ORDER_MIX]
    types = {t.code: t for t in ServiceType.objects.all()}
    made = 0
    for provider, count in [(first, 120), *[(p, 30) for p in others]]:
        prefixes = [code[:9] for code in provider.served if code.endswith("000")]
        q = elder_model.objects.filter(status="active", latitude__isnull=False)
        elders = [
            e
            for e in q.filter(region__code__startswith="440304").only(
                "id", "region_id", "latitude", "longitude"
            )[:3000]
            if any(e.region_id.startswith(p.rstrip("0")) for p in prefixes)
        ]
        if not elders:
            continue
        rng.shuffle(elders)
        own_street = demo_carer.region_id[:9]
        if provider is first:
            elders.sort(key=lambda e: not e.region_id.startswith(own_street))
        for n in range(min(count, len(elders))):
            code, _w, start, length = rng.choices(ORDER_MIX, weights=weights)[0]
            usual = None
            if provider is first and n < 5 and elders[n].region_id.startswith(own_street):
                code, start, length, usual = "cleaning", 480 + 60 * n, 240, demo_carer
            day = (
                today
                if n < (40 if provider is first else 8)
                else today + dt.timedelta(days=rng.randint(1, 6))
            )
            recurrence, last = "once", None
            if code in ("bathing", "cleaning") and rng.random() < 0.3:
                recurrence, last = "weekly", day + dt.timedelta(days=21)
            elif code == "meals" and rng.random() < 0.5:
                recurrence, last = "daily", day + dt.timedelta(days=6)
            try:
                order = services.order_create(
                    ctx=admin if provider is first else _ctx(users["care_provider_admin"]),
                    elder=_full(elder_model, elders[n].pk),
                    service_type=types[code],
                    provider=provider,
                    first_date=day,
                    window_start=start,
                    window_end=min(1440, start + length),
                    recurrence=recurrence,
                    last_date=last,
                    notes=rng.choice(
                        ["", "", "老人耳背，请大声敲门", "家有宠物狗", "需要带血压计"]
                    ),
                    usual_caregiver=usual,
                )
                if provider is first:
                    services.order_accept(ctx=admin, order=order)
                made += 1
            except Exception:  # noqa: S112 - a budget or limit reached: the demo skips it
                continue
    return made


def _full(elder_model: Any, pk: Any) -> Any:
    return elder_model.objects.select_related("region").get(pk=pk)


def _demo_care_beds(
    rng: random.Random, today: dt.date, provider: Provider, admin: AuditContext, elder_model: Any
) -> int:
    elders = list(
        elder_model.objects.filter(status="active", region__code__startswith="440304001")
        .select_related("region")
        .order_by("id")[:10]
    )
    daily = ServiceType.objects.get(code="daily_care")
    made = 0
    for n, elder in enumerate(elders, start=1):
        bed = community.care_bed_create(
            ctx=admin,
            elder=elder,
            provider=provider,
            contract_number=f"福田家床〔{today.year}〕{n:03d}号",
            starts_on=today.replace(day=1),
            visits_per_month=rng.choice([4, 8, 12]),
            devices=rng.choice(
                ["紧急呼叫器、烟感报警器", "智能床垫、跌倒监测雷达", "护理床、扶手"]
            ),
        )
        try:
            services.order_create(
                ctx=admin,
                elder=elder,
                service_type=daily,
                provider=provider,
                first_date=today + dt.timedelta(days=1),
                window_start=480,
                window_end=720,
                recurrence="weekly",
                last_date=today + dt.timedelta(days=22),
                care_bed=bed,
            )
        except Exception:  # noqa: S112 - the demo skips what the rules refuse
            continue
        made += 1
    return made


def _demo_patrols(
    rng: random.Random,
    today: dt.date,
    officer: AuditContext,
    worker: AuditContext,
    elder_model: Any,
) -> int:
    for category, days in (("living_alone", 7), ("advanced_age", 30), ("disabled", 14)):
        community.patrol_rule_set(
            ctx=officer, region_code="440300000000", category=category, every_days=days
        )
    elders = list(
        elder_model.objects.filter(
            status="active", region__code__startswith="440304001", is_living_alone=True
        )
        .select_related("region")
        .order_by("id")[:40]
    )
    made = 0
    for elder in elders[::2]:
        community.patrol_record(
            ctx=worker,
            elder=elder,
            visited_on=today - dt.timedelta(days=rng.randint(0, 12)),
            outcome="well",
            notes=rng.choice(["", "精神良好", "提醒按时服药"]),
        )
        made += 1
    return made
