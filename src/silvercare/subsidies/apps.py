from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SubsidiesConfig(AppConfig):
    name = "silvercare.subsidies"
    label = "subsidies"
    verbose_name = _("Subsidies and payers")

    def ready(self) -> None:
        from silvercare.common import events
        from silvercare.subsidies.services import eligibility

        # A new level or a registry change re-evaluates the elder's active entitlements.
        events.subscribe(events.ASSESSMENT_COMPLETED, eligibility.on_assessment_completed)
        events.subscribe(events.ELDER_FACTS_CHANGED, eligibility.on_elder_facts_changed)
