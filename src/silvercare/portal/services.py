"""Writes of the portal: phone sign-in codes, accounts, elder mode, the help button, the
elder's own consents and family links, and the data download (audited)."""

from __future__ import annotations

import datetime as dt
import hmac
import re
import secrets
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from silvercare.accounts.models import User
from silvercare.audit.models import AuditAction
from silvercare.audit.services import AuditContext, audit_record
from silvercare.common.errors import DomainError, FieldError, NotFound, ValidationFailed
from silvercare.common.masking import mask_phone
from silvercare.common.text import fold_fullwidth
from silvercare.portal import error_codes as codes
from silvercare.portal.models import LoginCode, PortalAccount
from silvercare.portal.selectors import PortalElder, account_by_phone_hash
from silvercare.portal.sms import sms_send

MOBILE_RE = re.compile(r"^1[3-9][0-9]{9}$")


def phone_clean(raw: str) -> str:
    """An 11-digit mainland mobile number, or a field error in plain words."""
    phone = re.sub(r"[\s\-()（）]", "", fold_fullwidth(raw or "")).removeprefix("+86")
    if not MOBILE_RE.match(phone):
        raise ValidationFailed(
            [
                FieldError(
                    "phone",
                    codes.PHONE_INVALID,
                    _("Enter your 11-digit mobile number, for example 13812345678."),
                )
            ]
        )
    return phone


def _phone_hash(phone: str) -> str:
    from silvercare.elders.services import phone_hash

    return phone_hash(phone)


def _code_hash(phone_hash: str, code: str) -> str:
    return salted_hmac("silvercare.portal.code", f"{phone_hash}:{code}").hexdigest()


def _too_many(message: str) -> DomainError:
    return DomainError(code=codes.TOO_MANY_REQUESTS, status=429, message=message)


def code_request(*, phone: str, ip_address: str | None) -> None:
    """Send a sign-in code by SMS to ``phone`` if an account holds it. The answer is the
    same whether or not it does (no one learns who has an account); the limits per phone
    and per address hold either way."""
    phone = phone_clean(phone)
    digest = _phone_hash(phone)
    now = timezone.now()
    hour_ago = now - dt.timedelta(hours=1)
    with transaction.atomic(durable=True):
        recent = LoginCode.objects.filter(phone_hash=digest, created_at__gte=hour_ago)
        last = recent.order_by("-created_at").values_list("created_at", flat=True).first()
        if (
            last is not None
            and (now - last).total_seconds() < settings.SILVERCARE_OTP_RESEND_SECONDS
        ):
            raise _too_many(_("A code was just sent. Please wait one minute before asking again."))
        if recent.count() >= settings.SILVERCARE_OTP_PER_PHONE_HOUR:
            raise _too_many(
                _("Too many codes were asked for this number. Please try again in an hour.")
            )
        if (
            ip_address
            and LoginCode.objects.filter(ip_address=ip_address, created_at__gte=hour_ago).count()
            >= settings.SILVERCARE_OTP_PER_IP_HOUR
        ):
            raise _too_many(_("Too many codes were asked from here. Please try again in an hour."))
        code = f"{secrets.randbelow(10**6):06d}"
        LoginCode.objects.create(
            phone_hash=digest,
            code_hash=_code_hash(digest, code),
            ip_address=ip_address,
            created_at=now,
            expires_at=now + dt.timedelta(minutes=settings.SILVERCARE_OTP_MINUTES),
        )
        has_account = account_by_phone_hash(digest) is not None
    # Sent once the code is stored (this service is the outermost transaction).
    if has_account:
        sms_send(
            phone,
            _(
                "Your SilverCare sign-in code is %(code)s. It works once, for %(minutes)s "
                "minutes. Never tell it to anyone."
            )
            % {"code": code, "minutes": settings.SILVERCARE_OTP_MINUTES},
        )


