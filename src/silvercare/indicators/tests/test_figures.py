"""Indicator arithmetic on small known data, roll-ups equal to a direct computation, and the
dashboards, API and export confined to the reader's areas."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from silvercare.alerts.models import Alert
from silvercare.alerts.services import alert_raise
from silvercare.audit.services import AuditContext
from silvercare.common import periods
from silvercare.common.testing import (
    COMMUNITY_A1,
    COMMUNITY_A2,
    COMMUNITY_LUOHU,
    STREET_A,
    STREET_B,
    STREET_LUOHU,
    client_for,
    make_elder,
    make_user,
)
from silvercare.indicators import services
from silvercare.indicators.models import Figure, Refresh
from silvercare.industry import services as industry
from silvercare.industry.models import Facility
from silvercare.regions.selectors import region_codes

pytestmark = pytest.mark.django_db

CITY, FUTIAN, LUOHU = "440300000000", "440304000000", "440303000000"


def ctx(user: Any) -> AuditContext:
    return AuditContext(actor=user, via="test")


@pytest.fixture
def officer(regions: None) -> Any:
    return make_user("civil_affairs", CITY, "ind_city_officer")


@pytest.fixture
def city(officer: Any) -> dict[str, Any]:
    """Institutions, centres and day-care centres in two Futian streets and one Luohu street."""
    as_officer = ctx(officer)

    def facility(kind: str, region: str, **values: Any) -> Facility:
        return industry.facility_register(
            ctx=as_officer,
            kind=kind,
            name=f"{kind}-{region}-{Facility.objects.count()}",
            region_code=region,
            **values,
        )

    facility(
        "institution", STREET_A, beds=100, nursing_beds=60, ownership="public", medical_care=True
    )
    facility("institution", STREET_B, beds=50, nursing_beds=20)
    facility("institution", STREET_LUOHU, beds=200, nursing_beds=180, medical_care=True)
    facility("centre", STREET_A)
    facility("day_care", COMMUNITY_A1)
    facility("day_care", COMMUNITY_LUOHU)
    return {"officer": officer}


def figure(indicator: str, region: str, period: str | None = None) -> Figure:
    return Figure.objects.get(
        indicator=indicator,
        region_code=region,
        period=period or periods.code_of("month", timezone.localdate()),
    )


def test_facility_indicators_add_up_from_streets_to_the_city(city: dict[str, Any]) -> None:
    services.figures_refresh()

    assert (
        figure("nursing_bed_share", STREET_A).numerator,
        figure("nursing_bed_share", STREET_A).denominator,
    ) == (60, 100)
    futian = figure("nursing_bed_share", FUTIAN)
    assert (futian.numerator, futian.denominator, round(futian.value or 0, 2)) == (80, 150, 53.33)
    shenzhen = figure("nursing_bed_share", CITY)
    assert (shenzhen.numerator, shenzhen.denominator) == (260, 350)
    assert figure("public_nursing_bed_share", CITY).value == 60.0
    assert round(figure("medical_care_share", CITY).value or 0, 2) == 66.67

    # Coverage: one Futian street of all the streets the registry knows there has a centre.
    futian_streets = len(region_codes(level=4, under="440304"))
    coverage = figure("centre_coverage", FUTIAN)
    assert (coverage.numerator, coverage.denominator) == (1, futian_streets)
    assert figure("centre_coverage", STREET_A).value == 100.0
    assert figure("centre_coverage", STREET_B).value == 0.0
    # Day care: one community of street A's two.
    day_care = figure("day_care_coverage", STREET_A)
    assert (day_care.numerator, day_care.denominator) == (
        1,
        len(region_codes(level=5, under="440304001")),
    )


def test_every_roll_up_equals_a_direct_computation(city: dict[str, Any]) -> None:
    services.figures_refresh()
    rows = Figure.objects.filter(indicator="nursing_bed_share")
    assert rows.count() >= 6
    for row in rows:
        prefix = row.region_code[: {2: 4, 3: 6, 4: 9}[row.level]]
        direct = Facility.objects.filter(kind="institution", region__code__startswith=prefix)
        beds = sum(f.beds for f in direct)
        nursing = sum(f.nursing_beds for f in direct)
        assert (row.numerator, row.denominator) == (nursing, beds), row.region_code
        assert row.value == pytest.approx(100 * nursing / beds)


def test_alerts_and_assessments_count_people_not_rows(officer: Any, worker: Any) -> None:
    elders = [make_elder(worker, COMMUNITY_A1) for _ in range(3)] + [
        make_elder(worker, COMMUNITY_A2)
    ]
    raised = timezone.now() - dt.timedelta(minutes=5)
    for n, elder in enumerate(elders):
        alert_raise(
            elder_id=elder.pk,
            kind="sos",
            severity="critical",
            occurred_at=raised,
            reason="sos_pressed",
            params={},
            source="test",
        )
        # Acknowledged after 30 s, 59 s, 61 s; the last never.
        if n < 3:
            Alert.objects.filter(elder_id=elder.pk).update(
                acknowledged_at=raised + dt.timedelta(seconds=(30, 59, 61)[n])
            )
    services.figures_refresh()
    acknowledged = figure("alerts_acknowledged_60s", STREET_A)
    assert (acknowledged.numerator, acknowledged.denominator) == (2, 4)
    # The median of the three acknowledged (30, 59, 61 s), pooled up to the district.
    for area in (STREET_A, FUTIAN):
        median = figure("ack_median_seconds", area)
        assert (median.numerator, median.value) == (3, pytest.approx(59.0, abs=0.01))
    assessed = figure("assessed_12_months", FUTIAN)
    assert (assessed.numerator, assessed.denominator) == (0, 4)


def test_a_month_is_replaced_whole_and_malformed_months_are_refused(city: dict[str, Any]) -> None:
    this_month = periods.code_of("month", timezone.localdate())
    services.figures_refresh()
    first = Figure.objects.filter(period=this_month).count()
    Facility.objects.filter(kind="centre").delete()
    services.figures_refresh()
    assert Figure.objects.filter(period=this_month).count() == first
    assert figure("centre_coverage", FUTIAN).numerator == 0
    with pytest.raises(ValueError, match="names no day, month"):
        services.figures_refresh(codes=["2026-13x"])
    refresh = services.figures_refresh(kind=Refresh.Kind.FULL)
    assert (refresh.state, len(refresh.periods), refresh.done_periods) == ("done", 49, 49)
    # A facility opened this month is absent from last year's figures.
    a_year_ago = periods.recent("month", 13, timezone.localdate())[0]
    assert not Figure.objects.filter(period=a_year_ago, indicator="nursing_bed_share").exists()


def test_dashboards_api_and_export_stay_in_the_readers_area(city: dict[str, Any]) -> None:
    services.figures_refresh()
    luohu = make_user("civil_affairs", LUOHU, "ind_luohu_officer")
    period = periods.code_of("month", timezone.localdate())
    client = client_for(luohu)

    own = client.get(reverse("indicators:home"))
    assert own.status_code == 200 and "桂园街道" in own.content.decode()
    assert client.get(reverse("indicators:home"), {"region": FUTIAN}).status_code == 404
    assert client.get(reverse("indicators:home"), {"region": CITY}).status_code == 404
    assert client.get(reverse("indicators:home"), {"period": "2026-99"}).status_code == 404

    api = client.get("/api/v1/indicators/figures", {"region": LUOHU, "period": period})
    assert api.status_code == 200
    assert {row["region_code"][:6] for row in api.json()} == {"440303"}
    assert client.get("/api/v1/indicators/figures", {"region": FUTIAN}).status_code == 404

    export = client.get(reverse("indicators:export"), {"region": LUOHU, "period": period})
    sheet = openpyxl.load_workbook(io.BytesIO(export.content)).active
    areas = {row[1] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert areas == {LUOHU, STREET_LUOHU}
    assert client.get(reverse("indicators:export"), {"region": FUTIAN}).status_code == 404

    # The city officer drills down from the city to Futian and a street.
    city_page = client_for(city["officer"]).get(reverse("indicators:home")).content.decode()
    assert f"?region={FUTIAN}&amp;period={period}" in city_page and "53.3%" in city_page
    assert f"?region={STREET_A}" not in city_page
    futian = client_for(city["officer"]).get(reverse("indicators:home"), {"region": FUTIAN})
    assert f"?region={STREET_A}&amp;period={period}" in futian.content.decode()
    assert "60.0%" in futian.content.decode()


def test_only_officers_who_manage_ask_for_a_recomputation(
    city: dict[str, Any], worker: Any, django_capture_on_commit_callbacks: Any
) -> None:
    response = client_for(worker).post(reverse("indicators:refresh"))
    assert response.status_code == 404 and not Refresh.objects.exists()
    # A district's officer reads the district's figures but cannot have every area's
    # recomputed: no button, and a forged request is refused.
    district = client_for(make_user("civil_affairs", FUTIAN, "ind_futian_officer"))
    page = district.get(reverse("indicators:home"))
    assert page.status_code == 200 and 'id="refresh"' not in page.content.decode()
    assert district.post(reverse("indicators:refresh")).status_code == 404
    assert not Refresh.objects.exists()
    client = client_for(city["officer"])
    assert 'id="refresh"' in client.get(reverse("indicators:home")).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("indicators:refresh"), {"next": "https://evil.example/"})
    assert response["Location"] == reverse("indicators:home")  # no redirect off the site
    refresh = Refresh.objects.get()
    assert (refresh.kind, refresh.state, refresh.done_periods) == ("full", "done", 49)
    assert refresh.requested_by == city["officer"]


def test_days_months_quarters_and_years_equal_a_direct_count(officer: Any, worker: Any) -> None:
    elder = make_elder(worker, COMMUNITY_A1)
    now = timezone.now()
    raised = [now - dt.timedelta(days=d, minutes=5) for d in (0, 3, 40, 100, 400)]
    for moment in raised:
        alert_raise(
            elder_id=elder.pk,
            kind="sos",
            severity="critical",
            occurred_at=moment,
            reason="sos_pressed",
            params={},
            source="test",
        )
        Alert.objects.filter(elder_id=elder.pk, acknowledged_at__isnull=True).update(
            acknowledged_at=moment + dt.timedelta(seconds=10), status="resolved"
        )
    assert Alert.objects.count() == len(raised)
    refresh = services.figures_refresh(kind=Refresh.Kind.FULL)
    kinds = {periods.kind_of(code) for code in refresh.periods}
    assert kinds == {"day", "month", "quarter", "year"}
    for code in refresh.periods:
        start, end = periods.bounds(code)
        local = [timezone.localtime(m).date() for m in raised]
        direct = sum(1 for day in local if start <= day < end)
        found = Figure.objects.filter(
            indicator="alerts_acknowledged_60s", region_code=STREET_A, period=code
        ).first()
        assert (found.denominator if found else 0) == direct, code
    # The incremental refresh recomputes the day, month, quarter and year of today and
    # yesterday only.
    incremental = services.figures_refresh()
    today = timezone.localdate()
    assert periods.code_of("day", today) in incremental.periods
    assert periods.code_of("quarter", today) in incremental.periods
    assert len(incremental.periods) <= 8


def test_a_province_wide_reader_opens_on_a_city_even_before_any_figure(regions: None) -> None:
    province = make_user("civil_affairs", "440000000000", "ind_province_officer")
    page = client_for(province).get(reverse("indicators:home"))
    assert page.status_code == 200
    first_city = region_codes(level=2, under="44")[0]
    assert f'name="region" value="{first_city}"' in page.content.decode()


def test_the_refresh_command_runs_once_or_on_a_schedule(city: dict[str, Any]) -> None:
    from django.core.management import CommandError, call_command

    out = io.StringIO()
    call_command("indicators_refresh", "--every", "0.01", "--count", "2", stdout=out)
    assert out.getvalue().count("incremental refresh:") == 2
    assert Refresh.objects.filter(state="done").count() == 2
    call_command("indicators_refresh", "--period", "2026Q1", stdout=out)
    assert Refresh.objects.order_by("-created_at").first().periods == ["2026Q1"]  # type: ignore[union-attr]
    with pytest.raises(CommandError, match="names no day"):
        call_command("indicators_refresh", "--period", "2026Q7")
