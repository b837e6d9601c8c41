"""axe-core on the assessment pages: no serious or critical violation on the lists, the
booking form with an error, an assessment booked / scored / completed, the tablet form's
steps, and the elder's page with the level chart."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from silvercare.accounts.models import User
from silvercare.common import testing
from silvercare.elders.models import Elder
from tests.browser.support import sign_in, ui_text
from tests.browser.test_accessibility import AxeAudit
from tests.browser.test_assessment_flow import (
    book,
    complete,
    qualified_assessor,
    score,
    sign_out,
)

pytestmark = pytest.mark.browser


def test_assessment_pages_have_no_serious_violations(page: Page, worker: User) -> None:
    assessor = qualified_assessor()
    booked = book(worker, testing.make_elder(worker, name="王秀英"), assessor)
    in_review = score(assessor, book(worker, testing.make_elder(worker, name="李建国"), assessor))
    assessed = testing.make_elder(worker, testing.COMMUNITY_A2, name="陈美华")
    completed = complete(assessor, book(worker, assessed, assessor))
    overdue = testing.make_elder(worker, name="赵德明")
    Elder.objects.filter(pk=overdue.pk).update(
        ability_level=1, reassessment_due_on=timezone.localdate() - dt.timedelta(days=30)
    )
    audit = AxeAudit(page)

    # The community worker's pages.
    sign_in(page, worker.username)
    page.goto("/assessments/")
    expect(page.locator("#assessment-table tbody tr")).to_have_count(3)
    audit.check("assessment list")

    page.goto("/assessments/due/")
    expect(page.locator("#due-table tbody tr", has_text=overdue.name)).to_contain_text(
        ui_text("overdue")
    )
    audit.check("due list with an overdue elder")

    page.goto(f"/assessments/book/{overdue.pk}/")
    page.get_by_role("main").get_by_role("button", name=ui_text("Book"), exact=True).click()
    expect(page.locator("#id_assessor_error")).to_be_visible()
    audit.check("booking form with an error")

    page.goto(f"/elders/{assessed.pk}/")
    expect(page.locator("#level-chart canvas").first).to_be_visible()
    audit.check("elder detail with the level chart")
    sign_out(page)

    # The assessor's pages: the forms there are only shown to the assessment's assessors.
    sign_in(page, assessor.username)
    page.goto(f"/assessments/{booked.pk}/")
    expect(page.locator("#assessment-status")).to_have_text(ui_text("Booked"))
    audit.check("assessment, booked")

    page.goto(f"/assessments/{booked.pk}/step/A/")
    expect(page.locator("label.option").first).to_be_visible()
    audit.check("step 1: appendix A")

    page.goto(f"/assessments/{booked.pk}/step/mental/")
    expect(page.locator("fieldset.item")).to_have_count(9)
    audit.check("step 4: a domain (mental state)")

    page.goto(f"/assessments/{in_review.pk}/")
    expect(page.locator("#sign-button")).to_be_visible()
    audit.check("assessment, scored (review)")

    page.goto(f"/assessments/{completed.pk}/")
    expect(page.locator("#assessment-status")).to_have_text(ui_text("Completed"))
    audit.check("assessment, completed")

    audit.assert_clean()


def test_elder_detail_has_unique_ids(page: Page, worker: User) -> None:
    elder = testing.make_elder(worker, name="王秀英")
    sign_in(page, worker.username)
    page.goto(f"/elders/{elder.pk}/")
    expect(page.locator("#book-assessment")).to_be_visible()
    duplicates = page.evaluate(
        """() => {
            const seen = {};
            document.querySelectorAll("[id]").forEach(e => { seen[e.id] = (seen[e.id] || 0) + 1; });
            return Object.keys(seen).filter(id => seen[id] > 1);
        }"""
    )
    assert duplicates == [], f"ids used more than once: {duplicates}"
