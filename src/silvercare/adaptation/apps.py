from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AdaptationConfig(AppConfig):
    name = "silvercare.adaptation"
    label = "adaptation"
    verbose_name = _("Home adaptation")

    def ready(self) -> None:
        from silvercare.adaptation.views import elder_panel
        from silvercare.common.elder_panels import ElderPanel, register

        register(ElderPanel("adaptation", "adaptation/elder_panel.html", elder_panel, order=60))
