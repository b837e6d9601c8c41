"""Demo monitoring data: devices for a few hundred consenting elders (watches, some
blood-pressure monitors and pill boxes), health profiles and rule configurations (some
medication schedules and geofences), three days of readings, a family account linked to one
elder, and a history of alerts in every state raised and handled through the alerts services
(their timelines are real, at past times). Idempotent: nothing happens once a demo device
exists. Fast: devices and readings are bulk-inserted; every demo device shares one secret
(``DEMO_DEVICE_SECRET``), hashed once."""

from __future__ import annotations

import datetime as dt
import random
import uuid
from contextlib import contextmanager
from typing import Any
from unittest import mock

from django.db import transaction
from django.utils import timezone

from silvercare.audit.models import AuditAction
from silvercare.audit.services import AuditContext, audit_record_many
from silvercare.monitoring import credentials
from silvercare.monitoring.models import (
    Device,
    DeviceBinding,
    DeviceState,
    ElderRuleConfig,
    HealthProfile,
    Reading,
)

SEED = 2026_11
PREFIX = "9"  # demo serials: 9, a type digit, 8 digits (numbers read the same in any language)
TYPE_DIGIT = {"watch": 1, "bp_monitor": 2, "pill_box": 3}
MODELS = {"watch": "银护手表 3", "bp_monitor": "康测血压计 2", "pill_box": "智能药盒 1"}
DEMO_DEVICE_SECRET = "demo-device-secret-2026"  # noqa: S105 - the demo city only
CONDITIONS = ("hypertension", "diabetes", "copd", "heart_disease", "dementia", "stroke")
MEDICINES = {
    "hypertension": "氨氯地平 5mg 每日一次",
    "diabetes": "二甲双胍 0.5g 每日两次",
    "copd": "噻托溴铵 18µg 每日一次",
    "heart_disease": "阿司匹林 100mg 每日一次",
    "dementia": "多奈哌齐 5mg 睡前",
    "stroke": "阿托伐他汀 20mg 睡前",
}


@contextmanager
def _clock(at: dt.datetime) -> Any:
    """Run the alerts services as if at ``at`` (demo history only)."""
    with mock.patch("django.utils.timezone.now", return_value=at):
        yield


def _elders(limit: int) -> list[Any]:
    from silvercare.elders.models import Elder
    from silvercare.elders.selectors import elders_with_consent

    candidates = list(
        Elder.objects.filter(status="active", region__code__startswith="440304")
        .order_by("region_id", "id")
        .values_list("id", flat=True)[: limit * 4]
    )
    granted = elders_with_consent(elder_ids=candidates, purpose="monitoring")
    ids = [e for e in candidates if e in granted][:limit]
    return list(Elder.objects.filter(pk__in=ids).order_by("region_id", "id"))


