"""Importing a spreadsheet: every bad row is listed with a reason, the good rows go in."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook
from playwright.sync_api import Page, expect

from silvercare.common import testing
from silvercare.elders.models import Elder
from tests.browser.support import has_cjk, ui_ntext, ui_text

pytestmark = pytest.mark.browser

HEADERS = ["姓名", "身份证号", "社区代码", "联系电话", "出生日期", "性别", "户籍类型", "居住情况"]
UNKNOWN_COMMUNITY = "440304001099"


def _sheet(path: Path, rows: list[list[Any]]) -> Path:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(HEADERS)
    for row in rows:
        ws.append([*row, "本地城镇", "与配偶"])  # facts that decide services: required values
    wb.save(path)
    return path


def test_import_lists_bad_rows_and_imports_the_good_ones(worker_page: Page, tmp_path: Path) -> None:
    page = worker_page
    born = dt.date(1950, 7, 1)
    good = [
        testing.id_number(born),
        testing.id_number(dt.date(1939, 12, 31), male=False),
        testing.id_number(dt.date(1944, 2, 29)),
    ]
    bad_check = testing.id_number()
    bad_check = bad_check[:17] + ("1" if bad_check[17] != "1" else "2")
    wrong_birth = testing.id_number(dt.date(1946, 4, 5), male=False)
    elsewhere = testing.id_number()
    file = _sheet(
        tmp_path / "长者名单.xlsx",
        [
            ["陈美华", good[0], testing.COMMUNITY_A1, "13800138001", born, "男"],  # row 2
            ["刘志强", bad_check, testing.COMMUNITY_A1, "", None, None],  # row 3
            ["黄淑珍", good[1], testing.COMMUNITY_A2, "", None, "女"],  # row 4
            ["周桂芳", wrong_birth, testing.COMMUNITY_A2, "", dt.date(1946, 5, 4), None],  # 5
            ["吴德明", elsewhere, UNKNOWN_COMMUNITY, "", None, None],  # row 6
            ["郑国庆", good[2], testing.COMMUNITY_A1, "0755-12345678", None, None],  # row 7
            ["陈美华", good[0], testing.COMMUNITY_A1, "", None, None],  # row 8: same ID as 2
        ],
    )

    page.get_by_role("navigation").get_by_role("link", name=ui_text("Import"), exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        ui_text("Import elders from a spreadsheet")
    )
    page.get_by_label(ui_text("Spreadsheet (.xlsx)")).set_input_files(file)
    page.get_by_role("button", name=ui_text("Check the file")).click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("长者名单.xlsx")
    expect(page.get_by_role("main")).to_contain_text(
        ui_text("%(total)s rows read, %(good)s without problems.", total=7, good=3)
    )
    expect(page.get_by_role("heading", level=2)).to_have_text(
        ui_ntext("%(counter)s problem found", "%(counter)s problems found", 4)
    )
    expected = [
        (
            "3",
            "身份证号",
            ui_text("The check digit of the ID number is wrong; please re-check it."),
        ),
        (
            "5",
            "出生日期",
            ui_text(
                "Birth date %(given)s does not match the ID number (%(id)s).",
                given="1946-05-04",
                id="1946-04-05",
            ),
        ),
        ("6", "社区代码", ui_text("Unknown community code %(code)s.", code=UNKNOWN_COMMUNITY)),
        (
            "8",
            "身份证号",
            ui_text("The same ID number is already on row %(row)d of this file.", row=2),
        ),
    ]
    rows = page.locator("#import-errors tbody tr")
    expect(rows).to_have_count(len(expected))
    for index, (number, column, reason) in enumerate(expected):
        cells = rows.nth(index).locator("td")
        expect(cells).to_have_text([number, column, reason])
        assert has_cjk(cells.nth(2).inner_text()), f"row {number}: the reason is not in Chinese"
    assert Elder.objects.count() == 0  # the check saves nothing

    page.get_by_role(
        "button", name=ui_ntext("Import %(counter)s good row", "Import %(counter)s good rows", 3)
    ).click()

    expect(page.get_by_label(ui_text("Progress"))).to_have_attribute("value", "100")
    state = page.locator("#import-state")
    expect(state).to_have_text(re.compile("^" + re.escape(ui_text("Imported") + ":")))
    expect(state).to_contain_text(ui_text("%(done)s imported", done=3))
    page.get_by_role("link", name=ui_text("See the newly registered elders")).click()

    expect(page.locator("#elder-table tbody tr")).to_have_count(3)
    names = page.locator("#elder-table tbody tr td:first-child a").all_inner_texts()
    assert sorted(names) == sorted(["陈美华", "黄淑珍", "郑国庆"])
    assert sorted(Elder.objects.values_list("name", flat=True)) == sorted(names)
