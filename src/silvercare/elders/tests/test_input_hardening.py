"""Issue 7, points 5–7: safe exports (no live formulas), no control characters in free text,
and ID numbers / phones in look-alike digits — through the API, the form, the import and the
search box."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook

from silvercare.common import crypto
from silvercare.common.testing import COMMUNITY_A1, client_for, id_number, make_elder
from silvercare.elders.models import Elder, ImportBatch
from silvercare.elders.spreadsheet import COLUMNS

pytestmark = pytest.mark.django_db
FULLWIDTH = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")
ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


def create(client: Any, content_type: str = "application/json", **values: Any) -> Any:
    body = {
        "name": "孙丽娟",
        "id_number": id_number(),
        "region_code": COMMUNITY_A1,
        "hukou_type": "local_urban",
        "living_situation": "spouse",
        **values,
    }
    return client.post("/api/v1/elders/", json.dumps(body), content_type=content_type)


def field_codes(response: Any) -> set[tuple[str, str]]:
    return {(e["field"], e["code"]) for e in response.json()["errors"]}


def upload_rows(client: Any, rows: list[dict[str, str]]) -> ImportBatch:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append([c.header_zh for c in COLUMNS])
    for row in rows:
        values = {"hukou_type": "本地城镇", "living_situation": "与配偶", **row}
        ws.append([values.get(c.key, "") for c in COLUMNS])
        for cell in ws[ws.max_row]:
            cell.data_type = "s"  # text as typed, even "=cmd" (not a formula cell)
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    buf.name = "elders.xlsx"
    response = client.post("/elders/import/", {"file": buf})
    assert response.status_code == 302, response.content
    return ImportBatch.objects.latest("created_at")


def form_post(client: Any, **values: str) -> Any:
    data = {
        "name": "孙丽娟",
        "id_number": id_number(),
        "region_code": COMMUNITY_A1,
        "hukou_type": "local_urban",
        "living_situation": "spouse",
        **values,
    }
    return client.post("/elders/new/", data)


# --- 5. formula injection ---------------------------------------------------------------


def test_export_of_old_rows_with_formulas_yields_text_cells(worker) -> None:  # type: ignore[no-untyped-def]
    elder = make_elder(worker, name="占位")
    payload = '=HYPERLINK("http://evil.invalid","点击")'
    # Legacy data, written before validation refused it.
    Elder.objects.filter(pk=elder.pk).update(
        name=payload,
        address_enc=crypto.encrypt("=cmd|' /C calc'!A0", purpose="elder.address"),
    )
    response = client_for(worker).get("/elders/export.xlsx")
    assert response.status_code == 200
    ws = load_workbook(io.BytesIO(response.content)).worksheets[0]
    header = [c.value for c in ws[1]]
    name_cell = ws.cell(row=2, column=header.index("姓名") + 1)
    address_cell = ws.cell(row=2, column=header.index("住址") + 1)
    assert name_cell.data_type == "s" and name_cell.value == "'" + payload
    assert address_cell.data_type == "s" and address_cell.value == "'=cmd|' /C calc'!A0"


@pytest.mark.parametrize("start", ["=", "+", "-", "@"])
def test_names_and_addresses_refuse_formula_starts_everywhere(worker, start) -> None:  # type: ignore[no-untyped-def]
    client = client_for(worker)
    api = create(client, name=f"{start}HYPERLINK(1)", address=f"{start}1+1")
    assert api.status_code == 422
    assert {("name", "text_formula_start"), ("address", "text_formula_start")} <= field_codes(api)
    page = form_post(client, name=f"{start}SUM(1)")
    assert page.status_code == 422
    assert "不能以" in page.content.decode() or "may not begin" in page.content.decode()
    batch = upload_rows(
        client, [{"name": f"{start}cmd", "id_number": id_number(), "region_code": COMMUNITY_A1}]
    )
    assert [(e["column"], e["code"]) for e in batch.errors] == [("姓名", "text_formula_start")]
    assert Elder.objects.count() == 0


# --- 6. control characters ---------------------------------------------------------------


@pytest.mark.parametrize("content_type", ["application/json", "text/plain", "application/xml"])
def test_nul_never_reaches_the_database_whatever_the_content_type(worker, content_type) -> None:  # type: ignore[no-untyped-def]
    # The API parses every body as JSON, whatever type it declares: the edge refuses NUL in
    # any of them (400), and the schemas would refuse it field by field (422) behind it.
    response = create(client_for(worker), content_type, name="王\u0000秀英")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert Elder.objects.count() == 0


def test_control_characters_are_refused_by_api_form_and_import(worker) -> None:  # type: ignore[no-untyped-def]
    client = client_for(worker)
    api = create(client, address="园岭\u001b街道", phone="138\u00070013800")
    assert api.status_code == 422
    assert {("address", "text_control_characters"), ("phone", "text_control_characters")} <= (
        field_codes(api)
    )
    assert form_post(client, name="王\x01秀英").status_code == 422
    batch = upload_rows(
        client,
        [
            {"name": "王\n秀英", "id_number": id_number(), "region_code": COMMUNITY_A1},
            {"name": "李\t四", "id_number": id_number(), "region_code": COMMUNITY_A1},
            {"name": "正常", "id_number": id_number(), "region_code": COMMUNITY_A1},
        ],
    )
    assert {(e["row"], e["code"]) for e in batch.errors} == {
        (2, "text_control_characters"),
        (3, "text_control_characters"),
    }
    assert batch.good_rows == 1
    elder = make_elder(worker, name="联系人测试")
    contact = client.post(
        f"/api/v1/elders/{elder.pk}/contacts",
        {"name": "张\u0007三", "relationship": "child", "phone": "13900139000"},
        content_type="application/json",
    )
    assert contact.status_code == 422
    assert elder.contacts.count() == 0
    assert Elder.objects.count() == 1


def test_export_of_an_old_row_with_control_characters_does_not_fail(worker) -> None:  # type: ignore[no-untyped-def]
    elder = make_elder(worker, name="占位")
    Elder.objects.filter(pk=elder.pk).update(
        name="王\x02秀\x1b英",  # PostgreSQL cannot hold NUL, so old rows never do
        address_enc=crypto.encrypt("园岭\x01街道\x7f", purpose="elder.address"),
    )
    response = client_for(worker).get("/elders/export.xlsx")
    assert response.status_code == 200
    row = list(load_workbook(io.BytesIO(response.content)).worksheets[0].values)[1]
    assert row[0] == "王秀英"
    assert "园岭街道" in row


# --- 7. look-alike digits ----------------------------------------------------------------


def test_fullwidth_id_and_phone_are_stored_as_ascii_and_found_again(worker) -> None:  # type: ignore[no-untyped-def]
    client = client_for(worker)
    number = id_number()
    created = create(client, id_number=number.translate(FULLWIDTH), phone="１３８００１３８０００")
    assert created.status_code == 201, created.content
    elder = Elder.objects.get()
    assert crypto.decrypt(elder.id_number_enc, purpose="elder.id_number") == number
    assert crypto.decrypt(elder.phone_enc, purpose="elder.phone") == "13800138000"
    # The same person in ASCII digits is the same registration.
    again = create(client, id_number=number)
    assert again.status_code == 422
    assert ("id_number", "id_number_duplicate") in field_codes(again)
    # The search box folds full-width input too.
    page = client.get("/elders/", {"q": number.translate(FULLWIDTH)}).content.decode()
    assert "孙丽娟" in page


@pytest.mark.parametrize("table", [ARABIC_INDIC, SUPERSCRIPT], ids=["arabic-indic", "superscript"])
def test_other_unicode_digits_are_a_field_error_everywhere(worker, table) -> None:  # type: ignore[no-untyped-def]
    client = client_for(worker)
    number = id_number()
    api = create(client, id_number=number.translate(table))
    assert api.status_code == 422
    assert ("id_number", "id_number_format") in field_codes(api)
    phone = create(client, phone="13800138000".translate(table))
    assert phone.status_code == 422
    assert ("phone", "phone_invalid") in field_codes(phone)
    assert form_post(client, id_number=number.translate(table)).status_code == 422
    # One bad cell does not stop the file: the other rows are still checked.
    batch = upload_rows(
        client,
        [
            {"name": "甲", "id_number": number.translate(table), "region_code": COMMUNITY_A1},
            {"name": "乙", "id_number": id_number(), "region_code": COMMUNITY_A1},
        ],
    )
    assert [(e["row"], e["code"]) for e in batch.errors] == [(2, "id_number_format")]
    assert batch.good_rows == 1
    assert Elder.objects.count() == 0


def test_an_id_number_must_begin_with_a_province_code(worker) -> None:  # type: ignore[no-untyped-def]
    fake = id_number(place="990304")  # right length, date and check digit; no province 99
    response = create(client_for(worker), id_number=fake)
    assert response.status_code == 422
    assert ("id_number", "id_number_region") in field_codes(response)
    assert create(client_for(worker), id_number=id_number(place="110105")).status_code == 201
