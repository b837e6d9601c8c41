"""Back office for system administrators. Elders are deliberately not here: every read of
personal data goes through the audited registry pages and API."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from silvercare.accounts.models import ApiToken, RoleGrant, User


class RoleGrantInline(admin.TabularInline[RoleGrant, User]):
    model = RoleGrant
    extra = 0
    raw_id_fields = ["region"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):  # type: ignore[type-arg]
    inlines = [RoleGrantInline]
    list_display = ["username", "display_name", "is_active", "is_staff", "last_login"]
    fieldsets = (*BaseUserAdmin.fieldsets, ("SilverCare", {"fields": ["display_name"]}))  # type: ignore[misc]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin[ApiToken]):
    list_display = ["name", "user", "prefix", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["token_hash", "prefix", "last_used_at"]
    search_fields = ["name", "user__username"]
