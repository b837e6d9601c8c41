"""Fixtures of the canteen tests: a Futian officer opens canteens in street A and street B
(registered in the facility registry), a canteen admin, meal subsidies like the seeds
describe — the district's meal subsidy by category tier (特困 8 yuan, 80+ 5 yuan, living
alone 3 yuan; funded 60 % district / 40 % street) and 园岭街道's own top-up of 2 yuan for
meals in the elder's own street (street finance) — and elders of street A."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from silvercare.audit.services import AuditContext
from silvercare.canteens import services
from silvercare.canteens.choices import OWN_STREET
from silvercare.common.testing import COMMUNITY_A1, STREET_A, STREET_B, make_elder, make_user

FUTIAN = "440304000000"


def pytest_collection_modifyitems(config: Any, items: list[Any]) -> None:
    """``postgres_only`` tests skip on SQLite (no concurrent writers there)."""
    if connection.vendor == "postgresql":
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL (DATABASE_URL=postgres://…)")
    for item in items:
        if "postgres_only" in item.keywords:
            item.add_marker(skip)


def new_elder(actor: Any, region: str = COMMUNITY_A1, **values: Any) -> Any:
    values.setdefault("hukou_type", "local_urban")
    values.setdefault("living_situation", "spouse")
    return make_elder(actor, region, **values)


@pytest.fixture
def officer(regions: None) -> Any:
    return make_user("civil_affairs", FUTIAN, "canteen_officer")


@pytest.fixture
def admin(regions: None) -> Any:
    """The canteens' admin (a care-provider admin of Futian, not linked to a provider)."""
    return make_user("care_provider_admin", FUTIAN, "canteen_admin")


@pytest.fixture
def canteen(officer: Any) -> Any:
    return services.canteen_create(
        ctx=AuditContext(actor=officer, via="test"),
        name="园岭长者饭堂",
        region_code=STREET_A,
        capacity=4,
        address="园岭三街12号",
        latitude=22.552,
        longitude=114.092,
        operator_name="福田颐康餐饮",
        meals=["lunch", "dinner"],
    )


@pytest.fixture
def other_canteen(officer: Any) -> Any:
    return services.canteen_create(
        ctx=AuditContext(actor=officer, via="test"),
        name="南园长者饭堂",
        region_code=STREET_B,
        capacity=50,
        latitude=22.541,
        longitude=114.081,
        operator_name="南园社区餐厅",
    )


@pytest.fixture
def day() -> dt.date:
    """A day the canteens serve, after today's cut-off: tomorrow."""
    return timezone.localdate() + dt.timedelta(days=1)


def make_menu(
    admin: Any, canteen: Any, day: dt.date, meal: str = "lunch", price_fen: int = 1500
) -> Any:
    ctx = AuditContext(actor=admin, via="test")
    dishes = list(canteen.dishes.all()) or [
        services.dish_create(ctx=ctx, canteen=canteen, name="清蒸鲈鱼", tags=["soft", "low_salt"]),
        services.dish_create(ctx=ctx, canteen=canteen, name="南瓜粥", tags=["soft", "diabetic"]),
    ]
    return services.menu_save(
        ctx=ctx, canteen=canteen, day=day, meal=meal, price_fen=price_fen, dishes=dishes
    )


@pytest.fixture
def menu(admin: Any, canteen: Any, day: dt.date) -> Any:
    return make_menu(admin, canteen, day)


@pytest.fixture
def programmes(officer: Any) -> dict[str, Any]:
    from silvercare.subsidies import services as subsidies

    ctx = AuditContext(actor=officer, via="test")
    subsidies.payer_create(
        ctx=ctx, code="ft-finance", name="福田区财政", kind="district_finance", region_code=FUTIAN
    )
    subsidies.payer_create(
        ctx=ctx, code="yl-finance", name="园岭街道财政", kind="street_finance", region_code=STREET_A
    )
    made = {}
    for code, region, values in (
        (
            "ft-meals",
            FUTIAN,
            subsidies.VersionValues(
                valid_from=dt.date(2020, 1, 1),
                eligibility_rule="age >= 60",
                item_kinds=["meal"],
                amount_rule={
                    "type": "tiered",
                    "by": "category",
                    "tiers": [
                        {"match": "econ_difficult", "rule": {"type": "fixed", "amount_fen": 800}},
                        {"match": "advanced_age", "rule": {"type": "fixed", "amount_fen": 500}},
                        {"match": "living_alone", "rule": {"type": "fixed", "amount_fen": 300}},
                    ],
                },
                stacking_priority=10,
                shares=[("ft-finance", 6000), ("yl-finance", 4000)],
            ),
        ),
        (
            "yl-meals-street",
            STREET_A,
            subsidies.VersionValues(
                valid_from=dt.date(2020, 1, 1),
                eligibility_rule="age >= 60",
                item_kinds=["meal"],
                item_codes=[OWN_STREET],
                amount_rule={"type": "fixed", "amount_fen": 200, "per": "meal"},
                stacking_priority=20,
                shares=[("yl-finance", 10000)],
            ),
        ),
    ):
        programme = subsidies.programme_create(
            ctx=ctx, code=code, name=code, region_code=region, version=values
        )
        subsidies.version_publish(ctx=ctx, version=programme.versions.get())
        subsidies.budget_save(
            ctx=ctx,
            programme=programme,
            year=timezone.localdate().year,
            region_code=region,
            amount_fen=1_000_000,
        )
        made[code] = programme
    return made


@pytest.fixture
def elder(worker: Any) -> Any:
    return new_elder(worker, name="陈阿婆", categories=["econ_difficult"])
