"""Budgets and per-elder limits are never overspent under concurrent reservations
(PostgreSQL row locks; SQLite has no concurrent writers to test)."""

from __future__ import annotations

import datetime as dt
import threading
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from silvercare.audit.services import AuditContext
from silvercare.common.errors import DomainError
from silvercare.common.testing import COMMUNITY_A1, make_user
from silvercare.subsidies import selectors, services
from silvercare.subsidies.models import Reservation, Voucher
from silvercare.subsidies.services import Item

from .conftest import new_elder

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]
WALKER = Item(kind="device_rental", code="walker")


def race(worker: Any, quotes: list[Any]) -> Counter[str]:
    """Reserve every quote at once, one thread each; count the outcomes."""

    def reserve(quote: Any) -> str:
        services.reserve(ctx=AuditContext(actor=worker, via="test"), quote=quote)
        return "reserved"

    return race_calls(reserve, quotes)


def race_calls(call: Callable[[Any], str], arguments: list[Any]) -> Counter[str]:
    """Run ``call`` on every argument at once, one thread each; count what they return
    (or the code of the domain error they raise)."""
    start = threading.Barrier(len(arguments))
    outcomes: Counter[str] = Counter()
    lock = threading.Lock()

    def run(argument: Any) -> None:
        try:
            start.wait()
            result = call(argument)
        except DomainError as exc:
            result = exc.code
        finally:
            connection.close()
        with lock:
            outcomes[result] += 1

    threads = [threading.Thread(target=run, args=(a,)) for a in arguments]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return outcomes


def test_24_concurrent_reservations_against_room_for_5(
    worker: Any, officer: Any, make_programme: Callable[..., Any]
) -> None:
    programme = make_programme(
        "race",
        amount_rule={"type": "percentage", "percent_bp": 10000, "per": "month"},
        budget_fen=5 * 1000,
    )
    today = timezone.localdate()
    quotes = [
        services.quote(
            actor=worker,
            elder=new_elder(worker, COMMUNITY_A1),
            item=WALKER,
            price_fen=1000,
            on=today,
        )
        for _ in range(24)
    ]
    assert all(q.elder_pays_fen == 0 for q in quotes)  # each quote alone fits the budget
    outcomes = race(worker, quotes)
    assert outcomes == Counter({"reserved": 5, "budget_exceeded": 19})
    [usage] = selectors.budget_usage(actor=officer, programme_id=programme.pk)
    assert (usage.reserved_fen, usage.available_fen) == (5000, 0)
    assert Reservation.objects.count() == 5


def test_one_elders_yearly_limit_holds_under_concurrency(
    worker: Any, make_programme: Callable[..., Any]
) -> None:
    make_programme(
        "limit-race",
        amount_rule={"type": "percentage", "percent_bp": 10000, "per": "month"},
        yearly_limit_fen=3 * 1000,
        budget_fen=10_000_000,
    )
    elder = new_elder(worker, COMMUNITY_A1)
    today = timezone.localdate()
    quotes = [
        services.quote(actor=worker, elder=elder, item=WALKER, price_fen=1000, on=today)
        for _ in range(12)
    ]
    outcomes = race(worker, quotes)
    assert outcomes == Counter({"reserved": 3, "yearly_limit_exceeded": 9})
    assert sum(Reservation.objects.values_list("held_fen", flat=True)) == 3000


def _voucher_code(worker: Any, officer: Any, programme: Any, *, partial: bool) -> tuple[str, Any]:
    today = timezone.localdate()
    elder = new_elder(worker, COMMUNITY_A1)
    ctx = AuditContext(actor=officer)
    batch = services.voucher_batch_create(
        ctx=ctx,
        programme=programme,
        code="race-batch",
        name="并发测试",
        region_code="440304000000",
        face_value_fen=10_000,
        valid_from=today - dt.timedelta(days=1),
        expires_on=today + dt.timedelta(days=30),
        allow_partial=partial,
    )
    services.voucher_batch_issue(ctx=ctx, batch=batch)
    voucher = Voucher.objects.get(elder=elder)
    return services.voucher_code_issue(ctx=AuditContext(actor=worker), voucher=voucher), voucher


@pytest.fixture
def voucher_programme(make_programme: Callable[..., Any]) -> Any:
    return make_programme(
        "race-vouchers",
        valid_from=timezone.localdate() - dt.timedelta(days=30),
        item_kinds=["service"],
        amount_rule={"type": "fixed", "amount_fen": 10_000, "per": "item"},
        budget_fen=1_000_000,
    )


def test_a_voucher_is_redeemed_once_under_concurrency(
    worker: Any, officer: Any, voucher_programme: Any
) -> None:
    code, voucher = _voucher_code(worker, officer, voucher_programme, partial=False)
    shops = [make_user("enterprise", "440304000000", f"race_shop_{i}") for i in range(16)]

    def redeem(shop: Any) -> str:
        services.voucher_redeem(
            ctx=AuditContext(actor=shop), code=code, amount_fen=10_000, merchant_ref=shop.username
        )
        return "redeemed"

    assert race_calls(redeem, shops) == Counter({"redeemed": 1, "voucher_used": 15})
    voucher.refresh_from_db()
    assert (voucher.status, voucher.remaining_fen, voucher.redemptions.count()) == ("used", 0, 1)
    reservation = Reservation.objects.get(pk=voucher.reservation_id)
    assert (reservation.committed_fen, reservation.deliveries.count()) == (10_000, 1)


def test_partial_redemptions_never_take_more_than_the_voucher_holds(
    worker: Any, officer: Any, voucher_programme: Any
) -> None:
    code, voucher = _voucher_code(worker, officer, voucher_programme, partial=True)
    shops = [make_user("enterprise", "440304000000", f"part_shop_{i}") for i in range(12)]

    def redeem(shop: Any) -> str:
        services.voucher_redeem(
            ctx=AuditContext(actor=shop), code=code, amount_fen=3_000, merchant_ref=shop.username
        )
        return "redeemed"

    outcomes = race_calls(redeem, shops)
    assert outcomes == Counter({"redeemed": 3, "validation_failed": 9})
    voucher.refresh_from_db()
    assert (voucher.status, voucher.remaining_fen) == ("active", 1_000)
    assert sum(voucher.redemptions.values_list("amount_fen", flat=True)) == 9_000
