"""The one place the ingest hands events to the alerts capability.

``alerts.services.alert_raise`` runs inside the ingest's transaction; it is imported when
first needed so the monitoring app loads (and the HTTPS/MQTT ingest keeps storing readings)
in a deployment without the alerts app installed."""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from typing import Any

from django.apps import apps

logger = logging.getLogger(__name__)


def alerts_available() -> bool:
    return apps.is_installed("silvercare.alerts")


def raise_alert(
    *,
    elder_id: uuid.UUID,
    kind: str,
    severity: str,
    occurred_at: dt.datetime,
    reason: str,
    params: dict[str, Any],
    device_serial: str,
    region_code: str | None = None,
) -> Any:
    """Open or update the elder's alert of this kind; returns alerts' ``AlertRaised``, or
    None when the alerts app is not installed (the reading is still stored)."""
    if not alerts_available():
        logger.warning("alerts app not installed: %s for elder %s not raised", kind, elder_id)
        return None
    from silvercare.alerts.services import alert_raise

    return alert_raise(
        elder_id=elder_id,
        kind=kind,
        severity=severity,
        occurred_at=occurred_at,
        reason=reason,
        params=params,
        source="device",
        device_serial=device_serial,
        region_code=region_code,
    )
