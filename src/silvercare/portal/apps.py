from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "silvercare.portal"
    label = "portal"
    verbose_name = _("My services")

    def ready(self) -> None:
        from silvercare.audit import vocabulary
        from silvercare.portal.vocabulary import VOCABULARY

        vocabulary.register("portal", VOCABULARY)
