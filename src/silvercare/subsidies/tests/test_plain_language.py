"""The subsidies pages and their audit rows read as Chinese sentences: names where codes
were, yuan where fen were, a failed rule shown as code beside a sentence saying what it
decided, the programme's coverage and amount in words; the API keeps its plain texts."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from html.parser import HTMLParser
from typing import Any

import pytest
import time_machine
from django.test import Client

from silvercare.audit.services import AuditContext
from silvercare.common.testing import COMMUNITY_A1, make_user
from silvercare.subsidies import services
from silvercare.subsidies.models import PayerBody, Programme
from silvercare.subsidies.services import Item

from .conftest import FUTIAN, new_elder

pytestmark = pytest.mark.django_db

# Latin words a Chinese page may show (as the browser crawl allows them).
ALLOWED = {"SilverCare", "PDF", "GB", "ID", "API", "xlsx", "km"}
NUMBERED = re.compile(r"(?<![A-Za-z])\d[\w\-./:]*")
LATIN = re.compile(r"[A-Za-z]{2,}")


class _Visible(HTMLParser):
    """The text of a page's body a reader sees as prose: not code, not marked as not to be
    translated, not inside script, style or a select's options."""

    SKIP = {"code", "pre", "kbd", "samp", "script", "style", "option", "template", "head"}
    VOID = {"br", "img", "input", "meta", "link", "hr", "wbr", "source", "col", "area"}

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[bool] = []
        self.texts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.VOID:
            return
        marked = dict(attrs).get("translate") == "no" or (dict(attrs).get("lang") or "")[:2] == "en"
        self.stack.append(tag in self.SKIP or marked or (bool(self.stack) and self.stack[-1]))

    def handle_endtag(self, tag: str) -> None:
        if tag not in self.VOID and self.stack:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        if data.strip() and not (self.stack and self.stack[-1]):
            self.texts.append(data.strip())


def main_of(html: str) -> str:
    """The page's own content (the navigation is other capabilities')."""
    return html[html.index("<main") : html.index("</main>")]


def english_in(html: str, *, besides: tuple[str, ...] = ()) -> str:
    """Latin words shown as prose in the page's content (numbers and numbered identifiers
    aside, and the texts ``besides``: the test users' names), one line each."""
    parser = _Visible()
    parser.feed(main_of(html))
    found = []
    for text in parser.texts:
        if text in besides:
            continue
        words = [w for w in LATIN.findall(NUMBERED.sub(" ", text)) if w not in ALLOWED]
        if words:
            found.append(f"{words} in {text[:80]!r}")
    return "\n".join(found)


def zh(user: Any) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(user)
    return client


