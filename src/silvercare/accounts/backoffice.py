"""The back office (the Django admin) as SilverCare reaches it.

System administrators are staff but not superusers: each back-office page is open to them
through their SilverCare role, shows only rows inside the regions of their ``system_admin``
grants, offers only those regions and users in its choices, and writes through the audited
services. The national superuser (``silvercare createuser NAME --superuser``) sees every
region. Elders are deliberately not here: personal data is read through the audited registry.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.contrib import admin
from django.db import models
from django.db.models import QuerySet
from django.forms import ModelChoiceField
from django.http import HttpRequest

from silvercare.accounts.roles import Perm
from silvercare.accounts.scoping import actor_is_national_admin, actor_manages, scope_q

_M = TypeVar("_M", bound=models.Model)


def back_office_allowed(request: HttpRequest) -> bool:
    """A system administrator (somewhere) or the national superuser."""
    return actor_manages(request.user)


def scope_rows(request: HttpRequest, qs: QuerySet[_M], region_lookup: str) -> QuerySet[_M]:
    """Rows whose region code (``region_lookup``) lies in the regions the actor manages."""
    if actor_is_national_admin(request.user):
        return qs
    return qs.filter(scope_q(request.user, Perm.USERS_MANAGE, region_lookup))


def scoped_choices(request: HttpRequest, db_field: Any) -> QuerySet[Any] | None:
    """The choices of a region or user foreign key, limited to what the actor manages; a
    value outside them fails the form's validation like any invalid choice."""
    from silvercare.accounts.selectors import back_office_users
    from silvercare.regions.models import Region

    related = db_field.related_model
    if related is Region:
        return scope_rows(request, Region.objects.all(), "code")
    if related is not None and related._meta.label == "accounts.User":
        return back_office_users(actor=request.user)
    return None


class BackOfficeAdmin(admin.ModelAdmin[_M]):
    """Open to back-office operators by their SilverCare role; read-only unless a subclass
    allows more; rows scoped by ``region_lookup`` (the path to the row's region code)."""

    region_lookup: str | None = None

    def has_module_permission(self, request: HttpRequest) -> bool:
        return back_office_allowed(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return back_office_allowed(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> QuerySet[_M]:
        qs = super().get_queryset(request)
        if self.region_lookup is None:
            return qs
        return scope_rows(request, qs, self.region_lookup)

    def formfield_for_foreignkey(
        self, db_field: Any, request: HttpRequest, **kwargs: Any
    ) -> ModelChoiceField | None:  # type: ignore[type-arg]
        choices = scoped_choices(request, db_field)
        if choices is not None:
            kwargs["queryset"] = choices
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
