"""axe-core on every main page: no serious or critical violation."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe  # type: ignore[import-untyped]
from openpyxl import Workbook
from playwright.sync_api import Page, expect

from silvercare.common import testing
from tests.browser.support import axe_blocking, axe_report, sign_in, submit_login, ui_text

pytestmark = pytest.mark.browser
log = logging.getLogger(__name__)

SHENZHEN = "440300000000"


class AxeAudit:
    """Runs axe on page after page, collects the serious and critical violations, and prints
    the lesser ones (in the captured log of a failing test, or with ``-o log_cli=true``)."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.axe = Axe()
        self.found: dict[str, list[dict[str, Any]]] = {}
        self.advisory: dict[str, list[dict[str, Any]]] = {}

    def check(self, where: str) -> None:
        self.page.wait_for_load_state("load")
        violations = self.axe.run(self.page).response["violations"]
        blocking = axe_blocking(violations)
        if blocking:
            self.found[where] = blocking
        lesser = [v for v in violations if v not in axe_blocking(violations)]
        if lesser:
            self.advisory[where] = lesser

    def assert_clean(self) -> None:
        advisory = "\n".join(axe_report(where, v) for where, v in self.advisory.items())
        if advisory:
            log.warning("axe, moderate and minor:\n%s", advisory)
        report = "\n".join(axe_report(where, v) for where, v in self.found.items())
        assert not self.found, f"axe found serious/critical violations:\n{report}"


def _import_file(path: Path) -> Path:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["姓名", "身份证号", "社区代码", "户籍类型", "居住情况"])
    ws.append(["孙丽华", testing.id_number(male=False), testing.COMMUNITY_A1, "本地城镇", "独居"])
    ws.append(["马永福", "440304194503080000", testing.COMMUNITY_A1, "本地城镇", "与子女"])
    wb.save(path)
    return path


def test_worker_pages_have_no_serious_violations(page: Page, worker: Any, tmp_path: Path) -> None:
    elder = testing.make_elder(worker, name="王秀英")
    testing.make_elder(worker, testing.COMMUNITY_A2, name="李建国")
    audit = AxeAudit(page)

    page.goto("/accounts/login/")
    audit.check("login")
    submit_login(page, worker.username, "wrong-password")
    expect(page.get_by_role("main").locator(".errorlist")).to_be_visible()
    audit.check("login, wrong password")
    sign_in(page, worker.username)
    audit.check("home")

    page.goto("/elders/?q=wxy")
    expect(page.locator("#elder-table tbody tr")).to_have_count(1)
    audit.check("elder list with results")

    page.goto(f"/elders/{elder.pk}/")
    audit.check("elder detail")
    page.get_by_role("button", name=ui_text("Show full personal data (this is recorded)")).click()
    expect(page.locator("#personal").get_by_role("status")).to_be_visible()
    audit.check("elder detail, personal data shown")

    page.goto("/elders/new/")
    page.get_by_role("textbox", name=ui_text("ID card number"), exact=True).fill("44030419450308")
    page.get_by_role("button", name=ui_text("Save")).click()
    expect(page.locator("#form-errors")).to_be_visible()
    audit.check("create form with errors")

    page.goto("/elders/import/")
    audit.check("import page")
    page.get_by_label(ui_text("Spreadsheet (.xlsx)")).set_input_files(
        _import_file(tmp_path / "a11y.xlsx")
    )
    page.get_by_role("button", name=ui_text("Check the file")).click()
    expect(page.locator("#import-errors")).to_be_visible()
    audit.check("import result (checked)")
    page.locator("#import-button").click()
    expect(page.locator("#import-state")).to_contain_text(ui_text("Imported"))
    audit.check("import result (imported)")

    page.goto("/audit/")
    expect(page.locator("#audit-table tbody tr").first).to_be_visible()
    audit.check("audit trail")
    page.goto(f"/elders/{elder.pk}/audit/")
    audit.check("record history")

    page.goto("/accounts/tokens/")
    audit.check("API tokens")

    audit.assert_clean()


def test_admin_users_page_has_no_serious_violations(
    login_as: Callable[[Any], Page], regions: None
) -> None:
    admin = testing.make_user("system_admin", SHENZHEN, "admin_sz")
    testing.make_user("community_worker", testing.STREET_A, "worker_a")
    page = login_as(admin)
    audit = AxeAudit(page)

    page.goto("/accounts/users/")
    expect(page.get_by_role("heading", level=1)).to_have_text(ui_text("Users"))
    expect(page.get_by_role("cell", name="worker_a", exact=True)).to_be_visible()
    audit.check("users")

    audit.assert_clean()