@pytest.fixture(autouse=True)
def mid_2026() -> Iterator[None]:
    with time_machine.travel(dt.datetime(2026, 6, 15, 2, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def approver(regions: None) -> Any:
    return make_user("civil_affairs", FUTIAN, "futian_approver")


@pytest.fixture
def rental(make_programme: Callable[..., Programme]) -> Programme:
    return make_programme(
        "ft-rental-2026",
        name="福田区租赁补贴",
        eligibility_rule='level != null && level >= 2 || "disabled" in categories',
        item_kinds=["device_rental", "device_purchase"],
        item_codes=["walker"],
        amount_rule={"type": "percentage", "percent_bp": 8000, "cap_fen": 20000, "per": "month"},
        budget_fen=1_000_000,
    )


def test_a_settled_claim_and_its_deliveries_read_as_chinese_on_the_audit_trail(
    worker: Any,
    officer: Any,
    approver: Any,
    rental: Programme,
    payers: dict[str, PayerBody],
) -> None:
    elder = new_elder(worker, COMMUNITY_A1, name="李桂兰", categories=["disabled"])
    quote = services.quote(
        actor=worker,
        elder=elder,
        item=Item(kind="device_rental", code="walker", label="助行器"),
        price_fen=6000,
        on=dt.date(2026, 1, 1),
    )
    [held] = services.reserve(
        ctx=AuditContext(actor=worker), quote=quote, units=6, provider_ref="园岭辅具服务点"
    )
    services.delivery_record(
        ctx=AuditContext(actor=worker),
        reservation=held,
        amount_fen=4800,
        delivered_on=dt.date(2026, 1, 31),
    )
    [claim] = services.claim_prepare(
        ctx=AuditContext(actor=officer), payer=payers["district"], month=dt.date(2026, 1, 1)
    )
    claim = services.claim_approve(ctx=AuditContext(actor=approver), claim=claim, total_fen=2400)
    services.claim_settle(
        ctx=AuditContext(actor=approver), claim=claim, payment_reference="PZ-0042"
    )
    assert zh(approver).get(f"/subsidies/claims/{claim.pk}/settlement.xlsx").status_code == 200

    page = zh(officer).get("/audit/").content.decode()
    users = (worker.username, officer.username, approver.username, "test")
    assert english_in(page, besides=users) == ""
    for said in [
        "生成结算申请",  # prepared
        "支付方批准结算申请",  # approved
        "结算申请已结清（已付款）",  # settled
        "已审批 → 已清算",  # its status, in words
        "24 元",  # 2400 fen
        "登记交付",
        "补贴项目：福田区租赁补贴",  # the programme by name
        "下载结算表",  # the spreadsheet's export
    ]:
        assert said in page, said
    assert "fen" not in page and "approved" not in page
    assert '<span translate="no">PZ-0042</span>' in page
    assert f'href="/subsidies/claims/{claim.pk}/"' in page

    # The same rows in English, for a reader who chose it.
    english = Client(HTTP_ACCEPT_LANGUAGE="en")
    english.force_login(officer)
    english.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = english.get("/audit/").content.decode()
    assert "Claim approved by the paying body" in page and "24 yuan" in page


def test_an_entitlement_on_the_elders_history_names_the_programme(
    worker: Any, rental: Programme, assess: Callable[[Any, int], Any]
) -> None:
    elder = new_elder(worker, COMMUNITY_A1, name="王秀英")
    assess(elder, 3)
    page = zh(worker).get(f"/elders/{elder.pk}/audit/").content.decode()
    assert "现符合福田区租赁补贴的条件" in page
    users = (worker.username, "subsidy_assessor", "test")
    assert "完成了评估" in page  # why it was evaluated
    assert english_in(page, besides=users) == ""
    assert "ft-rental-2026" not in page


def test_a_failed_rule_is_code_beside_a_sentence_on_the_quote_page(
    worker: Any, rental: Programme
) -> None:
    elder = new_elder(worker, COMMUNITY_A1, name="赵秀兰")
    quote = services.quote(
        actor=worker,
        elder=elder,
        item=Item(kind="device_rental", code="walker", label="助行器"),
        price_fen=6000,
        on=dt.date(2026, 3, 1),
    )
    page = zh(worker).get(f"/subsidies/quotes/{quote.pk}/").content.decode()
    assert english_in(page) == ""
    assert (
        "不满足资格规则 <code>level != null &amp;&amp; level &gt;= 2 || &quot;disabled&quot; "
        "in categories</code>" in page
    )
    assert "尚无完成的能力评估" in page and "不属于失能/残疾类别" in page  # the facts, in words
    # The API still gives the reason as one plain text.
    api = Client(HTTP_ACCEPT_LANGUAGE="en")
    api.force_login(worker)
    why = api.get(f"/api/v1/subsidies/quotes/{quote.pk}").json()
    texts = [line["why"] for line in why["lines"]]
    assert any("is not met" in t and "<code>" not in t for t in texts), texts


def test_programme_detail_and_form_say_coverage_amount_and_samples_in_chinese(
    officer: Any, rental: Programme
) -> None:
    client = zh(officer)
    detail = client.get(f"/subsidies/programmes/{rental.pk}/").content.decode()
    assert english_in(detail) == ""
    assert "辅具租赁、辅具购买：<code>walker</code>" in detail
    assert "每月按剩余应付金额的 80 %，最高 200 元" in detail
    assert "<code>ft-rental-2026</code>" in detail

    form = client.get("/subsidies/programmes/new/").content.decode()
    assert english_in(form) == ""
    assert "<code>true</code>" in form and "amount_fen" in form
    parser = _Visible()
    parser.feed(form)
    assert not any("amount_fen" in t for t in parser.texts)  # only as code


def test_the_reservation_page_names_the_item_and_shows_its_reference_as_code(
    worker: Any, rental: Programme
) -> None:
    elder = new_elder(worker, COMMUNITY_A1, name="孙桂芝", categories=["disabled"])
    quote = services.quote(
        actor=worker,
        elder=elder,
        item=Item(kind="device_rental", code="walker", label="助行器"),
        price_fen=6000,
        on=dt.date(2026, 3, 1),
    )
    [held] = services.reserve(
        ctx=AuditContext(actor=worker), quote=quote, units=2, item_ref="lease:walker:001"
    )
    page = zh(worker).get(f"/subsidies/reservations/{held.pk}/").content.decode()
    assert english_in(page) == ""
    assert "助行器" in page and "<code>lease:walker:001</code>" in page


def test_a_trade_in_reads_as_words_with_its_serial_number_kept_as_it_is(
    worker: Any, officer: Any
) -> None:
    elder = new_elder(worker, COMMUNITY_A1, name="周玉兰")
    services.tradein_record(
        ctx=AuditContext(actor=worker),
        elder=elder,
        device_type="轮椅",
        brand="鱼跃 H005",
        serial="YY-H005-2019-0417",
        credit_fen=20_000,
        received_on=dt.date(2026, 6, 1),
    )
    page = zh(worker).get(f"/subsidies/trade-ins/{elder.pk}/").content.decode()
    assert english_in(page) == ""
    assert "旧器具是什么，例如轮椅或助行器。" in page
    assert '<td translate="no">YY-H005-2019-0417</td>' in page

    audit = zh(officer).get("/audit/").content.decode()
    assert english_in(audit, besides=(worker.username, "test")) == ""
    assert "轮椅 · 鱼跃 H005" in audit and "200 元" in audit
    assert '<span translate="no">YY-H005-2019-0417</span>' in audit
