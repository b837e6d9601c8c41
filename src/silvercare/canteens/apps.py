from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CanteensConfig(AppConfig):
    name = "silvercare.canteens"
    label = "canteens"
    verbose_name = _("Elder canteens")

    def ready(self) -> None:
        from silvercare.audit import vocabulary
        from silvercare.canteens.views import elder_panel
        from silvercare.canteens.vocabulary import VOCABULARIES
        from silvercare.common.elder_panels import ElderPanel, register

        for entity_type, words in VOCABULARIES.items():
            vocabulary.register(entity_type, words)

        register(ElderPanel("canteens", "canteens/elder_panel.html", elder_panel, order=55))
