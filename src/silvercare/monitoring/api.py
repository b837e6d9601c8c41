"""Monitoring endpoints: the HTTPS batch ingest for gateways, devices and their readings."""

from __future__ import annotations

import hashlib
import time
import uuid
from typing import Annotated, Any

import msgspec
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from ninja.security import HttpBasicAuth
from pydantic import Field

from silvercare.accounts.roles import Perm
from silvercare.accounts.scoping import actor_has_perm
from silvercare.common.api import SessionAuth, TokenAuth
from silvercare.common.errors import DomainError
from silvercare.common.no_store import mark_no_store
from silvercare.common.request import audit_ctx
from silvercare.elders.selectors import elder_get_for
from silvercare.monitoring import credentials, falls, selectors, services
from silvercare.monitoring import error_codes as codes
from silvercare.monitoring.choices import DeviceStatus
from silvercare.monitoring.ingest import (
    FORBIDDEN,
    RATE_LIMITED,
    DeviceRateLimiter,
    RawMessage,
    ingest_batch,
)
from silvercare.monitoring.models import Device
from silvercare.monitoring.schemas import (
    DeviceBindIn,
    DeviceCreateIn,
    DeviceDetailOut,
    DeviceIssuedOut,
    DevicePageOut,
    ElderMonitoringOut,
    FamilyElderOut,
    HealthIn,
    HealthOut,
    IngestOut,
    ReadingOut,
    RuleSectionIn,
    RulesOut,
)

router = Router(tags=["monitoring"])
MAX_BATCH_MESSAGES = 1000
MAX_BATCH_BYTES = 2 * 1024 * 1024
_AUTH_CACHE_SECONDS = 300
_verified: dict[str, tuple[str, bytes, float]] = {}
_limiter = DeviceRateLimiter(
    rate=settings.SILVERCARE_INGEST_DEVICE_RATE, burst=settings.SILVERCARE_INGEST_DEVICE_BURST
)


class DeviceAuth(HttpBasicAuth):
    """``Authorization: Basic base64(serial:secret)`` — a device or home gateway with its own
    credential. Verified hashes are remembered for five minutes per process (argon2 is
    deliberately slow); a rotated credential is checked afresh."""

    def authenticate(self, request: HttpRequest, username: str, password: str) -> Any:
        device = Device.objects.filter(serial=username, status=DeviceStatus.ACTIVE).first()
        if device is None or not password:
            return None
        digest = hashlib.sha256(password.encode()).digest()
        cached = _verified.get(device.serial)
        now = time.monotonic()
        if cached and cached[0] == device.secret_hash and cached[1] == digest and cached[2] > now:
            return device
        if not credentials.secret_matches(password, device.secret_hash):
            return None
        if len(_verified) > 10_000:
            _verified.clear()
        _verified[device.serial] = (device.secret_hash, digest, now + _AUTH_CACHE_SECONDS)
        return device


class _BatchItem(msgspec.Struct, forbid_unknown_fields=True):
    message: msgspec.Raw
    device: Annotated[str, msgspec.Meta(max_length=64)] = ""


class _Batch(msgspec.Struct, forbid_unknown_fields=True):
    messages: Annotated[list[_BatchItem], msgspec.Meta(max_length=MAX_BATCH_MESSAGES)]


_batch_decoder = msgspec.json.Decoder(_Batch)

INGEST_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "required": ["messages"],
                    "properties": {
                        "messages": {
                            "type": "array",
                            "maxItems": MAX_BATCH_MESSAGES,
                            "items": {
                                "type": "object",
                                "required": ["message"],
                                "properties": {
                                    "device": {"type": "string", "maxLength": 64},
                                    "message": {"type": "object"},
                                },
                            },
                        }
                    },
                }
            }
        },
    }
}


