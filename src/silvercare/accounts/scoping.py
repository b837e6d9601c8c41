"""The one mechanism of region scope.

A record is visible to an actor for a permission when the record's region code starts with
the prefix of a region the actor holds a grant for, through a role that carries that
permission. Every region-scoped model's queryset inherits ``RegionScopedQuerySet`` and every
selector calls ``visible_to``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Generic, TypeVar

from django.db import models
from django.db.models import Q

from silvercare.accounts.roles import ROLE_PERMISSIONS, Perm
from silvercare.regions.choices import code_prefix

if TYPE_CHECKING:
    from silvercare.accounts.models import User

_M = TypeVar("_M", bound=models.Model)
_CACHE_ATTR = "_silvercare_grants"


def actor_grants(actor: User | Any) -> list[tuple[str, str]]:
    """(role, region-prefix) pairs of the actor, cached on the user object."""
    if actor is None or not getattr(actor, "is_authenticated", False) or not actor.is_active:
        return []
    cached: list[tuple[str, str]] | None = getattr(actor, _CACHE_ATTR, None)
    if cached is None:
        cached = [
            (grant.role, code_prefix(grant.region.code, grant.region.level))
            for grant in actor.grants.select_related("region")
        ]
        setattr(actor, _CACHE_ATTR, cached)
    return cached


def forget_grants(actor: Any) -> None:
    if hasattr(actor, _CACHE_ATTR):
        delattr(actor, _CACHE_ATTR)


def actor_prefixes(actor: User | Any, perm: str) -> list[str]:
    """Region prefixes in which the actor holds ``perm``, with nested prefixes collapsed."""
    prefixes = sorted(
        {prefix for role, prefix in actor_grants(actor) if perm in ROLE_PERMISSIONS[role]}
    )
    collapsed: list[str] = []
    for prefix in prefixes:
        if not any(prefix.startswith(outer) for outer in collapsed):
            collapsed.append(prefix)
    return collapsed


def actor_has_perm(actor: User | Any, perm: str, region_code: str | None = None) -> bool:
    prefixes = actor_prefixes(actor, perm)
    if region_code is None:
        return bool(prefixes)
    return any(region_code.startswith(p) for p in prefixes)


def actor_is_national_admin(actor: User | Any) -> bool:
    """The national back-office operator: a superuser, made only from the command line
    (``silvercare createuser NAME --superuser``), never by a grant."""
    return bool(
        getattr(actor, "is_authenticated", False)
        and actor.is_active
        and getattr(actor, "is_superuser", False)
    )


def actor_manages(actor: User | Any, region_code: str | None = None) -> bool:
    """Back-office power (users, grants, certificates, regional rules) over ``region_code``:
    a system administrator's grant covering it, or the national superuser."""
    return actor_is_national_admin(actor) or actor_has_perm(actor, Perm.USERS_MANAGE, region_code)


def actor_roles(actor: User | Any) -> set[str]:
    return {role for role, _ in actor_grants(actor)}


def scope_q(actor: User | Any, perm: str, field: str) -> Q:
    prefixes = actor_prefixes(actor, perm)
    if not prefixes:
        return Q(pk__in=[])
    q = Q()
    for prefix in prefixes:
        q |= Q(**{f"{field}__startswith": prefix})
    return q


class RegionScopedQuerySet(models.QuerySet[_M], Generic[_M]):
    """Subclasses set ``region_field`` to the lookup path of the row's region code."""

    region_field = "region__code"

    def visible_to(self, actor: User | Any, perm: str) -> RegionScopedQuerySet[_M]:
        return self.filter(scope_q(actor, perm, self.region_field))
