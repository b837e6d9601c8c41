from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IndustryConfig(AppConfig):
    name = "silvercare.industry"
    label = "industry"
    verbose_name = _("Industry statistics")

    def ready(self) -> None:
        from silvercare.audit import vocabulary
        from silvercare.industry.vocabulary import VOCABULARY

        vocabulary.register("industry", VOCABULARY)
