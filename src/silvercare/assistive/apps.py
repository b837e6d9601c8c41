from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssistiveConfig(AppConfig):
    name = "silvercare.assistive"
    label = "assistive"
    verbose_name = _("Assistive devices")

    def ready(self) -> None:
        from silvercare.assistive.services import supplier_sync
        from silvercare.assistive.views import elder_panel
        from silvercare.common import events
        from silvercare.common.elder_panels import ElderPanel, register

        register(ElderPanel("assistive", "assistive/elder_panel.html", elder_panel, order=30))
        events.subscribe(events.ENTERPRISE_SAVED, supplier_sync)