def seed_demo(*, elders: int = 300, days: int = 3) -> dict[str, int]:
    from silvercare.accounts.models import User

    if Device.objects.filter(model_name__in=MODELS.values()).exists():
        return {"devices": 0, "readings": 0, "alerts": 0}
    worker = User.objects.filter(username="community_worker").first()
    people = _elders(elders)
    if worker is None or not people:
        return {"devices": 0, "readings": 0, "alerts": 0}
    rng = random.Random(SEED)  # noqa: S311 - deterministic demo data, not a secret
    now = timezone.now().replace(microsecond=0)
    secret_hash, mqtt_hash = credentials.hash_pair(DEMO_DEVICE_SECRET)
    ctx = AuditContext(actor=worker, via="command")

    devices: list[Device] = []
    bindings: list[DeviceBinding] = []
    profiles: list[HealthProfile] = []
    configs: list[ElderRuleConfig] = []
    watch_of: dict[Any, Device] = {}
    bp_of: dict[Any, Device] = {}
    for index, elder in enumerate(people):
        kinds = ["watch"] + (["bp_monitor"] if index % 3 == 0 else [])
        kinds += ["pill_box"] if index % 8 == 0 else []
        for kind in kinds:
            device = Device(
                serial=f"{PREFIX}{TYPE_DIGIT[kind]}{index:08d}",
                type=kind,
                model_name=MODELS[kind],
                firmware="1.4.2",
                placement="wrist" if kind == "watch" else "none",
                region_id=elder.region_id,
                elder=elder,
                battery=rng.randint(15, 100),
                last_seen=now - dt.timedelta(minutes=rng.randint(1, 50)),
                secret_hash=secret_hash,
                mqtt_hash=mqtt_hash,
                credential_rotated_at=now - dt.timedelta(days=days + 1),
                registered_by=worker,
            )
            devices.append(device)
            bindings.append(
                DeviceBinding(
                    device=device,
                    elder=elder,
                    bound_from=now - dt.timedelta(days=days + 1),
                    bound_by=worker,
                )
            )
            if kind == "watch":
                watch_of[elder.pk] = device
            elif kind == "bp_monitor":
                bp_of[elder.pk] = device
        conditions = sorted(
            set(rng.sample(CONDITIONS, k=rng.choice((0, 1, 1, 2, 2, 3)))),
            key=CONDITIONS.index,
        )
        spec: dict[str, Any] = {"conditions": conditions} if conditions else {}
        if "dementia" in conditions and elder.latitude is not None:
            spec["geofence"] = {
                "zones": [
                    {
                        "id": "home",
                        "name": "家附近",
                        "type": "safe",
                        "lat": float(elder.latitude),
                        "lon": float(elder.longitude),
                        "radius_m": 500,
                    }
                ]
            }
        if index % 8 == 0:
            spec["medication"] = {
                "doses": [
                    {"id": "am", "name": "早间用药", "time": "08:00", "window_min": 30},
                    {"id": "pm", "name": "晚间用药", "time": "20:00", "window_min": 30},
                ]
            }
        profiles.append(
            HealthProfile(
                elder=elder,
                conditions=conditions,
                medications=[MEDICINES[c] for c in conditions],
                updated_by=worker,
            )
        )
        configs.append(ElderRuleConfig(elder=elder, spec=spec))

    readings: list[Reading] = []
    latest: dict[uuid.UUID, dict[str, Any]] = {}

    def add(device: Device, elder: Any, kind: str, at: dt.datetime, value: dict[str, Any]) -> None:
        readings.append(
            Reading(
                device_id=device.pk,
                elder_id=elder.pk,
                kind=kind,
                ts=at,
                received_at=at,
                msg_id=f"demo-{len(readings)}",
                value=value,
            )
        )
        latest.setdefault(device.pk, {})[kind] = {"ts": at.isoformat(), "value": value}

    hours = days * 24
    for elder in people:
        watch = watch_of[elder.pk]
        base_hr = rng.randint(62, 82)
        for h in range(hours, 0, -1):
            at = now - dt.timedelta(hours=h, minutes=rng.randint(0, 20))
            add(watch, elder, "hr", at, {"bpm": base_hr + rng.randint(-8, 12)})
            if h % 3 == 0:
                add(watch, elder, "spo2", at, {"percent": rng.choice((94, 95, 96, 97, 97, 98))})
            if h % 6 == 0:
                add(watch, elder, "steps", at, {"count": rng.randint(200, 2500)})
        if elder.latitude is not None:
            add(
                watch,
                elder,
                "location",
                now - dt.timedelta(minutes=10),
                {"lat": float(elder.latitude), "lon": float(elder.longitude), "accuracy_m": 15},
            )
        add(watch, elder, "battery", now - dt.timedelta(minutes=30), {"percent": watch.battery})
        if elder.pk in bp_of:
            for d in range(days, 0, -1):
                at = now - dt.timedelta(days=d - 1, hours=rng.randint(2, 4))
                sys_ = rng.randint(118, 168)
                add(
                    bp_of[elder.pk],
                    elder,
                    "bp",
                    at,
                    {"systolic": sys_, "diastolic": sys_ - rng.randint(40, 60), "pulse": base_hr},
                )
    with transaction.atomic():
        Device.objects.bulk_create(devices, batch_size=1000)
        DeviceBinding.objects.bulk_create(bindings, batch_size=1000)
        DeviceState.objects.bulk_create(
            [
                DeviceState(
                    device=d,
                    latest=latest.get(d.pk, {}),
                    last_ts=max(
                        (dt.datetime.fromisoformat(v["ts"]) for v in latest.get(d.pk, {}).values()),
                        default=None,
                    ),
                )
                for d in devices
            ],
            batch_size=1000,
        )
        HealthProfile.objects.bulk_create(profiles, batch_size=1000, ignore_conflicts=True)
        ElderRuleConfig.objects.bulk_create(configs, batch_size=1000, ignore_conflicts=True)
        Reading.objects.bulk_create(readings, batch_size=2000)
        audit_record_many(
            ctx=ctx,
            events=[
                {
                    "action": AuditAction.CREATE,
                    "entity_type": "device",
                    "entity_id": str(d.pk),
                    "region_code": d.region_id,
                    "summary": d.serial,
                    "changes": {"serial": [None, d.serial], "elder": [None, str(d.elder_id)]},
                }
                for d in devices
            ],
        )
    alerts = _alert_history(people, watch_of, rng, now)
    _link_family(worker)
    return {"devices": len(devices), "readings": len(readings), "alerts": alerts}


