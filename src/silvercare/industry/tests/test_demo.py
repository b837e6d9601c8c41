"""The demo industry data: about 300 enterprises across categories and tiers, facilities in
every district, two years of quarterly reports in every state; a second run adds nothing."""

from __future__ import annotations

import time
from typing import Any

import pytest

from silvercare.common.testing import make_user
from silvercare.demo.city import CITY, demo_regions
from silvercare.industry import selectors
from silvercare.industry.demo import seed_demo
from silvercare.industry.models import Enterprise, Facility, Project, Report
from silvercare.regions.services import regions_upsert

pytestmark = pytest.mark.django_db


def test_demo_industry(regions: None) -> None:
    regions_upsert(rows=demo_regions(), is_demo=True)
    officer = make_user("civil_affairs", CITY, "civil_affairs")
    member = make_user("enterprise", CITY, "enterprise")
    started = time.monotonic()
    counts = seed_demo()
    assert time.monotonic() - started < 60
    assert counts["enterprises"] == 300
    assert Enterprise.objects.values("category").distinct().count() >= 8
    assert Enterprise.objects.filter(tiers__isnull=False).distinct().count() > 50
    districts = {code[:6] for code in Facility.objects.values_list("region_id", flat=True)}
    assert len(districts) == 5
    statuses = set(Report.objects.values_list("status", flat=True))
    assert statuses == {"draft", "submitted", "district_approved", "approved", "returned"}
    assert Report.objects.values("period__code").distinct().count() == 8
    assert Project.objects.count() == 6
    mine: Any = selectors.enterprises_visible(member)
    assert mine.count() == 1
    assert selectors.approval_queue(officer).exists()
    assert seed_demo() == {"enterprises": 0}
