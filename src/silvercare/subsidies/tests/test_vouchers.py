"""Consumption vouchers: issued in a batch to the elders a rule lets in, held on the budget,
a random code stored hashed, checked by a merchant (masked name and value left only),
redeemed once or in parts, expired; and trade-in credits used once."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import time_machine

from silvercare.audit.services import AuditContext
from silvercare.common.errors import DomainError, ValidationFailed
from silvercare.common.testing import COMMUNITY_A1, COMMUNITY_LUOHU, make_user
from silvercare.subsidies import selectors, services
from silvercare.subsidies.models import (
    Claim,
    PayerBody,
    Reservation,
    TradeIn,
    Voucher,
    VoucherBatch,
)
from silvercare.subsidies.services import Item

from .conftest import FUTIAN, new_elder

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 6, 15)


@pytest.fixture(autouse=True)
def mid_june() -> Iterator[None]:
    with time_machine.travel(dt.datetime(2026, 6, 15, 2, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def merchant(regions: None) -> Any:
    """A shop's account (enterprise role) in Futian."""
    return make_user("enterprise", FUTIAN, "futian_shop")


@pytest.fixture
def voucher_programme(make_programme: Callable[..., Any]) -> Any:
    return make_programme(
        "silver-vouchers",
        eligibility_rule="age >= 70",
        item_kinds=["service"],
        amount_rule={"type": "fixed", "amount_fen": 10_000, "per": "item"},
        yearly_limit_fen=15_000,
        budget_fen=30_000,
    )


def batch_of(officer: Any, programme: Any, **values: Any) -> VoucherBatch:
    data: dict[str, Any] = {
        "code": "silver-2026-06",
        "name": "银发消费券 2026年6月",
        "region_code": FUTIAN,
        "face_value_fen": 10_000,
        "valid_from": dt.date(2026, 6, 1),
        "expires_on": dt.date(2026, 6, 30),
        **values,
    }
    return services.voucher_batch_create(
        ctx=AuditContext(actor=officer), programme=programme, **data
    )


def born(age: int) -> dict[str, Any]:
    from silvercare.common.testing import id_number

    birth = dt.date(TODAY.year - age, 1, 2)
    return {"id_number": id_number(birth), "name": "王秀英"}


def test_a_batch_goes_to_the_elders_the_rule_lets_in_and_holds_the_budget(
    worker: Any, officer: Any, voucher_programme: Any
) -> None:
    old, older = new_elder(worker, **born(75)), new_elder(worker, **born(88))
    new_elder(worker, **born(65))  # too young for the rule
    batch = services.voucher_batch_issue(
        ctx=AuditContext(actor=officer), batch=batch_of(officer, voucher_programme)
    )
    assert (batch.status, batch.issued_count, batch.skipped_count) == ("issued", 2, 0)
    assert set(Voucher.objects.values_list("elder_id", flat=True)) == {old.pk, older.pk}
    [usage] = selectors.budget_usage(actor=officer, programme_id=voucher_programme.pk)
    assert (usage.reserved_fen, usage.available_fen) == (20_000, 10_000)
    with pytest.raises(DomainError) as again:
        services.voucher_batch_issue(ctx=AuditContext(actor=officer), batch=batch)
    assert again.value.code == "voucher_batch_not_draft"


def test_a_batch_the_budget_cannot_hold_is_refused_whole(
    worker: Any, officer: Any, voucher_programme: Any
) -> None:
    for age in (71, 72, 73, 74):
        new_elder(worker, **born(age))
    with pytest.raises(DomainError) as refused:
        services.voucher_batch_issue(
            ctx=AuditContext(actor=officer), batch=batch_of(officer, voucher_programme)
        )
    assert refused.value.code == "budget_exceeded"
    assert "4" in str(refused.value.message)
    assert (Voucher.objects.count(), Reservation.objects.count()) == (0, 0)


