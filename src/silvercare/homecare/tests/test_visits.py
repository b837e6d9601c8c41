"""At the home: check-in and check-out with the position (far from home or far too short
is flagged, never refused; the tolerance is the provider's), the checklist, the caregiver's
own visits only, a supervisor's approval, ratings and complaints tracked to closure."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from silvercare.audit.services import AuditContext
from silvercare.common.errors import DomainError
from silvercare.common.testing import client_for
from silvercare.homecare import services
from silvercare.homecare.models import Complaint, Provider, Visit

pytestmark = pytest.mark.django_db
HOME = (22.551, 114.091)  # the elder's home (conftest)
ABOUT_1_KM_NORTH = (22.560, 114.091)


@pytest.fixture
def visit(
    worker: Any, elder: Any, provider: Any, bathing: Any, admin: Any, caregivers: list[Any]
) -> Visit:
    """Today's bath, accepted and on 李梅's route."""
    order = services.order_create(
        ctx=AuditContext(actor=worker),
        elder=elder,
        service_type=bathing,
        provider=provider,
        first_date=timezone.localdate(),
        window_start=0,
        window_end=1440,
    )
    services.order_accept(ctx=AuditContext(actor=admin), order=order)
    Visit.objects.filter(order=order).update(
        status="scheduled", caregiver=caregivers[0], sequence=1, planned_arrival=540
    )
    return order.visits.get()


def _step(client: Any, visit: Visit, step: str, **data: Any) -> Visit:
    response = client.post(f"/care/today/{visit.pk}/{step}/", data)
    assert response.status_code == 302
    visit.refresh_from_db()
    return visit


def test_check_in_at_the_home_then_a_full_visit_is_not_flagged(
    visit: Visit, caregiver_user: Any
) -> None:
    client = client_for(caregiver_user)
    page = client.get("/care/today/").content.decode()
    assert "陈阿婆" in page and "09:00" in page
    _step(client, visit, "check-in", lat=HOME[0] + 0.0005, lon=HOME[1])
    assert visit.status == "in_progress"
    assert 40 < visit.check_in_distance_m < 70  # about 55 m: recorded
    later = timezone.now() + dt.timedelta(minutes=62)
    done = services.visit_check_out(
        ctx=AuditContext(actor=caregiver_user),
        visit=visit,
        lat=HOME[0],
        lon=HOME[1],
        done=["调节水温", "协助洗浴"],
        notes="皮肤完好",
        at=later,
    )
    assert (done.status, done.flags, done.actual_minutes) == ("completed", [], 62)
    assert done.checklist_done == ["调节水温", "协助洗浴"]
    assert not done.held


def test_far_from_home_and_far_too_short_are_flagged_not_refused(
    visit: Visit, caregiver_user: Any
) -> None:
    client = client_for(caregiver_user)
    _step(client, visit, "check-in", lat=ABOUT_1_KM_NORTH[0], lon=ABOUT_1_KM_NORTH[1])
    assert visit.status == "in_progress"
    assert visit.flags == ["far_from_home"]
    assert 950 < visit.check_in_distance_m < 1050
    _step(client, visit, "check-out", lat=HOME[0], lon=HOME[1], done=["调节水温"])
    assert visit.status == "completed"
    assert visit.flags == ["far_from_home", "too_short"]
    assert visit.held
    assert client_for(caregiver_user).get("/care/today/").status_code == 200


def test_the_tolerance_is_the_providers(
    visit: Visit, caregiver_user: Any, provider: Provider
) -> None:
    Provider.objects.filter(pk=provider.pk).update(checkin_tolerance_m=2000)
    _step(
        client_for(caregiver_user),
        visit,
        "check-in",
        lat=ABOUT_1_KM_NORTH[0],
        lon=ABOUT_1_KM_NORTH[1],
    )
    assert visit.flags == []


def test_no_position_is_flagged(visit: Visit, caregiver_user: Any) -> None:
    _step(client_for(caregiver_user), visit, "check-in")
    assert (visit.status, visit.flags, visit.check_in_distance_m) == (
        "in_progress",
        ["no_location"],
        None,
    )


def test_only_the_planned_caregiver_checks_in(
    visit: Visit, caregivers: list[Any], regions: None
) -> None:
    from silvercare.common.testing import STREET_A, make_user

    stranger = make_user("caregiver", STREET_A, "carer_other")
    with pytest.raises(DomainError) as caught:
        services.visit_check_in(ctx=AuditContext(actor=stranger), visit=visit, lat=0.0, lon=0.0)
    assert caught.value.code == "not_your_visit"
    assert client_for(stranger).get(f"/care/today/{visit.pk}/").status_code == 404
    visit.refresh_from_db()
    assert visit.status == "scheduled"


def test_supervisor_approves_a_flagged_visit(
    visit: Visit, caregiver_user: Any, officer: Any
) -> None:
    ctx = AuditContext(actor=caregiver_user)
    services.visit_check_in(ctx=ctx, visit=visit, lat=None, lon=None)
    services.visit_check_out(ctx=ctx, visit=visit, lat=None, lon=None)
    visit.refresh_from_db()
    assert visit.held
    page = client_for(officer).get("/care/visits/flagged/").content.decode()
    assert f"/care/visits/{visit.pk}/" in page
    client_for(officer).post(f"/care/visits/{visit.pk}/record/approve/")
    visit.refresh_from_db()
    assert not visit.held and visit.flags_approved_by == officer


def test_rating_and_a_complaint_tracked_to_closure(
    visit: Visit, caregiver_user: Any, worker: Any, admin: Any
) -> None:
    ctx = AuditContext(actor=caregiver_user)
    services.visit_check_in(ctx=ctx, visit=visit, lat=HOME[0], lon=HOME[1])
    services.visit_check_out(ctx=ctx, visit=visit, lat=HOME[0], lon=HOME[1])
    client = client_for(worker)
    client.post(f"/care/visits/{visit.pk}/record/rating/", {"rating": "4", "by": "family"})
    client.post(f"/care/visits/{visit.pk}/record/complaint/", {"by": "elder", "text": "水太凉"})
    assert visit.feedback.get().rating == 4
    complaint = Complaint.objects.get()
    assert complaint.status == "open"
    api = client_for(admin)
    closing = api.post(
        f"/api/v1/care/complaints/{complaint.pk}",
        {"status": "closed", "resolution": ""},
        content_type="application/json",
    )
    assert closing.status_code == 422  # a resolution is needed to close
    closing = api.post(
        f"/api/v1/care/complaints/{complaint.pk}",
        {"status": "closed", "resolution": "已道歉并培训护理员"},
        content_type="application/json",
    )
    assert closing.status_code == 200 and closing.json()["status"] == "closed"
    again = api.post(
        f"/api/v1/care/complaints/{complaint.pk}",
        {"status": "in_progress", "resolution": ""},
        content_type="application/json",
    )
    assert again.status_code == 409
