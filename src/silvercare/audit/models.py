"""Who read or changed what."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from silvercare.accounts.scoping import RegionScopedQuerySet


class AuditAction(models.TextChoices):
    CREATE = "create", _("Created")
    UPDATE = "update", _("Changed")
    DELETE = "delete", _("Deleted")
    VIEW_PII = "view_pii", _("Viewed personal data")
    EXPORT = "export", _("Exported")
    IMPORT = "import", _("Imported")
    LOGIN = "login", _("Signed in")
    TOKEN = "token", _("API token")
    LOOKUP = "lookup", _("Looked up by ID number or phone")
    DUPLICATE_HIT = "duplicate_hit", _("Registration of an already registered ID number")


class AuditEventQuerySet(RegionScopedQuerySet["AuditEvent"]):
    region_field = "region_code"


class AuditEvent(models.Model):
    """One audited action. Append-only: no service updates or deletes these rows."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    actor_label = models.CharField(max_length=150)
    action = models.CharField(max_length=16, choices=AuditAction.choices)
    entity_type = models.CharField(max_length=64)
    entity_id = models.CharField(max_length=64, db_index=True)
    region_code = models.CharField(max_length=12, db_index=True, blank=True)
    summary = models.CharField(max_length=255, blank=True)
    # What happened as an English message id with its parameters, translated when shown
    # (``audit.vocabulary``); ``summary`` keeps the English text for logs and exports.
    message = models.CharField(max_length=255, blank=True)
    params = models.JSONField(default=dict, blank=True)
    # Field diff: {"field": [old, new]} with personal values masked.
    changes = models.JSONField(default=dict, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    via = models.CharField(max_length=16, default="web")  # web, api, import, command

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        indexes = [
            models.Index(fields=["entity_type", "entity_id", "-at"]),
            # Per-user rate limits count a user's recent rows of one action (lookups).
            models.Index(fields=["actor", "action", "at"], name="audit_actor_action_at"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.entity_type}"
