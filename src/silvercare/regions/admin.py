from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from silvercare.accounts.backoffice import back_office_allowed, scope_rows
from silvercare.regions.models import Region


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin[Region]):
    """System administrators look regions up (for grants and rules) inside their own
    regions; only the national superuser changes the division table."""

    list_display = ["code", "name", "level", "parent", "latitude", "longitude"]
    list_filter = ["level", "is_demo"]
    search_fields = ["code", "name"]
    raw_id_fields = ["parent"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Region]:
        return scope_rows(request, super().get_queryset(request), "code")

    def has_module_permission(self, request: HttpRequest) -> bool:
        return back_office_allowed(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return back_office_allowed(request)
