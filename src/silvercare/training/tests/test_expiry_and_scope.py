"""Expiry lists per area and employer, reminders (command), workforce counts and targets,
and region scope of every training read."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from io import StringIO
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from silvercare.audit.services import AuditContext
from silvercare.common.testing import STREET_A, STREET_B, STREET_LUOHU, client_for, make_user
from silvercare.training import services
from silvercare.training.models import Reminder, WorkforceTarget

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(regions: None) -> dict[str, Any]:
    """Qualifications in Futian (two streets, two employers) and one in Luohu."""
    today = timezone.localdate()
    ctx = AuditContext(actor=None, via="test")
    people = {}
    rows = [
        ("a_soon", "caregiver", STREET_A, 20, "颐康护理站", "boss@example.com"),
        ("a_later", "caregiver", STREET_A, 200, "颐康护理站", ""),
        ("a_gone", "assessor", STREET_A, -5, "", ""),
        ("b_soon", "at_consultant", STREET_B, 59, "福田辅具中心", ""),
        ("b_edge", "at_consultant", STREET_B, 61, "福田辅具中心", ""),
        ("lh_soon", "caregiver", STREET_LUOHU, 10, "罗湖护理站", ""),
    ]
    for name, kind, region, days, employer, email in rows:
        user = make_user("caregiver", region, name)
        user.email = f"{name}@example.com" if name == "a_soon" else ""
        user.save(update_fields=["email"])
        people[name] = services.qualification_record(
            ctx=ctx,
            kind=kind,
            level=4 if kind == "caregiver" else None,
            user=user,
            number=f"N-{name}",
            valid_from=today - dt.timedelta(days=500),
            valid_until=today + dt.timedelta(days=days),
            employer=employer,
            employer_email=email,
            check_actor=False,
        )
    return people


def test_expiry_lists_per_area_and_employer(staff: dict[str, Any], worker: Any) -> None:
    officer = make_user("civil_affairs", "440304000000", "expiry_officer")
    client = client_for(officer)
    expiring = client.get("/api/v1/training/qualifications/expiry").json()
    assert [
        (g["region_code"], g["employer"], [q["number"] for q in g["items"]]) for g in expiring
    ] == [
        (STREET_A, "颐康护理站", ["N-a_soon"]),
        (STREET_B, "福田辅具中心", ["N-b_soon"]),
    ]
    expired = client.get("/api/v1/training/qualifications/expiry", {"state": "expired"}).json()
    assert [[q["number"] for q in g["items"]] for g in expired] == [["N-a_gone"]]
    page = client.get("/training/qualifications/expiring/").content.decode()
    assert "N-a_soon" in page and "N-b_soon" in page and "N-b_edge" not in page
    assert "N-lh_soon" not in page  # Luohu is not the officer's
    # The street worker sees only street A.
    mine = client_for(worker).get("/api/v1/training/qualifications/expiry").json()
    assert [g["region_code"] for g in mine] == [STREET_A]


def test_reminders_command_records_each_stage_once(
    staff: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("qualification_reminders", stdout=out)
    assert "reminders recorded" in out.getvalue()
    soon = staff["a_soon"]
    assert set(
        Reminder.objects.filter(qualification=soon).values_list("recipient", "channel", "stage")
    ) == {
        ("holder", "in_app", "expiring"),
        ("holder", "email", "expiring"),
        ("employer", "email", "expiring"),
    }
    assert sorted(m.to[0] for m in mail.outbox) == ["a_soon@example.com", "boss@example.com"]
    gone = Reminder.objects.get(qualification=staff["a_gone"], recipient="holder")
    assert gone.stage == "expired" and gone.user == staff["a_gone"].user
    assert not Reminder.objects.filter(qualification=staff["a_later"]).exists()
    count = Reminder.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("qualification_reminders", stdout=StringIO())
    assert Reminder.objects.count() == count and len(mail.outbox) == 2
    # The holder sees it on their own page.
    page = client_for(soon.user).get("/training/mine/").content.decode()
    assert "N-a_soon" in page


def test_workforce_counts_per_street_and_targets(staff: dict[str, Any]) -> None:
    import importlib

    from django.apps import apps

    # The shipped targets, as migration 0003 writes them (a transactional test elsewhere in
    # the run may have flushed the migration's rows).
    importlib.import_module("silvercare.training.migrations.0003_workforce_targets").forward(
        apps, None
    )
    officer = make_user("civil_affairs", "440304000000", "workforce_officer")
    WorkforceTarget.objects.create(
        region_code="440300000000",
        name="深圳测试目标",
        kinds=["caregiver", "at_consultant"],
        target=10,
        year=2027,
    )
    body = client_for(officer).get("/api/v1/training/workforce").json()
    assert body["streets"] == [
        {
            "region_code": STREET_A,
            "name": "园岭街道",
            "counts": {"assessor": 0, "caregiver": 2, "at_consultant": 0},
        },
        {
            "region_code": STREET_B,
            "name": "南园街道",
            "counts": {"assessor": 0, "caregiver": 0, "at_consultant": 2},
        },
    ]
    targets = {t["name"]: t for t in body["targets"]}
    # Guangdong's 15,000 (shipped as data) counts what the Futian officer sees.
    assert targets["广东省养老服务人员培训"]["target"] == 15000
    assert targets["广东省养老服务人员培训"]["counted"] == 4
    assert targets["广东省养老服务人员培训"]["whole_region"] is False
    assert "上海市康复辅助器具适配咨询师" not in targets
    assert targets["深圳测试目标"]["counted"] == 4
    page = client_for(officer).get("/training/workforce/").content.decode()
    assert "园岭街道" in page
    assert "15,000" in page or "15000" in page


def test_other_district_sees_nothing_of_street_a(
    staff: dict[str, Any],
    other_worker: Any,
    make_session: Callable[..., Any],
    family: list[Any],
    organiser: Any,
    course: Any,
) -> None:
    session = make_session()
    enrolment = services.enrol(
        ctx=AuditContext(actor=organiser), session=session, contact=family[0]
    )
    client = client_for(other_worker)
    for url in [
        f"/training/courses/{course.pk}/",
        f"/training/sessions/{session.pk}/",
        f"/training/enrolments/{enrolment.pk}/withdraw/",
        f"/api/v1/training/courses/{course.pk}",
        f"/api/v1/training/sessions/{session.pk}",
        f"/api/v1/training/qualifications/{staff['a_soon'].pk}",
    ]:
        assert client.get(url).status_code == 404, url
    assert client.post(f"/api/v1/training/enrolments/{enrolment.pk}/withdraw").status_code == 404
    listed = client.get("/api/v1/training/qualifications").json()
    assert [q["number"] for q in listed["items"]] == ["N-lh_soon"]
    assert client.get("/api/v1/training/courses").json() == []
    assert client.get("/api/v1/training/sessions").json() == []
    page = client.get("/training/qualifications/").content.decode()
    assert "N-a_soon" not in page and "N-lh_soon" in page
