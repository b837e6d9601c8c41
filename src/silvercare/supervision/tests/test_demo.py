"""The demo city's supervision: credit grades, a listing under appeal, past draws with
published results that verify, an open draw for the demo inspector, a Futian warning."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.test import Client

from silvercare.accounts.models import User
from silvercare.common.testing import client_for
from silvercare.supervision import demo, services
from silvercare.supervision.models import BlacklistEntry, CreditSubject, InspectionDraw

pytestmark = pytest.mark.django_db


def test_the_demo_shows_credit_draws_results_and_a_warning() -> None:
    call_command("demo", "--elders", "30", stdout=io.StringIO())
    draws = list(InspectionDraw.objects.order_by("drawn_at"))
    assert [d.status for d in draws] == ["published", "published", "drawn"]
    assert all(services.draw_problems(d) == [] for d in draws)
    assert CreditSubject.objects.exclude(grade="").count() >= 30
    assert set(CreditSubject.objects.values_list("grade", flat=True)) >= {"B", "D"}
    assert BlacklistEntry.objects.get().appeal_status == "filed"

    public = Client().get(f"/supervision/public/inspections/{draws[0].pk}/")
    assert public.status_code == 200
    assert draws[0].seed in public.content.decode()

    inspector = User.objects.get(username="inspector")
    mine = client_for(inspector).get("/supervision/inspections/mine/").content.decode()
    assert draws[-1].title in mine
    worker = User.objects.get(username="community_worker")
    assert "会销骗局" in client_for(worker).get("/").content.decode()
    luohu = User.objects.get(username="community_worker_luohu")
    assert "会销骗局" not in client_for(luohu).get("/").content.decode()
    assert demo.seed_demo() == {"draws": 0}
