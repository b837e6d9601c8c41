"""Recall tracing: every affected unit with its holder and (masked) address, an order for
each, notices to the holders' contacts through the alerts channels, closure."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from silvercare.audit.services import AuditContext
from silvercare.common.errors import DomainError
from silvercare.rental import selectors, services
from silvercare.rental.models import Notice, RecallOrder
from silvercare.rental.tests.conftest import FUTIAN, make_product


def test_recall_traces_every_affected_unit_to_its_holder(
    ctx: Any,
    officer: Any,
    point: Any,
    product: Any,
    make_unit: Any,
    elder: Any,
    contact: Any,
    settings: Any,
) -> None:
    today = timezone.localdate()
    leased = make_unit("A-0005", lot="L1")
    in_stock = make_unit("A-0007", lot="L1")
    outside_range = make_unit("A-0100", lot="L1")
    other_model = make_unit("A-0006", product=make_product(model="OTHER"))
    lease = services.lease_open(ctx=ctx, elder=elder, unit=leased, starts_on=today, months=3)
    as_officer = AuditContext(actor=officer, via="test")
    recall = services.recall_create(
        ctx=as_officer,
        product=product,
        region_code=FUTIAN,
        reference="SAMR-2026-001",
        reason="刹车失灵",
        serial_from="A-0001",
        serial_to="A-0050",
    )
    orders = {o.unit_id: o for o in RecallOrder.objects.filter(recall=recall)}
    assert set(orders) == {leased.pk, in_stock.pk}
    assert (orders[leased.pk].kind, orders[leased.pk].holder_id) == ("pickup", elder.pk)
    assert (orders[in_stock.pk].kind, orders[in_stock.pk].holder_id) == ("withdraw", None)
    rows = selectors.recall_affected_rows(
        actor=officer, orders=selectors.recall_orders(actor=officer, recall=recall)
    )
    home = next(r for r in rows if r["unit_id"] == leased.pk)
    assert home["holder_name"] == "李桂兰"
    # Masked, as the elders app shows it: the district and street, not the flat.
    assert home["address"] == "福田区园岭街****"
    # Held units cannot go out again.
    in_stock.refresh_from_db()
    assert in_stock.recall_hold
    with pytest.raises(DomainError) as held:
        services.lease_open(ctx=ctx, elder=elder, unit=in_stock, starts_on=today, months=1)
    assert held.value.code in ("unit_on_recall", "unit_not_available")
    for unit in (outside_range, other_model):
        unit.refresh_from_db()
        assert not unit.recall_hold

    # Notices: no SMS gateway configured → the message is kept as recorded, per contact.
    settings.ALERTS_GATEWAY_URL = ""
    assert services.recall_notify(ctx=as_officer, recall=recall) == 1
    notice = Notice.objects.get()
    assert notice.status == "recorded"
    assert notice.recipient == "李小明 " + contact.phone_masked
    assert "SAMR-2026-001" in notice.text
    assert RecallOrder.objects.get(unit=leased).status == "notified"

    # Closing: the pickup ends the lease (an early return); the recall closes with its
    # last order.
    services.order_close(ctx=ctx, order=orders[leased.pk], outcome="done")
    lease.refresh_from_db()
    assert (lease.status, lease.ended_on) == ("returned", today)
    leased.refresh_from_db()
    assert (leased.state, leased.recall_hold) == ("returned", True)
    recall.refresh_from_db()
    assert recall.status == "open"
    with pytest.raises(DomainError) as closed_needs_note:
        services.order_close(ctx=ctx, order=orders[in_stock.pk], outcome="closed")
    assert closed_needs_note.value.code == "validation_failed"
    services.order_close(ctx=ctx, order=orders[in_stock.pk], outcome="done")
    recall.refresh_from_db()
    assert recall.status == "closed"
    with pytest.raises(DomainError) as twice:
        services.order_close(ctx=ctx, order=orders[in_stock.pk], outcome="done")
    assert twice.value.code == "order_closed"


def test_recall_needs_the_recall_right_and_a_sane_range(
    ctx: Any, officer: Any, product: Any
) -> None:
    with pytest.raises(DomainError) as denied:
        services.recall_create(
            ctx=ctx, product=product, region_code=FUTIAN, reference="R1", reason="x"
        )
    assert denied.value.status == 403
    with pytest.raises(DomainError) as bad:
        services.recall_create(
            ctx=AuditContext(actor=officer),
            product=product,
            region_code=FUTIAN,
            reference="R1",
            reason="x",
            serial_from="B",
            serial_to="A",
        )
    assert [e.code for e in bad.value.errors] == ["serial_range_invalid"]
