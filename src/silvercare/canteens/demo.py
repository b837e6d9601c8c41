"""Demo elder canteens across the demo city: three Futian canteens (two run by the demo
care provider, one by a catering enterprise) and one in Luohu, each registered in the
facility registry, with tagged dishes, menus from three days ago to three days ahead,
meal cards and orders of the streets' elders — the past days' meals served (subsidies
delivered), today's and the coming days' placed. 园岭街道 adds its own 2-yuan share for
meals eaten in the elder's own street. Built through the services; idempotent: nothing
happens when a canteen exists."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.utils import timezone

from silvercare.audit.services import AuditContext
from silvercare.canteens import services
from silvercare.canteens.choices import OWN_STREET, SITTING_START
from silvercare.canteens.models import Canteen
from silvercare.common.errors import DomainError

SEED = 2026_1306
YUANLING = "440304001000"
DISHES = [
    ("清蒸鲈鱼", ["soft", "low_salt"]),
    ("番茄炒蛋", ["soft", "vegetarian"]),
    ("白切鸡", ["low_salt"]),
    ("南瓜小米粥", ["soft", "diabetic", "vegetarian"]),
    ("肉末蒸水蛋", ["soft", "minced"]),
    ("清炒菜心", ["low_salt", "diabetic", "vegetarian"]),
    ("咖喱牛肉", ["halal"]),
    ("冬瓜排骨汤", ["low_salt"]),
]
# (name, street code, address, capacity, meals, run by the demo provider)
CANTEENS = [
    ("园岭长者饭堂", YUANLING, "园岭街道百花二路12号", 40, ["lunch", "dinner"], True),
    ("南园长者饭堂", "440304002000", "南园街道滨河路88号", 30, ["lunch"], True),
    ("福田街道长者助餐点", "440304003000", "福田街道福华路201号", 25, ["lunch"], False),
    ("桂园长者饭堂", "440303001000", "桂园街道松园路36号", 30, ["lunch"], False),
]
PER_SITTING = 5


def _ctx(user: Any) -> AuditContext:
    return AuditContext(actor=user, via="command")


def _street_share(officer: AuditContext, today: dt.date) -> None:
    """园岭街道's own share for meals in the elder's own street (street finance)."""
    from silvercare.subsidies import services as subsidies
    from silvercare.subsidies.models import PayerBody, Programme

    if Programme.objects.filter(code="yl-meals-street").exists():
        return
    if not PayerBody.objects.filter(code="yl-finance").exists():
        return
    programme = subsidies.programme_create(
        ctx=officer,
        code="yl-meals-street",
        name="园岭街道长者饭堂街道补贴",
        region_code=YUANLING,
        description="园岭街道户籍老年人在本街道长者饭堂就餐，街道每餐另补2元；在街道外就餐不享受。",
        version=subsidies.VersionValues(
            valid_from=dt.date(today.year - 1, 1, 1),
            eligibility_rule="age >= 60",
            item_kinds=["meal"],
            item_codes=[OWN_STREET],
            amount_rule={"type": "fixed", "amount_fen": 200, "per": "meal"},
            stacking_priority=25,
            shares=[("yl-finance", 10000)],
        ),
    )
    subsidies.version_publish(ctx=officer, version=programme.versions.get())
    subsidies.budget_save(
        ctx=officer,
        programme=programme,
        year=today.year,
        region_code=YUANLING,
        amount_fen=300_000_00,
    )


def _at(day: dt.date, minute: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0, 0), tzinfo=timezone.get_current_timezone()) + (
        dt.timedelta(minutes=minute)
    )


def seed_demo() -> dict[str, int]:
    """Build the demo canteens once."""
    from silvercare.accounts.models import User
    from silvercare.elders.models import Elder
    from silvercare.homecare.models import Provider

    if Canteen.objects.exists():
        return {"canteens": 0}
    users = {
        u.username: u
        for u in User.objects.filter(
            username__in=["civil_affairs", "care_provider_admin", "call_centre", "sysadmin"]
        )
    }
    if len(users) < 4:
        return {"canteens": 0}
    rng = random.Random(SEED)  # noqa: S311 - deterministic demo data, not a secret
    now = timezone.now()
    today = timezone.localdate()
    officer, admin = _ctx(users["civil_affairs"]), _ctx(users["care_provider_admin"])
    setup = _ctx(users["sysadmin"])  # runs the canteens the demo admin does not
    _street_share(officer, today)
    provider = Provider.objects.order_by("created_at").first()
    made = orders = served = 0
    for name, street, address, capacity, meals, ours in CANTEENS:
        from silvercare.regions.models import Region

        region = Region.objects.filter(code=street).first()
        if region is None:
            continue
        canteen = services.canteen_create(
            ctx=officer,
            name=name,
            region_code=street,
            capacity=capacity,
            address=address,
            latitude=region.latitude,
            longitude=region.longitude,
            provider=provider if ours else None,
            operator_name="" if ours and provider else "乐膳餐饮管理有限公司",
            open_days=[0, 1, 2, 3, 4, 5],
            meals=meals,
        )
        made += 1
        staff = admin if ours and provider else setup
        dishes = [
            services.dish_create(ctx=staff, canteen=canteen, name=dish, tags=tags)
            for dish, tags in DISHES
        ]
        elders = list(
            Elder.objects.filter(region__code__startswith=street[:9], status="active").order_by(
                "id_number_hash"
            )[:40]
        )
        # The provider admin orders in Futian (quoted at once); the call centre elsewhere
        # (quoted by the canteen when the meal is served).
        worker = admin if street.startswith("440304") else _ctx(users["call_centre"])
        for offset in range(-3, 4):
            day = today + dt.timedelta(days=offset)
            if day.weekday() not in canteen.open_days:
                continue
            for meal in meals:
                services.menu_save(
                    ctx=staff,
                    canteen=canteen,
                    day=day,
                    meal=meal,
                    price_fen=1500 if meal == "lunch" else 1200,
                    dishes=rng.sample(dishes, 4),
                )
                before = _at(day, SITTING_START[meal] - canteen.cutoff_min - 60)
                for elder in rng.sample(elders, min(PER_SITTING, len(elders))):
                    try:
                        order = services.meal_order_place(
                            ctx=worker,
                            elder=elder,
                            canteen=canteen,
                            day=day,
                            meal=meal,
                            mode=rng.choice(["dine_in", "dine_in", "pick_up", "delivery"]),
                            now=min(before, now) if offset <= 0 else None,
                        )
                    except DomainError:
                        continue
                    orders += 1
                    sitting = _at(day, SITTING_START[meal] + 15)
                    if offset < 0 or (offset == 0 and sitting < now):
                        services.meal_serve(
                            ctx=staff,
                            canteen=canteen,
                            code=services.pickup_token(order),
                            now=sitting,
                        )
                        served += 1
        for elder in elders[:5]:
            services.meal_card_issue(ctx=setup, elder=elder)
    return {"canteens": made, "meal_orders": orders, "meals_served": served}
