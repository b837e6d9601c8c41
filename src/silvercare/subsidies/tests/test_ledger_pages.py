"""The ledger, claims, vouchers and trade-ins through the pages and the API: record a
delivery on the reservation page, prepare, approve and settle a claim, download its
settlement spreadsheet and PDF, hand out and redeem a voucher, quote with a trade-in."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import time_machine
from django.test import Client
from openpyxl import load_workbook
from pypdf import PdfReader

from silvercare.audit.models import AuditEvent
from silvercare.audit.services import AuditContext
from silvercare.common.testing import COMMUNITY_A1, id_number, make_user
from silvercare.subsidies import services
from silvercare.subsidies.models import Claim, Delivery, PayerBody, TradeIn, Voucher
from silvercare.subsidies.services import Item

from .conftest import FUTIAN, new_elder

pytestmark = pytest.mark.django_db
API = "/api/v1/subsidies"


@pytest.fixture(autouse=True)
def mid_2026() -> Iterator[None]:
    with time_machine.travel(dt.datetime(2026, 6, 15, 2, tzinfo=dt.UTC), tick=False):
        yield


def en(user: Any) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    return client


@pytest.fixture
def approver(regions: None) -> Any:
    return make_user("civil_affairs", FUTIAN, "futian_approver")


@pytest.fixture
def reservation(worker: Any, make_programme: Callable[..., Any]) -> Any:
    make_programme(
        "rental",
        name="租赁补贴",
        amount_rule={"type": "percentage", "percent_bp": 10000, "cap_fen": 1801, "per": "month"},
        budget_fen=1_000_000,
    )
    elder = new_elder(worker, COMMUNITY_A1, name="李桂兰")
    quote = services.quote(
        actor=worker,
        elder=elder,
        item=Item(kind="device_rental", code="walker"),
        price_fen=6000,
        on=dt.date(2026, 1, 1),
    )
    [held] = services.reserve(
        ctx=AuditContext(actor=worker),
        quote=quote,
        units=6,
        provider_ref='=HYPERLINK("http://x")',
    )
    return held


def test_delivery_claim_approval_settlement_and_files_through_the_pages(
    worker: Any,
    officer: Any,
    approver: Any,
    reservation: Any,
    payers: dict[str, PayerBody],
) -> None:
    cw = en(worker)
    page = cw.get(f"/subsidies/reservations/{reservation.pk}/")
    assert page.status_code == 200 and "Record a delivery" in page.content.decode()
    bad = cw.post(
        f"/subsidies/reservations/{reservation.pk}/deliveries/",
        {"amount_yuan": "200", "delivered_on": "2026-01-31"},
    )
    assert bad.status_code == 422 and Delivery.objects.count() == 0
    for day in ("2026-01-31", "2026-02-28"):
        done = cw.post(
            f"/subsidies/reservations/{reservation.pk}/deliveries/",
            {"amount_yuan": "18.01", "delivered_on": day},
        )
        assert done.status_code == 302
    assert "36.02" in cw.get(f"/subsidies/reservations/{reservation.pk}/").content.decode()

    office = en(officer)
    prepared = office.post(
        "/subsidies/claims/", {"payer": payers["district"].pk, "month": "2026-02"}
    )
    claim = Claim.objects.get()
    assert prepared.status_code == 302 and prepared["Location"] == f"/subsidies/claims/{claim.pk}/"
    assert (claim.total_fen, claim.line_count) == (1802, 2)
    # The officer who prepared it sees no approve button; the paying body's approver does.
    assert 'id="approve"' not in office.get(f"/subsidies/claims/{claim.pk}/").content.decode()
    payer_page = en(approver)
    body = payer_page.get(f"/subsidies/claims/{claim.pk}/").content.decode()
    assert "Approve for 18.02 yuan" in body and "李桂兰" in body
    # A stale page (the total it showed no longer matches) is refused, then the right one.
    payer_page.post(f"/subsidies/claims/{claim.pk}/approve/", {"total_fen": "1801"})
    assert Claim.objects.get(pk=claim.pk).status == "prepared"
    payer_page.post(f"/subsidies/claims/{claim.pk}/approve/", {"total_fen": "1802"})
    payer_page.post(f"/subsidies/claims/{claim.pk}/settle/", {"payment_reference": "PZ-0042"})
    claim.refresh_from_db()
    assert (claim.status, claim.payment_reference) == ("settled", "PZ-0042")

    sheet = payer_page.get(f"/subsidies/claims/{claim.pk}/settlement.xlsx")
    assert sheet.status_code == 200 and "no-store" in sheet["Cache-Control"]
    book = load_workbook(io.BytesIO(sheet.content))
    summary = {row[0]: row[1] for row in book.worksheets[0].iter_rows(values_only=True)}
    assert summary["Provider"] == '\'=HYPERLINK("http://x")'  # a formula start is neutralised
    assert summary["Total (fen)"] == 1802
    lines = list(book.worksheets[1].iter_rows(values_only=True))
    assert [row[1] for row in lines[1:3]] == ["李桂兰", "李桂兰"]
    assert lines[-1][-2:] == (1802, "18.02")
    assert AuditEvent.objects.filter(action="export", entity_id=str(claim.pk)).exists()

    pdf = payer_page.get(f"/subsidies/claims/{claim.pk}/summary.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "18.02" in text and "PZ-0042" in text and "李桂兰" not in text

    # Budgets page: usage charts' data and the monthly table.
    budgets = office.get("/subsidies/budgets/").content.decode()
    assert 'id="budget-usage"' in budgets and "echarts.min.js" in budgets
    # Both months were claimed (and settled) with February's claim.
    assert '"month": "2026-02", "delivered_fen": 1801, "settled_fen": 1802' in budgets


def test_early_return_and_reversal_on_the_reservation_page(worker: Any, reservation: Any) -> None:
    cw = en(worker)
    cw.post(
        f"/subsidies/reservations/{reservation.pk}/deliveries/",
        {"amount_yuan": "18.01", "delivered_on": "2026-01-31"},
    )
    entry = Delivery.objects.get()
    cw.post(f"/subsidies/deliveries/{entry.pk}/correct/", {"amount_yuan": "9", "note": "半月"})
    assert sorted(Delivery.objects.values_list("amount_fen", flat=True)) == [-1801, 900, 1801]
    cw.post(f"/subsidies/reservations/{reservation.pk}/release/")
    reservation.refresh_from_db()
    assert (reservation.status, reservation.committed_fen, reservation.released_fen) == (
        "committed",
        900,
        6 * 1801 - 900,
    )
    page = cw.get(f"/subsidies/reservations/{reservation.pk}/").content.decode()
    assert "Record a delivery" not in page  # closed


def test_claims_api_round_trip(
    worker: Any, officer: Any, approver: Any, reservation: Any, payers: dict[str, PayerBody]
) -> None:
    cw, office, payer_api = en(worker), en(officer), en(approver)
    made = cw.post(
        f"{API}/reservations/{reservation.pk}/deliveries",
        {"amount_fen": 1801, "delivered_on": "2026-03-31"},
        content_type="application/json",
    )
    assert made.status_code == 201, made.content
    assert made.json()["provider_ref"] == reservation.provider_ref
    prepared = office.post(
        f"{API}/claims",
        {"payer_code": "yuanling-finance", "month": "2026-03-15"},
        content_type="application/json",
    )
    assert prepared.status_code == 201
    [claim] = prepared.json()
    assert (claim["month"], claim["total_fen"], claim["status"]) == ("2026-03-01", 900, "prepared")
    detail = payer_api.get(f"{API}/claims/{claim['id']}").json()
    assert detail["reconciles"] and detail["lines"][0]["delivery_fen"] == 1801
    wrong = payer_api.post(
        f"{API}/claims/{claim['id']}/approve", {"total_fen": 901}, content_type="application/json"
    )
    assert wrong.status_code == 409 and wrong.json()["code"] == "claim_totals_mismatch"
    ok = payer_api.post(
        f"{API}/claims/{claim['id']}/approve", {"total_fen": 900}, content_type="application/json"
    )
    assert ok.json()["status"] == "approved"
    settled = payer_api.post(
        f"{API}/claims/{claim['id']}/settle", {}, content_type="application/json"
    )
    assert settled.json()["status"] == "settled"
    months = office.get(f"{API}/budgets/months", {"year": 2026}).json()
    assert months[2] == {"month": "2026-03", "delivered_fen": 1801, "settled_fen": 900}
    # Another district's officer sees no claim.
    luohu = en(make_user("civil_affairs", "440303000000", "luohu_api"))
    assert luohu.get(f"{API}/claims/{claim['id']}").status_code == 404
    assert luohu.get(f"{API}/claims").json()["count"] == 0


def test_vouchers_and_trade_in_through_pages_and_api(
    worker: Any, officer: Any, make_programme: Callable[..., Any]
) -> None:
    programme = make_programme(
        "silver-vouchers",
        eligibility_rule="age >= 70",
        item_kinds=["service"],
        amount_rule={"type": "fixed", "amount_fen": 5000, "per": "item"},
        budget_fen=100_000,
    )
    elder = new_elder(worker, COMMUNITY_A1, id_number=id_number(dt.date(1940, 5, 1)))
    office = en(officer)
    saved = office.post(
        "/subsidies/vouchers/",
        {
            "programme": programme.pk,
            "code": "june-vouchers",
            "name": "六月消费券",
            "region_code": FUTIAN,
            "face_value_yuan": "50",
            "valid_from": "2026-06-01",
            "expires_on": "2026-06-30",
        },
    )
    assert saved.status_code == 302
    batch_url = saved["Location"]
    office.post(batch_url + "issue/")
    assert '<dd id="issued-count">1</dd>' in office.get(batch_url).content.decode()
    voucher = Voucher.objects.get(elder=elder)
    cw = en(worker)
    shown = cw.post(f"/subsidies/vouchers/{voucher.pk}/code/")
    assert "no-store" in shown["Cache-Control"]
    code = shown.content.decode().split('id="voucher-code">')[1].split("<")[0]
    shop = en(make_user("enterprise", FUTIAN, "futian_shop"))
    assert 'href="/subsidies/vouchers/redeem/"' in shop.get("/").content.decode()
    checked = shop.post("/subsidies/vouchers/redeem/", {"check": "1", "code": code}).content
    assert "王*英" in checked.decode() and "50" in checked.decode()
    assert "王秀英" not in checked.decode()
    api = shop.post(
        f"{API}/voucher-redemptions",
        {"code": code, "amount_fen": 5000, "merchant_ref": "银龄超市"},
        content_type="application/json",
    )
    assert api.status_code == 201 and api.json()["remaining_fen"] == 0
    again = shop.post(
        "/subsidies/vouchers/redeem/",
        {"redeem": "1", "code": code, "amount_yuan": "1", "merchant_ref": "银龄超市"},
    )
    assert again.status_code == 422 and "already used" in again.content.decode()
    # The API never shows a code, only whether one was handed out.
    listed = office.get(f"{API}/vouchers", {"voucher_batch_id": voucher.batch_id}).json()
    assert listed[0]["has_code"] is True and "code" not in listed[0]

    # Trade-in: record the old walker, quote the new one with its credit.
    recorded = cw.post(
        f"/subsidies/trade-ins/{elder.pk}/",
        {
            "device_type": "walker",
            "brand": "可孚",
            "serial": "KF-001",
            "credit_yuan": "30",
            "received_on": "2026-06-10",
        },
    )
    assert recorded.status_code == 302
    trade_in = TradeIn.objects.get()
    quoted = cw.post(
        f"/subsidies/quote/{elder.pk}/",
        {
            "item_kind": "device_purchase",
            "item_code": "walker",
            "price_yuan": "200",
            "on": "2026-06-15",
            "trade_in": str(trade_in.pk),
        },
    )
    assert quoted.status_code == 302
    page = cw.get(quoted["Location"]).content.decode()
    assert "Trade-in credit" in page and "KF-001" in page
    assert '<strong id="elder-pays">170</strong>' in page
