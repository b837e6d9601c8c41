from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    name = "silvercare.supervision"
    label = "supervision"
    verbose_name = _("Supervision")

    def ready(self) -> None:
        from silvercare.audit import vocabulary
        from silvercare.common.home_panels import HomePanel, register
        from silvercare.supervision.views import warnings_panel
        from silvercare.supervision.vocabulary import VOCABULARY

        vocabulary.register("supervision", VOCABULARY)
        register(
            HomePanel("fraud_warnings", "supervision/home_panel.html", warnings_panel, order=10)
        )
