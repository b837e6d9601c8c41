"""Writes of the home-care capability, split by sub-domain."""

from silvercare.homecare.services.catalogue import (
    caregiver_create,
    certificate_add,
    provider_create,
    provider_price_set,
    provider_staff_link,
)
from silvercare.homecare.services.orders import (
    check_transition,
    order_accept,
    order_cancel,
    order_create,
    order_decline,
    order_request_for_elder,
    price_for,
    provider_ref,
    visit_cancel,
    visit_missed,
)
from silvercare.homecare.services.planning import build_problem, plan_day, replan_day
from silvercare.homecare.services.visits import (
    complaint_open,
    complaint_update,
    feedback_record,
    visit_check_in,
    visit_check_out,
    visit_checklist_save,
    visit_flags_approve,
    visit_photo_attach,
)

__all__ = [
    "build_problem",
    "caregiver_create",
    "certificate_add",
    "check_transition",
    "complaint_open",
    "complaint_update",
    "feedback_record",
    "order_accept",
    "order_cancel",
    "order_create",
    "order_decline",
    "order_request_for_elder",
    "plan_day",
    "price_for",
    "provider_create",
    "provider_price_set",
    "provider_ref",
    "provider_staff_link",
    "replan_day",
    "visit_cancel",
    "visit_check_in",
    "visit_check_out",
    "visit_checklist_save",
    "visit_flags_approve",
    "visit_missed",
    "visit_photo_attach",
]