def test_code_check_redeem_once_and_claim(
    worker: Any, officer: Any, merchant: Any, voucher_programme: Any, payers: dict[str, PayerBody]
) -> None:
    elder = new_elder(worker, **born(80))
    services.voucher_batch_issue(
        ctx=AuditContext(actor=officer), batch=batch_of(officer, voucher_programme)
    )
    voucher = Voucher.objects.get(elder=elder)
    code = services.voucher_code_issue(ctx=AuditContext(actor=worker), voucher=voucher)
    voucher.refresh_from_db()
    # Stored only as a keyed hash; the code itself is nowhere in the row.
    assert code.replace("-", "") not in str(Voucher.objects.filter(pk=voucher.pk).values().get())
    assert len(code) == 14 and voucher.code_hash and len(voucher.code_hash) == 64

    shop = AuditContext(actor=merchant)
    seen = services.voucher_check(ctx=shop, code=code.lower().replace("-", " "))
    assert seen == services.VoucherCheck(
        masked_name="王*英", remaining_fen=10_000, redeemable=True, partial_allowed=False
    )
    with pytest.raises(ValidationFailed):
        services.voucher_redeem(ctx=shop, code=code, amount_fen=10_001, merchant_ref="银龄超市")
    redemption = services.voucher_redeem(
        ctx=shop, code=code, amount_fen=8_000, merchant_ref="银龄超市"
    )
    assert redemption.delivery.provider_ref == "银龄超市"
    voucher.refresh_from_db()
    assert (voucher.status, voucher.remaining_fen) == ("used", 0)
    with pytest.raises(DomainError) as twice:
        services.voucher_redeem(ctx=shop, code=code, amount_fen=1, merchant_ref="银龄超市")
    assert twice.value.code == "voucher_used"
    assert services.voucher_check(ctx=shop, code=code).remaining_fen == 0
    # Not partial: the 20 yuan the purchase did not need went back to the budget.
    [usage] = selectors.budget_usage(actor=officer, programme_id=voucher_programme.pk)
    assert (usage.reserved_fen, usage.committed_fen, usage.available_fen) == (0, 8_000, 22_000)
    # The redemption is claimed from the payers like any delivery, per merchant.
    claims = services.claim_prepare(
        ctx=AuditContext(actor=officer), payer=payers["district"], month=dt.date(2026, 6, 1)
    )
    assert [(c.provider_ref, c.total_fen) for c in claims] == [("银龄超市", 4_000)]
    assert Claim.objects.count() == 1


def test_partial_redemption_and_expiry(
    worker: Any, officer: Any, merchant: Any, voucher_programme: Any
) -> None:
    elder = new_elder(worker, **born(80))
    batch = services.voucher_batch_issue(
        ctx=AuditContext(actor=officer),
        batch=batch_of(officer, voucher_programme, allow_partial=True),
    )
    code = services.voucher_code_issue(
        ctx=AuditContext(actor=worker), voucher=Voucher.objects.get(elder=elder)
    )
    shop = AuditContext(actor=merchant)
    services.voucher_redeem(ctx=shop, code=code, amount_fen=3_000, merchant_ref="甲店")
    services.voucher_redeem(ctx=shop, code=code, amount_fen=2_500, merchant_ref="乙店")
    assert services.voucher_check(ctx=shop, code=code).remaining_fen == 4_500
    with time_machine.travel(dt.datetime(2026, 7, 1, 2, tzinfo=dt.UTC), tick=False):
        with pytest.raises(DomainError) as late:
            services.voucher_redeem(ctx=shop, code=code, amount_fen=100, merchant_ref="甲店")
        assert late.value.code == "voucher_expired"
        assert services.vouchers_expire(ctx=AuditContext(actor=officer), batch=batch) == 1
    voucher = Voucher.objects.get(elder=elder)
    assert voucher.status == "expired"
    assert (voucher.reservation.committed_fen, voucher.reservation.released_fen) == (5_500, 4_500)
    [usage] = selectors.budget_usage(actor=officer, programme_id=voucher_programme.pk)
    assert (usage.reserved_fen, usage.committed_fen) == (0, 5_500)


def test_a_merchant_elsewhere_or_a_wrong_code_finds_nothing(
    worker: Any, officer: Any, voucher_programme: Any
) -> None:
    elder = new_elder(worker, **born(80))
    services.voucher_batch_issue(
        ctx=AuditContext(actor=officer), batch=batch_of(officer, voucher_programme)
    )
    code = services.voucher_code_issue(
        ctx=AuditContext(actor=worker), voucher=Voucher.objects.get(elder=elder)
    )
    luohu_shop = AuditContext(actor=make_user("enterprise", "440303000000", "luohu_shop"))
    for ctx, text in ((luohu_shop, code), (AuditContext(actor=officer), code)):
        with pytest.raises(DomainError) as refused:
            services.voucher_check(ctx=ctx, code=text)
        assert refused.value.status in (403, 404)
    futian_shop = AuditContext(actor=make_user("enterprise", FUTIAN, "futian_shop_2"))
    for wrong in ("", "0000-0000-0000", code[:-1] + ("2" if code[-1] != "2" else "3")):
        with pytest.raises(DomainError) as unknown:
            services.voucher_check(ctx=futian_shop, code=wrong)
        assert unknown.value.code == "voucher_invalid"
    # A new code replaces the old one (a lost voucher is re-issued, never transferred).
    new = services.voucher_code_issue(
        ctx=AuditContext(actor=worker), voucher=Voucher.objects.get(elder=elder)
    )
    assert services.voucher_check(ctx=futian_shop, code=new).redeemable
    with pytest.raises(DomainError):
        services.voucher_check(ctx=futian_shop, code=code)


