import datetime as dt
import io
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook

from silvercare.audit.models import AuditEvent
from silvercare.common.testing import (
    COMMUNITY_A1,
    COMMUNITY_A2,
    COMMUNITY_LUOHU,
    STREET_A,
    client_for,
    id_number,
    make_elder,
    make_user,
    wrong_check_digit,
)
from silvercare.elders.models import Elder, ImportBatch
from silvercare.elders.spreadsheet import COLUMNS

pytestmark = pytest.mark.django_db
HEADERS = [c.header_zh for c in COLUMNS]


def sheet(rows: list[dict[str, Any]]) -> io.BytesIO:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(HEADERS)
    keys = [c.key for c in COLUMNS]
    for row in rows:
        # Facts that decide services are required values (issue 8).
        values = {"hukou_type": "本地城镇", "living_situation": "与配偶", **row}
        ws.append([values.get(k, "") for k in keys])
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    buf.name = "elders.xlsx"
    return buf


def upload(client: Any, buf: io.BytesIO) -> ImportBatch:
    response = client.post("/elders/import/", {"file": buf})
    assert response.status_code == 302, response.content
    return ImportBatch.objects.latest("created_at")


def test_dry_run_lists_every_bad_row_then_imports_the_good_ones(  # type: ignore[no-untyped-def]
    worker, django_capture_on_commit_callbacks
) -> None:
    existing = make_elder(worker, name="已登记")
    from silvercare.common import crypto

    taken = crypto.decrypt(existing.id_number_enc, purpose="elder.id_number")
    good = [id_number(dt.date(1940 + i, 1, 1)) for i in range(3)]
    dup_in_file = id_number()
    bad_check = wrong_check_digit(id_number())
    rows = [
        {
            "name": "甲",
            "id_number": good[0],
            "region_code": COMMUNITY_A1,
            "disabled": "是",
            "contact_name": "甲子",
            "contact_relationship": "子女",
            "contact_phone": "13900000001",
        },
        {"name": "乙", "id_number": bad_check, "region_code": COMMUNITY_A1},
        {
            "name": "丙",
            "id_number": good[1],
            "region_code": COMMUNITY_A2,
            "birth_date": "1901-01-01",
        },
        {"name": "丁", "id_number": good[2], "region_code": "440304001999"},
        {"name": "戊", "id_number": dup_in_file, "region_code": COMMUNITY_A1},
        {"name": "己", "id_number": dup_in_file, "region_code": COMMUNITY_A1},
        {"name": "庚", "id_number": taken, "region_code": COMMUNITY_A1},
        {"name": "辛", "id_number": id_number(), "region_code": COMMUNITY_LUOHU},
        {
            "name": "壬",
            "id_number": id_number(),
            "region_code": COMMUNITY_A2,
            "contact_name": "无电话",
            "contact_relationship": "子女",
        },
        {
            "name": "癸",
            "id_number": good[1][:-1] + good[1][-1],
            "region_code": COMMUNITY_A2,
            "hukou_type": "火星",
        },
    ]
    client = client_for(worker)
    batch = upload(client, sheet(rows))
    problems = {(e["row"], e["code"]) for e in batch.errors}
    assert (3, "id_number_checksum") in problems
    assert (4, "birth_date_mismatch") in problems
    assert (5, "region_unknown") in problems
    assert (7, "id_number_duplicate_in_file") in problems
    assert (8, "id_number_duplicate") in problems
    assert (9, "region_out_of_scope") in problems
    assert (10, "phone_invalid") in problems
    assert (11, "choice_invalid") in problems
    assert all(e["message"] and e["column"] for e in batch.errors)
    # Row numbers are the spreadsheet's (header is row 1), reasons are in Chinese by default.
    check = next(e for e in batch.errors if e["code"] == "id_number_checksum")
    assert check["column"] == "身份证号"
    assert any("\u4e00" <= ch <= "\u9fff" for ch in check["message"])
    assert batch.total_rows == 10 and batch.good_rows == 2  # 甲 and 戊
    assert Elder.objects.count() == 1  # dry run saved nothing

    page = client.get(f"/elders/import/{batch.pk}/").content.decode()
    assert "身份证号" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/elders/import/{batch.pk}/commit/")
    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.state == "done" and batch.imported_rows == 2 and batch.payload_enc == ""
    names = set(Elder.objects.values_list("name", flat=True))
    assert names == {"已登记", "甲", "戊"}
    jia = Elder.objects.get(name="甲")
    assert jia.is_disabled and jia.contacts.get().name == "甲子"
    assert AuditEvent.objects.filter(action="create", entity_id=str(jia.pk), via="import").exists()
    assert AuditEvent.objects.filter(action="import", entity_id=str(batch.pk)).exists()
    again = client.post(f"/elders/import/{batch.pk}/commit/")
    assert again.status_code == 302
    assert Elder.objects.count() == 3


