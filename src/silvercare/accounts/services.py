"""Writes for users, grants and API tokens."""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from silvercare.accounts.models import ApiToken, RoleGrant, User
from silvercare.accounts.roles import Perm, Role
from silvercare.accounts.scoping import actor_has_perm, actor_manages, forget_grants
from silvercare.audit.models import AuditAction
from silvercare.audit.services import AuditContext, audit_record
from silvercare.common.errors import DomainError, FieldError, NotFound, ValidationFailed
from silvercare.regions.models import Region

TOKEN_PREFIX = "sc_"  # noqa: S105 - a public marker, not a secret


def _hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def _require_grant_power(actor: Any, region_code: str) -> None:
    if not actor_manages(actor, region_code):
        raise NotFound(_("Region not found."))


def _require_account_power(actor: Any, user: User) -> None:
    """Changing the account itself needs power over every region the user works in."""
    from silvercare.accounts.selectors import user_fully_managed

    if not user_fully_managed(actor=actor, user=user):
        raise NotFound(_("User not found."))


def user_create(
    *,
    ctx: AuditContext,
    username: str,
    password: str,
    display_name: str = "",
    grants: list[tuple[str, str]] | None = None,
    check_actor: bool = True,
    superuser: bool = False,
) -> User:
    """Create a user with (role, region-code) grants. ``check_actor=False`` is for the
    bootstrap commands (``createuser``, ``demo``) run by the operator at the console; only
    they may make the national back-office superuser (``superuser=True``)."""
    if superuser and check_actor:
        raise DomainError(
            code="permission_denied",
            status=403,
            message=_("A superuser is created only from the command line."),
        )
    errors: list[FieldError] = []
    if User.objects.filter(username=username).exists():
        errors.append(FieldError("username", "username_taken", _("This username is taken.")))
    try:
        validate_password(password, User(username=username))
    except DjangoValidationError as exc:
        errors.append(FieldError("password", "weak_password", " ".join(exc.messages)))
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        user = User.objects.create_user(
            username=username,
            password=password,
            display_name=display_name,
            is_staff=superuser,
            is_superuser=superuser,
        )
        for role, code in grants or []:
            grant_add(ctx=ctx, user=user, role=role, region_code=code, check_actor=check_actor)
        audit_record(
            ctx=ctx,
            action=AuditAction.CREATE,
            entity_type="user",
            entity_id=str(user.pk),
            summary=f"user {username}" + (" (superuser)" if superuser else ""),
        )
    return user


# The account fields the back office may change; everything else (staff, superuser, groups,
# permissions) follows from grants or the command line.
USER_EDITABLE_FIELDS = ("display_name", "first_name", "last_name", "email", "is_active")


def user_update(*, ctx: AuditContext, user: User, changes: dict[str, Any]) -> User:
    """Change a user's account fields (back office), audited field by field."""
    _require_account_power(ctx.actor, user)
    unknown = sorted(set(changes) - set(USER_EDITABLE_FIELDS))
    if unknown:
        raise ValidationFailed(
            [
                FieldError(name, "read_only", _("This field cannot be changed here."))
                for name in unknown
            ]
        )
    with transaction.atomic():
        current = User.objects.select_for_update().get(pk=user.pk)
        diff = {
            name: [getattr(current, name), value]
            for name, value in changes.items()
            if getattr(current, name) != value
        }
        if not diff:
            return current
        for name, (_old, new) in diff.items():
            setattr(current, name, new)
        current.save(update_fields=list(diff))
        audit_record(
            ctx=ctx,
            action=AuditAction.UPDATE,
            entity_type="user",
            entity_id=str(current.pk),
            summary=f"user {current.username}: " + ", ".join(sorted(diff)),
            changes=diff,
        )
    return current


def user_set_password(*, ctx: AuditContext, user: User, password: str | None) -> User:
    """Set a user's password from the back office, or disable password sign-in (None)."""
    _require_account_power(ctx.actor, user)
    if password is not None:
        try:
            validate_password(password, user)
        except DjangoValidationError as exc:
            raise ValidationFailed(
                [FieldError("password", "weak_password", " ".join(exc.messages))]
            ) from exc
    with transaction.atomic():
        if password is None:
            user.set_unusable_password()
        else:
            user.set_password(password)
        user.save(update_fields=["password"])
        audit_record(
            ctx=ctx,
            action=AuditAction.UPDATE,
            entity_type="user",
            entity_id=str(user.pk),
            summary=f"user {user.username}: "
            + ("password sign-in disabled" if password is None else "password set"),
        )
    return user


