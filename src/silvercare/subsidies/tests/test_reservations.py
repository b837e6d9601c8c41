"""Reservations: held atomically against budgets and the elder's limits, committed when
delivered, released (what was not used) on cancellation or early return."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from silvercare.audit.services import AuditContext
from silvercare.common.errors import DomainError, ValidationFailed
from silvercare.common.testing import COMMUNITY_A1
from silvercare.subsidies import selectors, services
from silvercare.subsidies.models import Reservation
from silvercare.subsidies.services import Item

from .conftest import new_elder

pytestmark = pytest.mark.django_db
WALKER = Item(kind="device_rental", code="walker")


@pytest.fixture
def rental(make_programme: Callable[..., Any]) -> Any:
    return make_programme(
        "rental",
        amount_rule={"type": "percentage", "percent_bp": 10000, "cap_fen": 1800, "per": "month"},
        yearly_limit_fen=30_000,
        lifetime_limit_fen=50_000,
        budget_fen=100_000,
    )


def usage(officer: Any, programme: Any) -> tuple[int, int, int, int]:
    [u] = selectors.budget_usage(actor=officer, programme_id=programme.pk)
    return u.reserved_fen, u.committed_fen, u.spent_fen, u.available_fen


def test_reserve_commit_and_early_return(worker: Any, officer: Any, rental: Any) -> None:
    ctx = AuditContext(actor=worker)
    elder = new_elder(worker, COMMUNITY_A1)
    quote = services.quote(
        actor=worker, elder=elder, item=WALKER, price_fen=6000, on=timezone.localdate()
    )
    [held] = services.reserve(ctx=ctx, quote=quote, units=12, item_ref="lease:1")
    assert (held.amount_fen, held.status, held.version_id) == (
        21_600,
        "reserved",
        quote.lines.get(position=0).version_id,
    )
    assert usage(officer, rental) == (21_600, 0, 0, 78_400)
    # Returned after four months: four are committed, eight go back.
    back = services.release(ctx=ctx, reservation=held, used_fen=4 * 1800)
    assert (back.status, back.committed_fen, back.released_fen) == ("committed", 7200, 14_400)
    assert usage(officer, rental) == (0, 7200, 0, 92_800)
    with pytest.raises(DomainError) as again:
        services.release(ctx=ctx, reservation=back)
    assert again.value.code == "reservation_wrong_status"

    second = services.quote(
        actor=worker, elder=elder, item=WALKER, price_fen=6000, on=timezone.localdate()
    )
    [r2] = services.reserve(ctx=ctx, quote=second)
    assert services.commit(ctx=ctx, reservation=r2).committed_fen == 1800
    third = services.quote(
        actor=worker, elder=elder, item=WALKER, price_fen=6000, on=timezone.localdate()
    )
    [r3] = services.reserve(ctx=ctx, quote=third)
    cancelled = services.release(ctx=ctx, reservation=r3)
    assert (cancelled.status, cancelled.held_fen) == ("released", 0)
    assert usage(officer, rental) == (0, 9000, 0, 91_000)


def test_a_quote_is_reserved_once(worker: Any, rental: Any) -> None:
    ctx = AuditContext(actor=worker)
    elder = new_elder(worker, COMMUNITY_A1)
    quote = services.quote(
        actor=worker, elder=elder, item=WALKER, price_fen=6000, on=timezone.localdate()
    )
    services.reserve(ctx=ctx, quote=quote)
    with pytest.raises(DomainError) as twice:
        services.reserve(ctx=ctx, quote=quote)
    assert (twice.value.code, twice.value.status) == ("quote_already_reserved", 409)
    assert Reservation.objects.count() == 1


def test_budget_and_limits_refuse_and_nothing_is_held(
    worker: Any, officer: Any, rental: Any
) -> None:
    ctx = AuditContext(actor=worker)
    first, second = (new_elder(worker, COMMUNITY_A1) for _ in range(2))
    today = timezone.localdate()
    # The yearly limit (300 yuan) refuses 17 months of 18 yuan, and holds nothing.
    q = services.quote(actor=worker, elder=first, item=WALKER, price_fen=6000, on=today)
    with pytest.raises(DomainError) as yearly:
        services.reserve(ctx=ctx, quote=q, units=17)
    assert (yearly.value.code, yearly.value.status) == ("yearly_limit_exceeded", 409)
    assert Reservation.objects.count() == 0
    services.reserve(ctx=ctx, quote=q, units=16)
    # The budget: 1,000 yuan less 288 leaves 712; two quotes made before either reserves.
    a = services.quote(actor=worker, elder=second, item=WALKER, price_fen=6000, on=today)
    b = services.quote(actor=worker, elder=second, item=WALKER, price_fen=6000, on=today)
    services.budget_save(
        ctx=AuditContext(actor=officer),
        programme=rental,
        year=today.year,
        region_code="440304000000",
        amount_fen=28_800 + 1800,
    )
    services.reserve(ctx=ctx, quote=a)
    with pytest.raises(DomainError) as budget:
        services.reserve(ctx=ctx, quote=b)
    assert budget.value.code == "budget_exceeded"
    assert usage(officer, rental) == (30_600, 0, 0, 0)
    # A budget cannot be lowered below what is held.
    with pytest.raises(ValidationFailed):
        services.budget_save(
            ctx=AuditContext(actor=officer),
            programme=rental,
            year=today.year,
            region_code="440304000000",
            amount_fen=1000,
        )


def test_a_quote_paying_nothing_reserves_nothing(worker: Any, rental: Any) -> None:
    elder = new_elder(worker, COMMUNITY_A1)
    quote = services.quote(
        actor=worker, elder=elder, item=Item(kind="meal"), price_fen=900, on=timezone.localdate()
    )
    assert services.reserve(ctx=AuditContext(actor=worker), quote=quote) == []
