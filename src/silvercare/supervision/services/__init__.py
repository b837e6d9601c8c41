"""Every write of the supervision capability (see each module)."""

from silvercare.supervision.services.credit import (
    appeal_decide,
    appeal_file,
    blacklist_add,
    credit_event_record,
    score_model_for,
    score_model_publish,
    subject_for_enterprise,
    subject_for_user,
    subject_regrade,
)
from silvercare.supervision.services.fraud_warnings import warning_publish, warning_withdraw
from silvercare.supervision.services.inspections import (
    conflict_declare,
    draw_create,
    draw_problems,
    draw_publish,
    inspection_record,
)

__all__ = [
    "appeal_decide",
    "appeal_file",
    "blacklist_add",
    "conflict_declare",
    "credit_event_record",
    "draw_create",
    "draw_problems",
    "draw_publish",
    "inspection_record",
    "score_model_for",
    "score_model_publish",
    "subject_for_enterprise",
    "subject_for_user",
    "subject_regrade",
    "warning_publish",
    "warning_withdraw",
]
