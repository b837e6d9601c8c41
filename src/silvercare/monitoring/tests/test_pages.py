"""Device pages: register (secret shown once), find and bind an elder, detail with the
latest state, new secret, and nothing for other districts."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from silvercare.common import testing
from silvercare.common.testing import client_for
from silvercare.monitoring import credentials
from silvercare.monitoring.ingest import RawMessage, ingest_batch
from silvercare.monitoring.models import Device

pytestmark = pytest.mark.django_db


def test_register_shows_the_secret_once_then_bind_from_the_page(worker: Any, elder: Any) -> None:
    client = client_for(worker)
    assert client.get("/monitoring/devices/new/").status_code == 200
    response = client.post(
        "/monitoring/devices/new/",
        {
            "serial": "SOS-42",
            "type": "sos_button",
            "region_code": testing.COMMUNITY_A1,
            "placement": "none",
            "model_name": "",
            "firmware": "",
        },
    )
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    secret = response.context["secret"]
    device = Device.objects.get(serial="SOS-42")
    assert credentials.secret_matches(secret, device.secret_hash)
    assert secret in response.content.decode()
    page = client.get(f"/monitoring/devices/{device.pk}/").content.decode()
    assert secret not in page
    found = client.get(f"/monitoring/devices/{device.pk}/?elder_q=陈").content.decode()
    assert "陈淑芬" in found
    client.post(f"/monitoring/devices/{device.pk}/bind/", {"elder_id": str(elder.pk)})
    device.refresh_from_db()
    assert device.elder_id == elder.pk


def test_register_form_reports_errors(worker: Any) -> None:
    response = client_for(worker).post(
        "/monitoring/devices/new/",
        {"serial": "?", "type": "watch", "region_code": testing.COMMUNITY_A1, "placement": "none"},
    )
    assert response.status_code == 422
    assert not Device.objects.exists()


def test_detail_shows_latest_state_and_readings(watch: Any, worker: Any) -> None:
    device, _ = watch
    now = timezone.now().isoformat()
    ingest_batch(
        [
            RawMessage(
                serial="W-0001",
                payload=f'{{"kind":"spo2","id":"s","ts":"{now}","percent":93}}'.encode(),
            )
        ]
    )
    client = client_for(worker)
    listing = client.get("/monitoring/devices/").content.decode()
    assert "W-0001" in listing and "陈淑芬" in listing
    page = client.get(f"/monitoring/devices/{device.pk}/").content.decode()
    assert "93%" in page


def test_new_secret_and_unbind_from_the_page(watch: Any, worker: Any) -> None:
    device, old = watch
    client = client_for(worker)
    response = client.post(f"/monitoring/devices/{device.pk}/rotate/")
    device.refresh_from_db()
    assert credentials.secret_matches(response.context["secret"], device.secret_hash)
    assert not credentials.secret_matches(old, device.secret_hash)
    client.post(f"/monitoring/devices/{device.pk}/unbind/")
    device.refresh_from_db()
    assert device.elder_id is None


def test_other_district_sees_nothing(watch: Any, other_worker: Any) -> None:
    device, _ = watch
    client = client_for(other_worker)
    assert "W-0001" not in client.get("/monitoring/devices/").content.decode()
    for url in ("", "rotate/", "unbind/", "bind/"):
        method = client.get if not url else client.post
        assert method(f"/monitoring/devices/{device.pk}/{url}").status_code == 404
    device.refresh_from_db()
    assert device.elder_id is not None


def test_roles_without_the_monitoring_right_get_404(regions: None) -> None:
    assessor = testing.make_user("assessor", testing.STREET_A)
    assert client_for(assessor).get("/monitoring/devices/").status_code == 404
