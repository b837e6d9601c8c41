"""Assessment sessions through the API and pages: booking, answering, scoring with the
region's rules, signing, completion, immutability, corrections, scope and due lists."""

from __future__ import annotations

import datetime as dt
import io
import json
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from silvercare.assessments.instruments import GBT42195
from silvercare.assessments.models import Assessment, AssessmentPolicy
from silvercare.assessments.selectors import assessment_current_level, assessment_stats
from silvercare.common.testing import (
    COMMUNITY_A1,
    COMMUNITY_LUOHU,
    client_for,
    make_assessor,
    make_elder,
    make_user,
)
from silvercare.elders.models import Elder

pytestmark = pytest.mark.django_db
FULL = {item.code: item.max_score for item in GBT42195.items}


def qualified_assessor(region: str = "440304000000", username: str | None = None) -> Any:
    return make_assessor(region, username)


@pytest.fixture
def world(worker: Any) -> dict[str, Any]:
    assessor = qualified_assessor(username="assessor_a")
    elder = make_elder(worker, COMMUNITY_A1, name="评估对象")
    return {
        "worker": worker,
        "assessor": assessor,
        "elder": elder,
        "booker": client_for(worker),
        "api": client_for(assessor),
    }


def post_booking(world: dict[str, Any], **extra: Any) -> Any:
    body = {
        "elder_id": str(world["elder"].pk),
        "reason": "first",
        "scheduled_for": timezone.localdate().isoformat(),
        "assessor_id": world["assessor"].pk,
        **extra,
    }
    return world["booker"].post("/api/v1/assessments/", body, content_type="application/json")


def book(world: dict[str, Any], **extra: Any) -> dict[str, Any]:
    response = post_booking(world, **extra)
    assert response.status_code == 201, response.content
    return dict(response.json())


def run(
    api: Client,
    aid: str,
    items: dict[str, int],
    forms: dict[str, Any] | None = None,
    capture: Any = None,
) -> dict[str, Any]:
    assert (
        api.put(
            f"/api/v1/assessments/{aid}/answers",
            {"items": items, "forms": forms or {}},
            content_type="application/json",
        ).status_code
        == 200
    )
    assert api.post(f"/api/v1/assessments/{aid}/submit").status_code == 200
    assert (
        api.post(
            f"/api/v1/assessments/{aid}/sign",
            {"informant_name": "女儿"},
            content_type="application/json",
        ).status_code
        == 200
    )
    with capture(execute=True):
        done = api.post(f"/api/v1/assessments/{aid}/complete")
    assert done.status_code == 200, done.content
    return dict(done.json())


def test_full_session_sets_the_level_everywhere(  # type: ignore[no-untyped-def]
    world, django_capture_on_commit_callbacks
) -> None:
    booked = book(world)
    assert booked["status"] == "booked"
    items = {**FULL, "B.1.3": 2, "B.2.4": 1}  # total 86 → level 1
    forms = {"A.4.1": ["F00-F03"], "A.2.14.1": "once", "A.2.14.2": "once", "A.5.11": "no"}
    done = run(world["api"], booked["id"], items, forms, django_capture_on_commit_callbacks)
    assert done["status"] == "completed"
    assert done["total"] == 86 and done["preliminary_level"] == 1
    assert done["final_level"] == 2  # +1 once: dementia and two risk events do not stack
    codes = [r["code"] for r in done["result"]["reasons"]]
    assert codes == ["dementia_diagnosis", "care_risk_events"]
    assert done["rules"]["stack_raises"] is False
    elder = Elder.objects.get(pk=world["elder"].pk)
    assert elder.ability_level == 2  # the event updated the registry
    assert elder.reassessment_due_on is not None
    level = assessment_current_level(elder)
    assert level is not None and level.level == 2
    page = world["booker"].get(f"/elders/{elder.pk}/").content.decode()
    assert 'id="current-level"' in page and "level-history" in page
    api_level = world["booker"].get(f"/api/v1/assessments/elders/{elder.pk}/level").json()
    assert api_level["level"] == 2 and len(api_level["history"]) == 1


def test_region_policy_is_applied_and_recorded(  # type: ignore[no-untyped-def]
    world, django_capture_on_commit_callbacks
) -> None:
    AssessmentPolicy.objects.create(
        region_id="440304000000", stack_raises=True, reassessment_months=6
    )
    booked = book(world)
    forms = {"A.4.1": ["F00-F03"], "A.2.14.1": "twice"}
    done = run(world["api"], booked["id"], dict(FULL), forms, django_capture_on_commit_callbacks)
    assert done["preliminary_level"] == 0 and done["final_level"] == 2  # stacked: +2
    assert done["rules"]["stack_raises"] is True
    assert done["rules"]["policy_region"] == "440304000000"
    completed = dt.date.fromisoformat(done["completed_at"][:10])
    assert dt.date.fromisoformat(done["next_due_on"]) > completed + dt.timedelta(days=150)
    assert dt.date.fromisoformat(done["next_due_on"]) < completed + dt.timedelta(days=200)


