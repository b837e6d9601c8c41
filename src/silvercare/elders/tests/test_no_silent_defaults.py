"""Issue 8, point 5: hukou type and living situation decide services, so nothing chooses them
silently. They start empty on the form and must be chosen; the API and the import require
them; an edit keeps what is stored; the demo city states them."""

from __future__ import annotations

import io
import json
import re
from typing import Any

import pytest
from openpyxl import Workbook

from silvercare.audit.services import AuditContext
from silvercare.common.errors import ValidationFailed
from silvercare.common.testing import COMMUNITY_A1, client_for, id_number, make_elder
from silvercare.elders import error_codes as codes
from silvercare.elders.models import Elder, ImportBatch
from silvercare.elders.services import elder_create
from silvercare.elders.spreadsheet import COLUMNS

pytestmark = pytest.mark.django_db
FACTS = ("hukou_type", "living_situation")


def _selected(page: str, name: str) -> list[str]:
    """The values of the selected options of the <select name=...>."""
    found = re.search(rf'<select name="{name}".*?</select>', page, re.S)
    assert found, name
    return re.findall(r'<option value="([^"]*)"[^>]*\bselected\b', found.group(0))


def test_the_new_form_starts_with_the_facts_unchosen(worker: Any) -> None:
    page = client_for(worker).get("/elders/new/").content.decode()
    for name in FACTS:
        assert _selected(page, name) == [""], name  # "— choose —", not 独居 / 本地城镇户籍
        assert re.search(rf'<select name="{name}"[^>]*\brequired\b', page), name


def test_an_untouched_form_records_nothing_and_asks_for_both(worker: Any) -> None:
    response = client_for(worker).post(
        "/elders/new/", {"name": "周玉兰", "id_number": id_number(), "region_code": COMMUNITY_A1}
    )
    assert response.status_code == 422
    assert set(response.context["form"].errors) == set(FACTS)
    assert not Elder.objects.exists()


def test_what_is_chosen_is_what_is_stored(worker: Any) -> None:
    response = client_for(worker).post(
        "/elders/new/",
        {
            "name": "周玉兰",
            "id_number": id_number(),
            "region_code": COMMUNITY_A1,
            "hukou_type": "non_local",
            "living_situation": "children",
        },
    )
    assert response.status_code == 302
    elder = Elder.objects.get()
    assert (elder.hukou_type, elder.living_situation) == ("non_local", "children")
    assert not elder.is_living_alone


def test_the_edit_form_keeps_the_stored_values(worker: Any) -> None:
    elder = make_elder(worker, hukou_type="local_rural", living_situation="institution")
    client = client_for(worker)
    page = client.get(f"/elders/{elder.pk}/edit/").content.decode()
    assert _selected(page, "hukou_type") == ["local_rural"]
    assert _selected(page, "living_situation") == ["institution"]
    # An API change of something else leaves them as they are.
    changed = client.patch(
        f"/api/v1/elders/{elder.pk}", {"phone": "13900139000"}, content_type="application/json"
    )
    assert changed.status_code == 200
    assert (changed.json()["hukou_type"], changed.json()["living_situation"]) == (
        "local_rural",
        "institution",
    )


def test_the_api_requires_both(worker: Any) -> None:
    body = {"name": "周玉兰", "id_number": id_number(), "region_code": COMMUNITY_A1}
    response = client_for(worker).post(
        "/api/v1/elders/", json.dumps(body), content_type="application/json"
    )
    assert response.status_code == 422
    assert {e["field"] for e in response.json()["errors"]} >= set(FACTS)
    assert not Elder.objects.exists()
    schema = client_for(worker).get("/api/v1/openapi.json").json()
    required = schema["components"]["schemas"]["ElderCreateIn"]["required"]
    assert set(FACTS) <= set(required)


def test_the_service_has_no_default_either(worker: Any) -> None:
    values = {"name": "周玉兰", "id_number": id_number(), "region_code": COMMUNITY_A1}
    with pytest.raises(ValidationFailed) as refused:
        elder_create(ctx=AuditContext(actor=worker), values=values)
    assert {(e.field, e.code) for e in refused.value.errors} == {
        ("hukou_type", codes.CHOICE_REQUIRED),
        ("living_situation", codes.CHOICE_REQUIRED),
    }


def test_an_import_row_without_them_is_a_row_error(worker: Any) -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append([c.header_zh for c in COLUMNS])
    rows = [
        {"name": "甲", "id_number": id_number(), "region_code": COMMUNITY_A1},
        {
            "name": "乙",
            "id_number": id_number(),
            "region_code": COMMUNITY_A1,
            "hukou_type": "本地农村",
            "living_situation": "独居",
        },
    ]
    for row in rows:
        ws.append([row.get(c.key, "") for c in COLUMNS])
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    buf.name = "elders.xlsx"
    assert client_for(worker).post("/elders/import/", {"file": buf}).status_code == 302
    batch = ImportBatch.objects.latest("created_at")
    problems = {(e["row"], e["column"], e["code"]) for e in batch.errors}
    assert problems == {
        (2, "户籍类型", codes.CHOICE_REQUIRED),
        (2, "居住情况", codes.CHOICE_REQUIRED),
    }
    assert batch.good_rows == 1


def test_the_model_has_no_default_for_them() -> None:
    for name in FACTS:
        assert not Elder._meta.get_field(name).has_default(), name
    assert Elder().hukou_type == "" and Elder().living_situation == ""


def test_the_demo_city_states_them_for_everyone() -> None:
    from silvercare.demo.services import demo_build

    demo_build(elders=40)
    assert Elder.objects.count() >= 40
    assert not Elder.objects.filter(hukou_type="").exists()
    assert not Elder.objects.filter(living_situation="").exists()
    # The demo city is not everyone living alone or urban: the facts vary.
    assert Elder.objects.values("living_situation").distinct().count() > 1
