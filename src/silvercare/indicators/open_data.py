"""The city's aggregated statistics for anyone, without signing in: per district of every city
SilverCare serves, for one computed month. Facility and enterprise figures are published as
they are; counts of people (registered elders, assessed or not) go through small-count
suppression with complementary cells (``suppression.suppress``), so no person can be singled
out and no withheld count can be worked out from the totals."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from silvercare.indicators.definitions import indicators
from silvercare.indicators.models import Figure
from silvercare.indicators.suppression import suppress
from silvercare.regions.selectors import region_names

# Indicators whose facts are facilities and enterprises, not people: published unchanged.
NON_PERSONAL = (
    "centre_coverage",
    "nursing_bed_share",
    "public_nursing_bed_share",
    "day_care_coverage",
    "medical_care_share",
    "enterprises_above_size",
)
PEOPLE = "assessed_12_months"


@dataclass
class CityTables:
    code: str
    name: str
    districts: list[tuple[str, str]]  # (code, name)
    # indicator code -> per district (and the city last) the value, or None without data
    figures: dict[str, list[float | None]]
    # rows = districts, columns = (assessed, not assessed); None = withheld
    people: list[list[int | None]]
    people_row_totals: list[int | None]
    people_column_totals: list[int | None]
    people_total: int | None

    def figure_rows(self) -> list[tuple[str, list[float | None]]]:
        """(area name, the non-personal figures) per district, then the city."""
        names = [name for _, name in self.districts] + [self.name]
        return [
            (name, [self.figures[code][i] for code in NON_PERSONAL]) for i, name in enumerate(names)
        ]

    def people_rows(self) -> list[tuple[str, list[int | None]]]:
        """(area name, [assessed, not assessed, registered]) per district, then the city."""
        rows: list[tuple[str, list[int | None]]] = [
            (name, [*self.people[i], self.people_row_totals[i]])
            for i, (_, name) in enumerate(self.districts)
        ]
        if self.people:
            rows.append((self.name, [*self.people_column_totals, self.people_total]))
        return rows


def periods() -> list[str]:
    """The months with computed figures, newest first."""
    return list(Figure.objects.values_list("period", flat=True).distinct().order_by("-period"))


def tables(period: str) -> list[CityTables]:
    rows = Figure.objects.filter(period=period, level__in=[2, 3])
    by_key = {(f.indicator, f.region_code): f for f in rows}
    cities = sorted({f.region_code for f in rows if f.level == 2})
    districts_of = {
        city: sorted(
            {f.region_code for f in rows if f.level == 3 and f.region_code[:4] == city[:4]}
        )
        for city in cities
    }
    names = region_names(cities + [d for ds in districts_of.values() for d in ds])
    out = []
    for city in cities:
        districts = districts_of[city]
        figures = {
            code: [
                by_key[(code, area)].value if (code, area) in by_key else None
                for area in [*districts, city]
            ]
            for code in NON_PERSONAL
        }
        counts = []
        for district in districts:
            found = by_key.get((PEOPLE, district))
            assessed = found.numerator if found else 0
            registered = (found.denominator or 0) if found else 0
            counts.append([assessed, max(registered - assessed, 0)])
        published = suppress(counts) if counts else None
        out.append(
            CityTables(
                code=city,
                name=names.get(city, city),
                districts=[(d, names.get(d, d)) for d in districts],
                figures=figures,
                people=published.cells if published else [],
                people_row_totals=published.row_totals if published else [],
                people_column_totals=published.column_totals if published else [],
                people_total=published.grand_total if published else None,
            )
        )
    return out


def as_json(period: str) -> dict[str, Any]:
    names = {i.code: {"zh": i.name_zh, "en": i.name_en, "unit": i.unit} for i in indicators()}
    return {
        "period": period,
        "suppression": "counts of 1-4 people withheld (null), with complementary cells",
        "indicators": {code: names[code] for code in NON_PERSONAL},
        "cities": [
            {
                "code": t.code,
                "name": t.name,
                "districts": [
                    {
                        "code": code,
                        "name": name,
                        "figures": {k: v[i] for k, v in t.figures.items()},
                        "elders_assessed_12_months": t.people[i][0],
                        "elders_not_assessed_12_months": t.people[i][1],
                        "elders_registered": t.people_row_totals[i],
                    }
                    for i, (code, name) in enumerate(t.districts)
                ],
                "figures": {k: v[-1] for k, v in t.figures.items()},
                "elders_assessed_12_months": t.people_column_totals[0] if t.people else None,
                "elders_not_assessed_12_months": t.people_column_totals[1] if t.people else None,
                "elders_registered": t.people_total,
            }
            for t in tables(period)
        ],
    }


def as_csv_rows(period: str) -> list[list[Any]]:
    header = [
        "period",
        "area_code",
        "area",
        *NON_PERSONAL,
        "elders_assessed_12_months",
        "elders_not_assessed_12_months",
        "elders_registered",
    ]
    out: list[list[Any]] = [header]
    for t in tables(period):
        for i, (code, name) in enumerate(t.districts):
            out.append(
                [
                    period,
                    code,
                    name,
                    *(t.figures[k][i] for k in NON_PERSONAL),
                    *t.people[i],
                    t.people_row_totals[i],
                ]
            )
        out.append(
            [
                period,
                t.code,
                t.name,
                *(t.figures[k][-1] for k in NON_PERSONAL),
                *(t.people_column_totals or [None, None]),
                t.people_total,
            ]
        )
    return out
