"""Photos are uploaded, not linked: a product's photo is public once the product is listed,
a fitting's photo is personal and served only in the fitting's scope; anything but a JPEG or
PNG image of at most 3 MB is refused and nothing is saved."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from silvercare.assistive.models import Photo, Product
from silvercare.common.photos import PHOTO_MAX_BYTES
from silvercare.common.testing import client_for, make_user

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64


def _upload(content: bytes, name: str = "photo.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="image/png")


def _product_form(**overrides: Any) -> dict[str, Any]:
    return {
        "device_type": "12 22 03",
        "brand": "康扶",
        "model": "KF-P1",
        "name": "带照片的轮椅",
        "specifications": '{"seat_width_cm": 46, "max_user_weight_kg": 100}',
        "sale_price_fen": "89000",
        **overrides,
    }


def test_a_vendor_uploads_a_product_photo_that_is_public_once_listed(
    vendor: Any, enterprise: Any
) -> None:
    client = client_for(vendor)
    response = client.post(
        "/assistive/products/new/",
        _product_form(enterprise=str(enterprise.pk), photo=_upload(PNG)),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    product = Product.objects.get(model="KF-P1")
    photo = Photo.objects.get(product=product)
    page = client.get(f"/assistive/products/{product.pk}/").content.decode()
    assert f"/assistive/photos/{photo.pk}/" in page
    served = client.get(f"/assistive/photos/{photo.pk}/")
    assert served.status_code == 200 and served["Content-Type"] == "image/png"
    assert served.content == PNG and served["X-Content-Type-Options"] == "nosniff"
    # A draft's photo is the enterprise's own until listed; then anyone may see it.
    assert Client().get(f"/assistive/photos/{photo.pk}/").status_code == 404
    product.status = "listed"
    product.save()
    assert Client().get(f"/assistive/photos/{photo.pk}/").status_code == 200


def test_a_file_that_is_not_a_photo_is_refused_and_nothing_is_saved(
    vendor: Any, enterprise: Any
) -> None:
    client = client_for(vendor)
    for content in (b"%PDF-1.7 not an image", PNG + b"\x00" * PHOTO_MAX_BYTES):
        response = client.post(
            "/assistive/products/new/",
            _product_form(enterprise=str(enterprise.pk), photo=_upload(content)),
        )
        assert response.status_code == 200
        body = response.content.decode()
        assert "JPEG" in body or "3 MB" in body
    assert not Product.objects.filter(model="KF-P1").exists()
    assert not Photo.objects.exists()


def test_a_fitting_photo_is_seen_only_in_the_fittings_scope(
    elder: Any, consultant: Any, make_listed: Any
) -> None:
    product = make_listed()
    client = client_for(consultant)
    response = client.post(
        f"/assistive/elders/{elder.pk}/fittings/new/",
        {
            "product": str(product.pk),
            "fitted_on": timezone.localdate().isoformat(),
            "training_elder": "起坐练习",
            "signed_name": "王秀英",
            "signature_confirmed": "on",
            "photo": _upload(JPEG, "fitting.jpg"),
        },
    )
    assert response.status_code == 302
    photo = Photo.objects.get(fitting__elder=elder)
    assert photo.content_type == "image/jpeg"
    assert f"/assistive/photos/{photo.pk}/" in client.get(response["Location"]).content.decode()
    served = client.get(f"/assistive/photos/{photo.pk}/")
    assert served.status_code == 200 and served["Cache-Control"] == "private, no-store"
    outsider = make_user("at_consultant", "440303000000", "luohu_consultant")
    assert client_for(outsider).get(f"/assistive/photos/{photo.pk}/").status_code == 404
    assert Client().get(f"/assistive/photos/{photo.pk}/").status_code == 404
    # More photos through the API; a non-image is refused with a field error.
    fitting_id = photo.fitting_id
    added = client.post(f"/api/v1/assistive/fittings/{fitting_id}/photos", {"photo": _upload(PNG)})
    assert added.status_code == 201 and added.json()["url"].startswith("/assistive/photos/")
    refused = client.post(
        f"/api/v1/assistive/fittings/{fitting_id}/photos", {"photo": _upload(b"GIF89a")}
    )
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "photo"
    assert (
        client_for(outsider)
        .post(f"/api/v1/assistive/fittings/{fitting_id}/photos", {"photo": _upload(PNG)})
        .status_code
        == 404
    )
    assert Photo.objects.filter(fitting_id=fitting_id).count() == 2
