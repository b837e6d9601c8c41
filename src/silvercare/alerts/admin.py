"""Back office: alerts and their records, read only (changes go through the pages and the
services so they are audited); ladders are edited on /alerts/ladders/."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from silvercare.alerts.models import Alert, EscalationLadder, EscalationStep, NotificationAttempt


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Alert)
class AlertAdmin(ReadOnlyAdmin):
    list_display = ("kind", "severity", "status", "region_code", "created_at", "acknowledged_at")
    list_filter = ("status", "severity", "kind")


@admin.register(NotificationAttempt)
class NotificationAttemptAdmin(ReadOnlyAdmin):
    list_display = ("at", "channel", "recipient", "outcome", "latency_ms")
    list_filter = ("channel", "outcome")


class StepInline(admin.TabularInline):  # type: ignore[type-arg]
    model = EscalationStep
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(EscalationLadder)
class EscalationLadderAdmin(ReadOnlyAdmin):
    list_display = ("region", "severity", "name")
    inlines = [StepInline]
