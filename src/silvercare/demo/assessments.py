"""Demo assessments: completed GB/T 42195 assessments for most demo elders with a
realistic spread (most able, a tail of severe and total disability), some due or overdue."""

from __future__ import annotations

import datetime as dt
import random
import uuid
from typing import Any

from django.db import transaction
from django.utils import timezone

from silvercare.assessments.choices import Status
from silvercare.assessments.instruments import GBT42195, score_record
from silvercare.assessments.models import Assessment, AssessmentPolicy
from silvercare.assessments.services import add_months
from silvercare.elders.models import Elder

SEED = 42195
# Target levels by age band: (60–69, 70–79, 80+) → weights for levels 0..4.
LEVEL_WEIGHTS = {
    60: [55, 30, 9, 4, 2],
    70: [35, 38, 14, 8, 5],
    80: [15, 35, 22, 16, 12],
}
BANDS = {0: (90, 90), 1: (66, 89), 2: (46, 65), 3: (30, 45), 4: (0, 29)}


def _items_for_total(rng: random.Random, total: int) -> dict[str, int]:
    """Answers whose scores add up to ``total``, lowering random items from the maximum."""
    items = {item.code: item.max_score for item in GBT42195.items}
    allowed = {item.code: sorted(item.allowed_scores) for item in GBT42195.items}
    current = sum(items.values())
    codes = list(items)
    while current > total:
        code = rng.choice(codes)
        lower = [s for s in allowed[code] if s < items[code]]
        if not lower:
            continue
        new = max(lower[-1], items[code] - (current - total)) if lower else items[code]
        new = new if new in allowed[code] else lower[-1]
        current -= items[code] - new
        items[code] = new
    return items


def demo_assessments(*, assessor: Any, booked_by: Any) -> int:
    rng = random.Random(SEED)
    today = timezone.localdate()
    from silvercare.training.demo import demo_assessor_qualification

    demo_assessor_qualification(assessor)
    AssessmentPolicy.objects.get_or_create(
        region_id="440300000000",
        defaults={"reassessment_months": 12, "note": "演示：深圳市常规复评周期12个月"},
    )
    if Assessment.objects.exists():
        return 0
    elders = list(
        Elder.objects.filter(status="active")
        .order_by("id_number_hash")
        .only("id", "region_id", "birth_date")
    )
    rows: list[Assessment] = []
    updates: list[Elder] = []
    for elder in elders:
        if rng.random() < 0.12:
            continue  # not yet assessed
        age = today.year - elder.birth_date.year
        weights = LEVEL_WEIGHTS[80 if age >= 80 else 70 if age >= 70 else 60]
        level = rng.choices(range(5), weights)[0]
        low, high = BANDS[level]
        items = _items_for_total(rng, rng.randint(low, high))
        dementia = level < 4 and rng.random() < (0.04 if age < 80 else 0.12)
        record = {
            "instrument": "gbt42195-2022",
            "items": items,
            "diagnoses": ["F03"] if dementia else [],
            "risk_events_30d": {"fall": rng.choice([0, 0, 0, 1, 2])},
        }
        result = score_record(record)
        completed_on = today - dt.timedelta(days=rng.randint(5, 450))
        completed_at = timezone.make_aware(
            dt.datetime.combine(completed_on, dt.time(10, rng.randint(0, 59)))
        )
        due = add_months(completed_on, 12)
        rows.append(
            Assessment(
                number=f"{completed_on:%Y%m%d}-{elder.region_id[6:]}-{uuid.uuid4().hex[:6]}",
                elder=elder,
                region_id=elder.region_id,
                reason="routine",
                status=Status.COMPLETED,
                scheduled_for=completed_on,
                base_date=completed_on,
                booked_by=booked_by,
                assessor=assessor,
                items=items,
                forms={
                    "A.1.3": "routine",
                    "A.4.1": ["F00-F03"] if dementia else [],
                    "A.5.11": "no",
                },
                result=result,
                rules={**result["rules"], "reassessment_months": 12},
                total=result["total"],
                preliminary_level=result["preliminary_level"],
                final_level=result["final_level"],
                informant_name="本人",
                assessor_signed_at=completed_at,
                informant_signed_at=completed_at,
                completed_at=completed_at,
                next_due_on=due,
            )
        )
        elder.ability_level = result["final_level"]
        elder.ability_assessed_at = completed_at
        elder.reassessment_due_on = due
        updates.append(elder)
    with transaction.atomic():
        Assessment.objects.bulk_create(rows, batch_size=1000)
        Elder.objects.bulk_update(
            updates,
            ["ability_level", "ability_assessed_at", "reassessment_due_on"],
            batch_size=1000,
        )
    return len(rows)
