"""Anyone downloads the aggregated statistics without signing in; counts of fewer than five
people are withheld with enough other counts that none can be worked out from the totals."""

from __future__ import annotations

import csv
import io

import pytest
from django.test import Client
from django.utils import timezone

from silvercare.indicators.models import Figure
from silvercare.indicators.suppression import Published, exposed_cells

pytestmark = pytest.mark.django_db
CITY, FUTIAN, LUOHU, NANSHAN = "440300000000", "440304000000", "440303000000", "440305000000"
PERIOD = "2026-10"


def fig(indicator: str, region: str, level: int, numerator: int, denominator: int) -> Figure:
    return Figure(
        indicator=indicator,
        region_code=region,
        level=level,
        period=PERIOD,
        numerator=numerator,
        denominator=denominator,
        value=100 * numerator / denominator if denominator else None,
        computed_at=timezone.now(),
    )


@pytest.fixture
def figures(regions: None) -> None:
    # Assessed / registered elders: Futian 3 of 10 (a small cell), Luohu 20 of 40, Nanshan 30 of 45.
    Figure.objects.bulk_create(
        [
            fig("assessed_12_months", FUTIAN, 3, 3, 10),
            fig("assessed_12_months", LUOHU, 3, 20, 40),
            fig("assessed_12_months", NANSHAN, 3, 30, 45),
            fig("assessed_12_months", CITY, 2, 53, 95),
            fig("nursing_bed_share", FUTIAN, 3, 80, 150),
            fig("nursing_bed_share", CITY, 2, 260, 350),
        ]
    )


def test_the_published_table_withholds_small_counts_unrecoverably(figures: None) -> None:
    data = Client().get(f"/indicators/open/{PERIOD}.json").json()
    [city] = data["cities"]
    districts = {d["code"]: d for d in city["districts"]}
    futian = districts[FUTIAN]
    assert futian["elders_assessed_12_months"] is None  # 3 people
    assert futian["figures"]["nursing_bed_share"] == pytest.approx(53.333, abs=0.01)
    cells = [
        [districts[c]["elders_assessed_12_months"], districts[c]["elders_not_assessed_12_months"]]
        for c in (LUOHU, NANSHAN, FUTIAN)
        if c in districts
    ]
    published = Published(
        cells=cells,
        row_totals=[districts[c]["elders_registered"] for c in (LUOHU, NANSHAN, FUTIAN)],
        column_totals=[city["elders_assessed_12_months"], city["elders_not_assessed_12_months"]],
        grand_total=city["elders_registered"],
        suppressed=frozenset(
            (i, j) for i, row in enumerate(cells) for j, v in enumerate(row) if v is None
        ),
        primary=frozenset(),
    )
    assert len(published.suppressed) >= 2 and exposed_cells(published) == []
    # What is published is true: the totals stand, the counts that stand are the real ones.
    assert (city["elders_registered"], districts[LUOHU]["elders_registered"]) == (95, 40)
    truth = {FUTIAN: (3, 7), LUOHU: (20, 20), NANSHAN: (30, 15)}
    for code, counts in truth.items():
        shown = (
            districts[code]["elders_assessed_12_months"],
            districts[code]["elders_not_assessed_12_months"],
        )
        assert all(got is None or got == real for got, real in zip(shown, counts, strict=True))


def test_page_and_csv_without_signing_in(figures: None) -> None:
    client = Client()
    page = client.get("/indicators/open/", {"period": PERIOD})
    assert page.status_code == 200 and "深圳市" in page.content.decode()
    rows = list(
        csv.reader(
            io.StringIO(client.get(f"/indicators/open/{PERIOD}.csv").content.decode("utf-8-sig"))
        )
    )
    futian = next(r for r in rows if r[1] == FUTIAN)
    assessed = rows[0].index("elders_assessed_12_months")
    assert futian[assessed] == ""  # withheld
    assert client.get("/indicators/open/2020-01.json").status_code == 404
    assert client.get("/indicators/open/", {"period": "nonsense"}).status_code == 404
