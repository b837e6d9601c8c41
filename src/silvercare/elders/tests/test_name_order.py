"""Issue 8, point 7: names sort by pinyin, as Chinese users expect (李 li < 王 wang < 张 zhang),
on the list page and in the API, on whichever database the suite runs on (SQLite or
PostgreSQL). In code-point order — what the "C" collation and SQLite give for ``name`` —
张 (U+5F20) would come first and 王 (U+738B) last."""

from __future__ import annotations

import importlib
from typing import Any

import pytest
from django.apps import apps

from silvercare.audit.services import AuditContext
from silvercare.common.testing import COMMUNITY_A1, COMMUNITY_A2, client_for, make_elder
from silvercare.elders.models import Elder
from silvercare.elders.name_order import name_sort_key, name_sort_range
from silvercare.elders.services import elder_update

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(worker: Any) -> dict[str, Any]:
    # Registered in code-point order, so neither insertion nor code points give the answer.
    names = ["张伟", "李娜", "王芳", "曾国华", "黎明", "李"]
    return {name: make_elder(worker, name=name) for name in names}


PINYIN_ORDER = ["黎明", "李", "李娜", "王芳", "曾国华", "张伟"]  # li2 < li3 < wang < zeng < zhang


def _page_names(client: Any, query: str = "") -> list[str]:
    response = client.get(f"/elders/{query}")
    assert response.status_code == 200
    return [row["elder"].name for row in response.context["rows"]]


def _api_names(client: Any, query: str = "") -> list[str]:
    response = client.get(f"/api/v1/elders/{query}")
    assert response.status_code == 200
    return [item["name"] for item in response.json()["items"]]


def test_list_page_sorts_names_by_pinyin(worker: Any, people: dict[str, Any]) -> None:
    client = client_for(worker)
    names = _page_names(client)
    assert names == PINYIN_ORDER
    assert names.index("李娜") < names.index("王芳") < names.index("张伟")
    assert _page_names(client, "?sort=-name") == PINYIN_ORDER[::-1]


def test_api_sorts_names_by_pinyin(worker: Any, people: dict[str, Any]) -> None:
    client = client_for(worker)
    assert _api_names(client) == PINYIN_ORDER
    assert _api_names(client, "?sort=name") == PINYIN_ORDER
    assert _api_names(client, "?sort=-name") == PINYIN_ORDER[::-1]


def test_a_surname_is_read_as_a_surname(worker: Any, people: dict[str, Any]) -> None:
    """曾 as a surname is zēng (between 王 and 张), not céng (which would put it first)."""
    names = _api_names(client_for(worker))
    assert names.index("王芳") < names.index("曾国华") < names.index("张伟")


def test_name_prefix_search_keeps_the_pinyin_order(worker: Any, people: dict[str, Any]) -> None:
    make_elder(worker, name="李建国")
    make_elder(worker, name="里安")  # same pinyin li3, another character: not a 李
    client = client_for(worker)
    assert _page_names(client, "?q=李") == ["李", "李建国", "李娜"]
    assert _api_names(client, "?q=李") == ["李", "李建国", "李娜"]
    assert _api_names(client, "?q=李&sort=-name") == ["李娜", "李建国", "李"]
    assert _api_names(client, "?q=李建") == ["李建国"]
    assert _api_names(client, "?q=里") == ["里安"]
    assert _api_names(client, "?q=曾") == ["曾国华"]


def test_region_sort_orders_names_by_pinyin_within_each_community(worker: Any) -> None:
    for name, community in [("张三", COMMUNITY_A1), ("李四", COMMUNITY_A1), ("王五", COMMUNITY_A2)]:
        make_elder(worker, community, name=name)
    assert _api_names(client_for(worker), "?sort=region") == ["李四", "张三", "王五"]


def test_a_renamed_elder_moves_to_the_new_place(worker: Any, people: dict[str, Any]) -> None:
    elder_update(ctx=AuditContext(actor=worker), elder=people["张伟"], changes={"name": "艾伟"})
    assert _api_names(client_for(worker))[0] == "艾伟"  # ai < li


def test_imported_elders_get_their_sort_key(
    worker: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """The import writes through services.apply_to_model like every other path."""
    import io

    from openpyxl import Workbook

    from silvercare.common.testing import id_number
    from silvercare.elders.spreadsheet import COLUMNS

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append([c.header_zh for c in COLUMNS])
    for name in ("张", "李"):
        row = {
            "name": name,
            "id_number": id_number(),
            "region_code": COMMUNITY_A1,
            "hukou_type": "本地城镇",
            "living_situation": "与子女",
        }
        ws.append([row.get(c.key, "") for c in COLUMNS])
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    buf.name = "elders.xlsx"
    client = client_for(worker)
    assert client.post("/elders/import/", {"file": buf}).status_code == 302
    from silvercare.elders.models import ImportBatch

    batch = ImportBatch.objects.latest("created_at")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/elders/import/{batch.pk}/commit/")
    assert _api_names(client) == ["李", "张"]
    assert all(e.name_sort == name_sort_key(e.name) for e in Elder.objects.all())


def test_the_migration_fills_existing_rows_like_the_service(
    worker: Any, people: dict[str, Any]
) -> None:
    """Rows from before the column are filled by migration 0008 (a frozen copy of the key)."""
    Elder.objects.update(name_sort="")
    fill = importlib.import_module("silvercare.elders.migrations.0008_fill_elder_name_sort").fill
    fill(apps, None)
    for elder in Elder.objects.all():
        assert elder.name_sort == name_sort_key(elder.name), elder.name
    assert _api_names(client_for(worker)) == PINYIN_ORDER


def test_keys_order_and_prefix_ranges() -> None:
    keys = [name_sort_key(n) for n in ["黎明", "李", "李娜", "林", "刘红", "吕布", "王", "张"]]
    assert keys == sorted(keys)
    low, high = name_sort_range("李")  # type: ignore[misc]
    for name in ["李", "李娜", "李建国"]:
        assert low <= name_sort_key(name) < high
    for name in ["黎明", "里安", "林", "刘红"]:
        assert not low <= name_sort_key(name) < high
    assert name_sort_range("") is None
