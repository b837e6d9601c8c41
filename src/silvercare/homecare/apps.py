from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HomecareConfig(AppConfig):
    name = "silvercare.homecare"
    label = "homecare"
    verbose_name = _("Home and community care")
