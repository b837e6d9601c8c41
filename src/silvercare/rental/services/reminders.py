"""Reminders for leases nearing or past their planned end (``silvercare rental-reminders``)."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from silvercare.audit.services import AuditContext
from silvercare.rental.choices import DUE_SOON_DAYS, LeaseStatus, NoticeStatus, ReminderStage
from silvercare.rental.models import Lease, LeaseReminder, Notice
from silvercare.rental.services import notify
from silvercare.rental.services._base import audit


def leases_remind(*, ctx: AuditContext, on: dt.date | None = None) -> dict[str, int]:
    """Each active lease ending within 7 days gets a "due soon" reminder, and each past its
    planned end an "overdue" one — each stage once (a unique row per lease and stage), so
    running the command twice a day sends nothing twice."""
    on = on or timezone.localdate()
    counts = {ReminderStage.DUE_SOON.value: 0, ReminderStage.OVERDUE.value: 0}
    leases = Lease.objects.filter(
        status=LeaseStatus.ACTIVE, planned_end_on__lte=on + dt.timedelta(days=DUE_SOON_DAYS)
    ).select_related("elder", "unit__product")
    for lease in leases.iterator(chunk_size=500):
        stage = ReminderStage.OVERDUE if lease.planned_end_on < on else ReminderStage.DUE_SOON
        if LeaseReminder.objects.filter(lease=lease, stage=stage).exists():
            continue
        text = (
            _(
                "The lease of %(product)s by %(name)s ended on %(date)s: please return it "
                "or extend the lease."
            )
            if stage == ReminderStage.OVERDUE
            else _("The lease of %(product)s by %(name)s ends on %(date)s.")
        ) % {
            "product": str(lease.unit.product),
            "name": lease.elder.name,
            "date": lease.planned_end_on.isoformat(),
        }
        contacts = list(lease.elder.contacts.order_by("priority", "id"))
        attempts = notify.send(
            notify.contact_addresses(contacts),
            ref=f"lease:{lease.pk}",
            subject=_("Device lease"),
            text=text,
        )
        now = timezone.now()
        try:
            with transaction.atomic():
                LeaseReminder.objects.create(
                    lease=lease,
                    stage=stage,
                    sent_at=now,
                    status=NoticeStatus.SENT
                    if any(a.status == NoticeStatus.SENT for a in attempts)
                    else NoticeStatus.RECORDED,
                    recipients=[a.recipient for a in attempts],
                )
                Notice.objects.bulk_create(
                    [
                        Notice(
                            lease=lease,
                            channel=a.channel,
                            recipient=a.recipient,
                            text=text,
                            status=a.status,
                            detail=a.detail,
                            at=now,
                        )
                        for a in attempts
                    ]
                )
                audit(
                    ctx,
                    entity_id=f"lease:{lease.pk}",
                    region_code=lease.region_id,
                    message=gettext_noop("Lease reminder sent: %(stage)s"),
                    params={"stage": stage},
                )
        except IntegrityError:  # another run got there first
            continue
        counts[stage.value] += 1
    return counts