def grant_add(
    *, ctx: AuditContext, user: User, role: str, region_code: str, check_actor: bool = True
) -> RoleGrant:
    if role not in Role.values:
        raise ValidationFailed([FieldError("role", "unknown_role", _("Unknown role."))])
    if not Region.objects.filter(code=region_code).exists():
        raise ValidationFailed([FieldError("region", "unknown_region", _("Unknown region."))])
    if check_actor:
        _require_grant_power(ctx.actor, region_code)
    with transaction.atomic():
        grant, _created = RoleGrant.objects.get_or_create(
            user=user, role=role, region_id=region_code
        )
        _sync_back_office(user)
        audit_record(
            ctx=ctx,
            action=AuditAction.UPDATE,
            entity_type="user",
            entity_id=str(user.pk),
            region_code=region_code,
            summary=f"grant {role} @ {region_code}",
        )
    forget_grants(user)
    return grant


def grant_remove(*, ctx: AuditContext, grant: RoleGrant) -> None:
    _require_grant_power(ctx.actor, grant.region_id)
    with transaction.atomic():
        user = grant.user
        grant.delete()
        _sync_back_office(user)
        audit_record(
            ctx=ctx,
            action=AuditAction.DELETE,
            entity_type="user",
            entity_id=str(user.pk),
            region_code=grant.region_id,
            summary=f"revoke {grant.role} @ {grant.region_id}",
        )
    forget_grants(user)


def _sync_back_office(user: User) -> None:
    """System administrators reach the back office (the Django admin), scoped to their
    regions; a grant never makes a superuser (only ``createuser --superuser`` does)."""
    is_staff = user.is_superuser or user.grants.filter(role=Role.SYSTEM_ADMIN).exists()
    if user.is_staff != is_staff:
        user.is_staff = is_staff
        user.save(update_fields=["is_staff"])


def token_create(
    *, ctx: AuditContext, name: str, expires_at: datetime | None = None
) -> tuple[ApiToken, str]:
    """Returns the token row and the raw secret, which is shown once and never stored."""
    actor = ctx.actor
    if not actor_has_perm(actor, Perm.TOKENS_OWN):
        raise DomainError(
            code="permission_denied", message=_("You may not create API tokens."), status=403
        )
    name = name.strip()
    if not name or len(name) > 64:
        raise ValidationFailed(
            [FieldError("name", "invalid_name", _("Give the token a name of 1 to 64 characters."))]
        )
    if expires_at is not None and expires_at.tzinfo is not None:
        # Stored in UTC: PostgreSQL refuses offsets past ±15:59 (e.g. "+21:30").
        expires_at = expires_at.astimezone(UTC)
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationFailed(
            [FieldError("expires_at", "in_past", _("The expiry must be in the future."))]
        )
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=actor,
            name=name,
            prefix=raw[:10],
            token_hash=_hash_token(raw),
            expires_at=expires_at,
        )
        audit_record(
            ctx=ctx,
            action=AuditAction.TOKEN,
            entity_type="api_token",
            entity_id=str(token.pk),
            summary=f"created token {name}",
        )
    return token, raw


def token_revoke(*, ctx: AuditContext, token_id: int) -> ApiToken:
    with transaction.atomic():
        token = (
            ApiToken.objects.select_for_update()
            .filter(pk=token_id, user=ctx.actor, revoked_at__isnull=True)
            .first()
        )
        if token is None:
            raise NotFound(_("Token not found."))
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at", "updated_at"])
        audit_record(
            ctx=ctx,
            action=AuditAction.TOKEN,
            entity_type="api_token",
            entity_id=str(token.pk),
            summary=f"revoked token {token.name}",
        )
    return token


def token_revoke_as_admin(*, ctx: AuditContext, token_id: int) -> ApiToken:
    """The back office revokes a token of a user it manages (someone who left, a leak)."""
    from silvercare.accounts.selectors import back_office_users

    with transaction.atomic():
        token = (
            ApiToken.objects.select_for_update(of=("self",))
            .filter(pk=token_id, revoked_at__isnull=True)
            .select_related("user")
            .first()
        )
        if (
            token is None
            or not back_office_users(actor=ctx.actor).filter(pk=token.user_id).exists()
        ):
            raise NotFound(_("Token not found."))
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at", "updated_at"])
        audit_record(
            ctx=ctx,
            action=AuditAction.TOKEN,
            entity_type="api_token",
            entity_id=str(token.pk),
            summary=f"revoked token {token.name} of {token.user.username}",
        )
    return token


def token_authenticate(raw: str) -> User | None:
    """The user a bearer token acts as, or None. Touches ``last_used_at`` at most per minute."""
    if not raw.startswith(TOKEN_PREFIX):
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(token_hash=_hash_token(raw), revoked_at__isnull=True)
        .first()
    )
    now = timezone.now()
    if token is None or not token.user.is_active:
        return None
    if token.expires_at is not None and token.expires_at <= now:
        return None
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