def _alert_history(
    people: list[Any], watch_of: dict[Any, Device], rng: random.Random, now: dt.datetime
) -> int:
    """Alerts of the last days through the alerts services, each at its own past time:
    resolved, false alarms, in progress, acknowledged and still open."""
    from silvercare.accounts.models import User
    from silvercare.alerts import services as alerts
    from silvercare.alerts.models import Alert

    handlers = {
        u.username: u for u in User.objects.filter(username__in=["call_centre", "community_worker"])
    }
    operator = handlers.get("call_centre") or handlers.get("community_worker")
    if operator is None:
        return 0
    ctx = AuditContext(actor=operator, via="command")
    kinds: list[tuple[str, str, str, dict[str, Any]]] = [
        ("sos", "urgent", "sos_pressed", {"presses": 1}),
        ("vital_sign", "urgent", "spo2_below", {"metric": "spo2", "value": 87, "limit": 90}),
        (
            "vital_sign",
            "warning",
            "bp_systolic_above",
            {"metric": "bp_systolic", "value": 172, "limit": 160},
        ),
        ("geofence", "urgent", "left_safe_zone", {"zone": "home", "zone_name": "家附近"}),
        ("inactivity", "warning", "no_motion", {"hours": 4}),
        ("battery_low", "warning", "battery_below", {"value": 12, "limit": 20}),
        ("medication_missed", "warning", "dose_missed", {"name": "早间用药", "time": "08:00"}),
        ("device_offline", "warning", "device_offline", {"minutes": 30}),
    ]
    fates = ["resolved"] * 18 + ["false_alarm"] * 8 + ["in_progress"] * 4 + ["acknowledged"] * 3
    fates += ["open"] * 3
    count = 0
    for i, fate in enumerate(fates):
        elder = people[(i * 7) % len(people)]
        kind, severity, reason, params = kinds[i % len(kinds)]
        serial = watch_of[elder.pk].serial
        if fate == "open":
            at = now - dt.timedelta(minutes=3 + 7 * i % 40)
        elif fate in ("acknowledged", "in_progress"):
            at = now - dt.timedelta(hours=1 + i % 5)
        else:
            at = now - dt.timedelta(hours=6 + (i * 5) % 60)
        with _clock(at), transaction.atomic():
            raised = alerts.alert_raise(
                elder_id=elder.pk,
                kind=kind,
                severity=severity,
                occurred_at=at,
                reason=reason,
                params=params,
                source="demo",
                device_serial=serial,
            )
        if not raised.opened:
            continue
        count += 1
        alert = Alert.objects.get(pk=raised.alert_id)
        if fate == "open":
            continue
        acked = at + dt.timedelta(seconds=rng.randint(20, 600))
        with _clock(acked):
            alert = alerts.alert_acknowledge(ctx=ctx, alert=alert)
        if fate == "acknowledged":
            continue
        with _clock(acked + dt.timedelta(minutes=2)):
            alert = alerts.alert_assign(ctx=ctx, alert=alert, assignee=operator)
        if fate == "in_progress":
            continue
        done = acked + dt.timedelta(minutes=rng.randint(10, 90))
        with _clock(done):
            if fate == "false_alarm":
                alerts.alert_resolve(
                    ctx=ctx,
                    alert=alert,
                    resolution="false_alarm",
                    note="老人误按，已电话确认平安。",
                )
            else:
                alerts.alert_resolve(
                    ctx=ctx,
                    alert=alert,
                    resolution="handled",
                    note="已联系家属上门查看，情况稳定。",
                )
    return count


def _link_family(worker: Any) -> None:
    """The demo family account follows one consenting elder of its community, as a
    contact of that elder (through the elders services)."""
    from silvercare.accounts.models import User
    from silvercare.elders.models import Contact
    from silvercare.elders.selectors import elders_with_consent
    from silvercare.elders.services import contact_link_account

    family = User.objects.filter(username="elder_family").first()
    if family is None or Contact.objects.filter(account=family).exists():
        return
    contacts = list(
        Contact.objects.filter(elder__region_id="440304001001", elder__status="active")
        .select_related("elder")
        .order_by("elder_id", "priority")[:200]
    )
    granted = elders_with_consent(elder_ids=[c.elder_id for c in contacts], purpose="monitoring")
    watched = set(
        Device.objects.filter(model_name__in=MODELS.values()).values_list("elder_id", flat=True)
    )
    for contact in contacts:
        if contact.elder_id in granted and contact.elder_id in watched:
            contact_link_account(
                ctx=AuditContext(actor=worker, via="command"),
                elder=contact.elder,
                contact_id=contact.pk,
                username=family.username,
            )
            return
