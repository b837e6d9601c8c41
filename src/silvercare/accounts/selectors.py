from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from silvercare.accounts.models import ApiToken, RoleGrant, User
from silvercare.accounts.roles import Perm
from silvercare.accounts.scoping import actor_prefixes
from silvercare.common.errors import NotFound


def grant_list(*, user: Any) -> QuerySet[RoleGrant]:
    return (
        RoleGrant.objects.filter(user_id=user.pk or 0)
        .select_related("region")
        .order_by("role", "region_id")
    )


def active_user(user_id: Any) -> User | None:
    """An active user by id (an assessor picked in a form or API call), or None."""
    return User.objects.filter(pk=user_id, is_active=True).first() if user_id else None


def token_list(*, actor: Any) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=actor).order_by("-created_at")


def user_list(*, actor: Any) -> QuerySet[User]:
    """Users holding at least one grant inside the regions the actor manages."""
    prefixes = actor_prefixes(actor, Perm.USERS_MANAGE)
    if not prefixes:
        return User.objects.none()
    q = Q()
    for prefix in prefixes:
        q |= Q(grants__region__code__startswith=prefix)
    return User.objects.filter(q).distinct().prefetch_related("grants__region").order_by("username")


def user_get_for(*, actor: Any, user_id: int) -> User:
    user = user_list(actor=actor).filter(pk=user_id).first()
    if user is None:
        raise NotFound()
    return user
