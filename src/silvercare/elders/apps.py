from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EldersConfig(AppConfig):
    name = "silvercare.elders"
    label = "elders"
    verbose_name = _("Elder registry")

    def ready(self) -> None:
        from silvercare.common import events
        from silvercare.elders import services

        events.subscribe(events.ASSESSMENT_COMPLETED, services.elder_record_assessment)
        events.subscribe(events.REASSESSMENT_TRIGGERED, services.elder_bring_reassessment_forward)
