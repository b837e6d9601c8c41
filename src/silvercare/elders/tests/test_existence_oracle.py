"""No existence oracle: whether an ID number is registered is said only to someone who may
register that person where they asked to, for an otherwise valid row; a registration in
another area is told "already registered" without where, and every hit is audited where the
existing record lives."""

from __future__ import annotations

import io
from typing import Any

import pytest
from openpyxl import Workbook

from silvercare.audit.models import AuditEvent
from silvercare.common import crypto
from silvercare.common.testing import (
    COMMUNITY_A1,
    COMMUNITY_LUOHU,
    STREET_A,
    client_for,
    make_elder,
    make_user,
)
from silvercare.elders import error_codes as codes
from silvercare.elders.models import Elder
from silvercare.elders.spreadsheet import COLUMNS

pytestmark = pytest.mark.django_db


@pytest.fixture
def registered(worker: Any) -> str:
    elder = make_elder(worker, COMMUNITY_A1, name="已登记者")
    return str(crypto.decrypt(elder.id_number_enc, purpose="elder.id_number"))


def _post(client: Any, **values: Any) -> Any:
    body = {
        "name": "试探",
        "region_code": COMMUNITY_LUOHU,
        "hukou_type": "local_urban",
        "living_situation": "spouse",
        **values,
    }
    return client.post("/api/v1/elders/", body, content_type="application/json")


def _says_registered(response: Any) -> bool:
    text = response.content.decode()
    return codes.ID_DUPLICATE in text or "already registered" in text or "已登记" in text


def test_without_the_right_to_register_nothing_is_said(registered: str) -> None:
    for role in ("caregiver", "assessor", "call_centre"):
        outsider = make_user(role, STREET_A)
        response = _post(client_for(outsider), id_number=registered, region_code=COMMUNITY_A1)
        assert response.status_code == 403, role
        assert response.json()["code"] == "permission_denied"
        assert not _says_registered(response)
        page = client_for(outsider).post(
            "/elders/new/", {"name": "试探", "id_number": registered, "region_code": COMMUNITY_A1}
        )
        assert page.status_code == 404 and not _says_registered(page)
    assert Elder.objects.count() == 1
    assert not AuditEvent.objects.filter(action="duplicate_hit").exists()


def test_out_of_scope_or_invalid_rows_learn_nothing(registered: str, other_worker: Any) -> None:
    client = client_for(other_worker)  # may register in Luohu only
    cases = [
        {"region_code": COMMUNITY_A1},  # the existing record's own community: out of scope
        {"name": ""},  # otherwise invalid
        {"phone": "12"},
        {"birth_date": "1901-01-01"},
        {"region_code": "440303001999"},  # unknown community
    ]
    for extra in cases:
        response = _post(client, id_number=registered, **extra)
        assert response.status_code == 422, extra
        fields = {e["code"] for e in response.json()["errors"]}
        assert codes.ID_DUPLICATE not in fields, extra
        assert not _says_registered(response), extra
    assert not AuditEvent.objects.filter(action="duplicate_hit").exists()


def test_valid_row_elsewhere_is_told_without_where_and_audited(
    registered: str, other_worker: Any
) -> None:
    response = _post(client_for(other_worker), id_number=registered)
    assert response.status_code == 422
    [error] = response.json()["errors"]
    assert error["code"] == codes.ID_DUPLICATE and "params" not in error
    existing = Elder.objects.get()
    body = response.content.decode()
    assert str(existing.pk) not in body and existing.region.name not in body
    assert COMMUNITY_A1 not in body
    hit = AuditEvent.objects.get(action="duplicate_hit")
    assert hit.actor == other_worker
    assert hit.region_code == COMMUNITY_A1  # seen by whoever oversees the existing record
    assert hit.entity_id == str(existing.pk)
    assert hit.changes["attempted_in"] == COMMUNITY_LUOHU
    assert registered not in str(hit.changes) + hit.summary
    # The officer over both districts reads it in the audit trail; the prober does not.
    officer = make_user("civil_affairs", "440300000000")
    trail = client_for(officer).get("/audit/?action=duplicate_hit").content.decode()
    assert "桂木社区" in trail  # where the attempt came from
    prober_trail = client_for(other_worker).get("/audit/").content.decode()
    assert existing.id_number_masked not in prober_trail


def test_same_area_duplicate_points_at_the_record_and_is_audited(
    registered: str, worker: Any
) -> None:
    response = _post(client_for(worker), id_number=registered, region_code=COMMUNITY_A1)
    [error] = response.json()["errors"]
    assert error["code"] == codes.ID_DUPLICATE
    assert error["params"] == {"existing_id": str(Elder.objects.get().pk)}
    assert AuditEvent.objects.filter(action="duplicate_hit", actor=worker).count() == 1


def _sheet(rows: list[dict[str, Any]]) -> io.BytesIO:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append([c.header_zh for c in COLUMNS])
    for row in rows:
        values = {"hukou_type": "本地城镇", "living_situation": "与配偶", **row}
        ws.append([values.get(c.key, "") for c in COLUMNS])
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    buf.name = "probe.xlsx"
    return buf


def test_import_dry_run_is_no_oracle_either(registered: str, other_worker: Any) -> None:
    from silvercare.elders.models import ImportBatch

    client = client_for(other_worker)
    rows = [
        {"name": "越界", "id_number": registered, "region_code": COMMUNITY_A1},
        {"name": "", "id_number": registered, "region_code": COMMUNITY_LUOHU},
        {"name": "坏电话", "id_number": registered, "region_code": COMMUNITY_LUOHU, "phone": "1"},
    ]
    assert client.post("/elders/import/", {"file": _sheet(rows)}).status_code == 302
    batch = ImportBatch.objects.latest("created_at")
    found = {(e["row"], e["code"]) for e in batch.errors}
    assert (2, codes.REGION_OUT_OF_SCOPE) in found
    assert not any(code == codes.ID_DUPLICATE for _row, code in found), found


def test_import_dry_run_hits_are_audited_without_saying_where(
    registered: str, other_worker: Any
) -> None:
    from silvercare.elders.models import ImportBatch

    client = client_for(other_worker)
    rows = [{"name": "重复", "id_number": registered, "region_code": COMMUNITY_LUOHU}]
    assert client.post("/elders/import/", {"file": _sheet(rows)}).status_code == 302
    batch = ImportBatch.objects.latest("created_at")
    dup = [e for e in batch.errors if e["code"] == codes.ID_DUPLICATE]
    assert len(dup) == 1 and COMMUNITY_A1 not in str(dup)
    hit = AuditEvent.objects.get(action="duplicate_hit")
    assert hit.actor == other_worker
    assert hit.region_code == COMMUNITY_A1
    assert registered not in str(hit.changes)
