"""The classification as data, typed specifications, products, the refused import and the
open data published without login."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest
from django.test import Client

from silvercare.assistive import services
from silvercare.assistive.models import DeviceType, Product, WhoPriorityItem
from silvercare.assistive.selectors import product_get
from silvercare.assistive.tests.conftest import ctx, values
from silvercare.audit.models import AuditEvent
from silvercare.common.errors import DomainError, NotFound, ValidationFailed
from silvercare.common.testing import client_for


def test_the_classification_is_loaded_from_data(regions: None) -> None:
    divisions = DeviceType.objects.filter(level="division")
    assert divisions.count() >= 20
    # Every class of ISO 9999 used, each with the national catalogue 2023 renumbering that
    # keeps the subclass and division digits.
    afo = DeviceType.objects.get(code="06 12 06")
    assert (afo.national_code, afo.name_zh, afo.parent.code) == ("01 12 06", "踝足矫形器", "06 12")
    rollator = DeviceType.objects.get(code="12 06 06")
    assert rollator.national_code == "02 06 06" and rollator.who_priority
    assert rollator.attribute_schema and rollator.level == "division"
    assert WhoPriorityItem.objects.count() == 50
    assert WhoPriorityItem.objects.get(number=34).device_type == rollator
    # Uncertain mappings are marked, not invented.
    assert WhoPriorityItem.objects.filter(mapping_certain=False).exists()
    # Loading again changes nothing (idempotent).
    from silvercare.assistive.classification import load_classification

    before = DeviceType.objects.count()
    load_classification()
    assert DeviceType.objects.count() == before


def test_specifications_are_typed_per_device_type(curator: Any, enterprise: Any) -> None:
    product = services.product_save(ctx=ctx(curator), enterprise=enterprise, values=values())
    assert product.specifications == {"seat_width_cm": 46, "max_user_weight_kg": 100}
    assert product.status == "draft"
    with pytest.raises(ValidationFailed) as bad:
        services.product_save(
            ctx=ctx(curator),
            enterprise=enterprise,
            values=values(
                model="KF-W200",
                specifications={"seat_width_cm": 200, "colour": "red"},
            ),
        )
    fields = {(e.field, e.code) for e in bad.value.errors}
    assert ("specifications.seat_width_cm", "spec_invalid") in fields
    assert ("specifications.colour", "spec_unknown") in fields
    assert ("specifications.max_user_weight_kg", "spec_required") in fields
    with pytest.raises(ValidationFailed) as over:
        services.product_save(
            ctx=ctx(curator),
            enterprise=enterprise,
            values=values(model="KF-W300", sale_price_fen=200_000, price_cap_fen=100_000),
        )
    assert [e.code for e in over.value.errors] == ["price_over_cap"]
    with pytest.raises(ValidationFailed) as cls:
        services.product_save(
            ctx=ctx(curator), enterprise=enterprise, values=values(device_type_code="12")
        )
    assert [e.code for e in cls.value.errors] == ["device_type_not_division"]


def test_an_outsider_cannot_add_products(worker: Any, enterprise: Any) -> None:
    with pytest.raises(DomainError) as denied:
        services.product_save(ctx=ctx(worker), enterprise=enterprise, values=values())
    assert denied.value.status == 403


def test_product_get(make_listed: Any) -> None:
    product = make_listed()
    assert product_get(product.pk) == product
    for wrong in ("nonsense", "00000000-0000-0000-0000-000000000000"):
        with pytest.raises(NotFound):
            product_get(wrong)


def test_a_malformed_import_is_refused_row_by_row(curator: Any, enterprise: Any) -> None:
    good = {
        "enterprise": enterprise.name,
        "brand": "康扶",
        "model": "KF-R1",
        "name": "四轮助行器",
        "device_type": "12 06 06",
        "sale_price_fen": "45000",
        "monthly_rent_fen": "3000",
        "price_cap_fen": "",
        "rentable": "1",
        "requires_fitting": "0",
        "specifications": json.dumps(
            {"height_min_cm": 78, "height_max_cm": 95, "max_user_weight_kg": 130, "wheels": 4}
        ),
    }
    rows = [
        good,
        {**good, "model": "KF-R2", "device_type": "99 99 99"},
        {**good, "model": "KF-R3", "specifications": "{not json"},
        {**good, "model": "KF-R4", "sale_price_fen": "-5", "rentable": "0"},
        {**good},  # the same model twice in one file
    ]
    result = services.products_import(ctx=ctx(curator), rows=rows)
    assert result.created == 0
    named = {(e.field, e.code) for e in result.errors}
    assert ("row 3: device_type", "device_type_unknown") in named
    assert ("row 4: specifications", "spec_invalid") in named
    assert ("row 5: sale_price_fen", "price_invalid") in named
    assert ("row 6: model", "product_model_taken") in named
    assert not any(f.startswith("row 2:") for f, _c in named)
    assert not Product.objects.exists()  # nothing half-written
    ok = services.products_import(ctx=ctx(curator), rows=[good])
    assert ok.created == 1 and not ok.errors
    assert AuditEvent.objects.filter(entity_type="assistive.product", action="import").count() == 1


def test_the_import_page_lists_each_bad_row(curator: Any, enterprise: Any) -> None:
    text = (
        "enterprise,brand,model,name,device_type,sale_price_fen,rentable,specifications\n"
        f'{enterprise.name},康扶,KF-1,手杖,12 03 03,5000,0,"{{}}"\n'
    )
    upload = io.BytesIO(text.encode())
    upload.name = "products.csv"
    response = client_for(curator).post("/assistive/products/import/", {"file": upload})
    assert response.status_code == 200
    body = response.content.decode()
    assert "row 2: specifications.height_min_cm" in body
    assert not Product.objects.exists()


def test_open_data_without_login_lists_only_listed_products(
    make_listed: Any, curator: Any, enterprise: Any
) -> None:
    listed = make_listed()
    services.product_save(ctx=ctx(curator), enterprise=enterprise, values=values(model="KF-DRAFT"))
    anonymous = Client()
    data = anonymous.get("/assistive/open/products.json")
    assert data.status_code == 200
    payload = data.json()
    assert payload["count"] == 1
    row = payload["products"][0]
    assert row["id"] == str(listed.pk) and row["iso_code"] == "12 22 03"
    assert row["national_code"] == "02 22 03" and row["sale_price_fen"] == 89_000
    sheet = anonymous.get("/assistive/open/products.csv")
    assert sheet.status_code == 200 and sheet["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(sheet.content.decode("utf-8-sig"))))
    assert [r["model"] for r in rows] == ["KF-W100"]
    assert anonymous.get("/assistive/open/").status_code == 200
    # The catalogue pages themselves need a sign-in.
    assert anonymous.get("/assistive/catalogue/").status_code == 302


def test_catalogue_pages(make_listed: Any, worker: Any) -> None:
    product = make_listed()
    client = client_for(worker)
    page = client.get("/assistive/catalogue/?q=KF-W100")
    assert page.status_code == 200 and "KF-W100" in page.content.decode()
    assert client.get("/assistive/types/122203/").status_code == 200
    assert client.get("/assistive/types/nonsense/").status_code == 404
    detail = client.get(f"/assistive/products/{product.pk}/")
    assert detail.status_code == 200 and "46 cm" in detail.content.decode()
    api = client.get("/api/v1/assistive/products?type=12 22")
    assert api.status_code == 200 and api.json()["count"] == 1
