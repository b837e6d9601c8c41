"""Back office for users, their grants and API tokens (see ``accounts.backoffice``).

A system administrator sees the users holding a grant in the regions they manage, adds and
removes grants only inside those regions, changes the account itself (active, names,
password) only of users who work nowhere else, and never edits tokens: a token can only be
revoked. Every change goes through ``accounts.services`` and is audited. Users are created
on the Users page or with ``silvercare createuser``; superusers only from the command line.
"""

from __future__ import annotations

import copy
from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.forms import BaseInlineFormSet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from silvercare.accounts import selectors, services
from silvercare.accounts.backoffice import (
    BackOfficeAdmin,
    back_office_allowed,
    scope_rows,
    scoped_choices,
)
from silvercare.accounts.models import ApiToken, RoleGrant, User
from silvercare.accounts.scoping import actor_manages
from silvercare.audit.services import AuditContext
from silvercare.common.errors import DomainError
from silvercare.common.request import audit_ctx


class _GrantFormSet(BaseInlineFormSet):  # type: ignore[type-arg]
    """Refuses to remove a grant outside the acting administrator's regions."""

    actor: Any = None

    def clean(self) -> None:
        super().clean()
        for form in self.deleted_forms:
            grant = form.instance
            if grant.pk and not actor_manages(self.actor, grant.region_id):
                raise ValidationError(_("You may not remove a grant outside your regions."))


class RoleGrantInline(admin.TabularInline[RoleGrant, User]):
    """Grants are added or removed (through ``grant_add`` / ``grant_remove``), never edited."""

    model = RoleGrant
    extra = 0
    raw_id_fields = ["region"]
    formset = _GrantFormSet

    def get_queryset(self, request: HttpRequest) -> QuerySet[RoleGrant]:
        return scope_rows(request, super().get_queryset(request), "region__code")

    def get_formset(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> Any:
        formset: Any = super().get_formset(request, obj, **kwargs)
        formset.actor = request.user  # a fresh class per request
        return formset

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        choices = scoped_choices(request, db_field)
        if choices is not None:
            kwargs["queryset"] = choices
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return back_office_allowed(request)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return back_office_allowed(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return back_office_allowed(request)


def _audited_password_form(ctx: AuditContext) -> type[AdminPasswordChangeForm[User]]:
    class AuditedPasswordChangeForm(AdminPasswordChangeForm):  # type: ignore[type-arg]
        def save(self, commit: bool = True) -> Any:
            usable = self.cleaned_data.get("set_usable_password", True)
            return services.user_set_password(
                ctx=ctx,
                user=self.user,
                password=self.cleaned_data["password1"] if usable else None,
            )

    return AuditedPasswordChangeForm


@admin.register(User)
class UserAdmin(BaseUserAdmin):  # type: ignore[type-arg]
    inlines = [RoleGrantInline]
    list_display = ["username", "display_name", "is_active", "is_staff", "last_login"]
    list_filter = ["is_active", "is_staff"]
    fieldsets = (
        (None, {"fields": ["username", "password"]}),
        (_("Personal info"), {"fields": ["display_name", "first_name", "last_name", "email"]}),
        (_("Back office"), {"fields": ["is_active", "is_staff", "is_superuser"]}),
        (_("Important dates"), {"fields": ["last_login", "date_joined"]}),
    )
    # Staff follows the system-administrator grants, superuser the command line.
    _always_read_only = ("username", "is_staff", "is_superuser", "last_login", "date_joined")

    def get_queryset(self, request: HttpRequest) -> QuerySet[User]:
        return selectors.back_office_users(actor=request.user)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return back_office_allowed(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return back_office_allowed(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return back_office_allowed(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # deactivate instead: the audit trail keeps naming the person

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is not None and not selectors.user_fully_managed(actor=request.user, user=obj):
            return [*self._always_read_only, *services.USER_EDITABLE_FIELDS]
        return list(self._always_read_only)

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        changes = {
            name: form.cleaned_data[name]
            for name in form.changed_data
            if name in services.USER_EDITABLE_FIELDS
        }
        if changes:
            services.user_update(ctx=audit_ctx(request, "admin"), user=obj, changes=changes)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        if formset.model is not RoleGrant:
            super().save_formset(request, form, formset, change)
            return
        ctx = audit_ctx(request, "admin")
        new_grants = formset.save(commit=False)
        try:
            for grant in formset.deleted_objects:
                services.grant_remove(ctx=ctx, grant=grant)
            for grant in new_grants:
                if grant.pk is None:
                    services.grant_add(
                        ctx=ctx, user=form.instance, role=grant.role, region_code=grant.region_id
                    )
        except DomainError as exc:
            messages.error(request, str(exc.message))

    def user_change_password(
        self, request: HttpRequest, id: str, form_url: str = ""
    ) -> HttpResponse:
        user = self.get_object(request, unquote(id))
        if user is not None and not selectors.user_fully_managed(actor=request.user, user=user):
            raise PermissionDenied
        # The stock view with a form that saves through the audited service.
        audited = copy.copy(self)
        audited.change_password_form = _audited_password_form(audit_ctx(request, "admin"))
        return BaseUserAdmin.user_change_password(audited, request, id, form_url)


@admin.register(ApiToken)
class ApiTokenAdmin(BackOfficeAdmin[ApiToken]):
    """Read-only: a token is never un-revoked or moved; it can only be revoked."""

    list_display = ["name", "user", "prefix", "created_at", "last_used_at", "revoked_at"]
    fields = readonly_fields = (
        "user",
        "name",
        "prefix",
        "created_at",
        "last_used_at",
        "expires_at",
        "revoked_at",
    )
    list_filter = ["revoked_at"]
    search_fields = ["name", "user__username"]
    actions = ["revoke"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[ApiToken]:
        users = selectors.back_office_users(actor=request.user).values("pk")
        return super().get_queryset(request).filter(user_id__in=users).select_related("user")

    @admin.action(description=_("Revoke the selected tokens"), permissions=["view"])
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        ctx = audit_ctx(request, "admin")
        revoked = 0
        for token in queryset.filter(revoked_at__isnull=True):
            try:
                services.token_revoke_as_admin(ctx=ctx, token_id=token.pk)
                revoked += 1
            except DomainError as exc:
                messages.error(request, str(exc.message))
        messages.success(request, _("Tokens revoked: %(count)d.") % {"count": revoked})
