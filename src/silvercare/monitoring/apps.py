from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonitoringConfig(AppConfig):
    """Devices, their credentials, telemetry ingest and readings (docs/devices.md)."""

    name = "silvercare.monitoring"
    label = "monitoring"
    verbose_name = _("Smart monitoring")

    def ready(self) -> None:
        from silvercare.common.elder_panels import ElderPanel, register
        from silvercare.monitoring.elder_views import elder_panel_context

        register(
            ElderPanel("monitoring", "monitoring/elder_panel.html", elder_panel_context, order=30)
        )
