"""The demo seed: devices for consenting elders only, readings, rule configurations and a
history of alerts in every state with real timelines; the family account follows one of
them; running it twice adds nothing."""

from __future__ import annotations

from typing import Any

import pytest

from silvercare.audit.services import AuditContext
from silvercare.common import testing

pytestmark = pytest.mark.django_db


def test_seed_demo_builds_devices_readings_and_alerts_in_every_state(worker: Any) -> None:
    from silvercare.alerts.models import Alert, AlertEvent
    from silvercare.elders.models import Contact
    from silvercare.elders.services import consent_record, contact_add
    from silvercare.monitoring.demo import seed_demo
    from silvercare.monitoring.models import Device, ElderRuleConfig, Reading

    testing.make_user("community_worker", testing.STREET_A, "community_worker")
    testing.make_user("call_centre", testing.STREET_A, "call_centre")
    family = testing.make_user("elder_family", testing.COMMUNITY_A1, "elder_family")
    ctx = AuditContext(actor=worker, via="test")
    people = []
    for i in range(6):
        elder = testing.make_elder(
            worker, name=f"演示{i}", id_number=testing.id_number(seq=300 + i)
        )
        contact_add(
            ctx=ctx,
            elder=elder,
            values={"name": f"家属{i}", "relationship": "child", "phone": f"1370000{i:04d}"},
        )
        consent_record(ctx=ctx, elder=elder, purpose="monitoring", granted=i != 5)
        people.append(elder)

    result = seed_demo(elders=10, days=2)
    assert result["devices"] >= 5 and result["readings"] > 5 * 48
    assert not Device.objects.filter(elder=people[5]).exists()  # no consent, no device
    assert Reading.objects.filter(elder_id=people[0].pk, kind="hr").count() == 48
    assert ElderRuleConfig.objects.filter(spec__medication__isnull=False).exists()
    statuses = set(Alert.objects.values_list("status", flat=True))
    assert statuses == {"open", "acknowledged", "in_progress", "resolved", "false_alarm"}
    resolved = Alert.objects.filter(status="resolved").first()
    assert resolved is not None and resolved.acknowledged_at is not None
    assert resolved.created_at < resolved.acknowledged_at < resolved.resolved_at
    assert AlertEvent.objects.filter(alert=resolved).count() >= 3
    assert Contact.objects.filter(account=family).count() == 1
    assert seed_demo(elders=10, days=2) == {"devices": 0, "readings": 0, "alerts": 0}
