"""Device registry: register, bind with history, unbind, rotate; credentials hashed;
scoped reads; the broker's password and ACL files written from the registry."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from silvercare.audit.models import AuditEvent
from silvercare.audit.services import AuditContext
from silvercare.common import testing
from silvercare.common.errors import DomainError, NotFound, ValidationFailed
from silvercare.monitoring import credentials, selectors
from silvercare.monitoring.models import Device, DeviceBinding
from silvercare.monitoring.services import (
    device_bind,
    device_register,
    device_rotate_credential,
    device_unbind,
)

pytestmark = pytest.mark.django_db


def test_register_stores_only_hashes_and_audits(worker: Any) -> None:
    issued = device_register(
        ctx=AuditContext(actor=worker),
        serial="BP-77",
        type="bp_monitor",
        region_code=testing.COMMUNITY_A1,
        model_name="欧姆龙 U32",
    )
    device = Device.objects.get(serial="BP-77")
    assert issued.secret and issued.secret not in device.secret_hash
    assert issued.secret not in device.mqtt_hash
    assert credentials.secret_matches(issued.secret, device.secret_hash)
    assert credentials.mqtt_check(issued.secret, device.mqtt_hash)
    assert not credentials.mqtt_check("wrong", device.mqtt_hash)
    assert AuditEvent.objects.filter(entity_type="device", entity_id=str(device.pk)).count() == 1


def test_register_refuses_bad_input_in_one_round(worker: Any) -> None:
    with pytest.raises(ValidationFailed) as exc:
        device_register(
            ctx=AuditContext(actor=worker),
            serial="a/b#",
            type="toaster",
            region_code=testing.COMMUNITY_LUOHU,
            placement="wrist",
            firmware="=cmd()",
        )
    fields = {e.field for e in exc.value.errors}
    assert fields == {"serial", "type", "placement", "region_code", "firmware"}
    assert not Device.objects.exists()


def test_duplicate_serial_and_wearable_placement(worker: Any) -> None:
    ctx = AuditContext(actor=worker)
    device_register(ctx=ctx, serial="W-1", type="watch", region_code=testing.COMMUNITY_A1)
    with pytest.raises(ValidationFailed) as exc:
        device_register(ctx=ctx, serial="W-1", type="band", region_code=testing.COMMUNITY_A1)
    assert exc.value.errors[0].code == "serial_duplicate"
    with pytest.raises(ValidationFailed) as exc:
        device_register(
            ctx=ctx,
            serial="D-1",
            type="door_sensor",
            region_code=testing.COMMUNITY_A1,
            placement="waist",
        )
    assert exc.value.errors[0].code == "placement_not_wearable"


def test_bind_unbind_keeps_history_and_moves_region(worker: Any, elder: Any) -> None:
    ctx = AuditContext(actor=worker)
    device = device_register(
        ctx=ctx, serial="W-2", type="watch", region_code=testing.STREET_A
    ).device
    device_bind(ctx=ctx, device=device, elder=elder)
    device.refresh_from_db()
    assert device.elder_id == elder.pk and device.region_id == elder.region_id
    with pytest.raises(DomainError) as exc:
        device_bind(ctx=ctx, device=device, elder=elder)
    assert exc.value.code == "device_already_bound"
    device_unbind(ctx=ctx, device=device)
    device_bind(ctx=ctx, device=device, elder=elder)
    history = list(DeviceBinding.objects.filter(device=device).order_by("bound_from", "id"))
    assert len(history) == 2
    assert history[0].bound_to is not None and history[1].bound_to is None
    device_unbind(ctx=ctx, device=device)
    with pytest.raises(DomainError) as exc:
        device_unbind(ctx=ctx, device=device)
    assert exc.value.code == "device_not_bound"


def test_rotation_invalidates_the_old_secret(watch: Any, worker: Any) -> None:
    device, old = watch
    new = device_rotate_credential(ctx=AuditContext(actor=worker), device=device).secret
    device.refresh_from_db()
    assert new != old
    assert credentials.secret_matches(new, device.secret_hash)
    assert not credentials.secret_matches(old, device.secret_hash)
    assert not credentials.mqtt_check(old, device.mqtt_hash)


def test_other_district_neither_sees_nor_manages(watch: Any, other_worker: Any) -> None:
    device, _secret = watch
    assert not selectors.device_list(actor=other_worker).exists()
    with pytest.raises(NotFound):
        selectors.device_get_for(actor=other_worker, device_id=device.pk)
    with pytest.raises(DomainError) as exc:
        device_rotate_credential(ctx=AuditContext(actor=other_worker), device=device)
    assert exc.value.status == 403
    with pytest.raises(DomainError):
        device_unbind(ctx=AuditContext(actor=other_worker), device=device)
    device.refresh_from_db()
    assert device.elder_id is not None


def test_mqtt_passwd_writes_password_and_acl_files(
    watch: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _device, secret = watch
    monkeypatch.setenv("MQTT_INGEST_PASSWORD", "ingest-secret")
    passwd, acl = tmp_path / "passwd", tmp_path / "acl"
    call_command("mqtt_passwd", str(passwd), "--acl", str(acl), "--ingest-user", "ingest")
    lines = dict(line.split(":", 1) for line in passwd.read_text().splitlines())
    assert set(lines) == {"W-0001", "ingest"}
    assert credentials.mqtt_check(secret, lines["W-0001"])
    assert credentials.mqtt_check("ingest-secret", lines["ingest"])
    text = acl.read_text()
    assert "pattern write silvercare/v1/%u/#" in text
    assert "user ingest\ntopic read silvercare/v1/#" in text
    assert oct(passwd.stat().st_mode & 0o777) == "0o600"


@pytest.mark.skipif(not shutil.which("mosquitto_passwd"), reason="mosquitto_passwd missing")
def test_our_hash_matches_mosquitto_passwd(tmp_path: Path) -> None:
    """mosquitto_passwd's own hash verifies with our checker: the same $7$ format."""
    path = tmp_path / "p"
    command = [shutil.which("mosquitto_passwd") or "", "-c", "-b", str(path), "dev", "s3cret"]
    subprocess.run(command, check=True)  # noqa: S603  # fixed arguments
    encoded = path.read_text().strip().split(":", 1)[1]
    assert encoded.startswith("$7$")
    assert credentials.mqtt_check("s3cret", encoded)
