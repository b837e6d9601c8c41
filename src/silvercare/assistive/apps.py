from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssistiveConfig(AppConfig):
    name = "silvercare.assistive"
    label = "assistive"
    verbose_name = _("Assistive devices")
