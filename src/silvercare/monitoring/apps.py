from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonitoringConfig(AppConfig):
    """Devices, their credentials, telemetry ingest and readings (docs/devices.md)."""

    name = "silvercare.monitoring"
    label = "monitoring"
    verbose_name = _("Smart monitoring")
