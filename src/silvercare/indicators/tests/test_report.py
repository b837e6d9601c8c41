"""The periodic analysis report (PDF with the charts, and xlsx) and the dashboard's kinds of
period: what is behind target is named, the movement since the period before is shown, and
the report stays inside the reader's areas."""

from __future__ import annotations

import io
from typing import Any

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from silvercare.common import periods
from silvercare.common.testing import client_for, make_user
from silvercare.indicators.definitions import indicator
from silvercare.indicators.models import Figure
from silvercare.regions.models import Region

pytestmark = pytest.mark.django_db

JIANGMEN, PENGJIANG = "440700000000", "440703000000"


@pytest.fixture
def jiangmen(regions: None) -> Any:
    """Jiangmen (whose plan sets the coverage target ≥ 74 % by 2027) with one district, and
    a year of falling centre coverage: 60 % a year ago, one point less each month."""
    Region.objects.get_or_create(
        code="440000000000", defaults={"name": "广东省", "level": 1, "parent": None}
    )
    Region.objects.get_or_create(
        code=JIANGMEN, defaults={"name": "江门市", "level": 2, "parent_id": "440000000000"}
    )
    Region.objects.get_or_create(
        code=PENGJIANG, defaults={"name": "蓬江区", "level": 3, "parent_id": JIANGMEN}
    )
    months = periods.recent("month", 12, timezone.localdate())
    now = timezone.now()
    for n, month in enumerate(months):
        for code, level in ((JIANGMEN, 2), (PENGJIANG, 3)):
            Figure.objects.create(
                indicator="centre_coverage",
                region_code=code,
                level=level,
                period=month,
                numerator=60 - n,
                denominator=100,
                value=float(60 - n),
                computed_at=now,
            )
    Figure.objects.create(
        indicator="enterprises_above_size",
        region_code=JIANGMEN,
        level=2,
        period=months[-1],
        numerator=320,
        denominator=None,
        value=320.0,
        computed_at=now,
    )
    return make_user("civil_affairs", JIANGMEN, "jm_officer")


def test_the_report_names_what_is_behind_target_with_its_movement(jiangmen: Any) -> None:
    month = periods.code_of("month", timezone.localdate())
    client = client_for(jiangmen)
    coverage = str(indicator("centre_coverage").name)  # type: ignore[union-attr]

    workbook = client.get(reverse("indicators:report_xlsx"), {"region": JIANGMEN})
    assert workbook.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(workbook.content))
    first, behind, areas = book.worksheets
    rows = {row[0]: row for row in first.iter_rows(min_row=3, values_only=True)}
    assert rows[coverage][1:4] == (49.0, 50.0, -1.0)
    assert "≥ 74 (2027)" in rows[coverage][4] and rows[coverage][5] == "进度落后"
    assert [row[0] for row in behind.iter_rows(min_row=2, values_only=True)] == [coverage]
    assert [row[1] for row in areas.iter_rows(min_row=2, values_only=True)] == ["蓬江区"]

    pdf = client.get(reverse("indicators:report_pdf"), {"region": JIANGMEN, "period": month})
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert f"江门市，{month}" in text.replace(" ", "")
    assert "进度落后" in text and "320" in text

    # Outside the reader's areas, or for a period that names none: not found.
    luohu = make_user("civil_affairs", "440303000000", "luohu_officer_report")
    assert (
        client_for(luohu).get(reverse("indicators:report_pdf"), {"region": JIANGMEN}).status_code
        == 404
    )
    assert client.get(reverse("indicators:report_xlsx"), {"period": "2026Q5"}).status_code == 404


def test_the_dashboard_switches_between_days_months_quarters_and_years(jiangmen: Any) -> None:
    client = client_for(jiangmen)
    quarter = periods.code_of("quarter", timezone.localdate())
    page = client.get(reverse("indicators:home"), {"region": JIANGMEN, "kind": "quarter"})
    assert page.status_code == 200
    html = page.content.decode()
    assert f'<option value="{quarter}" selected>' in html
    # The course is still judged on the monthly figures, whatever the period shown.
    assert "进度落后" in html
    month = client.get(reverse("indicators:home"), {"region": JIANGMEN}).content.decode()
    assert "-1.0 个百分点" in month
    assert client.get(reverse("indicators:home"), {"kind": "week"}).status_code == 404


def test_the_report_command_writes_both_files(jiangmen: Any, tmp_path: Any) -> None:
    out = io.StringIO()
    call_command("indicators_report", "--as-user", "jm_officer", "--out", str(tmp_path), stdout=out)
    written = sorted(p.suffix for p in tmp_path.iterdir())
    assert written == [".pdf", ".xlsx"]
    assert str(tmp_path) in out.getvalue()
    with pytest.raises(CommandError, match="not an area"):
        call_command(
            "indicators_report",
            "--as-user",
            "jm_officer",
            "--region",
            "440303000000",
            "--out",
            str(tmp_path),
        )


def test_the_api_gives_the_analysis_the_map_and_the_recomputation(
    jiangmen: Any, worker: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client = client_for(jiangmen)
    analysis = client.get("/api/v1/indicators/analysis", {"region": JIANGMEN})
    assert analysis.status_code == 200, analysis.content
    body = analysis.json()
    assert body["behind"] == ["centre_coverage"]
    line = next(x for x in body["lines"] if x["indicator"] == "centre_coverage")
    assert (line["value"], line["previous"], line["course"]) == (49.0, 50.0, "off_track")
    assert line["targets"][0]["value"] == 74
    layers = client.get("/api/v1/indicators/map", {"region": PENGJIANG})
    assert layers.status_code == 200 and "communities" in layers.json()
    luohu = client_for(make_user("civil_affairs", "440303000000", "luohu_officer_api"))
    for path in ("/api/v1/indicators/analysis", "/api/v1/indicators/map"):
        assert luohu.get(path, {"region": JIANGMEN}).status_code == 404
    assert (
        client.get("/api/v1/indicators/analysis", {"region": JIANGMEN, "period": "x"}).status_code
        == 404
    )

    with django_capture_on_commit_callbacks(execute=True):
        started = client.post("/api/v1/indicators/refresh?full=false")
    assert started.status_code == 202, started.content
    latest = client.get("/api/v1/indicators/refresh").json()
    assert (latest["id"], latest["kind"], latest["state"]) == (
        started.json()["id"],
        "incremental",
        "done",
    )
    assert client_for(worker).post("/api/v1/indicators/refresh").status_code == 403
    # A district officer manages the district's indicators but may not have every area's
    # figures rewritten.
    assert luohu.post("/api/v1/indicators/refresh").status_code == 403