def test_coma_overrides_high_scores(  # type: ignore[no-untyped-def]
    world, django_capture_on_commit_callbacks
) -> None:
    done = run(
        world["api"],
        book(world)["id"],
        dict(FULL),
        {"A.5.11": "yes"},
        django_capture_on_commit_callbacks,
    )
    assert done["total"] == 90 and done["final_level"] == 4


def test_completed_assessment_is_immutable_and_corrected_by_a_new_one(  # type: ignore[no-untyped-def]
    world, django_capture_on_commit_callbacks
) -> None:
    first = run(world["api"], book(world)["id"], dict(FULL), {}, django_capture_on_commit_callbacks)
    api = world["api"]
    before = Assessment.objects.values().get(pk=first["id"])
    for method, url, body in [
        ("put", "answers", {"items": {"B.1.1": 0}}),
        ("post", "submit", None),
        ("post", "sign", {"informant_name": "x"}),
        ("post", "complete", None),
        ("post", "cancel", {"note": "x"}),
    ]:
        response = getattr(api, method)(
            f"/api/v1/assessments/{first['id']}/{url}",
            json.dumps(body or {}),
            content_type="application/json",
        )
        assert response.status_code == 409, (url, response.content)
        assert response.json()["code"] == "assessment_completed"
    assert Assessment.objects.values().get(pk=first["id"]) == before
    # A correction without a reason is refused; with one it references the original.
    missing = post_booking(world, reason="review", corrects_id=first["id"])
    assert missing.status_code == 422
    assert missing.json()["errors"][0]["code"] == "correction_reason_required"
    fix = book(
        world, reason="review", corrects_id=first["id"], correction_reason="B.1.1 recorded wrongly"
    )
    done = run(
        api,
        fix["id"],
        {
            **FULL,
            "B.1.1": 0,
            "B.1.2": 0,
            "B.1.3": 0,
            "B.1.4": 0,
            "B.1.5": 0,
            "B.1.6": 0,
            "B.1.7": 0,
        },
        {},
        django_capture_on_commit_callbacks,
    )
    assert done["corrects_id"] == first["id"] and done["final_level"] == 2  # 62 points
    level = assessment_current_level(world["elder"])
    assert level is not None and str(level.assessment_id) == fix["id"]
    assert Assessment.objects.get(pk=first["id"]).final_level == 0


