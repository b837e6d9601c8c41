from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from silvercare.accounts.backoffice import BackOfficeAdmin
from silvercare.audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(BackOfficeAdmin[AuditEvent]):
    """Read-only (the audit trail is append-only) and only the events of the regions the
    administrator manages; events without a region only for the national superuser."""

    region_lookup = "region_code"
    list_display = ["at", "actor_label", "action", "entity_type", "summary", "region_code", "via"]
    list_filter = ["action", "entity_type", "via"]
    search_fields = ["actor_label", "entity_id", "summary"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
