"""Build the demo city: regions, one user per role, 10,000 elders with contacts and consents.
Idempotent: rows that exist (by region code, username, ID number) are left as they are."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.utils import timezone
from stdnum.cn import ric

from silvercare.accounts.models import User
from silvercare.accounts.services import grant_add, user_create
from silvercare.audit.models import AuditAction
from silvercare.audit.services import AuditContext, audit_record_many
from silvercare.demo.assessments import demo_assessments
from silvercare.demo.city import (
    DEMO_NAMES,
    DEMO_PASSWORD,
    DEMO_USERS,
    demo_elders,
    demo_regions,
)
from silvercare.demo.subsidies import demo_subsidies
from silvercare.elders.models import ConsentEvent, Contact, Elder
from silvercare.elders.services import apply_to_model, audit_diff, contact_build, id_hash
from silvercare.elders.validation import ElderData
from silvercare.regions.services import regions_load_divisions, regions_upsert

Progress = Callable[[str, int, int], None]


def demo_name_people() -> int:
    """Give the demo users of a city built before they had Chinese names their names (only
    where the old English default is still there). Returns how many were renamed."""
    renamed = 0
    for username, name in DEMO_NAMES.items():
        old_default = username.replace("_", " ").title()
        renamed += User.objects.filter(username=username, display_name=old_default).update(
            display_name=name
        )
    return renamed


def demo_build(*, elders: int = 10_000, progress: Progress | None = None) -> dict[str, int]:
    report = progress or (lambda _stage, _done, _total: None)
    ctx = AuditContext(actor=None, via="command")
    regions_load_divisions()
    region_rows = demo_regions()
    regions_upsert(rows=region_rows, is_demo=True)
    report("regions", 1, 1)

    users_created = 0
    for username, role, region in DEMO_USERS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = user_create(
                ctx=ctx,
                username=username,
                password=DEMO_PASSWORD,
                display_name=DEMO_NAMES[username],
                check_actor=False,
            )
            users_created += 1
        grant_add(ctx=ctx, user=user, role=role, region_code=region, check_actor=False)
    demo_name_people()
    report("users", 1, 1)

    communities = [r for r in region_rows if r.level == 5]
    people = demo_elders(elders, communities, timezone.localdate())
    existing = set(Elder.objects.values_list("id_number_hash", flat=True))
    created = 0
    batch = 1000
    for start in range(0, len(people), batch):
        part = [p for p in people[start : start + batch] if id_hash(p.id_number) not in existing]
        rows, contacts, consents, events = [], [], [], []
        for person in part:
            data = ElderData(
                name=person.name,
                id_number=person.id_number,
                phone=person.phone,
                address=person.address,
                region_code=person.region_code,
                latitude=person.latitude,
                longitude=person.longitude,
                hukou_type=person.hukou_type,
                living_situation=person.living_situation,
                categories=set(person.categories),
                status=person.status,
                status_date=timezone.localdate() if person.status != "active" else None,
            )
            data.birth_date = ric.get_birth_date(person.id_number)
            data.sex = "M" if int(person.id_number[16]) % 2 else "F"
            elder = Elder()
            apply_to_model(elder, data)
            rows.append(elder)
            for priority, (name, relationship, phone) in enumerate(person.contacts, start=1):
                contacts.append(
                    contact_build(
                        elder,
                        {
                            "name": name,
                            "relationship": relationship,
                            "phone": phone,
                            "priority": priority,
                            "is_guardian": priority == 1,
                            "can_receive_alerts": True,
                        },
                    )
                )
            consents += [
                ConsentEvent(elder=elder, purpose=purpose, granted=granted, note="demo")
                for purpose, granted in person.consents
            ]
            events.append(
                {
                    "action": AuditAction.CREATE,
                    "entity_type": "elder",
                    "entity_id": str(elder.pk),
                    "region_code": elder.region_id,
                    "summary": elder.name,
                    "changes": audit_diff(None, data),
                }
            )
        with transaction.atomic():
            Elder.objects.bulk_create(rows, batch_size=batch)
            _registered_earlier(rows, start)
            Contact.objects.bulk_create(contacts, batch_size=batch)
            ConsentEvent.objects.bulk_create(consents, batch_size=batch)
            audit_record_many(ctx=ctx, events=events)
        created += len(rows)
        report("elders", min(start + batch, len(people)), len(people))
    assessed = demo_assessments(
        assessor=User.objects.get(username="assessor"),
        booked_by=User.objects.get(username="community_worker"),
    )
    report("assessments", 1, 1)
    subsidies = demo_subsidies()
    report("subsidies", 1, 1)
    from silvercare.training.demo import seed_demo

    seed_demo()
    report("training", 1, 1)
    # Each capability seeds its own demo data, in an order that lets rental find the
    # assistive catalogue's products.
    from silvercare.adaptation import demo as adaptation_demo
    from silvercare.assistive import demo as assistive_demo
    from silvercare.canteens import demo as canteens_demo
    from silvercare.homecare import demo as homecare_demo
    from silvercare.indicators import demo as indicators_demo
    from silvercare.industry import demo as industry_demo
    from silvercare.monitoring import demo as monitoring_demo
    from silvercare.portal import demo as portal_demo
    from silvercare.rental import demo as rental_demo
    from silvercare.supervision import demo as supervision_demo

    # In this order: the portal after monitoring (which links the family account), supervision
    # after industry (whose registry is the draws' pool), canteens after home care (whose
    # provider runs two canteens), the indicators last (they read everyone's records).
    for seed in (
        assistive_demo,
        adaptation_demo,
        monitoring_demo,
        homecare_demo,
        rental_demo,
        portal_demo,
        industry_demo,
        supervision_demo,
        canteens_demo,
        indicators_demo,
    ):
        seed.seed_demo()
    return {
        "regions": len(region_rows),
        "users_created": users_created,
        "elders_created": created,
        "assessments_created": assessed,
        "subsidy_claims_created": subsidies.get("claims", 0),
    }


def _registered_earlier(rows: list[Elder], start: int) -> None:
    """Spread the demo elders' registration over the 16–50 months before today (before the
    demo's assessments, which go back 450 days), so the indicators have a history: one
    update per month of registration."""
    now = timezone.now()
    by_month: dict[int, list[Any]] = {}
    for n, elder in enumerate(rows, start=start):
        by_month.setdefault(16 + (n * 7) % 35, []).append(elder.pk)
    for months, ids in by_month.items():
        Elder.objects.filter(pk__in=ids).update(created_at=now - dt.timedelta(days=30 * months))
