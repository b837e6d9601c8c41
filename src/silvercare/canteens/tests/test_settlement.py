"""Monthly settlement of a canteen: the payers' claims add up to the subsidies of the
served meals, per payer; the spreadsheet carries the same totals."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from openpyxl import load_workbook

from silvercare.audit.services import AuditContext
from silvercare.canteens import selectors, services
from silvercare.common.errors import DomainError
from silvercare.common.testing import client_for, id_number

from .conftest import new_elder
from .test_orders import at, place

pytestmark = pytest.mark.django_db


def test_claims_per_payer_equal_served_meals_subsidies(
    worker: Any, admin: Any, officer: Any, canteen: Any, menu: Any, programmes: Any, day: dt.date
) -> None:
    poor = new_elder(worker, name="特困甲", categories=["econ_difficult"])
    old = new_elder(worker, name="高龄乙")
    young = new_elder(worker, name="低龄丁", id_number=id_number(dt.date(1958, 5, 1)))
    cancelled = new_elder(worker, name="取消戊")
    orders = {e.name: place(worker, e, canteen, day) for e in (poor, old, young, cancelled)}
    services.meal_order_cancel(ctx=AuditContext(actor=worker), order=orders["取消戊"])
    actx = AuditContext(actor=admin)
    with at(day, 11, 45):
        for name in ("特困甲", "高龄乙", "低龄丁"):
            services.meal_serve(ctx=actx, canteen=canteen, code=services.pickup_token(orders[name]))
    with at(day, 20):
        summary = selectors.settlement_summary(actor=officer, canteen=canteen, month=day)
        # 1000 + 700 + 200 fen of subsidy; 500 + 800 + 1300 co-pay.
        assert (summary["served"], summary["subsidy_fen"], summary["copay_fen"]) == (3, 1900, 2600)
        # District: 60 % of the tiers (800, 500, 0); street: 40 % of them + 3 × 2 yuan.
        assert {p["code"]: p["amount_fen"] for p in summary["payers"]} == {
            "ft-finance": 780,
            "yl-finance": 520 + 600,
        }
        claims = services.settlement_claim(
            ctx=AuditContext(actor=officer), canteen=canteen, month=day
        )
        assert {c.payer.code: c.total_fen for c in claims} == {
            "ft-finance": 780,
            "yl-finance": 1120,
        }
        with pytest.raises(DomainError) as again:
            services.settlement_claim(ctx=AuditContext(actor=officer), canteen=canteen, month=day)
        assert again.value.code == "nothing_to_claim"
        response = client_for(officer).get(
            f"/canteens/{canteen.pk}/settlement/export?month={day:%Y-%m-%d}"
        )
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    totals = [row[1] for row in book.worksheets[0].iter_rows(values_only=True)]
    assert (totals[2], totals[4], totals[5]) == (3, 1900, 2600)
    assert len(list(book.worksheets[1].iter_rows())) == 1 + 3


def test_settlement_needs_a_supervisor(worker: Any, canteen: Any, day: dt.date) -> None:
    with pytest.raises(DomainError) as denied:
        services.settlement_claim(ctx=AuditContext(actor=worker), canteen=canteen, month=day)
    assert denied.value.status == 403
