"""A GB/T 42195-2022 assessment on a tablet, end to end: a community worker books it, the
assessor answers appendix A and the four domains, scores, signs and completes it, and the
elder's page shows the new level and its history. Also: resuming a half-done assessment, and
scoring refused while items are missing.

The helpers here (qualified assessor, booking and answering through the services) are reused
by ``test_assessment_accessibility.py``.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from urllib.parse import urljoin
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from playwright.sync_api import ConsoleMessage, Locator, Page, ViewportSize, expect

from silvercare.accounts.models import User
from silvercare.assessments import services
from silvercare.assessments.instruments import GBT42195
from silvercare.assessments.models import Assessment
from silvercare.audit.services import AuditContext
from silvercare.common import testing
from silvercare.elders.models import Elder
from tests.browser.support import sign_in, ui_text

pytestmark = pytest.mark.browser

FUTIAN = "440304000000"
TABLET: ViewportSize = {"width": 1024, "height": 768}
MIN_TARGET_PX = 44  # WCAG 2.5.5 / the tablet form's "large targets"
GBT_STEPS = 5  # appendix A + four domains

# The options the assessor taps, by their verbatim text in GB/T 42195-2022 appendix B:
# everything at its best except bathing (2) and stairs (1), so 86 of 90 → level 1.
ANSWERS: dict[str, dict[str, str]] = {
    "自理能力": {
        "B.1.1": "独立使用器具将食物送进口中并咽下，没有呛咳",
        "B.1.2": "独立完成，不需要协助",
        "B.1.3": "需要他人协助，但以自身完成为主",
        "B.1.4": "独立完成，不需要协助",
        "B.1.5": "独立完成，不需要协助",
        "B.1.6": "可自行控制排尿，排尿次数、排尿控制均正常",
        "B.1.7": "可正常自行控制大便排出",
        "B.1.8": "独立完成，不需要协助",
    },
    "基础运动能力": {
        "B.2.1": "独立完成，不需要协助",
        "B.2.2": "独立完成，不需要协助",
        "B.2.3": "独立平地步行50 m左右，不需要协助，无摔倒风险",
        "B.2.4": "需要他人协助，但以自身完成为主",
    },
    "精神状态": {
        "B.3.1": "时间观念（年、月）清楚，日期（或星期几）可相差一天",
        "B.3.2": "能在日常生活范围内单独外出，如在日常居住小区内独自外出购物等",
        "B.3.3": "认识长期共同一起生活的人，能称呼并知道关系",
        "B.3.4": "总是能保持与社会、年龄所适应的记忆能力，能完整的回忆",
        "B.3.5": "能正常理解他人的话",
        "B.3.6": "能正常表达自己的想法",
        "B.3.7": "未出现",
        "B.3.8": "未出现",
        "B.3.9": "神志清醒，对周围环境能做出正确反应",
    },
    "感知觉与社会参与": {
        "B.4.1": "视力正常",
        "B.4.2": "听力正常",
        "B.4.3": "能完全独立计划、安排和完成日常事务，无需协助",
        "B.4.4": "能自己骑车或搭乘公共交通工具外出",
        "B.4.5": "参与社会，在社会环境有一定的适应能力，待人接物恰当",
    },
}
# The same answers as scores, and the appendix A fields that move the level (C.4).
BEST: dict[str, int] = {item.code: item.max_score for item in GBT42195.items}
SCORES: dict[str, int] = {**BEST, "B.1.3": 2, "B.2.4": 1}
FORMS: dict[str, Any] = {
    "A.4.1": ["F00-F03"],
    "A.2.14.1": "once",
    "A.2.14.2": "once",
    "A.5.11": "no",
}
DOMAIN_SCORES = {
    "自理能力": "30 / 32",
    "基础运动能力": "13 / 15",
    "精神状态": "28 / 28",
    "感知觉与社会参与": "15 / 15",
}


# --- set-up through the services (for the cases that start half-way) ---------------------


def qualified_assessor(username: str = "assessor_a", region: str = FUTIAN) -> User:
    return testing.make_assessor(region, username)


def book(worker: User, elder: Elder, assessor: User) -> Assessment:
    return services.assessment_book(
        ctx=AuditContext(actor=worker, via="test"),
        elder=elder,
        reason="first",
        scheduled_for=timezone.localdate(),
        assessor=assessor,
    )


def answer(
    assessor: User,
    assessment: Assessment,
    items: dict[str, int],
    forms: dict[str, Any] | None = None,
) -> Assessment:
    return services.assessment_save_answers(
        ctx=AuditContext(actor=assessor, via="test"),
        assessment=assessment,
        items=dict(items),
        forms=forms,
    )


def score(assessor: User, assessment: Assessment) -> Assessment:
    answered = answer(assessor, assessment, SCORES, FORMS)
    return services.assessment_submit(
        ctx=AuditContext(actor=assessor, via="test"), assessment=answered
    )


def complete(assessor: User, assessment: Assessment) -> Assessment:
    ctx = AuditContext(actor=assessor, via="test")
    scored = score(assessor, assessment)
    signed = services.assessment_sign(ctx=ctx, assessment=scored, informant_name="李女士")
    return services.assessment_complete(ctx=ctx, assessment=signed)


# --- page helpers ------------------------------------------------------------------------


def item(page: Page, code: str) -> Locator:
    return page.locator(f'fieldset.item[id="item-{code}"]')


def option(page: Page, code: str, text: str) -> Locator:
    """The option of item ``code`` whose text is exactly ``text`` (texts repeat across items
    and one can be the start of another, so match the whole text inside the item)."""
    return item(page, code).locator("label.option").filter(has=page.get_by_text(text, exact=True))


def choose(page: Page, code: str, text: str) -> None:
    target = option(page, code, text)
    target.click()
    expect(target.get_by_role("radio")).to_be_checked()


def appendix_field(page: Page, code: str) -> Locator:
    return page.locator(f'fieldset[id="f-{code.replace(".", "-")}"]')


def expect_step(page: Page, n: int, elder: Elder, title: str) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    progress = ui_text("Step %(n)s of %(total)s · %(name)s", n=n, total=GBT_STEPS, name=elder.name)
    expect(page.get_by_role("main").get_by_text(progress, exact=True)).to_be_visible()
    expect(page.get_by_role("progressbar", name=ui_text("Progress"))).to_have_attribute(
        "value", str(n)
    )
    expect(
        page.get_by_role("navigation", name=ui_text("Steps")).locator("[aria-current=step]")
    ).to_have_text(f"{n}. {title}")


def expect_large_targets(page: Page, where: str) -> None:
    """Every option (its whole label is the target) is at least 44 px tall and visible."""
    heights: list[float] = page.locator("label.option").evaluate_all(
        "labels => labels.map(l => l.getBoundingClientRect().height)"
    )
    assert heights, f"{where}: no options"
    small = [h for h in heights if h < MIN_TARGET_PX]
    assert not small, f"{where}: {len(small)} option(s) under {MIN_TARGET_PX}px: {small[:5]}"
    buttons: list[float] = page.locator(".assessment-form button").evaluate_all(
        "bs => bs.map(b => b.getBoundingClientRect().height)"
    )
    assert min(buttons) >= MIN_TARGET_PX, f"{where}: buttons {buttons}"


def sign_out(page: Page) -> None:
    page.get_by_role("banner").get_by_role("button", name=ui_text("Sign out")).click()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))


def open_assessment(page: Page, number: str) -> None:
    """From anywhere, through the main navigation and the assessment list."""
    nav = page.get_by_role("navigation", name=ui_text("Main"))
    nav.get_by_role("link", name=ui_text("Assessments"), exact=True).click()
    page.locator("#assessment-table").get_by_role("link", name=number, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(number)


@pytest.fixture
def console_problems(page: Page) -> list[str]:
    """Console errors and anything about the Content Security Policy, for the test to assert
    on (the conftest's page fixture already fails the test on an uncaught script error)."""
    found: list[str] = []

    def listen(message: ConsoleMessage) -> None:
        if message.type == "error" or "Content Security Policy" in message.text:
            found.append(f"{page.url}: [{message.type}] {message.text}")

    page.on("console", listen)
    return found


# --- the tests ---------------------------------------------------------------------------


def test_book_answer_score_sign_complete_on_a_tablet(
    page: Page, worker: User, console_problems: list[str]
) -> None:
    page.set_viewport_size(TABLET)
    assessor = qualified_assessor()
    elder = testing.make_elder(worker, testing.COMMUNITY_A1, name="张桂芳")

    # The community worker books the assessment from the elder's page.
    sign_in(page, worker.username)
    nav = page.get_by_role("navigation", name=ui_text("Main"))
    nav.get_by_role("link", name=ui_text("Elders"), exact=True).click()
    page.locator("#elder-table").get_by_role("link", name=elder.name, exact=True).click()
    expect(page.locator("#current-level")).to_have_text(ui_text("Not assessed yet."))
    book_link = page.locator("#book-assessment")
    expect(book_link).to_have_text(ui_text("Book an assessment"))
    book_link.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(elder.name)
    date = page.get_by_role("textbox", name=ui_text("Date"), exact=True)
    expect(date).to_have_value(timezone.localdate().isoformat())  # prefilled with today
    page.get_by_role("combobox", name=ui_text("Assessor"), exact=True).select_option(
        label=assessor.username
    )
    page.get_by_role("main").get_by_role("button", name=ui_text("Book"), exact=True).click()
    expect(page.locator("main .messages")).to_contain_text(ui_text("The assessment was booked."))
    expect(page.locator("#assessment-status")).to_have_text(ui_text("Booked"))
    assessment = Assessment.objects.get(elder=elder)
    assert assessment.assessor_id == assessor.pk
    sign_out(page)

    # The assessor finds it in the assessment list and starts with appendix A.
    sign_in(page, assessor.username)
    open_assessment(page, assessment.number)
    page.get_by_role("main").get_by_role("link", name="1. 附录A 基本信息").click()
    expect_step(page, 1, elder, "附录A 基本信息")
    appendix_field(page, "A.5.11").get_by_role("radio", name="无", exact=True).check()
    appendix_field(page, "A.4.1").get_by_role("checkbox", name="痴呆").check()
    falls = appendix_field(page, "A.2.14.1").get_by_role("radio", name="发生过1次", exact=True)
    falls.check()
    wandering = appendix_field(page, "A.2.14.2")
    wandering.get_by_role("radio", name="发生过1次", exact=True).check()
    expect_large_targets(page, "appendix A")
    page.get_by_role("button", name=ui_text("Save and continue")).click()

    # The four domains, one step each, tapping the options by their text.
    for n, (title, answers) in enumerate(ANSWERS.items(), start=2):
        expect_step(page, n, elder, title)
        if n == 2:
            expect_large_targets(page, title)
        for code, text in answers.items():
            choose(page, code, text)
        last = n == GBT_STEPS
        next_label = ui_text("Save and finish") if last else ui_text("Save and continue")
        page.get_by_role("button", name=next_label).click()

    # Back on the assessment: everything answered; score it.
    expect(page).to_have_url(re.compile(rf"/assessments/{assessment.pk}/$"))
    total_items = len(GBT42195.items)
    expect(page.get_by_role("main")).to_contain_text(
        ui_text("%(n)s of %(total)s items answered.", n=total_items, total=total_items)
    )
    page.get_by_role("button", name=ui_text("Score the answers")).click()
    expect(page.locator("#assessment-status")).to_have_text(ui_text("Scored, awaiting signatures"))
    result = page.get_by_role("region", name=ui_text("Result"))
    for domain, shown in DOMAIN_SCORES.items():
        expect(result.get_by_role("row", name=domain)).to_contain_text(shown)
    expect(page.locator("#total-score")).to_have_text("86 / 90")
    expect(page.locator("#preliminary-level")).to_have_text("1 · 能力轻度受损（轻度失能）")
    expect(page.locator("#final-level")).to_have_text("2 · 能力中度受损（中度失能）")
    reasons = page.locator("#reasons li")
    expect(reasons).to_have_count(2)
    expect(reasons.nth(0)).to_contain_text("确诊为痴呆（F00～F03）")
    expect(reasons.nth(0)).to_contain_text("1级→2级")
    expect(reasons.nth(1)).to_contain_text("提高不叠加")

    # Sign with the informant's name, then complete.
    signatures = page.get_by_role("region", name=ui_text("Signatures"))
    signatures.get_by_label(ui_text("Informant (name)")).fill("李女士（女儿）")
    signatures.get_by_role("button", name=ui_text("Sign"), exact=True).click()
    expect(page.get_by_role("region", name=ui_text("Signatures"))).to_contain_text("李女士（女儿）")
    page.get_by_role("button", name=ui_text("Complete the assessment")).click()
    expect(page.locator("#assessment-status")).to_have_text(ui_text("Completed"))
    expect(page.locator("main .messages")).to_contain_text(ui_text("The assessment is complete."))
    done = Assessment.objects.get(pk=assessment.pk)
    assert done.completed_at is not None and done.next_due_on is not None
    completed_note = ui_text(
        "Completed %(when)s. Next routine assessment due %(due)s. A completed assessment "
        "cannot change.",
        when=timezone.localtime(done.completed_at).strftime("%Y-%m-%d %H:%M"),
        due=done.next_due_on.isoformat(),
    )
    expect(page.get_by_role("main").locator("p[role=status]")).to_have_text(completed_note)
    expect(page.get_by_role("button", name=ui_text("Score the answers"))).to_have_count(0)
    expect(page.get_by_role("button", name=ui_text("Complete the assessment"))).to_have_count(0)
    expect(page.get_by_role("link", name=ui_text("Correct this assessment"))).to_be_visible()

    # The PDF report.
    report_link = page.get_by_role("link", name=ui_text("Report (PDF)"))
    href = report_link.get_attribute("href")
    assert href is not None
    pdf = page.request.get(urljoin(page.url, href))
    assert pdf.status == 200, pdf.status
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.body().startswith(b"%PDF")

    # The elder's page: the current level and its history, as a chart and as a table.
    page.get_by_role("main").get_by_role("link", name=elder.name, exact=True).click()
    current = page.locator("#current-level")
    expect(current).to_contain_text("2")
    expect(current).to_contain_text(ui_text("Moderately impaired"))
    expect(page.locator("#level-chart canvas").first).to_be_visible()
    assert page.evaluate("typeof window.echarts") == "object"
    size = page.locator("#level-chart canvas").first.bounding_box()
    assert size is not None and size["width"] > 100 and size["height"] > 100, size
    history = page.get_by_role("table", name=ui_text("Level history"))
    rows = history.locator("tbody tr")
    expect(rows).to_have_count(1)
    # The exact date is checked in test_level_history_shows_the_local_completion_date.
    iso_date = re.compile(r"^\d{4}-\d{2}-\d{2}$")
    expect(rows.first.get_by_role("cell")).to_have_text([iso_date, "86", "1", "2"])
    expect(rows.first.get_by_role("link")).to_have_attribute(
        "href", f"/assessments/{assessment.pk}/"
    )

    assert not console_problems, "console errors or CSP reports:\n" + "\n".join(console_problems)


def test_a_half_done_assessment_resumes_where_it_was_left(
    page: Page, worker: User, console_problems: list[str]
) -> None:
    page.set_viewport_size(TABLET)
    assessor = qualified_assessor()
    elder = testing.make_elder(worker, testing.COMMUNITY_A1, name="周玉兰")
    assessment = book(worker, elder, assessor)
    self_care = ANSWERS["自理能力"]
    first_four = dict(list(self_care.items())[:4])

    sign_in(page, assessor.username)
    open_assessment(page, assessment.number)
    page.get_by_role("main").get_by_role("link", name="2. 自理能力").click()
    expect_step(page, 2, elder, "自理能力")
    for code, text in first_four.items():
        choose(page, code, text)
    page.get_by_role("button", name=ui_text("Save"), exact=True).click()
    expect(page.locator("main .messages")).to_contain_text(ui_text("Saved."))
    expect_step(page, 2, elder, "自理能力")  # "Save" stays on the step

    # A reload (the tablet's browser restarting) shows the saved answers.
    page.reload()
    for code, text in first_four.items():
        expect(option(page, code, text).get_by_role("radio")).to_be_checked()

    # Appendix A half-done too, saved with "Save and continue" on the way back.
    page.get_by_role("navigation", name=ui_text("Steps")).get_by_role(
        "link", name="1. 附录A 基本信息"
    ).click()
    expect_step(page, 1, elder, "附录A 基本信息")
    appendix_field(page, "A.4.1").get_by_role("checkbox", name="痴呆").check()
    appendix_field(page, "A.5.11").get_by_role("radio", name="无", exact=True).check()
    page.get_by_role("button", name=ui_text("Save and continue")).click()
    expect_step(page, 2, elder, "自理能力")

    # Leave altogether, then come back through the list.
    page.goto("/")
    open_assessment(page, assessment.number)
    expect(page.locator("#assessment-status")).to_have_text(ui_text("In progress"))
    expect(page.get_by_role("main")).to_contain_text(
        ui_text("%(n)s of %(total)s items answered.", n=4, total=len(GBT42195.items))
    )
    page.get_by_role("main").get_by_role("link", name="2. 自理能力").click()
    for code, text in first_four.items():
        expect(option(page, code, text).get_by_role("radio")).to_be_checked()
    for code in ("B.1.5", "B.1.6", "B.1.7", "B.1.8"):
        expect(item(page, code).get_by_role("radio", checked=True)).to_have_count(0)
    page.get_by_role("navigation", name=ui_text("Steps")).get_by_role(
        "link", name="1. 附录A 基本信息"
    ).click()
    expect(appendix_field(page, "A.4.1").get_by_role("checkbox", name="痴呆")).to_be_checked()
    expect(
        appendix_field(page, "A.5.11").get_by_role("radio", name="无", exact=True)
    ).to_be_checked()

    saved = Assessment.objects.get(pk=assessment.pk)
    assert saved.items == {code: SCORES[code] for code in first_four}
    assert saved.forms["A.4.1"] == ["F00-F03"]
    assert saved.forms["A.5.11"] == "no"
    assert not console_problems, "\n".join(console_problems)


def test_scoring_with_an_item_missing_is_refused_and_stays_in_progress(
    page: Page, worker: User
) -> None:
    assessor = qualified_assessor()
    elder = testing.make_elder(worker, testing.COMMUNITY_A1, name="吴振华")
    assessment = book(worker, elder, assessor)
    answer(assessor, assessment, {k: v for k, v in SCORES.items() if k != "B.4.5"}, FORMS)

    sign_in(page, assessor.username)
    page.goto(f"/assessments/{assessment.pk}/")
    page.get_by_role("button", name=ui_text("Score the answers")).click()

    error = page.get_by_role("main").locator(".messages li.error")
    expect(error).to_be_visible()
    expect(error).to_contain_text(
        "缺少条目 B.4.5（社会交往能力）的分值"
    )  # the scorer's missing_item
    expect(page.locator("#assessment-status")).to_have_text(ui_text("In progress"))
    expect(page.get_by_role("button", name=ui_text("Score the answers"))).to_be_visible()
    expect(page.get_by_role("region", name=ui_text("Result"))).to_have_count(0)
    current = Assessment.objects.get(pk=assessment.pk)
    assert current.status == "in_progress"
    assert current.result == {}
    assert current.total is None


def test_booking_form_prefills_today(page: Page, worker: User) -> None:
    qualified_assessor()
    elder = testing.make_elder(worker, testing.COMMUNITY_A1, name="郑淑珍")
    sign_in(page, worker.username)
    page.goto(f"/assessments/book/{elder.pk}/")
    date = page.get_by_role("textbox", name=ui_text("Date"), exact=True)
    expect(date).to_have_value(timezone.localdate().isoformat(), timeout=1_000)


def test_level_history_shows_the_local_completion_date(page: Page, worker: User) -> None:
    assessor = qualified_assessor()
    elder = testing.make_elder(worker, testing.COMMUNITY_A1, name="孙丽华")
    done = complete(assessor, book(worker, elder, assessor))
    # 01:30 in Shenzhen on 2 March is still 1 March in UTC.
    early = dt.datetime(2026, 3, 2, 1, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
    Assessment.objects.filter(pk=done.pk).update(completed_at=early)

    sign_in(page, worker.username)
    page.goto(f"/elders/{elder.pk}/")
    expect(page.locator("#current-level")).to_contain_text("2026-03-02")
    history = page.get_by_role("table", name=ui_text("Level history"))
    expect(history.locator("tbody tr td").first).to_have_text("2026-03-02", timeout=1_000)
