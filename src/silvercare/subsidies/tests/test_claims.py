"""Deliveries, monthly claims per payer and provider, approval by the paying body,
settlement, reversals and corrections (never edits of settled rows), early return; every
total reconciles to the fen."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import time_machine

from silvercare.audit.services import AuditContext
from silvercare.common.errors import DomainError, ValidationFailed
from silvercare.common.testing import COMMUNITY_A1, make_user
from silvercare.subsidies import selectors, services
from silvercare.subsidies.models import Claim, Delivery, DeliveryShare, PayerBody
from silvercare.subsidies.services import Item

from .conftest import FUTIAN, new_elder

pytestmark = pytest.mark.django_db
WALKER = Item(kind="device_rental", code="walker")
PROVIDER = "康复租赁甲"
JAN, FEB, MAR = dt.date(2026, 1, 1), dt.date(2026, 2, 1), dt.date(2026, 3, 1)


@pytest.fixture(autouse=True)
def mid_2026() -> Iterator[None]:
    with time_machine.travel(dt.datetime(2026, 6, 15, 10, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def approver(regions: None) -> Any:
    """A second Futian officer: the paying body's approver (not who prepares claims)."""
    return make_user("civil_affairs", FUTIAN, "futian_approver")


@pytest.fixture
def rental(make_programme: Callable[..., Any]) -> Any:
    # 100 % of the rent up to 18.01 yuan a month: 1801 fen split 50/50 is 901 + 900.
    return make_programme(
        "rental",
        amount_rule={"type": "percentage", "percent_bp": 10000, "cap_fen": 1801, "per": "month"},
        budget_fen=1_000_000,
    )


def lease(worker: Any, months: int = 12, provider: str = PROVIDER) -> Any:
    elder = new_elder(worker, COMMUNITY_A1)
    quote = services.quote(
        actor=worker, elder=elder, item=WALKER, price_fen=6000, on=dt.date(2026, 1, 1)
    )
    [reservation] = services.reserve(
        ctx=AuditContext(actor=worker), quote=quote, units=months, provider_ref=provider
    )
    return reservation


def deliver(worker: Any, reservation: Any, day: dt.date, amount: int = 1801) -> Delivery:
    return services.delivery_record(
        ctx=AuditContext(actor=worker), reservation=reservation, amount_fen=amount, delivered_on=day
    )


def usage(officer: Any, programme: Any) -> tuple[int, int, int, int]:
    [u] = selectors.budget_usage(actor=officer, programme_id=programme.pk)
    return u.reserved_fen, u.committed_fen, u.spent_fen, u.available_fen


def test_monthly_deliveries_claims_approval_and_settlement(
    worker: Any, officer: Any, approver: Any, rental: Any, payers: dict[str, PayerBody]
) -> None:
    reservation = lease(worker)
    assert usage(officer, rental) == (12 * 1801, 0, 0, 1_000_000 - 12 * 1801)
    deliver(worker, reservation, dt.date(2026, 1, 31))
    deliver(worker, reservation, dt.date(2026, 2, 28))
    # Reserved becomes committed month by month.
    assert usage(officer, rental) == (10 * 1801, 2 * 1801, 0, 1_000_000 - 12 * 1801)

    ctx = AuditContext(actor=officer)
    [district] = services.claim_prepare(ctx=ctx, payer=payers["district"], month=JAN)
    [street] = services.claim_prepare(ctx=ctx, payer=payers["street"], month=JAN)
    # January only, split to the fen: 901 for the larger remainder (first payer), 900.
    assert (district.provider_ref, district.line_count, district.total_fen) == (PROVIDER, 1, 901)
    assert (street.line_count, street.total_fen) == (1, 900)
    # Nothing else to claim for January; February comes with the next month's claim.
    with pytest.raises(DomainError) as nothing:
        services.claim_prepare(ctx=ctx, payer=payers["district"], month=JAN)
    assert nothing.value.code == "nothing_to_claim"

    # Approval: not by who prepared it, and for the total the approver saw.
    with pytest.raises(DomainError) as same:
        services.claim_approve(ctx=ctx, claim=district, total_fen=901)
    assert same.value.code == "claim_same_person"
    by_payer = AuditContext(actor=approver)
    with pytest.raises(DomainError) as wrong_total:
        services.claim_approve(ctx=by_payer, claim=district, total_fen=900)
    assert wrong_total.value.code == "claim_totals_mismatch"
    with pytest.raises(DomainError) as early:
        services.claim_settle(ctx=by_payer, claim=district)
    assert early.value.code == "claim_wrong_status"
    services.claim_approve(ctx=by_payer, claim=district, total_fen=901)
    settled = services.claim_settle(ctx=by_payer, claim=district, payment_reference="PZ-2026-01")
    assert settled.status == "settled" and settled.settled_at is not None
    reservation.refresh_from_db()
    assert reservation.settled_at == settled.settled_at
    # Half of January's month is spent (the district's share); the street's is committed.
    assert usage(officer, rental) == (10 * 1801, 2 * 1801 - 901, 901, 1_000_000 - 12 * 1801)

    [february] = services.claim_prepare(ctx=ctx, payer=payers["district"], month=FEB)
    assert (february.month, february.total_fen, february.sequence) == (FEB, 901, 1)


