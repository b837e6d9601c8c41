"""Demo subsidies, built through the subsidies services like an officer would: the payers
of Shenzhen, programmes like the seeds describe (the basic assistive-device subsidy for
disabled elders, the street's rental subsidy funded half by the district and half by the
street, the long-term-care fund's share for levels 2–4, full coverage for 特困 elders,
meal subsidy tiers, a consumption-voucher programme), their budgets, four months of
device leases delivered and claimed (two months settled, one approved, one prepared), a
voucher batch for Futian's elders aged 80 and over with some codes handed out and some
vouchers redeemed, and a trade-in. Skipped when the demo payers exist already."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from django.db.models import Q
from django.utils import timezone

from silvercare.accounts.models import User
from silvercare.audit.services import AuditContext
from silvercare.common.errors import DomainError
from silvercare.elders.models import Elder
from silvercare.subsidies import services
from silvercare.subsidies.models import PayerBody, Programme, Voucher
from silvercare.subsidies.services import Item, VersionValues

CITY, FUTIAN, YUANLING = "440300000000", "440304000000", "440304001000"
LEASES = 12  # elders of 园岭街道 with a walker or wheelchair on lease
REDEEMED = 12  # vouchers a shop redeems

PAYERS = [
    ("sz-finance", "深圳市财政局", "city_finance", CITY),
    ("sz-ltc-fund", "深圳市长期护理保险基金", "ltc_fund", CITY),
    ("sz-disabled-fed", "深圳市残疾人联合会", "disability_federation", CITY),
    ("sz-voucher", "深圳市银发消费券专户", "voucher_issuer", CITY),
    ("ft-finance", "福田区财政局", "district_finance", FUTIAN),
    ("yl-finance", "园岭街道财政所", "street_finance", YUANLING),
]


def _month(day: dt.date, back: int) -> dt.date:
    """The first day of the month ``back`` months before ``day``'s."""
    index = day.year * 12 + day.month - 1 - back
    return dt.date(index // 12, index % 12 + 1, 1)


def _month_end(first: dt.date) -> dt.date:
    return _month(first, -1) - dt.timedelta(days=1)


def _programmes(ctx: AuditContext, start: dt.date, today: dt.date) -> dict[str, Programme]:
    """Define and publish the programmes (with their budgets for this year and last)."""
    specs: list[tuple[str, str, str, str, VersionValues, int | None]] = [
        (
            "sz-device-basic",
            "残疾老人基本型辅助器具补贴",
            CITY,
            "持残疾人证的老年人购买或租赁基本型辅助器具，按价格全额补贴，每件每月最高1,500元，终身累计5,000元。",
            VersionValues(
                valid_from=start,
                eligibility_rule="has_disability_certificate",
                item_kinds=["device_purchase", "device_rental"],
                amount_rule={
                    "type": "percentage",
                    "percent_bp": 10000,
                    "cap_fen": 150_000,
                    "per": "item",
                },
                lifetime_limit_fen=500_000,
                stacking_priority=30,
                shares=[("sz-disabled-fed", 10000)],
            ),
            2_000_000_00,
        ),
        (
            "yl-rental",
            "园岭街道残疾及失能老人辅具租赁补贴",
            YUANLING,
            "能力等级2级及以上或持残疾人证的老年人租赁辅具，补贴月租金的80%，每月最高200元；区、街道各承担50%。",
            VersionValues(
                valid_from=start,
                eligibility_rule="level >= 2 || has_disability_certificate",
                item_kinds=["device_rental"],
                amount_rule={
                    "type": "percentage",
                    "percent_bp": 8000,
                    "cap_fen": 20_000,
                    "per": "month",
                },
                yearly_limit_fen=240_000,
                stacking_priority=40,
                shares=[("ft-finance", 5000), ("yl-finance", 5000)],
            ),
            1_200_000_00,
        ),
        (
            "sz-ltc-share",
            "长期护理保险辅具及护理费用分担（2–4级）",
            CITY,
            "长护险参保老年人能力等级2–4级：2级报销50%，3级60%，4级70%。",
            VersionValues(
                valid_from=start,
                eligibility_rule="level != null && level >= 2 && level <= 4",
                item_kinds=["device_rental", "service"],
                amount_rule={
                    "type": "tiered",
                    "by": "level",
                    "tiers": [
                        {"match": 2, "rule": {"type": "percentage", "percent_bp": 5000}},
                        {"match": 3, "rule": {"type": "percentage", "percent_bp": 6000}},
                        {"match": 4, "rule": {"type": "percentage", "percent_bp": 7000}},
                    ],
                },
                stacking_priority=10,
                budgeted=False,
                shares=[("sz-ltc-fund", 10000)],
            ),
            None,
        ),
        (
            "sz-tekun",
            "特困老人全额保障",
            CITY,
            "特困供养老年人：其他补贴之后的自付部分由市财政全额保障。",
            VersionValues(
                valid_from=start,
                eligibility_rule='"econ_difficult" in categories',
                item_kinds=["device_rental", "device_purchase", "service", "meal"],
                amount_rule={"type": "percentage", "percent_bp": 10000, "per": "item"},
                stacking_priority=90,
                shares=[("sz-finance", 10000)],
            ),
            3_000_000_00,
        ),
        (
            "sz-meals",
            "老年助餐补贴",
            CITY,
            "60岁以上老年人在长者饭堂就餐，按类别每餐补贴3–8元。",
            VersionValues(
                valid_from=start,
                eligibility_rule="age >= 60",
                item_kinds=["meal"],
                amount_rule={
                    "type": "tiered",
                    "by": "category",
                    "tiers": [
                        {"match": "econ_difficult", "rule": {"type": "fixed", "amount_fen": 800}},
                        {"match": "disabled", "rule": {"type": "fixed", "amount_fen": 500}},
                        {"match": "advanced_age", "rule": {"type": "fixed", "amount_fen": 500}},
                        {
                            "match": ["living_alone", "empty_nest"],
                            "rule": {"type": "fixed", "amount_fen": 300},
                        },
                    ],
                },
                stacking_priority=20,
                shares=[("sz-finance", 10000)],
            ),
            2_000_000_00,
        ),
        (
            "sz-silver-voucher",
            "银发消费券",
            CITY,
            "80岁以上老年人每人每期100元银发消费券，在签约商户使用。",
            VersionValues(
                valid_from=start,
                eligibility_rule="age >= 80",
                item_kinds=["service"],
                amount_rule={"type": "fixed", "amount_fen": 10_000, "per": "item"},
                yearly_limit_fen=40_000,
                stacking_priority=50,
                shares=[("sz-voucher", 10000)],
            ),
            500_000_00,
        ),
    ]
    made: dict[str, Programme] = {}
    for code, name, region, description, values, budget in specs:
        programme = services.programme_create(
            ctx=ctx,
            code=code,
            name=name,
            region_code=region,
            description=description,
            version=values,
        )
        # Publishing evaluates the version for every elder in the background (the task
        # worker `make run` starts; at once with SILVERCARE_TASKS=immediate).
        services.version_publish(ctx=ctx, version=programme.versions.get())
        if budget is not None:
            for year in sorted({start.year, today.year}):
                services.budget_save(
                    ctx=ctx, programme=programme, year=year, region_code=region, amount_fen=budget
                )
        made[code] = programme
    # The 2027 terms of the rental subsidy: a new version from next January (the first
    # keeps explaining this year's quotes and claims).
    rental = made["yl-rental"]
    next_year = dt.date(today.year + 1, 1, 1)
    services.version_publish(
        ctx=ctx,
        version=services.version_create(
            ctx=ctx,
            programme=rental,
            values=dataclasses.replace(
                services.version_values_of(rental.versions.get(number=1)),
                valid_from=next_year,
                note=f"{next_year.year}年标准：年度预算120万元",
            ),
        ),
    )
    services.budget_save(
        ctx=ctx,
        programme=rental,
        year=next_year.year,
        region_code=YUANLING,
        amount_fen=1_200_000_00,
    )
    return made


def _leases(
    *, worker: Any, operator: Any, sysadmin: Any, officer: Any, today: dt.date
) -> tuple[int, int]:
    """Walkers and wheelchairs leased to 园岭街道's elders four months ago, delivered month
    by month; the payers' claims of the three months before this one."""
    first = _month(today, 4)
    elders = list(
        Elder.objects.filter(region__code__startswith=YUANLING[:9], status="active")
        .filter(Q(ability_level__gte=2) | Q(is_disabled=True))
        .order_by("id_number_hash")[:LEASES]
    )
    as_worker, as_operator = AuditContext(actor=worker), AuditContext(actor=operator)
    held: list[Any] = []
    for index, elder in enumerate(elders):
        device, price = ("wheelchair", 12_000) if index % 3 == 0 else ("walker", 6_000)
        quote = services.quote(
            actor=worker,
            elder=elder,
            item=Item(
                kind="device_rental", code=device, label="轮椅" if index % 3 == 0 else "助行器"
            ),
            price_fen=price,
            on=first,
            ctx=as_worker,
        )
        provider = "福田康复辅具租赁站" if index % 2 == 0 else "园岭社区辅具服务点"
        held += services.reserve(
            ctx=as_worker,
            quote=quote,
            units=12,
            item_ref=f"lease:{device}:{index + 1:03d}",
            provider_ref=provider,
        )
    deliveries = 0
    returned = [r for r in held if r.item_ref.endswith("007")]  # after two months
    for back in (4, 3, 2, 1):
        end = _month_end(_month(today, back))
        for reservation in held:
            if back <= 2 and reservation in returned:
                continue
            services.delivery_record(
                ctx=as_operator,
                reservation=reservation,
                amount_fen=reservation.amount_fen // 12,
                delivered_on=end,
            )
            deliveries += 1
        if back == 3:
            for reservation in returned:  # an early return: the rest goes back
                services.release(ctx=as_operator, reservation=reservation)
    prepare, approve = AuditContext(actor=sysadmin), AuditContext(actor=officer)
    claims = 0
    for back, stage in ((3, "settled"), (2, "settled"), (1, "approved")):
        month = _month(today, back)
        for payer in PayerBody.objects.filter(code__in=["ft-finance", "yl-finance", "sz-ltc-fund"]):
            try:
                made = services.claim_prepare(ctx=prepare, payer=payer, month=month)
            except DomainError as exc:  # nothing delivered for this payer yet
                if exc.code == "nothing_to_claim":
                    continue
                raise
            for claim in made:
                claims += 1
                services.claim_approve(ctx=approve, claim=claim, total_fen=claim.total_fen)
                if stage == "settled":
                    services.claim_settle(
                        ctx=approve,
                        claim=claim,
                        payment_reference=f"SZ-PAY-{month:%Y%m}-{claims:03d}",
                    )
    return deliveries, claims


def _vouchers(
    *, officer: Any, consultant: Any, shop: Any, programme: Programme, today: dt.date
) -> int:
    ctx = AuditContext(actor=officer)
    batch = services.voucher_batch_create(
        ctx=ctx,
        programme=programme,
        code=f"ft-silver-{today:%Y%m}",
        name=f"福田区银发消费券（{today.year}年{today.month}月）",
        region_code=FUTIAN,
        face_value_fen=10_000,
        valid_from=_month(today, 0),
        expires_on=_month_end(_month(today, -1)),
        allow_partial=True,
    )
    batch = services.voucher_batch_issue(ctx=ctx, batch=batch)
    as_consultant, as_shop = AuditContext(actor=consultant), AuditContext(actor=shop)
    for index, voucher in enumerate(Voucher.objects.filter(batch=batch).order_by("id")[:REDEEMED]):
        code = services.voucher_code_issue(ctx=as_consultant, voucher=voucher)
        services.voucher_redeem(
            ctx=as_shop,
            code=code,
            amount_fen=10_000 if index % 3 else 6_800,
            merchant_ref="福田银龄生活超市" if index % 2 else "华富长者食堂",
        )
    return batch.issued_count


def demo_subsidies(*, today: dt.date | None = None) -> dict[str, int]:
    """Build the demo subsidies once (see the module). Returns what was made."""
    if PayerBody.objects.filter(code="sz-finance").exists():
        return {}
    today = today or timezone.localdate()
    users = {u.username: u for u in User.objects.filter(username__in=_USERNAMES)}
    officer = users["civil_affairs"]
    ctx = AuditContext(actor=officer, via="command")
    for code, name, kind, region in PAYERS:
        services.payer_create(ctx=ctx, code=code, name=name, kind=kind, region_code=region)
    start = dt.date(today.year - 1, 1, 1)
    programmes = _programmes(ctx, start, today)
    deliveries, claims = _leases(
        worker=users["community_worker"],
        operator=users["rental_operator"],
        sysadmin=users["sysadmin"],
        officer=officer,
        today=today,
    )
    vouchers = _vouchers(
        officer=officer,
        consultant=users["at_consultant"],
        shop=users["enterprise"],
        programme=programmes["sz-silver-voucher"],
        today=today,
    )
    elder = (
        Elder.objects.filter(region__code__startswith=YUANLING[:9], status="active")
        .order_by("-id_number_hash")
        .first()
    )
    if elder is not None:
        services.tradein_record(
            ctx=AuditContext(actor=users["community_worker"]),
            elder=elder,
            device_type="轮椅",
            brand="鱼跃",
            serial="YY-H005-2019-0417",
            credit_fen=20_000,
            received_on=today,
            note="旧轮椅以旧换新",
        )
    return {
        "programmes": len(programmes),
        "deliveries": deliveries,
        "claims": claims,
        "vouchers": vouchers,
    }


_USERNAMES = [
    "civil_affairs",
    "community_worker",
    "rental_operator",
    "sysadmin",
    "at_consultant",
    "enterprise",
]
