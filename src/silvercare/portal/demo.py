"""Demo portal accounts: the demo family user (张秀兰) follows, as a verified contact, an elder
of community 440304001001 who has home-care visits, a rented device, readings and an alert;
that elder has her own portal account (``elder_self``). Both sign in by phone and code (the
console prints it) or with the demo password. Idempotent."""

from __future__ import annotations

from silvercare.audit.services import AuditContext

COMMUNITY = "440304001001"
ELDER_USERNAME = "elder_self"
ELDER_PHONE = "13800000001"
FAMILY_PHONE = "13800000002"


def seed_demo() -> None:
    from silvercare.accounts.models import User
    from silvercare.demo.city import DEMO_PASSWORD
    from silvercare.elders.selectors import elder_consents, elders_of_family
    from silvercare.elders.services import consent_record
    from silvercare.portal import selectors, services

    family = User.objects.filter(username="elder_family").first()
    worker = User.objects.filter(username="community_worker").first()
    if family is None or worker is None:
        return
    pairs = elders_of_family(user=family)
    if not pairs:
        return
    elder = pairs[0][0]
    ctx = AuditContext(actor=worker, via="command")
    current = elder_consents(elder).get("data_sharing")
    if current is None or not current.granted:
        consent_record(ctx=ctx, elder=elder, purpose="data_sharing", granted=True, note="demo")
    services.portal_account_open(
        ctx=ctx,
        username="elder_family",
        display_name=family.display_name,
        phone=FAMILY_PHONE,
        region_code=COMMUNITY,
    )
    if selectors.account_by_phone_hash(_hash(ELDER_PHONE)) is None:
        services.portal_account_open(
            ctx=ctx,
            username=ELDER_USERNAME,
            display_name=elder.name,
            phone=ELDER_PHONE,
            region_code=elder.region_id,
            elder=elder,
            password=DEMO_PASSWORD,
        )
    pe = selectors.portal_elder_get(user=family, elder_id=elder.pk)
    if pe.may("health") and not selectors.health_of(pe)["alerts"]:
        services.help_raise(ctx=AuditContext(actor=family, via="command"), pe=pe)


def _hash(phone: str) -> str:
    from silvercare.elders.services import phone_hash

    return phone_hash(phone)
