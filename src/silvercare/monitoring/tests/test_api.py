"""The HTTPS batch ingest (gateways) and the device API."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from silvercare.accounts.services import token_create
from silvercare.audit.services import AuditContext
from silvercare.common import testing
from silvercare.common.testing import client_for
from silvercare.monitoring.models import Device, DeviceBinding, Reading
from silvercare.monitoring.services import device_bind, device_register

pytestmark = pytest.mark.django_db
URL = "/api/v1/monitoring/ingest"


def _basic(serial: str, secret: str) -> dict[str, str]:
    token = base64.b64encode(f"{serial}:{secret}".encode()).decode()
    return {"HTTP_AUTHORIZATION": f"Basic {token}"}


def _message(msg_id: str, kind: str = "hr", **fields: Any) -> dict[str, Any]:
    fields = fields or {"bpm": 70}
    return {"kind": kind, "id": msg_id, "ts": timezone.now().isoformat(), **fields}


def _post(body: Any, **headers: str) -> Any:
    raw = body if isinstance(body, (bytes, str)) else json.dumps(body)
    return Client().post(URL, raw, content_type="application/json", **headers)


def test_device_posts_its_own_readings(watch: Any) -> None:
    device, secret = watch
    body = {"messages": [{"message": _message("h1")}, {"message": _message("h1")}]}
    response = _post(body, **_basic("W-0001", secret))
    assert response.status_code == 200, response.content
    assert response.json() == {
        "received": 2,
        "accepted": 1,
        "duplicate": 1,
        "refused": 0,
        "dead_lettered": 0,
        "commands": [],
    }
    assert Reading.objects.get().device_id == device.pk


def test_gateway_sends_for_the_devices_of_its_elder_only(watch: Any, worker: Any) -> None:
    ctx = AuditContext(actor=worker)
    gateway = device_register(
        ctx=ctx, serial="GW-1", type="gateway", region_code=testing.COMMUNITY_A1
    )
    device_bind(ctx=ctx, device=gateway.device, elder=watch[0].elder)
    stranger = testing.make_elder(worker, name="钱多多")
    other = device_register(ctx=ctx, serial="W-9", type="watch", region_code=testing.COMMUNITY_A1)
    device_bind(ctx=ctx, device=other.device, elder=stranger)
    body = {
        "messages": [
            {"device": "W-0001", "message": _message("a")},
            {"device": "W-9", "message": _message("b")},
            {"device": "NOPE", "message": _message("c")},
        ]
    }
    response = _post(body, **_basic("GW-1", gateway.secret))
    assert response.json()["accepted"] == 1 and response.json()["refused"] == 2
    assert list(Reading.objects.values_list("msg_id", flat=True)) == ["a"]


def test_wrong_secret_and_no_credentials_are_refused(watch: Any) -> None:
    body = {"messages": [{"message": _message("x")}]}
    assert _post(body, **_basic("W-0001", "wrong")).status_code == 401
    assert _post(body).status_code == 401
    assert _post(body, **_basic("NO-SUCH", "x")).status_code == 401
    assert not Reading.objects.exists()


@pytest.mark.parametrize(
    "body",
    [
        b"{nope",
        {"messages": "x"},
        {"messages": [{"message": 1, "extra": 2}]},
        {},
        {"messages": [{"message": {}}] * 1001},
    ],
)
def test_bad_batches_get_a_clear_422(watch: Any, body: Any) -> None:
    response = _post(body, **_basic("W-0001", watch[1]))
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"


def test_invalid_messages_in_a_good_batch_are_dead_lettered(watch: Any) -> None:
    body = {"messages": [{"message": {"kind": "hr", "id": "z"}}, {"message": _message("ok")}]}
    response = _post(body, **_basic("W-0001", watch[1]))
    assert response.json()["dead_lettered"] == 1 and response.json()["accepted"] == 1


def test_integration_token_with_manage_right(watch: Any, worker: Any, other_worker: Any) -> None:
    _token, raw = token_create(ctx=AuditContext(actor=worker), name="gateway-hub")
    body = {"messages": [{"device": "W-0001", "message": _message("t1")}]}
    response = _post(body, HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.json()["accepted"] == 1
    _token, foreign = token_create(ctx=AuditContext(actor=other_worker), name="luohu")
    response = _post(
        {"messages": [{"device": "W-0001", "message": _message("t2")}]},
        HTTP_AUTHORIZATION=f"Bearer {foreign}",
    )
    assert response.json()["refused"] == 1
    assert list(Reading.objects.values_list("msg_id", flat=True)) == ["t1"]


def test_register_bind_read_and_rotate_through_the_api(worker: Any, elder: Any) -> None:
    client = client_for(worker)
    response = client.post(
        "/api/v1/monitoring/devices",
        {"serial": "PO-5", "type": "pulse_oximeter", "region_code": testing.COMMUNITY_A1},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert "no-store" in response["Cache-Control"]
    created = response.json()
    assert created["secret"]
    device_id = created["id"]
    response = client.post(
        f"/api/v1/monitoring/devices/{device_id}/bind",
        {"elder_id": str(elder.pk)},
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["elder_id"] == str(elder.pk)
    assert (
        _post(
            {"messages": [{"message": _message("p1", "spo2", percent=95)}]},
            **_basic("PO-5", created["secret"]),
        ).json()["accepted"]
        == 1
    )
    detail = client.get(f"/api/v1/monitoring/devices/{device_id}").json()
    assert detail["latest"]["spo2"]["value"] == {"percent": 95}
    readings = client.get(f"/api/v1/monitoring/devices/{device_id}/readings").json()
    assert [r["msg_id"] for r in readings] == ["p1"]
    rotated = client.post(f"/api/v1/monitoring/devices/{device_id}/rotate").json()
    assert rotated["secret"] != created["secret"]
    assert (
        _post(
            {"messages": [{"message": _message("p2", "spo2", percent=95)}]},
            **_basic("PO-5", created["secret"]),
        ).status_code
        == 401
    )
    response = client.post(f"/api/v1/monitoring/devices/{device_id}/unbind")
    assert response.status_code == 200 and response.json()["elder_id"] is None
    assert DeviceBinding.objects.get(device_id=device_id).bound_to is not None


def test_api_refuses_bad_registration_with_field_errors(worker: Any) -> None:
    response = client_for(worker).post(
        "/api/v1/monitoring/devices",
        {"serial": "x", "type": "toaster", "region_code": testing.COMMUNITY_LUOHU},
        content_type="application/json",
    )
    assert response.status_code == 422
    fields = {e["field"] for e in response.json()["errors"]}
    assert fields == {"serial", "type", "region_code"}
    assert not Device.objects.exists()


def test_other_district_gets_404_for_our_device(watch: Any, other_worker: Any) -> None:
    client = client_for(other_worker)
    device_id = watch[0].pk
    assert client.get(f"/api/v1/monitoring/devices/{device_id}").status_code == 404
    assert client.post(f"/api/v1/monitoring/devices/{device_id}/rotate").status_code == 404
    assert client.get("/api/v1/monitoring/devices").json()["count"] == 0
