"""Courses and sessions: enrolment with a waiting list, attendance, completion, certificates
and their public check, and the suggestions from recent assessments."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from silvercare.audit.services import AuditContext
from silvercare.common.testing import client_for
from silvercare.training import services
from silvercare.training.models import Certificate, Enrolment

pytestmark = pytest.mark.django_db
API = "/api/v1/training"


def _enrol(client: Client, session: Any, contact: Any, **extra: Any) -> Any:
    return client.post(
        f"{API}/sessions/{session.pk}/enrolments",
        {"contact_id": contact.pk, **extra},
        content_type="application/json",
    )


def test_enrolment_past_capacity_is_refused_then_waits_and_is_promoted(
    organiser: Any, make_session: Callable[..., Any], family: list[Any]
) -> None:
    session = make_session(capacity=2)
    client = client_for(organiser)
    assert _enrol(client, session, family[0]).status_code == 201
    assert _enrol(client, session, family[1]).status_code == 201
    full = _enrol(client, session, family[2])
    assert full.status_code == 409
    assert full.json()["code"] == "session_full"
    assert "2" in full.json()["title"]
    assert not Enrolment.objects.filter(contact=family[2]).exists()
    waiting = _enrol(client, session, family[2], waitlist=True)
    assert waiting.json()["status"] == "waiting"
    second = _enrol(client, session, family[3], waitlist=True)
    assert second.json()["status"] == "waiting"
    twice = _enrol(client, session, family[0])
    assert twice.status_code == 409 and twice.json()["code"] == "already_enrolled"

    first_id = Enrolment.objects.get(contact=family[0]).pk
    withdrawn = client.post(f"{API}/enrolments/{first_id}/withdraw")
    assert withdrawn.status_code == 200
    assert withdrawn.json()["promoted"]["person_name"] == family[2].name
    statuses = dict(Enrolment.objects.values_list("person_name", "status"))
    assert statuses == {
        family[0].name: "withdrawn",
        family[1].name: "enrolled",
        family[2].name: "enrolled",
        family[3].name: "waiting",
    }


def test_attendance_before_the_start_is_refused(
    organiser: Any, make_session: Callable[..., Any], family: list[Any]
) -> None:
    session = make_session(starts_in=dt.timedelta(days=3))
    client = client_for(organiser)
    enrolment_id = _enrol(client, session, family[0]).json()["id"]
    early = client.post(
        f"{API}/enrolments/{enrolment_id}/attendance", {}, content_type="application/json"
    )
    assert early.status_code == 409
    assert early.json()["code"] == "session_not_started"
    assert Enrolment.objects.get(pk=enrolment_id).attended_at is None
    # On the page the refusal is a message, not an error page.
    page = client.post(f"/training/enrolments/{enrolment_id}/attend/", follow=True)
    assert page.status_code == 200
    assert Enrolment.objects.get(pk=enrolment_id).attended_at is None


def test_certificate_only_after_completion_and_checkable_in_public(
    organiser: Any, make_session: Callable[..., Any], family: list[Any]
) -> None:
    session = make_session()
    client = client_for(organiser)
    enrolment_id = _enrol(client, session, family[0]).json()["id"]
    refused = client.post(f"{API}/enrolments/{enrolment_id}/certificate")
    assert refused.status_code == 409 and refused.json()["code"] == "not_completed"
    not_attended = client.post(f"{API}/enrolments/{enrolment_id}/complete")
    assert not_attended.status_code == 409 and not_attended.json()["code"] == "not_attended"
    attended = client.post(
        f"{API}/enrolments/{enrolment_id}/attendance", {}, content_type="application/json"
    )
    assert attended.json()["attended_at"] is not None
    assert client.post(f"{API}/enrolments/{enrolment_id}/complete").status_code == 200
    issued = client.post(f"{API}/enrolments/{enrolment_id}/certificate")
    assert issued.status_code == 201
    code = issued.json()["code"]
    assert issued.json()["valid_until"] is not None  # the course's 24 months

    # The course leads to a qualification: the family member now holds it.
    from silvercare.training.selectors import qualification_valid

    assert qualification_valid(family[0], "family_caregiver")

    # Anyone may check the code: masked name, course, date, valid.
    anonymous = Client()
    answer = anonymous.get(f"{API}/certificates/verify", {"code": code.lower().replace("-", " ")})
    assert answer.status_code == 200
    assert answer.json() == {
        "found": True,
        "valid": True,
        "name_masked": family[0].name[0] + "*",
        "course": "居家转移与防跌倒",
        "completed_on": timezone.localdate().isoformat(),
        "valid_until": answer.json()["valid_until"],
    }
    page = anonymous.get("/training/verify/", {"code": code}).content.decode()
    assert family[0].name[0] + "*" in page and family[0].name not in page
    assert "居家转移与防跌倒" in page
    assert (
        anonymous.get(f"{API}/certificates/verify", {"code": "AAAA-BBBB-CCCC"}).json()["found"]
        is False
    )
    Certificate.objects.filter(code=code).update(revoked_at=timezone.now())
    assert anonymous.get(f"{API}/certificates/verify", {"code": code}).json()["valid"] is False

    pdf = client.get(f"/training/certificates/{Certificate.objects.get(code=code).pk}.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_families_of_elders_assessed_at_level_3_are_suggested(
    organiser: Any,
    make_session: Callable[..., Any],
    family: list[Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    from silvercare.assessments import services as assessment_services
    from silvercare.assessments.instruments import get_instrument
    from silvercare.common.testing import make_assessor

    assessor = make_assessor(username="training_assessor")
    as_assessor = AuditContext(actor=assessor, via="test")
    elder_severe, elder_able = family[0].elder, family[2].elder
    for elder, drop in ((elder_severe, 50), (elder_able, 0)):
        items = {item.code: item.max_score for item in get_instrument("gbt42195-2022").items}
        left = drop
        for code in items:
            take = min(left, items[code])
            items[code] -= take
            left -= take
        booked = assessment_services.assessment_book(
            ctx=AuditContext(actor=organiser, via="test"),
            elder=elder,
            reason="first",
            scheduled_for=timezone.localdate(),
            assessor=assessor,
        )
        booked = assessment_services.assessment_save_answers(
            ctx=as_assessor,
            assessment=booked,
            items=items,
            forms={"A.5.11": "no", "A.2.14.1": "none", "A.2.14.2": "none"},
        )
        booked = assessment_services.assessment_submit(ctx=as_assessor, assessment=booked)
        booked = assessment_services.assessment_sign(
            ctx=as_assessor, assessment=booked, informant_name="王小明"
        )
        with django_capture_on_commit_callbacks(execute=True):
            assessment_services.assessment_complete(ctx=as_assessor, assessment=booked)
    session = make_session(capacity=5)
    client = client_for(organiser)
    names = [s["name"] for s in client.get(f"{API}/sessions/{session.pk}/suggestions").json()]
    assert names == [family[0].name, family[1].name]
    _enrol(client, session, family[0])
    names = [s["name"] for s in client.get(f"{API}/sessions/{session.pk}/suggestions").json()]
    assert names == [family[1].name]
    page = client.get(f"/training/sessions/{session.pk}/").content.decode()
    assert family[1].name in page and family[2].name not in page


def test_scheduling_refuses_bad_times_and_capacity(organiser: Any, course: Any) -> None:
    client = client_for(organiser)
    start = timezone.now() + dt.timedelta(days=2)
    body = {
        "course_id": str(course.pk),
        "region_code": "440304001001",
        "place": "社区中心",
        "starts_at": start.isoformat(),
        "ends_at": (start - dt.timedelta(hours=1)).isoformat(),
        "trainer": "刘芳",
        "capacity": 0,
    }
    response = client.post(f"{API}/sessions", body, content_type="application/json")
    assert response.status_code == 422
    body["capacity"] = 10
    response = client.post(f"{API}/sessions", body, content_type="application/json")
    assert response.status_code == 422
    assert response.json()["errors"][0]["code"] == "time_invalid"
    body["ends_at"] = (start + dt.timedelta(hours=2)).isoformat()
    assert client.post(f"{API}/sessions", body, content_type="application/json").status_code == 201


def test_services_refuse_an_organiser_of_another_district(
    other_worker: Any, make_session: Callable[..., Any], family: list[Any]
) -> None:
    session = make_session()
    with pytest.raises(services.DomainError):
        services.enrol(ctx=AuditContext(actor=other_worker), session=session, contact=family[0])
    assert not Enrolment.objects.exists()
