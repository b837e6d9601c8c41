from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from silvercare.accounts.models import ApiToken, RoleGrant, User
from silvercare.accounts.roles import Perm
from silvercare.accounts.scoping import actor_has_perm, actor_is_national_admin, actor_prefixes
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


def active_user_holding(*, user_id: Any, perm: str, region_code: str) -> User | None:
    """An active user by id who holds ``perm`` over ``region_code`` (e.g. an assessor for an
    elder's area), or None. A missing id and a user elsewhere get the same None, so an answer
    built on it names nobody outside that area."""
    user = active_user(user_id)
    if user is None or not actor_has_perm(user, perm, region_code):
        return None
    return user


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


def back_office_users(*, actor: Any) -> QuerySet[User]:
    """Users a back-office operator sees: every user for the national superuser; for a
    system administrator those with a grant in the regions they manage (never a superuser)."""
    if actor_is_national_admin(actor):
        return User.objects.all()
    return user_list(actor=actor).exclude(is_superuser=True)


def user_fully_managed(*, actor: Any, user: User) -> bool:
    """Whether ``actor`` manages every region ``user`` works in, so may change the account
    itself (active, password, names). A superuser is changed only by a superuser."""
    if actor_is_national_admin(actor):
        return True
    if user.is_superuser:
        return False
    prefixes = actor_prefixes(actor, Perm.USERS_MANAGE)
    codes = list(user.grants.values_list("region_id", flat=True))
    return bool(codes) and all(any(c.startswith(p) for p in prefixes) for c in codes)