def test_a_settled_delivery_is_reversed_and_corrected_by_new_entries(
    worker: Any, officer: Any, approver: Any, rental: Any, payers: dict[str, PayerBody]
) -> None:
    reservation = lease(worker)
    wrong = deliver(worker, reservation, dt.date(2026, 1, 31))
    ctx, by_payer = AuditContext(actor=officer), AuditContext(actor=approver)
    [claim] = services.claim_prepare(ctx=ctx, payer=payers["district"], month=JAN)
    services.claim_approve(ctx=by_payer, claim=claim, total_fen=901)
    services.claim_settle(ctx=by_payer, claim=claim)
    lines_before = list(DeliveryShare.objects.filter(claim=claim).values_list("amount_fen", "pk"))

    # January's rent was only half a month: reverse and correct with new entries.
    reversal, correction = services.delivery_correct(
        ctx=AuditContext(actor=worker), delivery=wrong, amount_fen=900, note="half month"
    )
    assert (reversal.kind, reversal.amount_fen, reversal.reverses_id) == (
        "reversal",
        -1801,
        wrong.pk,
    )
    assert (correction.kind, correction.amount_fen, correction.delivered_on) == (
        "correction",
        900,
        dt.date(2026, 1, 31),
    )
    with pytest.raises(DomainError) as twice:
        services.delivery_reverse(ctx=AuditContext(actor=worker), delivery=wrong)
    assert twice.value.code == "delivery_already_reversed"
    # The settled claim and its lines did not change.
    assert list(DeliveryShare.objects.filter(claim=claim).values_list("amount_fen", "pk")) == (
        lines_before
    )
    assert Claim.objects.get(pk=claim.pk).total_fen == 901
    # The next claim carries the reversal (-901) and the correction (450): owed back 451.
    [june] = services.claim_prepare(ctx=ctx, payer=payers["district"], month=dt.date(2026, 6, 1))
    assert sorted(june.lines.values_list("amount_fen", flat=True)) == [-901, 450]
    assert june.total_fen == -451
    reservation.refresh_from_db()
    assert (reservation.committed_fen, reservation.status) == (900, "reserved")
    # Spent stays what was paid; committed is what is owed now.
    assert usage(officer, rental)[1:3] == (900 - 901, 901)


def test_early_return_releases_what_was_not_delivered(
    worker: Any, officer: Any, rental: Any
) -> None:
    reservation = lease(worker)
    for day in (dt.date(2026, 1, 31), dt.date(2026, 2, 28), dt.date(2026, 3, 31)):
        deliver(worker, reservation, day)
    # Returned after three months: the nine months not used go back.
    back = services.release(ctx=AuditContext(actor=worker), reservation=reservation)
    assert (back.status, back.committed_fen, back.released_fen, back.held_fen) == (
        "committed",
        3 * 1801,
        9 * 1801,
        3 * 1801,
    )
    assert usage(officer, rental) == (0, 3 * 1801, 0, 1_000_000 - 3 * 1801)
    with pytest.raises(DomainError) as closed:
        deliver(worker, back, dt.date(2026, 4, 30))
    assert closed.value.code == "reservation_wrong_status"
    # Used less than was delivered is not a release: reverse the delivery instead.
    other = lease(worker)
    deliver(worker, other, dt.date(2026, 1, 31))
    with pytest.raises(ValidationFailed) as less:
        services.release(ctx=AuditContext(actor=worker), reservation=other, used_fen=100)
    assert less.value.errors[0].code == "delivered_more_than_used"