def test_two_assessors_when_the_region_requires_it(  # type: ignore[no-untyped-def]
    world, django_capture_on_commit_callbacks
) -> None:
    AssessmentPolicy.objects.create(region_id="440304001000", requires_two_assessors=True)
    second = qualified_assessor(username="assessor_b")
    booked = book(world, second_assessor_id=second.pk)
    assert booked["requires_two_assessors"] is True
    api = world["api"]
    api.put(
        f"/api/v1/assessments/{booked['id']}/answers",
        {"items": FULL},
        content_type="application/json",
    )
    api.post(f"/api/v1/assessments/{booked['id']}/submit")
    api.post(
        f"/api/v1/assessments/{booked['id']}/sign",
        {"informant_name": "本人"},
        content_type="application/json",
    )
    refused = api.post(f"/api/v1/assessments/{booked['id']}/complete")
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "second_assessor"
    other = client_for(second)
    assert (
        other.post(
            f"/api/v1/assessments/{booked['id']}/sign", "{}", content_type="application/json"
        ).status_code
        == 200
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert other.post(f"/api/v1/assessments/{booked['id']}/complete").status_code == 200


def test_only_qualified_assessors_of_the_area_perform(world) -> None:  # type: ignore[no-untyped-def]
    unqualified = make_user("assessor", "440304000000")
    response = post_booking(world, assessor_id=unqualified.pk)
    assert response.status_code == 422
    assert response.json()["errors"][0]["code"] == "assessor_not_qualified"
    luohu_assessor = qualified_assessor("440303000000")
    response = post_booking(world, assessor_id=luohu_assessor.pk)
    # Outside the elder's area: answered like a missing user, without the name.
    assert response.json()["errors"][0]["code"] == "unknown_user"
    booked = book(world)
    # The community worker who booked it cannot answer it.
    answered = world["booker"].put(
        f"/api/v1/assessments/{booked['id']}/answers",
        {"items": {"B.1.1": 4}},
        content_type="application/json",
    )
    assert answered.status_code == 403
    # An assessor of another district does not even see it.
    outsider = client_for(luohu_assessor)
    assert outsider.get(f"/api/v1/assessments/{booked['id']}").status_code == 404
    assert outsider.get(f"/assessments/{booked['id']}/").status_code == 404
    assert outsider.get(f"/assessments/{booked['id']}/step/self_care/").status_code == 404


def test_same_error_codes_from_command_api_and_form(world, tmp_path) -> None:  # type: ignore[no-untyped-def]
    bad_score = {**FULL, "B.1.3": 5}
    unknown = {**FULL, "B.9.9": 1}
    booked = book(world)
    for items, code, item in [
        (bad_score, "invalid_score", "B.1.3"),
        (unknown, "unknown_item", "B.9.9"),
    ]:
        path = tmp_path / "record.json"
        path.write_text(json.dumps({"instrument": "gbt42195-2022", "items": items}))
        err = io.StringIO()
        out = io.StringIO()
        with pytest.raises(SystemExit) as exited:
            call_command("assess_score", str(path), stdout=out, stderr=err)
        assert exited.value.code == 2
        assert out.getvalue() == ""
        assert f"record 0: item {item}: {code}" in err.getvalue()
        scored = world["api"].post(
            "/api/v1/assessments/score",
            {"instrument": "gbt42195-2022", "items": items},
            content_type="application/json",
        )
        assert scored.status_code == 422
        assert (scored.json()["errors"][0]["field"], scored.json()["errors"][0]["code"]) == (
            item,
            code,
        )
        saved = world["api"].put(
            f"/api/v1/assessments/{booked['id']}/answers",
            {"items": {item: items[item]}},
            content_type="application/json",
        )
        assert saved.status_code == 422
        assert (saved.json()["errors"][0]["field"], saved.json()["errors"][0]["code"]) == (
            item,
            code,
        )
    form = world["api"].post(
        f"/assessments/{booked['id']}/step/self_care/", {"B.1.3": "5", "save": "1"}
    )
    assert form.status_code == 422
    assert "B.1.3" in form.content.decode() and 'role="alert"' in form.content.decode()
    assert Assessment.objects.get(pk=booked["id"]).items == {}


def test_missing_items_block_scoring(world) -> None:  # type: ignore[no-untyped-def]
    booked = book(world)
    api = world["api"]
    api.put(
        f"/api/v1/assessments/{booked['id']}/answers",
        {"items": {"B.1.1": 4}},
        content_type="application/json",
    )
    response = api.post(f"/api/v1/assessments/{booked['id']}/submit")
    assert response.status_code == 422
    assert response.json()["errors"][0]["code"] == "missing_item"
    assert Assessment.objects.get(pk=booked["id"]).status == "in_progress"


def test_tablet_form_steps_save_and_resume(world) -> None:  # type: ignore[no-untyped-def]
    booked = book(world)
    api = world["api"]
    page = api.get(f"/assessments/{booked['id']}/step/self_care/").content.decode()
    assert "独立使用器具将食物送进口中并咽下，没有呛咳" in page  # B.1.1 option 4, verbatim
    post = {code: str(FULL[code]) for code in GBT42195.domain("self_care").item_codes}
    response = api.post(f"/assessments/{booked['id']}/step/self_care/", {**post, "next": "1"})
    assert response.status_code == 302
    assert response["Location"].endswith("/step/basic_motor/")
    saved = Assessment.objects.get(pk=booked["id"])
    assert saved.status == "in_progress" and len(saved.items) == 8
    appendix = api.post(
        f"/assessments/{booked['id']}/step/A/",
        {
            "A.5.11": "no",
            "A.4.1": ["F00-F03"],
            "A.4.1.icd10": "I10, f01.1",
            "A.2.14.1": "once",
            "A.4.2[0]A.4.2.1": "阿司匹林",
            "save": "1",
        },
    )
    assert appendix.status_code == 302
    forms = Assessment.objects.get(pk=booked["id"]).forms
    assert forms["A.4.1"] == ["F00-F03"] and forms["A.4.1.icd10"] == ["I10", "F01.1"]
    assert forms["A.4.2"] == [{"A.4.2.1": "阿司匹林"}]
    assert "A.1.3" not in forms or forms["A.1.3"] in ("first", "")


def test_due_list_and_triggers(  # type: ignore[no-untyped-def]
    world, django_capture_on_commit_callbacks
) -> None:
    run(world["api"], book(world)["id"], dict(FULL), {}, django_capture_on_commit_callbacks)
    booker = world["booker"]
    assert booker.get("/api/v1/assessments/due?within_days=30").json() == []
    with django_capture_on_commit_callbacks(execute=True):
        response = booker.post(
            f"/api/v1/assessments/elders/{world['elder'].pk}/triggers",
            {"reason": "hospital_discharge"},
            content_type="application/json",
        )
    assert response.status_code == 201
    due = booker.get("/api/v1/assessments/due?within_days=0").json()
    assert [d["name"] for d in due] == ["评估对象"]
    page = booker.get("/assessments/due/?within=0").content.decode()
    assert "评估对象" in page
    Elder.objects.filter(pk=world["elder"].pk).update(
        reassessment_due_on=timezone.localdate() - dt.timedelta(days=3)
    )
    assert booker.get("/api/v1/assessments/due").json()[0]["overdue"] is True
    luohu = make_user("community_worker", "440303001000")
    make_elder(luohu, COMMUNITY_LUOHU, name="别区老人")
    assert client_for(luohu).get("/api/v1/assessments/due").json() == []


def test_stats_by_level_region_and_period(  # type: ignore[no-untyped-def]
    world, django_capture_on_commit_callbacks
) -> None:
    run(
        world["api"],
        book(world)["id"],
        {
            **FULL,
            "B.1.1": 0,
            "B.1.2": 0,
            "B.1.3": 0,
            "B.1.4": 0,
            "B.1.5": 0,
            "B.1.6": 0,
            "B.1.7": 0,
            "B.1.8": 0,
            "B.2.1": 0,
            "B.2.2": 0,
            "B.2.3": 0,
            "B.2.4": 0,
        },
        {},
        django_capture_on_commit_callbacks,
    )
    make_elder(world["worker"], COMMUNITY_A1, name="未评估")
    stats = assessment_stats(actor=world["worker"])
    assert stats["assessments_by_level"] == {0: 0, 1: 0, 2: 0, 3: 1, 4: 0}  # 43 points
    assert stats["elders_assessed"] == 1 and stats["active_elders"] == 2
    assert stats["share_level_2_plus"] == 1.0 and stats["reassessment_coverage"] == 0.5
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    later = world["booker"].get(f"/api/v1/assessments/stats?start={tomorrow}").json()
    assert later["assessments"] == 0
    caregiver = make_user("caregiver", "440304001000")
    assert client_for(caregiver).get("/api/v1/assessments/stats").status_code == 404


def test_ltc_grading_only_where_a_region_confirmed_it(world) -> None:  # type: ignore[no-untyped-def]
    from silvercare.assessments.instruments import LTC2021

    items = {item.code: item.max_score for item in LTC2021.items}
    api = world["api"]
    first = book(world, instrument="ltc-2021")
    api.put(
        f"/api/v1/assessments/{first['id']}/answers",
        {"items": items},
        content_type="application/json",
    )
    scored = api.post(f"/api/v1/assessments/{first['id']}/submit").json()
    assert scored["result"]["grade"] is None  # unverified national table: not applied
    assert scored["result"]["domains"]
    AssessmentPolicy.objects.create(region_id="440304000000", ltc_grading_confirmed=True)
    second = book(world, instrument="ltc-2021")
    api.put(
        f"/api/v1/assessments/{second['id']}/answers",
        {"items": items},
        content_type="application/json",
    )
    graded = api.post(f"/api/v1/assessments/{second['id']}/submit").json()
    assert graded["result"]["grade"]["level"] == 0
    assert "to be confirmed" in graded["result"]["grade"]["status"]


def test_back_office_changes_to_policy_and_certificates_are_audited(regions) -> None:  # type: ignore[no-untyped-def]
    from silvercare.audit.models import AuditEvent

    admin_user = make_user("system_admin", "440000000000", "root")
    client = client_for(admin_user)
    response = client.post(
        "/admin/assessments/assessmentpolicy/add/",
        {
            "region": "440304000000",
            "reassessment_months": "6",
            "coma_level": "4",
            "risk_event_threshold": "2",
            "risk_event_counting": "sum",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert AssessmentPolicy.objects.get().reassessment_months == 6
    assert AuditEvent.objects.filter(entity_type="assessment_policy", via="admin").exists()
    assessor = make_user("assessor", "440304000000", "new_assessor")
    response = client.post(
        "/admin/training/qualification/add/",
        {
            "user": str(assessor.pk),
            "kind": "assessor",
            "number": "SZ-9",
            "valid_from": "2026-01-01",
        },
    )
    assert response.status_code == 302
    assert AuditEvent.objects.filter(
        entity_type="user", entity_id=str(assessor.pk), summary="qualification SZ-9"
    ).exists()
