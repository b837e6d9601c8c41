"""Portal accounts (an elder's own or a family member's sign-in by phone) and one-time codes."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from silvercare.common.models import TimeStampedModel


class PortalAccount(TimeStampedModel):
    """What the portal knows about a user of role ``elder_family``: the phone they sign in
    with (keyed hash, masked copy) and whether 长辈模式 (elder mode) is on for them.
    Which elders the account acts for (its own record, the elders it follows as family)
    is the registry's: ``elders.selectors.elders_of_account``."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="portal_account"
    )
    phone_hash = models.CharField(max_length=64, unique=True, null=True, blank=True)
    phone_masked = models.CharField(_("phone"), max_length=20, blank=True)
    elder_mode = models.BooleanField(_("elder mode"), default=False)

    class Meta:
        ordering = ["user_id"]
        verbose_name = _("portal account")
        verbose_name_plural = _("portal accounts")

    def __str__(self) -> str:
        return f"{self.user_id} {self.phone_masked}"


class LoginCode(models.Model):
    """One SMS sign-in code: only a keyed hash of it is kept; it expires, is used once and
    dies after a few wrong tries. Rows also count requests for the rate limits."""

    phone_hash = models.CharField(max_length=64)
    code_hash = models.CharField(max_length=64)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(db_index=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    wrong_tries = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("sign-in code")
        verbose_name_plural = _("sign-in codes")
        indexes = [
            models.Index(fields=["phone_hash", "-created_at"], name="portal_code_phone"),
            models.Index(fields=["ip_address", "-created_at"], name="portal_code_ip"),
        ]

    def __str__(self) -> str:
        return f"code {self.pk} ({self.created_at:%Y-%m-%d %H:%M})"
