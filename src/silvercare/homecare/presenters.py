"""Plain dictionaries of home-care rows for the API (and the pages' JSON)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from silvercare.homecare.models import Caregiver, CareOrder, Complaint, Provider, Visit
from silvercare.homecare.reasons import reason_text
from silvercare.homecare.selectors import certificate_valid


def present_provider(p: Provider) -> dict[str, Any]:
    return {
        "id": p.pk,
        "name": p.name,
        "region_code": p.region_id,
        "served": p.served,
        "contract_number": p.contract_number,
        "contract_from": p.contract_from,
        "contract_until": p.contract_until,
        "active": p.active,
        "prices": [
            {"service_type": row.service_type.code, "price_fen": row.price_fen}
            for row in p.prices.select_related("service_type")
        ],
    }


def present_caregiver(c: Caregiver, today: dt.date | None = None) -> dict[str, Any]:
    day = today or timezone.localdate()
    return {
        "id": c.pk,
        "provider_id": c.provider_id,
        "name": c.name,
        "region_code": c.region_id,
        "skills": c.skills,
        "languages": c.languages,
        "shift_start": c.shift_start,
        "shift_end": c.shift_end,
        "break_start": c.break_start,
        "break_minutes": c.break_minutes,
        "travel_mode": c.travel_mode,
        "max_visits": c.max_visits,
        "meal_capacity": c.meal_capacity,
        "active": c.active,
        "certificates": [
            {
                "kind": cert.kind,
                "number": cert.number,
                "valid_until": cert.valid_until,
                "valid_today": certificate_valid(cert, day),
            }
            for cert in c.certificates.all()
        ],
    }


def present_order(o: CareOrder) -> dict[str, Any]:
    return {
        "id": o.pk,
        "elder_id": o.elder_id,
        "region_code": o.region_id,
        "provider_id": o.provider_id,
        "service_type": o.service_type.code,
        "first_date": o.first_date,
        "last_date": o.last_date,
        "window_start": o.window_start,
        "window_end": o.window_end,
        "recurrence": o.recurrence,
        "notes": o.notes,
        "status": o.status,
        "status_reason": o.status_reason,
        "cancelled_by": o.cancelled_by,
        "price_fen": o.price_fen,
        "subsidy_fen": o.subsidy_fen,
        "copay_fen": o.copay_fen,
        "quote_id": o.quote_id,
        "visits": [
            {
                "id": v.pk,
                "date": v.date,
                "status": v.status,
                "caregiver_id": v.caregiver_id,
                "planned_arrival": v.planned_arrival,
            }
            for v in o.visits.order_by("date", "id")
        ],
    }


def present_visit(v: Visit) -> dict[str, Any]:
    return {
        "id": v.pk,
        "order_id": v.order_id,
        "elder_id": v.elder_id,
        "provider_id": v.provider_id,
        "service_type": v.service_type.code,
        "date": v.date,
        "window_start": v.window_start,
        "window_end": v.window_end,
        "duration_min": v.duration_min,
        "status": v.status,
        "status_reason": v.status_reason,
        "side": v.side,
        "caregiver_id": v.caregiver_id,
        "planned_arrival": v.planned_arrival,
        "sequence": v.sequence,
        "unassigned_reason": reason_text(v.unassigned_reason),
        "checked_in_at": v.checked_in_at,
        "check_in_distance_m": v.check_in_distance_m,
        "checked_out_at": v.checked_out_at,
        "check_out_distance_m": v.check_out_distance_m,
        "actual_minutes": v.actual_minutes,
        "checklist_done": v.checklist_done,
        "notes": v.notes,
        "flags": v.flags,
        "held": v.held,
        "delivered_on": v.delivered_on,
    }


def present_complaint(c: Complaint) -> dict[str, Any]:
    return {
        "id": c.pk,
        "visit_id": c.visit_id,
        "by": c.by,
        "text": c.text,
        "status": c.status,
        "resolution": c.resolution,
        "closed_at": c.closed_at,
    }
