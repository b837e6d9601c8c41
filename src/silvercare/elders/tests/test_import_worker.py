"""Issue 7, points 10 and 11 for the import: the dry run runs in the task worker with
progress and a row cap, the commit re-checks the user's rights row by row, and damaged or
hostile .xlsx files are a clear problem, never a 500."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import pytest
from openpyxl import Workbook

from silvercare.accounts.models import RoleGrant
from silvercare.accounts.services import grant_add, grant_remove
from silvercare.audit.services import AuditContext
from silvercare.common import crypto
from silvercare.common.testing import (
    COMMUNITY_A1,
    COMMUNITY_B1,
    STREET_A,
    STREET_B,
    client_for,
    id_number,
    make_user,
)
from silvercare.elders import importing, spreadsheet, tasks
from silvercare.elders.models import Elder, ImportBatch
from silvercare.elders.spreadsheet import COLUMNS

pytestmark = pytest.mark.django_db


def xlsx(rows: list[dict[str, str]]) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append([c.header_zh for c in COLUMNS])
    for row in rows:
        ws.append([row.get(c.key, "") for c in COLUMNS])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def person(region: str = COMMUNITY_A1, name: str = "甲") -> dict[str, str]:
    return {
        "name": name,
        "id_number": id_number(),
        "region_code": region,
        "hukou_type": "本地城镇",
        "living_situation": "与配偶",
    }


def post_file(client: Any, content: bytes, name: str = "elders.xlsx") -> Any:
    buf = io.BytesIO(content)
    buf.name = name
    return client.post("/elders/import/", {"file": buf})


def latest() -> ImportBatch:
    return ImportBatch.objects.latest("created_at")


# --- 11. the dry run in the task worker, capped ------------------------------------------


def test_the_check_runs_in_the_task_worker_and_the_page_shows_its_progress(  # type: ignore[no-untyped-def]
    worker, monkeypatch
) -> None:
    queued: list[tuple[Any, ...]] = []
    worker_task = tasks.run_check

    class NotYetRun:  # a task queue whose worker has not picked the task up yet
        def enqueue(self, *args: Any) -> None:
            queued.append(args)

    monkeypatch.setattr(tasks, "run_check", NotYetRun())
    client = client_for(worker)
    rows = [person(name=f"人{i}") for i in range(3)]
    response = post_file(client, xlsx(rows))
    assert response.status_code == 302
    batch = latest()
    # The request only stored the file, encrypted, and queued the check.
    assert queued == [(str(batch.pk), "zh-hans")]
    assert batch.state == "checking" and batch.errors == [] and batch.good_rows == 0
    assert rows[0]["id_number"] not in batch.payload_enc
    page = client.get(f"/elders/import/{batch.pk}/").content.decode()
    assert 'id="check-progress"' in page and "hx-trigger" in page
    assert 'id="import-button"' not in page
    # Committing an unchecked batch is refused.
    client.post(f"/elders/import/{batch.pk}/commit/")
    assert latest().state == "checking"

    # The worker: progress is written to the batch while it checks.
    monkeypatch.setattr(importing, "PROGRESS_EVERY", 1)
    seen: list[int] = []
    original = importing.row_to_values

    def spy(row: dict[str, str]) -> Any:
        seen.append(ImportBatch.objects.get(pk=batch.pk).checked_rows)
        return original(row)

    monkeypatch.setattr(importing, "row_to_values", spy)
    worker_task.call(str(batch.pk), "zh-hans")
    assert seen == [0, 1, 2]
    batch.refresh_from_db()
    assert batch.state == "validated" and batch.good_rows == 3 and batch.checked_rows == 3
    assert 'id="import-button"' in client.get(f"/elders/import/{batch.pk}/").content.decode()
    # The polling page is told to reload once the check is over (to show the problems).
    polled = client.get(f"/elders/import/{batch.pk}/?was=checking", HTTP_HX_REQUEST="true")
    assert polled["HX-Refresh"] == "true"


def test_a_file_over_the_row_cap_is_refused_with_a_clear_reason(worker, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(importing, "MAX_ROWS", 3)
    client = client_for(worker)
    post_file(client, xlsx([person(name=f"人{i}") for i in range(4)]))
    batch = latest()
    assert [e["code"] for e in batch.errors] == ["import_too_many_rows"]
    assert "3" in batch.errors[0]["message"]
    assert batch.good_rows == 0 and batch.payload_enc == ""
    post_file(client, xlsx([person(name=f"人{i}") for i in range(3)]))
    assert latest().good_rows == 3
    assert Elder.objects.count() == 0


def test_the_commit_rechecks_the_right_to_import_for_every_row(  # type: ignore[no-untyped-def]
    regions, django_capture_on_commit_callbacks
) -> None:
    officer = make_user("community_worker", STREET_A)
    admin = make_user("system_admin", "440300000000")
    grant_add(
        ctx=AuditContext(actor=admin), user=officer, role="community_worker", region_code=STREET_B
    )
    client = client_for(officer)
    post_file(client, xlsx([person(COMMUNITY_A1, "留下"), person(COMMUNITY_B1, "撤销")]))
    batch = latest()
    assert batch.good_rows == 2
    # The grant over street B is withdrawn between the dry run and the import.
    grant_remove(
        ctx=AuditContext(actor=admin),
        grant=RoleGrant.objects.get(user=officer, region_id=STREET_B),
    )
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/elders/import/{batch.pk}/commit/")
    batch.refresh_from_db()
    assert batch.state == "done" and batch.imported_rows == 1
    assert batch.skipped_rows == [{"row": 3, "code": "region_out_of_scope"}]
    assert list(Elder.objects.values_list("name", flat=True)) == ["留下"]
    page = client.get(f"/elders/import/{batch.pk}/").content.decode()
    assert 'id="import-refused"' in page and "3" in page


def test_no_import_after_the_import_right_is_gone(regions) -> None:  # type: ignore[no-untyped-def]
    officer = make_user("community_worker", STREET_A)
    admin = make_user("system_admin", "440300000000")
    client = client_for(officer)
    post_file(client, xlsx([person()]))
    batch = latest()
    grant_remove(ctx=AuditContext(actor=admin), grant=RoleGrant.objects.get(user=officer))
    client.post(f"/elders/import/{batch.pk}/commit/")
    batch.refresh_from_db()
    assert batch.state == "validated" and Elder.objects.count() == 0


# --- 10. damaged and hostile files -------------------------------------------------------


def rebuilt(content: bytes, change: Any) -> bytes:
    """The same .xlsx with its parts changed by ``change(parts) -> parts``."""
    with zipfile.ZipFile(io.BytesIO(content)) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in change(parts).items():
            target.writestr(name, data)
    return out.getvalue()


SHEET = "xl/worksheets/sheet1.xml"
BOMB = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'.encode()
        for i in range(1, 9)
    )
    + b"]>"
)


def _truncated_sheet(parts: dict[str, bytes]) -> dict[str, bytes]:
    return {**parts, SHEET: parts[SHEET][: len(parts[SHEET]) // 2]}


def _entity_sheet(parts: dict[str, bytes]) -> dict[str, bytes]:
    sheet = parts[SHEET]
    body = sheet.split(b"?>", 1)[1] if sheet.startswith(b"<?xml") else sheet
    return {**parts, SHEET: BOMB + body.replace(b"<v>", b"<v>&lol8;", 1)}


def _missing_sheet(parts: dict[str, bytes]) -> dict[str, bytes]:
    return {k: v for k, v in parts.items() if k != SHEET}


def _no_sheets(parts: dict[str, bytes]) -> dict[str, bytes]:
    workbook = parts["xl/workbook.xml"]
    start, end = workbook.index(b"<sheets>"), workbook.index(b"</sheets>") + len(b"</sheets>")
    return {**parts, "xl/workbook.xml": workbook[:start] + b"<sheets/>" + workbook[end:]}


@pytest.mark.parametrize(
    "change",
    [_truncated_sheet, _entity_sheet, _missing_sheet, _no_sheets],
    ids=["truncated-sheet", "entities", "sheet-missing", "no-sheet"],
)
def test_damaged_or_hostile_workbooks_are_a_file_problem(worker, change) -> None:  # type: ignore[no-untyped-def]
    good = xlsx([person(name=f"人{i}") for i in range(30)])
    response = post_file(client_for(worker), rebuilt(good, change))
    assert response.status_code == 302
    batch = latest()
    assert batch.state == "validated"
    assert [e["code"] for e in batch.errors] == ["file_invalid"]
    assert batch.good_rows == 0 and Elder.objects.count() == 0


def test_a_truncated_file_is_a_file_problem(worker) -> None:  # type: ignore[no-untyped-def]
    good = xlsx([person()])
    post_file(client_for(worker), good[: len(good) // 2])
    assert [e["code"] for e in latest().errors] == ["file_invalid"]


def test_openpyxl_reads_through_defusedxml() -> None:
    import openpyxl

    assert openpyxl.DEFUSEDXML is True
    rows, problems = spreadsheet.read_rows(io.BytesIO(rebuilt(xlsx([person()]), _entity_sheet)))
    assert rows == [] and problems[0].code == "file_invalid"
    assert crypto  # the payload module is importable alongside (used above through the views)
