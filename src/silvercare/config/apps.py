"""The third-party apps under the names the back office shows, in the active language.

Django lets a project install an app through its own ``AppConfig`` subclass to rename it
(``INSTALLED_APPS`` names these classes instead of the bare packages); the app's label, models
and migrations stay the same.
"""

from __future__ import annotations

from axes.apps import AppConfig as AxesAppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop
from django_otp.plugins.otp_totp.apps import DefaultConfig as TotpAppConfig
from django_tasks_db.apps import TasksAppConfig


class AxesConfig(AxesAppConfig):  # type: ignore[misc]  # django-axes is untyped
    verbose_name = _("Sign-in lockouts")


class TotpConfig(TotpAppConfig):  # type: ignore[misc]  # django-otp is untyped
    verbose_name = _("Second factor (authenticator app)")

    def ready(self) -> None:
        super().ready()
        from django_otp.plugins.otp_totp.models import TOTPDevice

        # django-otp names its model in plain English, outside any catalogue.
        TOTPDevice._meta.verbose_name = _("authenticator app")
        TOTPDevice._meta.verbose_name_plural = _("authenticator apps")


class TasksDatabaseConfig(TasksAppConfig):
    verbose_name = _("Background tasks")  # type: ignore[assignment]  # its str, translated


# Strings the back office shows from libraries whose Chinese catalogues lack them (django-axes
# has none; django-tasks-db's model names; three headings Django 5.2's admin index added).
# Written here so `make messages` extracts them into our catalogue, which Django consults first,
# instead of dropping them as obsolete.
THIRD_PARTY_MESSAGES = (
    gettext_noop("access attempt"),
    gettext_noop("access attempts"),
    gettext_noop("access failure"),
    gettext_noop("access failures"),
    gettext_noop("access log"),
    gettext_noop("access logs"),
    gettext_noop("access attempt expiration"),
    gettext_noop("access attempt expirations"),
    gettext_noop("Task Result"),
    gettext_noop("Task Results"),
    gettext_noop("Model name"),
    gettext_noop("Add link"),
    gettext_noop("Change or view list link"),
)
