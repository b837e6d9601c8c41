from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RentalConfig(AppConfig):
    name = "silvercare.rental"
    label = "rental"
    verbose_name = _("Assistive device rental")

    def ready(self) -> None:
        from silvercare.common.elder_panels import ElderPanel, register
        from silvercare.rental.views import elder_panel

        register(ElderPanel("rental", "rental/elder_panel.html", elder_panel, order=40))

        from silvercare.audit import vocabulary
        from silvercare.rental.vocabulary import VOCABULARY

        vocabulary.register("rental", VOCABULARY)
