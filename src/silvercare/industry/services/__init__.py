"""Writes of the industry capability, split by sub-domain."""

from silvercare.industry.services.projects import (
    project_create,
    project_progress,
    whitelist_enter,
    whitelist_exit,
)
from silvercare.industry.services.registry import (
    credit_code_check,
    enterprise_member_add,
    enterprise_register,
    enterprise_update,
    facility_register,
    facility_update,
    seed_data_restore,
    tier_grant,
)
from silvercare.industry.services.reporting import (
    approval_level,
    may_file,
    period_get_or_open,
    report_approve,
    report_return,
    report_save,
    report_submit,
    report_unlock,
    reports_remind,
    reports_upload,
)

__all__ = [
    "approval_level",
    "credit_code_check",
    "enterprise_member_add",
    "enterprise_register",
    "enterprise_update",
    "facility_register",
    "facility_update",
    "may_file",
    "period_get_or_open",
    "project_create",
    "project_progress",
    "report_approve",
    "report_return",
    "report_save",
    "report_submit",
    "report_unlock",
    "reports_remind",
    "reports_upload",
    "seed_data_restore",
    "tier_grant",
    "whitelist_enter",
    "whitelist_exit",
]