def _allowed_serials(request: HttpRequest, serials: set[str]) -> set[str]:
    """Which of ``serials`` the caller may send for: a device for itself and the devices
    bound to the same elder (a home gateway); a user for devices they manage."""
    auth = request.auth  # type: ignore[attr-defined]
    if isinstance(auth, Device):
        qs = Device.objects.filter(serial__in=serials)
        if auth.elder_id is not None:
            qs = qs.filter(elder_id=auth.elder_id)
        else:
            qs = qs.filter(pk=auth.pk)
        return set(qs.values_list("serial", flat=True)) | ({auth.serial} & serials)
    if not actor_has_perm(request.user, Perm.MONITORING_MANAGE):
        raise DomainError(
            code="permission_denied", status=403, message=_("You may not send device data.")
        )
    return set(
        Device.objects.visible_to(request.user, Perm.MONITORING_MANAGE)
        .filter(serial__in=serials)
        .values_list("serial", flat=True)
    )


@router.post(
    "/ingest",
    response=IngestOut,
    auth=[DeviceAuth(), TokenAuth(), SessionAuth()],
    summary="Send a batch of device messages (gateways)",
    openapi_extra=INGEST_BODY,
)
def ingest(request: HttpRequest) -> dict[str, Any]:
    """Body: ``{"messages": [{"device": "<serial>", "message": {…v1 message…}}]}``, at most
    1,000 messages and 2 MB. A device authenticating as itself may leave out ``device``.
    Every message is settled when this answers 200: stored, dropped as a redelivery,
    refused or dead-lettered (docs/devices.md)."""
    length = str(request.META.get("CONTENT_LENGTH") or "0")
    if not length.isdecimal() or int(length) > MAX_BATCH_BYTES:
        raise DomainError(
            code=codes.BATCH_TOO_LARGE, status=413, message=_("The batch is too large.")
        )
    try:
        batch = _batch_decoder.decode(request.body)
    except (msgspec.ValidationError, msgspec.DecodeError) as exc:
        raise DomainError(
            code="validation_failed",
            status=422,
            message=_("The batch is not valid: %(detail)s") % {"detail": str(exc)[:200]},
        ) from None
    auth = request.auth  # type: ignore[attr-defined]
    own = auth.serial if isinstance(auth, Device) else ""
    items = [(item.device or own, bytes(item.message)) for item in batch.messages]
    allowed = _allowed_serials(request, {serial for serial, _payload in items if serial})
    raws: list[RawMessage] = []
    refused: dict[str, int] = {FORBIDDEN: 0, RATE_LIMITED: 0}
    for serial, payload in items:
        if serial not in allowed:
            refused[FORBIDDEN] += 1
        elif not _limiter.allow(serial):
            refused[RATE_LIMITED] += 1
        else:
            raws.append(RawMessage(serial=serial, payload=payload, topic="https"))
    counts = ingest_batch(raws, extra_counts=refused).counts
    # Devices on HTTPS get their "fall detected — press to cancel" prompts in the answer.
    prompts = falls.pending_prompts({raw.serial for raw in raws}, now=timezone.now())
    return {
        "received": len(items),
        "accepted": counts.get("accepted", 0),
        "duplicate": counts.get("duplicate", 0),
        "refused": sum(
            counts.get(k, 0) for k in (FORBIDDEN, RATE_LIMITED, "no_consent", "unbound")
        ),
        "dead_lettered": sum(v for k, v in counts.items() if k.startswith("dead_")),
        "commands": prompts,
    }


# --- Devices --------------------------------------------------------------------------------


class DeviceQuery(Schema):
    q: str = Field("", max_length=64, description="Serial number prefix")
    elder_id: uuid.UUID | None = None
    page: int = Field(1, ge=1, le=100_000)
    page_size: int = Field(50, ge=1, le=200)


def _out(device: Device) -> dict[str, Any]:
    return {
        "id": device.pk,
        "serial": device.serial,
        "type": device.type,
        "model_name": device.model_name,
        "firmware": device.firmware,
        "placement": device.placement,
        "status": device.status,
        "region_code": device.region_id,
        "elder_id": device.elder_id,
        "battery": device.battery,
        "last_seen": device.last_seen,
    }


def _detail(device: Device) -> dict[str, Any]:
    return {
        **_out(device),
        "latest": selectors.device_latest(device),
        "bindings": [
            {"elder_id": b.elder_id, "bound_from": b.bound_from, "bound_to": b.bound_to}
            for b in selectors.device_bindings(device)
        ],
    }


