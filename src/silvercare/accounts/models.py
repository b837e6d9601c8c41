"""Users, their (role, region) grants, and API tokens."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from silvercare.accounts.roles import Role
from silvercare.common.models import TimeStampedModel


class User(AbstractUser):
    """A person who signs in. What they may see comes only from their grants."""

    display_name = models.CharField(_("display name"), max_length=64, blank=True)

    class Meta:
        ordering = ["username"]
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.display_name or self.username

    def get_short_name(self) -> str:
        """What the back office greets the user by: the name people know them by."""
        return self.display_name or self.username

    def get_full_name(self) -> str:
        return self.display_name or self.username


class RoleGrant(TimeStampedModel):
    """The user acts in ``role`` over ``region`` and everything inside it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="grants"
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["user_id", "role", "region_id"]
        verbose_name = _("role grant")
        verbose_name_plural = _("role grants")
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "region"], name="uniq_role_grant"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.role} @ {self.region_id}"


class ApiToken(TimeStampedModel):
    """A bearer token for an integration. Only its SHA-256 is stored; it acts as its user."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=64)
    prefix = models.CharField(max_length=12, db_index=True)
    token_hash = models.CharField(max_length=64, unique=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
