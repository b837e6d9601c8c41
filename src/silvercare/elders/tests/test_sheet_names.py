"""Issue 8, point 3: the spreadsheets a street worker downloads name their sheets in Chinese."""

from __future__ import annotations

import io
from typing import Any

import pytest
from openpyxl import load_workbook

from silvercare.common.testing import COMMUNITY_A1, client_for, make_elder

pytestmark = pytest.mark.django_db


def sheets(content: bytes) -> list[str]:
    return list(load_workbook(io.BytesIO(content), read_only=True).sheetnames)


def test_the_export_and_the_import_template_name_their_sheets_in_chinese(worker: Any) -> None:
    make_elder(worker, COMMUNITY_A1)
    client = client_for(worker)
    export = client.get("/elders/export.xlsx")
    template = client.get("/elders/import/template.xlsx")
    assert export.status_code == template.status_code == 200
    assert sheets(b"".join(export.streaming_content) if export.streaming else export.content) == [
        "老年人"
    ]
    assert sheets(template.content) == ["老年人", "说明"]


def test_in_english_they_are_named_in_english(worker: Any) -> None:
    client = client_for(worker)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert sheets(client.get("/elders/import/template.xlsx").content) == ["Elders", "Notes"]