@router.get("/devices", response=DevicePageOut, summary="List devices")
def list_devices(request: HttpRequest, query: Query[DeviceQuery]) -> dict[str, Any]:
    qs = selectors.device_list(actor=request.user, q=query.q, elder_id=query.elder_id)
    start = (query.page - 1) * query.page_size
    return {
        "items": [_out(d) for d in qs[start : start + query.page_size]],
        "count": qs.count(),
        "page": query.page,
        "page_size": query.page_size,
    }


@router.post("/devices", response={201: DeviceIssuedOut}, summary="Register a device")
def create_device(
    request: HttpRequest, response: HttpResponse, payload: DeviceCreateIn
) -> Status[dict[str, Any]]:
    mark_no_store(response)
    issued = services.device_register(ctx=audit_ctx(request, "api"), **payload.dict())
    return Status(201, {**_out(issued.device), "secret": issued.secret})


@router.get("/devices/{device_id}", response=DeviceDetailOut, summary="A device")
def get_device(request: HttpRequest, device_id: uuid.UUID) -> dict[str, Any]:
    return _detail(selectors.device_get_for(actor=request.user, device_id=device_id))


@router.get(
    "/devices/{device_id}/readings", response=list[ReadingOut], summary="A device's readings"
)
def device_readings(
    request: HttpRequest,
    device_id: uuid.UUID,
    kind: Annotated[str, Field(max_length=24)] = "",
    limit: Annotated[int, Field(ge=1, le=500)] = 50,
) -> list[Any]:
    device = selectors.device_get_for(actor=request.user, device_id=device_id)
    return selectors.device_readings(device, kind=kind, limit=limit)


def _managed(request: HttpRequest, device_id: uuid.UUID) -> Device:
    return selectors.device_get_for(
        actor=request.user, device_id=device_id, perm=Perm.MONITORING_MANAGE
    )


@router.post("/devices/{device_id}/bind", response=DeviceDetailOut, summary="Bind to an elder")
def bind_device(
    request: HttpRequest, device_id: uuid.UUID, payload: DeviceBindIn
) -> dict[str, Any]:
    device = _managed(request, device_id)
    elder = elder_get_for(actor=request.user, elder_id=payload.elder_id)
    services.device_bind(ctx=audit_ctx(request, "api"), device=device, elder=elder)
    return _detail(device)


@router.post("/devices/{device_id}/unbind", response=DeviceDetailOut, summary="Unbind")
def unbind_device(request: HttpRequest, device_id: uuid.UUID) -> dict[str, Any]:
    device = _managed(request, device_id)
    services.device_unbind(ctx=audit_ctx(request, "api"), device=device)
    return _detail(device)


@router.post("/devices/{device_id}/rotate", response=DeviceIssuedOut, summary="New device secret")
def rotate_device(
    request: HttpRequest, response: HttpResponse, device_id: uuid.UUID
) -> dict[str, Any]:
    mark_no_store(response)
    issued = services.device_rotate_credential(
        ctx=audit_ctx(request, "api"), device=_managed(request, device_id)
    )
    return {**_out(issued.device), "secret": issued.secret}


# --- Per elder: health profile, rules, readings; the family view ----------------------------


def _health_out(elder: Any) -> dict[str, Any]:
    profile = selectors.health_profile_of(elder)
    return {
        "elder_id": elder.pk,
        "conditions": profile.conditions if profile else [],
        "medications": profile.medications if profile else [],
        "note": profile.note if profile else "",
    }


@router.get("/elders/{elder_id}/health", response=HealthOut, summary="An elder's health profile")
def get_health(request: HttpRequest, elder_id: uuid.UUID) -> dict[str, Any]:
    return _health_out(selectors.elder_for_monitoring(actor=request.user, elder_id=elder_id))