def code_verify(*, phone: str, code: str) -> User:
    """The account whose phone this is, when ``code`` is its newest unused, unexpired code.
    Wrong, expired and used codes each say so plainly; a code dies after a few wrong tries."""
    phone = phone_clean(phone)
    code = fold_fullwidth(code or "").strip()
    digest = _phone_hash(phone)
    now = timezone.now()
    wrong = DomainError(
        code=codes.CODE_WRONG,
        status=400,
        message=_("That code is not right. Check the text message and try again."),
        errors=[FieldError("code", codes.CODE_WRONG, _("That code is not right."))],
    )
    error: DomainError | None = None
    account = None
    with transaction.atomic(durable=True):
        candidates = list(
            LoginCode.objects.select_for_update()
            .filter(phone_hash=digest, created_at__gte=now - dt.timedelta(hours=1))
            .order_by("-created_at", "-id")
        )
        matched = next(
            (c for c in candidates if hmac.compare_digest(c.code_hash, _code_hash(digest, code))),
            None,
        )
        newest = candidates[0] if candidates else None
        if newest is None:
            error = wrong
        elif matched is not None and matched.used_at is not None:
            error = _used()
        elif matched is None:
            # A wrong try counts against the newest code (which dies after a few).
            if newest.used_at is None:
                newest.wrong_tries += 1
                newest.save(update_fields=["wrong_tries"])
            error = wrong
        elif matched.pk != newest.pk:
            error = _expired(_("That code was replaced by a newer one. Use the newest code."))
        elif matched.expires_at <= now:
            error = _expired(_("That code has expired. Ask for a new code."))
        elif matched.wrong_tries >= settings.SILVERCARE_OTP_WRONG_TRIES:
            error = _expired(_("Too many wrong tries with this code. Ask for a new code."))
        else:
            account = account_by_phone_hash(digest)
            if account is None:
                error = wrong
            else:
                matched.used_at = now
                matched.save(update_fields=["used_at"])
                audit_record(
                    ctx=AuditContext(actor=account.user, via="portal"),
                    action=AuditAction.LOGIN,
                    entity_type="user",
                    entity_id=str(account.user_id),
                    message=gettext_noop("Signed in with a code sent by SMS"),
                )
    if error is not None or account is None:
        raise error or wrong
    return account.user


def _used() -> DomainError:
    message = _("That code was already used. Ask for a new code.")
    return DomainError(
        code=codes.CODE_EXPIRED,
        status=400,
        message=message,
        errors=[FieldError("code", codes.CODE_EXPIRED, message)],
    )


def _expired(message: str) -> DomainError:
    return DomainError(
        code=codes.CODE_EXPIRED,
        status=400,
        message=message,
        errors=[FieldError("code", codes.CODE_EXPIRED, message)],
    )


def portal_account_open(
    *,
    ctx: AuditContext,
    username: str,
    display_name: str,
    phone: str,
    region_code: str,
    elder: Any = None,
    password: str | None = None,
) -> PortalAccount:
    """A portal account (role ``elder_family`` in the elder's community) that signs in with
    ``phone``; ``elder``: the registry record when the account is the elder's own. For the
    operator's commands and the demo (``check_actor=False`` on the grant)."""
    from silvercare.accounts.services import grant_add, user_create

    phone = phone_clean(phone)
    digest = _phone_hash(phone)
    with transaction.atomic():
        user = User.objects.filter(username=username).first()
        if user is None:
            user = user_create(
                ctx=ctx,
                username=username,
                password=password or secrets.token_urlsafe(24),
                display_name=display_name,
                check_actor=False,
            )
        grant_add(
            ctx=ctx, user=user, role="elder_family", region_code=region_code, check_actor=False
        )
        account, _created = PortalAccount.objects.update_or_create(
            user=user, defaults={"phone_hash": digest, "phone_masked": mask_phone(phone)}
        )
        if elder is not None:
            from silvercare.elders.services import elder_account_set

            elder_account_set(ctx=ctx, elder=elder, account=user)
        audit_record(
            ctx=ctx,
            action=AuditAction.CREATE,
            entity_type="portal.account",
            entity_id=str(account.pk),
            region_code=region_code,
            message=gettext_noop("Portal account %(username)s opened for %(phone)s"),
            params={"username": username, "phone": mask_phone(phone)},
        )
    return account


def elder_mode_set(*, user: Any, on: bool) -> PortalAccount:
    """Remember 长辈模式 for the user (on their portal account)."""
    with transaction.atomic():
        account, _created = PortalAccount.objects.get_or_create(user_id=user.pk)
        if account.elder_mode != on:
            account.elder_mode = on
            account.save(update_fields=["elder_mode", "updated_at"])
    return account