def test_rows_registered_meanwhile_are_skipped_not_duplicated(  # type: ignore[no-untyped-def]
    worker, django_capture_on_commit_callbacks
) -> None:
    number = id_number()
    client = client_for(worker)
    batch = upload(
        client, sheet([{"name": "后来", "id_number": number, "region_code": COMMUNITY_A1}])
    )
    make_elder(worker, id_number=number, name="抢先")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/elders/import/{batch.pk}/commit/")
    batch.refresh_from_db()
    assert batch.imported_rows == 0 and batch.skipped_rows == [
        {"row": 2, "code": "id_number_duplicate"}
    ]
    assert list(Elder.objects.values_list("name", flat=True)) == ["抢先"]


def test_not_a_spreadsheet_and_missing_headers(worker) -> None:  # type: ignore[no-untyped-def]
    client = client_for(worker)
    junk = io.BytesIO(b"hello")
    junk.name = "x.xlsx"
    batch = upload(client, junk)
    assert [e["code"] for e in batch.errors] == ["file_invalid"]
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["姓名", "电话"])
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    buf.name = "y.xlsx"
    batch = upload(client, buf)
    assert {e["code"] for e in batch.errors} == {"header_missing"}


def test_template_downloads_with_the_headers(worker) -> None:  # type: ignore[no-untyped-def]
    response = client_for(worker).get("/elders/import/template.xlsx")
    ws = load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert [c.value for c in ws[1]] == HEADERS


def test_someone_elses_batch_is_not_found(worker) -> None:  # type: ignore[no-untyped-def]
    batch = upload(
        client_for(worker),
        sheet([{"name": "甲", "id_number": id_number(), "region_code": COMMUNITY_A1}]),
    )
    colleague = make_user("community_worker", STREET_A)
    assert client_for(colleague).get(f"/elders/import/{batch.pk}/").status_code == 404
    assert client_for(colleague).post(f"/elders/import/{batch.pk}/commit/").status_code == 404


def test_export_is_masked_by_role_and_audited(worker) -> None:  # type: ignore[no-untyped-def]
    elder = make_elder(worker, name="导出人", phone="13712345678")
    from silvercare.common import crypto

    number = crypto.decrypt(elder.id_number_enc, purpose="elder.id_number")
    full = client_for(worker).get("/elders/export.xlsx")
    assert full.status_code == 200
    rows = list(load_workbook(io.BytesIO(full.content)).worksheets[0].values)
    assert rows[0][:2] == ("姓名", "身份证号")
    assert rows[1][0] == "导出人" and rows[1][1] == number
    officer = make_user("civil_affairs", "440304000000")
    officer_rows = list(
        load_workbook(io.BytesIO(client_for(officer).get("/elders/export.xlsx").content))
        .worksheets[0]
        .values
    )
    assert officer_rows[1][1] == number
    caregiver = make_user("caregiver", STREET_A)
    assert client_for(caregiver).get("/elders/export.xlsx").status_code == 404
    events = AuditEvent.objects.filter(action="export")
    assert events.count() == 2
    assert events.first() is not None and events.first().changes["rows"] == 1  # type: ignore[union-attr]


def test_template_has_only_the_header_and_a_valid_example_in_the_notes(worker) -> None:  # type: ignore[no-untyped-def]
    from stdnum.cn import ric

    book = load_workbook(io.BytesIO(client_for(worker).get("/elders/import/template.xlsx").content))
    assert book.worksheets[0].max_row == 1  # nothing a user could import by mistake
    notes = list(book.worksheets[1].values)
    example_id = next(row[3] for row in notes if row and str(row[0]).startswith("身份证号"))
    assert ric.is_valid(example_id)