@router.put("/elders/{elder_id}/health", response=HealthOut, summary="Record conditions, medicines")
def put_health(request: HttpRequest, elder_id: uuid.UUID, payload: HealthIn) -> dict[str, Any]:
    elder = selectors.elder_for_monitoring(
        actor=request.user, elder_id=elder_id, perm=Perm.MONITORING_MANAGE
    )
    services.health_profile_save(
        ctx=audit_ctx(request, "api"),
        elder=elder,
        conditions=payload.conditions,
        medications=payload.medications,
        note=payload.note,
    )
    return _health_out(elder)


def _rules_out(elder: Any) -> dict[str, Any]:
    spec = selectors.rule_spec_of(elder)
    return {"elder_id": elder.pk, "spec": spec, "thresholds": selectors.threshold_rows(spec)}


@router.get("/elders/{elder_id}/rules", response=RulesOut, summary="An elder's rule configuration")
def get_rules(request: HttpRequest, elder_id: uuid.UUID) -> dict[str, Any]:
    return _rules_out(selectors.elder_for_monitoring(actor=request.user, elder_id=elder_id))


@router.put(
    "/elders/{elder_id}/rules/{section}",
    response=RulesOut,
    summary="Replace one section of an elder's rules",
    description="Sections: thresholds, geofence, inactivity, sos, device, medication "
    "(docs/monitoring-rules.md). A changed section resets that rule's state.",
)
def put_rule_section(
    request: HttpRequest,
    elder_id: uuid.UUID,
    section: Annotated[str, Field(max_length=16)],
    payload: RuleSectionIn,
) -> dict[str, Any]:
    elder = selectors.elder_for_monitoring(
        actor=request.user, elder_id=elder_id, perm=Perm.MONITORING_MANAGE
    )
    services.rule_section_set(
        ctx=audit_ctx(request, "api"), elder=elder, section=section, value=payload.value
    )
    return _rules_out(elder)


def _monitoring_out(elder: Any, alerts: list[Any], days: int) -> dict[str, Any]:
    from silvercare.alerts.presenters import alert_summary

    return {
        "elder_id": elder.pk,
        "latest": selectors.elder_latest(elder),
        "series": selectors.elder_series(elder, days=days),
        "alerts": [
            {
                k: v
                for k, v in alert_summary(a).items()
                if k
                in (
                    "id",
                    "kind",
                    "severity",
                    "status",
                    "reason",
                    "created_at",
                    "acknowledged_at",
                    "resolved_at",
                )
            }
            for a in alerts
        ],
    }


@router.get(
    "/elders/{elder_id}/monitoring",
    response=ElderMonitoringOut,
    summary="An elder's latest readings, vital-sign series and recent alerts",
)
def get_elder_monitoring(
    request: HttpRequest, elder_id: uuid.UUID, days: Annotated[int, Field(ge=1, le=31)] = 1
) -> dict[str, Any]:
    from silvercare.alerts.selectors import AlertFilters, alert_list

    elder = selectors.elder_for_monitoring(actor=request.user, elder_id=elder_id)
    alerts = list(
        alert_list(
            actor=request.user, filters=AlertFilters(status="all", elder_id=elder.pk)
        ).order_by("-created_at", "id")[:20]
    )
    return _monitoring_out(elder, alerts, days)


@router.get("/family/elders", response=list[FamilyElderOut], summary="The elders I follow")
def family_elders(request: HttpRequest) -> list[dict[str, Any]]:
    return [
        {"elder_id": r["elder"].pk, "name": r["elder"].name, "consented": r["consented"]}
        for r in selectors.family_elders(user=request.user)
    ]


@router.get(
    "/family/elders/{elder_id}",
    response=ElderMonitoringOut,
    summary="My relative's latest readings and alerts (read only, with their consent)",
)
def family_elder(
    request: HttpRequest, elder_id: uuid.UUID, days: Annotated[int, Field(ge=1, le=31)] = 1
) -> dict[str, Any]:
    from silvercare.alerts.selectors import alerts_of_elder

    elder = selectors.family_elder_get(user=request.user, elder_id=elder_id)
    return _monitoring_out(elder, alerts_of_elder(elder_id=elder.pk, limit=20), days)
