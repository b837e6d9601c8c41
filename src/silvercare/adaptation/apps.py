from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AdaptationConfig(AppConfig):
    name = "silvercare.adaptation"
    label = "adaptation"
    verbose_name = _("Home adaptation")