def test_deliveries_past_the_reservation_or_in_the_future_are_refused(
    worker: Any, rental: Any
) -> None:
    reservation = lease(worker, months=1)
    with pytest.raises(DomainError) as too_much:
        deliver(worker, reservation, dt.date(2026, 1, 31), amount=1802)
    assert too_much.value.code == "delivery_exceeds_reservation"
    with pytest.raises(ValidationFailed) as future:
        deliver(worker, reservation, dt.date(2026, 7, 1))
    assert future.value.errors[0].code == "delivery_date_invalid"
    with pytest.raises(ValidationFailed):
        deliver(worker, reservation, dt.date(2026, 1, 31), amount=0)
    assert Delivery.objects.count() == 0
    deliver(worker, reservation, dt.date(2026, 1, 31))
    reservation.refresh_from_db()
    assert reservation.status == "committed"  # fully delivered: closed


def test_claims_are_made_per_provider(
    worker: Any, officer: Any, rental: Any, payers: dict[str, PayerBody]
) -> None:
    deliver(worker, lease(worker, provider="甲"), dt.date(2026, 1, 10))
    deliver(worker, lease(worker, provider="乙"), dt.date(2026, 1, 11))
    deliver(worker, lease(worker, provider="乙"), dt.date(2026, 1, 12))
    claims = services.claim_prepare(
        ctx=AuditContext(actor=officer), payer=payers["street"], month=JAN
    )
    assert {c.provider_ref: (c.line_count, c.total_fen) for c in claims} == {
        "甲": (1, 900),
        "乙": (2, 1800),
    }


def test_a_claim_whose_lines_do_not_add_up_is_refused(
    worker: Any, officer: Any, approver: Any, rental: Any, payers: dict[str, PayerBody]
) -> None:
    reservation = lease(worker)
    deliver(worker, reservation, dt.date(2026, 1, 31))
    [claim] = services.claim_prepare(
        ctx=AuditContext(actor=officer), payer=payers["district"], month=JAN
    )
    # A line changed behind the services' back (a bad import, a hand edit): the claim no
    # longer reconciles with its total nor with the entry it splits.
    DeliveryShare.objects.filter(claim=claim).update(amount_fen=900)
    assert len(services.claim_reconcile(claim)) == 2
    with pytest.raises(DomainError) as refused:
        services.claim_approve(ctx=AuditContext(actor=approver), claim=claim, total_fen=901)
    assert refused.value.code == "claim_totals_mismatch"
    assert Claim.objects.get(pk=claim.pk).status == "prepared"


def test_a_rejected_claim_frees_its_lines_for_the_next_claim(
    worker: Any, officer: Any, approver: Any, rental: Any, payers: dict[str, PayerBody]
) -> None:
    deliver(worker, lease(worker), dt.date(2026, 1, 31))
    ctx = AuditContext(actor=officer)
    [claim] = services.claim_prepare(ctx=ctx, payer=payers["district"], month=JAN)
    services.claim_reject(ctx=AuditContext(actor=approver), claim=claim, reason="缺少签收单")
    claim.refresh_from_db()
    assert (claim.status, claim.note, claim.total_fen, claim.lines.count()) == (
        "rejected",
        "缺少签收单",
        901,
        0,
    )
    [again] = services.claim_prepare(ctx=ctx, payer=payers["district"], month=JAN)
    assert (again.sequence, again.total_fen) == (2, 901)


def test_approval_needs_the_paying_bodys_right(
    worker: Any, officer: Any, rental: Any, payers: dict[str, PayerBody]
) -> None:
    deliver(worker, lease(worker), dt.date(2026, 1, 31))
    [claim] = services.claim_prepare(
        ctx=AuditContext(actor=officer), payer=payers["district"], month=JAN
    )
    for outsider in (worker, make_user("civil_affairs", "440303000000", "luohu_approver")):
        with pytest.raises(DomainError) as denied:
            services.claim_approve(ctx=AuditContext(actor=outsider), claim=claim, total_fen=901)
        assert denied.value.status == 403
    assert Claim.objects.get(pk=claim.pk).status == "prepared"
