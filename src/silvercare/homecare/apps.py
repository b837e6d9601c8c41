from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HomecareConfig(AppConfig):
    name = "silvercare.homecare"
    label = "homecare"
    verbose_name = _("Home and community care")

    def ready(self) -> None:
        from silvercare.common.elder_panels import ElderPanel, register
        from silvercare.homecare.views import elder_panel

        register(ElderPanel("homecare", "homecare/elder_panel.html", elder_panel, order=50))