def test_guessing_codes_is_limited(worker: Any, merchant: Any) -> None:
    shop = AuditContext(actor=merchant)
    for _ in range(60):
        with pytest.raises(DomainError):
            services.voucher_check(ctx=shop, code="2222-2222-2222")
    with pytest.raises(DomainError) as limited:
        services.voucher_check(ctx=shop, code="2222-2222-2222")
    assert (limited.value.code, limited.value.status) == ("voucher_checks_limit", 429)


# --- Trade-in -------------------------------------------------------------------------------


@pytest.fixture
def purchase_subsidy(make_programme: Callable[..., Any]) -> Any:
    """以旧换新: 15 % of what is left after the trade-in credit, only with a device handed in."""
    return make_programme(
        "trade-in-subsidy",
        eligibility_rule="has_trade_in",
        item_kinds=["device_purchase"],
        amount_rule={"type": "percentage", "percent_bp": 1500, "per": "item"},
        budget_fen=1_000_000,
    )


def test_a_trade_in_credit_is_recorded_with_the_device_and_used_once(
    worker: Any, purchase_subsidy: Any
) -> None:
    ctx = AuditContext(actor=worker)
    elder = new_elder(worker, COMMUNITY_A1)
    old = services.tradein_record(
        ctx=ctx,
        elder=elder,
        device_type="wheelchair",
        brand="鱼跃",
        serial="YY-2019-00417",
        credit_fen=20_000,
        received_on=TODAY,
    )
    with pytest.raises(DomainError) as again:
        services.tradein_record(
            ctx=ctx,
            elder=new_elder(worker, COMMUNITY_A1),
            device_type="wheelchair",
            brand="鱼跃 ",
            serial="yy 2019 00417",
            credit_fen=20_000,
            received_on=TODAY,
        )
    assert again.value.code == "trade_in_duplicate"

    chair = Item(kind="device_purchase", code="wheelchair", label="轮椅")
    quote = services.quote(
        actor=worker, elder=elder, item=chair, price_fen=120_000, on=TODAY, trade_in=old
    )
    shown = selectors.quote_present(selectors.quote_get_for(actor=worker, quote_id=quote.pk))
    assert shown["trade_in"]["amount_fen"] == 20_000
    assert "YY-2019-00417" in shown["trade_in"]["why"]
    assert [line["amount_fen"] for line in shown["paying"]] == [15_000]  # 15 % of 1,000
    assert quote.elder_pays_fen == 85_000
    without = services.quote(actor=worker, elder=elder, item=chair, price_fen=120_000, on=TODAY)
    assert without.elder_pays_fen == 120_000  # the subsidy needs a device handed in

    services.reserve(ctx=ctx, quote=quote)
    assert TradeIn.objects.get(pk=old.pk).status == "used"
    with pytest.raises(ValidationFailed) as used:
        services.quote(
            actor=worker, elder=elder, item=chair, price_fen=120_000, on=TODAY, trade_in=old
        )
    assert used.value.errors[0].code == "trade_in_used"
    with pytest.raises(DomainError) as twice:
        services.reserve(ctx=ctx, quote=quote)
    assert twice.value.code == "quote_already_reserved"


def test_a_trade_in_is_for_its_elders_purchase_only(worker: Any, purchase_subsidy: Any) -> None:
    ctx = AuditContext(actor=worker)
    elder, other = new_elder(worker, COMMUNITY_A1), new_elder(worker, COMMUNITY_A1)
    old = services.tradein_record(
        ctx=ctx,
        elder=elder,
        device_type="walker",
        brand="可孚",
        serial="KF1",
        credit_fen=5_000,
        received_on=TODAY,
    )
    for who, item in (
        (other, Item(kind="device_purchase", code="walker")),
        (elder, Item(kind="device_rental", code="walker")),
    ):
        with pytest.raises(ValidationFailed) as refused:
            services.quote(
                actor=worker, elder=who, item=item, price_fen=9_000, on=TODAY, trade_in=old
            )
        assert refused.value.errors[0].code == "trade_in_invalid"
    with pytest.raises(ValidationFailed) as bad:
        services.tradein_record(
            ctx=ctx,
            elder=elder,
            device_type="walker",
            brand="=cmd",
            serial="KF 2",
            credit_fen=0,
            received_on=dt.date(2030, 1, 1),
        )
    assert {e.field for e in bad.value.errors} == {"brand", "credit_fen", "received_on"}
    luohu_worker = make_user("community_worker", "440303001000", "luohu_cw")
    luohu_elder = new_elder(luohu_worker, COMMUNITY_LUOHU)
    with pytest.raises(DomainError) as outside:
        services.tradein_record(
            ctx=ctx,
            elder=luohu_elder,
            device_type="walker",
            brand="可孚",
            serial="KF3",
            credit_fen=100,
            received_on=TODAY,
        )
    assert outside.value.status == 403
