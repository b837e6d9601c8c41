from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RentalConfig(AppConfig):
    name = "silvercare.rental"
    label = "rental"
    verbose_name = _("Assistive device rental")