def help_raise(*, ctx: AuditContext, pe: PortalElder) -> Any:
    """The big help button: an SOS alert for the elder, as a device's SOS press opens one
    (``alerts.services.alert_raise``), to the call centre's console."""
    from silvercare.alerts.services import alert_raise

    now = timezone.now()
    with transaction.atomic(durable=True):
        return alert_raise(
            elder_id=pe.elder.pk,
            kind="sos",
            severity="urgent",
            occurred_at=now,
            reason="portal_help",
            params={"via": "portal", "by": "elder" if pe.own else "family"},
            source="portal",
            ctx=ctx,
            region_code=pe.elder.region_id,
        )


def _require_own(pe: PortalElder) -> None:
    if not pe.own:
        raise DomainError(
            code=codes.NOT_OWN_RECORD,
            status=403,
            message=_("Only the elder themself can change this."),
        )


def consent_set(*, ctx: AuditContext, pe: PortalElder, purpose: str, granted: bool) -> Any:
    """The elder gives or withdraws a consent (``elders.services.consent_record_by_elder``)."""
    from silvercare.elders.services import consent_record_by_elder

    _require_own(pe)
    return consent_record_by_elder(ctx=ctx, elder=pe.elder, purpose=purpose, granted=granted)


def family_link(*, ctx: AuditContext, pe: PortalElder, contact_id: Any, allow: bool) -> Any:
    """The elder lets a registered contact follow them (or stops it): the contact's phone
    must be the phone a portal account signs in with, proven by its one-time code."""
    from silvercare.elders.selectors import elder_contact_find
    from silvercare.elders.services import contact_link_account_by_elder

    _require_own(pe)
    contact = elder_contact_find(pe.elder, contact_id=contact_id)
    if contact is None:
        raise NotFound()
    account = None
    if allow:
        found = account_by_phone_hash(contact.phone_hash)
        if found is None or found.user_id == pe.elder.account_id:
            raise DomainError(
                code=codes.NO_ACCOUNT,
                status=409,
                message=_(
                    "This person has no SilverCare account with this mobile number yet. Ask "
                    "the community worker to open one for them, then try again."
                ),
            )
        account = found.user
    with transaction.atomic():
        return contact_link_account_by_elder(
            ctx=ctx, elder=pe.elder, contact=contact, account=account
        )


def data_download_record(*, ctx: AuditContext, pe: PortalElder, fmt: str) -> None:
    """Audit the elder's download of their own data (PIPL right of access)."""
    audit_record(
        ctx=ctx,
        action=AuditAction.EXPORT,
        entity_type="portal.download",
        entity_id=str(pe.elder.pk),
        region_code=pe.elder.region_id,
        message=gettext_noop("The elder downloaded their own data as %(format)s"),
        params={"format": fmt},
    )


def care_request(
    *,
    ctx: AuditContext,
    pe: PortalElder,
    service_code: str,
    provider_id: str,
    first_date: dt.date,
    window: tuple[int, int],
    recurrence: str,
    last_date: dt.date | None,
    notes: str,
) -> Any:
    """The elder, or a family member with the elder's consent to share data, requests a
    home-care service from a provider serving the elder's area: a ``requested`` order the
    provider accepts or declines (``homecare.services.order_request_for_elder``)."""
    from silvercare.homecare.selectors import providers_serving, service_type_by_code
    from silvercare.homecare.services import order_request_for_elder

    if not pe.may("services"):
        raise NotFound()
    try:
        service_type = service_type_by_code(service_code)
    except NotFound:
        raise ValidationFailed(
            [FieldError("service_type", codes.CHOICE_INVALID, _("Choose a service."))]
        ) from None
    provider = next(
        (
            p
            for p in providers_serving(actor=ctx.actor, region_code=pe.elder.region_id)
            if str(p.pk) == str(provider_id)
        ),
        None,
    )
    if provider is None:
        raise ValidationFailed(
            [FieldError("provider", codes.CHOICE_INVALID, _("Choose a provider."))]
        )
    return order_request_for_elder(
        ctx=ctx,
        elder=pe.elder,
        service_type=service_type,
        provider=provider,
        first_date=first_date,
        window_start=window[0],
        window_end=window[1],
        recurrence=recurrence,
        last_date=last_date,
        notes=notes,
    )


def lease_fault_report(*, ctx: AuditContext, pe: PortalElder, lease: Any, description: str) -> Any:
    """Report a fault on a device the elder leases: a malfunction incident on the rental
    operator's list (``rental.services.fault_report_by_holder``)."""
    from silvercare.rental.services import fault_report_by_holder

    if not pe.may("services"):
        raise NotFound()
    return fault_report_by_holder(ctx=ctx, elder=pe.elder, lease=lease, description=description)
