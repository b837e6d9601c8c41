"""Monitoring of one elder: the health profile (conditions change the thresholds' defaults;
the alert page shows them with the medicines), per-elder rule pages and API (thresholds,
geofences, inactivity, medication, device health) with field errors, audit and state reset,
the elder-page panel, the family's read-only view with consent, and scope."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.utils import timezone

from silvercare.audit.models import AuditEvent
from silvercare.audit.services import AuditContext
from silvercare.common import testing
from silvercare.common.errors import ValidationFailed
from silvercare.common.testing import client_for
from silvercare.monitoring import services
from silvercare.monitoring.ingest import RawMessage, ingest_batch
from silvercare.monitoring.models import ElderRuleConfig, RuleState

pytestmark = pytest.mark.django_db
T0 = dt.datetime(2026, 6, 1, 8, 0, tzinfo=dt.UTC)


def _msg(msg_id: str, kind: str, at: dt.datetime, **fields: Any) -> RawMessage:
    body = {"kind": kind, "id": msg_id, "ts": at.isoformat(), **fields}
    return RawMessage(serial="W-0001", payload=json.dumps(body).encode())


def _vital_alerts() -> int:
    from silvercare.alerts.models import Alert

    return Alert.objects.filter(kind="vital_sign").count()


def _spo2_for_three_minutes(prefix: str, percent: int, start: dt.datetime) -> None:
    ingest_batch(
        [
            _msg(f"{prefix}{i}", "spo2", start + dt.timedelta(seconds=30 * i), percent=percent)
            for i in range(7)
        ],
        now=start + dt.timedelta(minutes=10),
    )


def _spec(elder: Any) -> dict[str, Any]:
    return dict(ElderRuleConfig.objects.get(elder=elder).spec)


# --- Health profile ---------------------------------------------------------------------------


def test_copd_recorded_on_the_page_lowers_the_spo2_limit(watch: Any, worker: Any) -> None:
    elder = watch[0].elder
    client = client_for(worker)
    response = client.post(
        f"/monitoring/elders/{elder.pk}/health/",
        {"conditions": ["copd", "hypertension"], "medications": "噻托溴铵 18µg 每日一次\n"},
    )
    assert response.status_code == 302
    assert _spec(elder)["conditions"] == ["hypertension", "copd"]
    # 89 % for three minutes: urgent for most people, expected with COPD (limit 88).
    _spo2_for_three_minutes("a", 89, T0)
    assert _vital_alerts() == 0
    _spo2_for_three_minutes("b", 86, T0 + dt.timedelta(minutes=5))
    assert _vital_alerts() == 1
    page = client.get(f"/monitoring/elders/{elder.pk}/health/").content.decode()
    assert "噻托溴铵 18µg 每日一次" in page
    assert AuditEvent.objects.filter(entity_type="health_profile", entity_id=str(elder.pk)).exists()


def test_without_copd_the_same_readings_alert(watch: Any) -> None:
    _spo2_for_three_minutes("a", 89, T0)
    assert _vital_alerts() == 1


def test_health_profile_rejects_unknown_conditions_with_a_field_error(
    elder: Any, worker: Any
) -> None:
    client = client_for(worker)
    response = client.post(
        f"/monitoring/elders/{elder.pk}/health/", {"conditions": ["vampirism"], "medications": ""}
    )
    assert response.status_code == 422
    assert 'id="f-conditions"' in response.content.decode()
    api = client.put(
        f"/api/v1/monitoring/elders/{elder.pk}/health",
        {"conditions": ["vampirism"]},
        content_type="application/json",
    )
    assert api.status_code == 422
    assert api.json()["errors"][0]["field"] == "conditions"
    ok = client.put(
        f"/api/v1/monitoring/elders/{elder.pk}/health",
        {"conditions": ["diabetes"], "medications": ["二甲双胍 0.5g 每日两次"]},
        content_type="application/json",
    )
    assert ok.status_code == 200
    assert ok.json()["medications"] == ["二甲双胍 0.5g 每日两次"]
    assert client.get(f"/api/v1/monitoring/elders/{elder.pk}/health").json()["conditions"] == [
        "diabetes"
    ]


def test_alert_page_shows_conditions_medicines_and_dialable_contacts(
    elder: Any, worker: Any
) -> None:
    from silvercare.alerts.services import alert_raise
    from silvercare.elders.services import contact_add

    ctx = AuditContext(actor=worker, via="test")
    contact_add(
        ctx=ctx,
        elder=elder,
        values={"name": "陈小明", "relationship": "child", "phone": "13912345678"},
    )
    services.health_profile_save(
        ctx=ctx, elder=elder, conditions=["dementia"], medications=["多奈哌齐 5mg 睡前"]
    )
    raised = alert_raise(
        elder_id=elder.pk,
        kind="sos",
        severity="urgent",
        occurred_at=timezone.now(),
        reason="sos_pressed",
        params={},
        source="test",
    )
    page = client_for(worker).get(f"/alerts/{raised.alert_id}/").content.decode()
    assert "多奈哌齐 5mg 睡前" in page
    assert ('id="elder-conditions"' in page and "痴呆" in page) or "Dementia" in page
    assert 'href="tel:13912345678"' in page


# --- Rules ------------------------------------------------------------------------------------


def test_threshold_override_from_the_page_with_audit(elder: Any, worker: Any) -> None:
    from silvercare.monitoring.selectors import threshold_rows

    client = client_for(worker)
    rows = threshold_rows({})
    post: dict[str, str] = {"form": "thresholds"}
    for row in rows:
        if row["on"]:
            post[f"{row['key']}.on"] = "1"
        post[f"{row['key']}.limit"] = str(row["limit"])
        post[f"{row['key']}.duration_s"] = str(row["duration_s"])
        post[f"{row['key']}.margin"] = str(row["margin"])
    post["spo2.below.urgent.limit"] = "92"
    post.pop("temperature.above.warning.on")  # switch one level off
    response = client.post(f"/monitoring/elders/{elder.pk}/rules/", post)
    assert response.status_code == 302
    thresholds = _spec(elder)["thresholds"]
    assert thresholds == {
        "spo2": {"below": {"urgent": {"limit": 92, "duration_s": 120, "margin": 2}}},
        "temperature": {"above": {"warning": None}},
    }
    assert AuditEvent.objects.filter(entity_type="rule_config", entity_id=str(elder.pk)).exists()
    page = client.get(f"/monitoring/elders/{elder.pk}/rules/").content.decode()
    assert 'name="spo2.below.urgent.limit" value="92"' in page

    post["spo2.below.urgent.limit"] = "abc"
    post["heart_rate.above.urgent.margin"] = "-5"
    bad = client.post(f"/monitoring/elders/{elder.pk}/rules/", post)
    assert bad.status_code == 422
    assert 'href="#f-spo2_below_urgent_limit"' in bad.content.decode()
    post["spo2.below.urgent.limit"] = "91"
    bad = client.post(f"/monitoring/elders/{elder.pk}/rules/", post)
    assert bad.status_code == 422  # the compiler refuses a negative margin, naming the field
    assert 'href="#f-heart_rate_above_urgent_margin"' in bad.content.decode()
    assert _spec(elder)["thresholds"]["spo2"]["below"]["urgent"]["limit"] == 92


def test_geofences_circle_and_polygon_from_the_page(elder: Any, worker: Any) -> None:
    client = client_for(worker)
    url = f"/monitoring/elders/{elder.pk}/rules/"
    circle = {"form": "zone_add", "name": "家", "type": "safe", "shape": "circle"}
    assert (
        client.post(url, {**circle, "lat": "22.55", "lon": "114.09", "radius_m": "300"}).status_code
        == 302
    )
    square = "114.08,22.54\n114.10,22.54\n114.10,22.56\n114.08,22.56"
    polygon = {"form": "zone_add", "name": "河边", "type": "danger", "shape": "polygon"}
    assert client.post(url, {**polygon, "points": square}).status_code == 302
    zones = _spec(elder)["geofence"]["zones"]
    assert [(z["name"], z["type"]) for z in zones] == [("家", "safe"), ("河边", "danger")]
    assert zones[0]["radius_m"] == 300 and len(zones[1]["polygon"]) == 4

    bow_tie = "114.08,22.54\n114.10,22.56\n114.10,22.54\n114.08,22.56"
    bad = client.post(url, {**polygon, "points": bow_tie})
    assert bad.status_code == 422 and 'href="#f-polygon"' in bad.content.decode()
    bad = client.post(url, {**circle, "lat": "22.55", "lon": "114.09", "radius_m": "0"})
    assert bad.status_code == 422 and 'href="#f-radius_m"' in bad.content.decode()
    bad = client.post(url, {**circle, "lat": "north", "lon": "114.09", "radius_m": "10"})
    assert bad.status_code == 422 and 'href="#f-lat"' in bad.content.decode()
    assert len(_spec(elder)["geofence"]["zones"]) == 2

    client.post(url, {"form": "zone_remove", "zone": zones[0]["id"]})
    assert [z["name"] for z in _spec(elder)["geofence"]["zones"]] == ["河边"]


def test_changing_the_medication_schedule_resets_only_that_rules_state(
    elder: Any, worker: Any
) -> None:
    RuleState.objects.create(
        elder_id=elder.pk, states={"medication": {"since": 1.0}, "thresholds": {"x": 1}}
    )
    client = client_for(worker)
    url = f"/monitoring/elders/{elder.pk}/rules/"
    response = client.post(
        url, {"form": "dose_add", "name": "氨氯地平", "time": "08:00", "window_min": "30"}
    )
    assert response.status_code == 302
    assert RuleState.objects.get(elder_id=elder.pk).states == {"thresholds": {"x": 1}}
    doses = _spec(elder)["medication"]["doses"]
    assert [(d["name"], d["time"], d["window_min"]) for d in doses] == [("氨氯地平", "08:00", 30)]
    bad = client.post(url, {"form": "dose_add", "name": "x", "time": "8am", "window_min": "30"})
    assert bad.status_code == 422 and 'href="#f-time"' in bad.content.decode()
    bad = client.post(url, {"form": "dose_add", "name": "x", "time": "09:00", "window_min": "999"})
    assert bad.status_code == 422 and 'href="#f-window_min"' in bad.content.decode()
    client.post(url, {"form": "dose_remove", "dose": doses[0]["id"]})
    assert "medication" not in _spec(elder)


def test_inactivity_and_device_health_from_the_page(elder: Any, worker: Any) -> None:
    client = client_for(worker)
    url = f"/monitoring/elders/{elder.pk}/rules/"
    ok = client.post(
        url,
        {
            "form": "inactivity",
            "no_motion.on": "1",
            "no_motion.hours": "3",
            "no_motion.start": "07:00",
            "no_motion.end": "21:00",
            "bed_empty.on": "1",
            "bed_empty.minutes": "45",
            "bed_empty.start": "22:30",
            "bed_empty.end": "06:00",
        },
    )
    assert ok.status_code == 302
    assert _spec(elder)["inactivity"] == {
        "no_motion": {"hours": 3, "window": ["07:00", "21:00"]},
        "out_of_bed": None,
        "bed_empty": {"minutes": 45, "window": ["22:30", "06:00"]},
    }
    too_long = client.post(
        url,
        {
            "form": "inactivity",
            "no_motion.on": "1",
            "no_motion.hours": "20",
            "no_motion.start": "08:00",
            "no_motion.end": "20:00",
        },
    )
    assert too_long.status_code == 422
    assert (
        client.post(
            url, {"form": "device", "offline_minutes": "90", "battery_low_pct": "15"}
        ).status_code
        == 302
    )
    assert _spec(elder)["device"] == {"offline_minutes": 90, "battery_low_pct": 15}


def test_rules_api_validates_and_names_the_field(elder: Any, worker: Any) -> None:
    client = client_for(worker)
    base = f"/api/v1/monitoring/elders/{elder.pk}/rules"
    zone = {"name": "家", "type": "safe", "lat": 22.55, "lon": 114.09, "radius_m": 99999}
    bad = client.put(
        f"{base}/geofence", {"value": {"zones": [zone]}}, content_type="application/json"
    )
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "geofence.zones[0].radius_m"
    zone["radius_m"] = 200
    ok = client.put(
        f"{base}/geofence", {"value": {"zones": [zone]}}, content_type="application/json"
    )
    assert ok.status_code == 200 and ok.json()["spec"]["geofence"]["zones"][0]["radius_m"] == 200
    off = client.put(f"{base}/sos", {"value": None}, content_type="application/json")
    assert off.json()["spec"]["sos"] is None
    unknown = client.put(f"{base}/weather", {"value": {}}, content_type="application/json")
    assert unknown.status_code == 422
    got = client.get(base).json()
    assert any(r["key"] == "spo2.below.urgent" for r in got["thresholds"])


def test_service_refuses_someone_without_the_right(elder: Any, other_worker: Any) -> None:
    from silvercare.common.errors import DomainError

    with pytest.raises(DomainError):
        services.rule_section_set(
            ctx=AuditContext(actor=other_worker), elder=elder, section="device", value={}
        )
    with pytest.raises(ValidationFailed):
        services.rule_section_set(
            ctx=AuditContext(actor=elder.created_by),
            elder=elder,
            section="device",
            value={"offline_minutes": 0},
        )


def test_other_district_sees_nothing(elder: Any, other_worker: Any) -> None:
    client = client_for(other_worker)
    for url in (
        f"/monitoring/elders/{elder.pk}/rules/",
        f"/monitoring/elders/{elder.pk}/health/",
        f"/api/v1/monitoring/elders/{elder.pk}/rules",
        f"/api/v1/monitoring/elders/{elder.pk}/health",
        f"/api/v1/monitoring/elders/{elder.pk}/monitoring",
    ):
        assert client.get(url).status_code == 404, url
    post = client.post(f"/monitoring/elders/{elder.pk}/rules/", {"form": "device"})
    assert post.status_code == 404
    assert not ElderRuleConfig.objects.exists()


# --- Elder page panel -------------------------------------------------------------------------


def test_elder_page_shows_readings_charts_devices_and_alerts(watch: Any, worker: Any) -> None:
    device = watch[0]
    now = timezone.now()
    ingest_batch(
        [_msg(f"h{i}", "hr", now - dt.timedelta(hours=i), bpm=70 + i) for i in range(0, 48, 6)]
        + [_msg("sos1", "sos", now - dt.timedelta(minutes=5))],
        now=now,
    )
    client = client_for(worker)
    page = client.get(f"/elders/{device.elder_id}/")
    body = page.content.decode()
    assert 'id="monitoring-h"' in body
    assert "W-0001" in body
    assert "vendor/echarts/dist/echarts.min.js" in body
    charts = page.context["panels"]
    panel = next(p for p in charts if p.key == "monitoring").context
    assert len(panel["charts"]["day"]["heart_rate"]["points"]) == 4  # 0, 6, 12, 18 h ago
    assert len(panel["charts"]["week"]["heart_rate"]["points"]) == 8
    assert panel["alerts"] and panel["alerts"][0]["kind"] == "sos"
    assert f"/alerts/history/?elder={device.elder_id}" in body
    api = client.get(f"/api/v1/monitoring/elders/{device.elder_id}/monitoring?days=7").json()
    assert {r["kind"] for r in api["latest"]} >= {"hr", "sos"}
    assert len(api["series"]["heart_rate"]["points"]) == 8


def test_assessor_sees_no_monitoring_panel(elder: Any) -> None:
    assessor = testing.make_assessor()
    body = client_for(assessor).get(f"/elders/{elder.pk}/").content.decode()
    assert 'id="monitoring-h"' not in body


# --- Family -----------------------------------------------------------------------------------


@pytest.fixture
def family(watch: Any, worker: Any) -> dict[str, Any]:
    """A family account linked (through the health page) to the consenting elder's contact,
    and a second elder of the same community not linked to it."""
    from silvercare.alerts.services import alert_raise
    from silvercare.elders.services import consent_record, contact_add

    elder = watch[0].elder
    ctx = AuditContext(actor=worker, via="test")
    contact = contact_add(
        ctx=ctx,
        elder=elder,
        values={"name": "陈家人", "relationship": "child", "phone": "13700000001"},
    )
    user = testing.make_user("elder_family", testing.COMMUNITY_A1, "chen_family")
    response = client_for(worker).post(
        f"/monitoring/elders/{elder.pk}/family/",
        {"contact_id": str(contact.pk), "username": "chen_family"},
    )
    assert response.status_code == 302
    now = timezone.now()
    ingest_batch([_msg("f1", "hr", now - dt.timedelta(minutes=3), bpm=77)], now=now)
    alert_raise(
        elder_id=elder.pk,
        kind="sos",
        severity="urgent",
        occurred_at=now,
        reason="sos_pressed",
        params={},
        source="test",
    )
    stranger = testing.make_elder(worker, name="邻居老人", id_number=testing.id_number(seq=77))
    consent_record(ctx=ctx, elder=stranger, purpose="monitoring", granted=True)
    return {"elder": elder, "user": user, "stranger": stranger, "ctx": ctx}


def test_family_sees_their_elder_read_only(family: dict[str, Any]) -> None:
    elder, client = family["elder"], client_for(family["user"])
    home = client.get("/monitoring/family/").content.decode()
    assert elder.name in home and "邻居老人" not in home
    page = client.get(f"/monitoring/family/{elder.pk}/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "77" in body and 'id="recent-alerts"' in body
    assert 'name="form"' not in body and "/monitoring/elders/" not in body  # read only
    api = client.get(f"/api/v1/monitoring/family/elders/{elder.pk}").json()
    assert api["alerts"][0]["kind"] == "sos"
    assert client.get("/api/v1/monitoring/family/elders").json()[0]["consented"] is True
    # Only their own elder, and none of the staff pages.
    for url in (
        f"/monitoring/family/{family['stranger'].pk}/",
        f"/api/v1/monitoring/family/elders/{family['stranger'].pk}",
        f"/monitoring/elders/{elder.pk}/rules/",
        f"/api/v1/monitoring/elders/{elder.pk}/monitoring",
        f"/elders/{elder.pk}/",
    ):
        assert client.get(url).status_code in (403, 404), url


def test_family_sees_nothing_once_consent_is_withdrawn(family: dict[str, Any]) -> None:
    from silvercare.elders.services import consent_record

    consent_record(ctx=family["ctx"], elder=family["elder"], purpose="monitoring", granted=False)
    client = client_for(family["user"])
    assert client.get(f"/monitoring/family/{family['elder'].pk}/").status_code == 404
    assert client.get(f"/api/v1/monitoring/family/elders/{family['elder'].pk}").status_code == 404
    # The family's list still names the elder, but no longer links to the readings.
    home = client.get("/monitoring/family/").content.decode()
    assert family["elder"].name in home
    assert f"/monitoring/family/{family['elder'].pk}/" not in home


def test_linking_needs_a_family_account(elder: Any, worker: Any) -> None:
    from silvercare.elders.services import contact_add

    contact = contact_add(
        ctx=AuditContext(actor=worker),
        elder=elder,
        values={"name": "某人", "relationship": "child", "phone": "13700000002"},
    )
    client_for(worker).post(
        f"/monitoring/elders/{elder.pk}/family/",
        {"contact_id": str(contact.pk), "username": "worker_a"},
    )
    contact.refresh_from_db()
    assert contact.account is None


# --- Officer statistics -----------------------------------------------------------------------


def test_officer_statistics_by_street_with_a_total_and_in_the_api(elder: Any, worker: Any) -> None:
    from silvercare.alerts.models import Alert
    from silvercare.alerts.services import alert_acknowledge, alert_raise, alert_resolve

    ctx = AuditContext(actor=worker, via="test")
    second = testing.make_elder(
        worker, testing.COMMUNITY_A2, name="第二位", id_number=testing.id_number(seq=91)
    )
    for person, kind in ((elder, "sos"), (second, "sos"), (elder, "fall")):
        raised = alert_raise(
            elder_id=person.pk,
            kind=kind,
            severity="urgent",
            occurred_at=timezone.now(),
            reason="x",
            params={},
            source="test",
        )
        alert = Alert.objects.get(pk=raised.alert_id)
        alert_acknowledge(ctx=ctx, alert=alert)
        if kind == "sos":
            alert_resolve(
                ctx=ctx,
                alert=Alert.objects.get(pk=alert.pk),
                resolution="false_alarm" if person == elder else "handled",
                note="ok",
            )
    officer = testing.make_user("civil_affairs", "440304000000", "officer")
    client = client_for(officer)
    by_community = client.get("/alerts/stats/").content.decode()
    assert 'id="alert-stats-total"' in by_community
    by_street = client.get("/alerts/stats/?level=street")
    rows = by_street.context["rows"]
    assert [(r.region_code, r.total, r.closed, r.false_alarms) for r in rows] == [
        (testing.STREET_A, 3, 2, 1)
    ]
    assert "50% (1/2)" in by_street.content.decode()
    api = client.get("/api/v1/alerts/stats/?level=community").json()
    assert [(r["region_code"], r["total"]) for r in api] == [
        (testing.COMMUNITY_A1, 2),
        (testing.COMMUNITY_A2, 1),
        ("", 3),
    ]
    assert api[-1]["false_alarm_share"] == 0.5 and api[-1]["ack_p50_seconds"] is not None
    assert client_for(worker).get("/api/v1/alerts/stats/").status_code == 403
