"""Back office for regional assessment rules (assessor certificates are in ``training``);
writes go through the services so they are checked and audited like any other, and a system
administrator sees and chooses only the regions they manage (``accounts.backoffice``)."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from silvercare.accounts.backoffice import BackOfficeAdmin, back_office_allowed
from silvercare.assessments import services
from silvercare.assessments.models import AssessmentPolicy
from silvercare.common.request import audit_ctx


@admin.register(AssessmentPolicy)
class AssessmentPolicyAdmin(BackOfficeAdmin[AssessmentPolicy]):
    region_lookup = "region__code"
    list_display = [
        "region",
        "reassessment_months",
        "requires_two_assessors",
        "stack_raises",
        "risk_event_threshold",
        "coma_level",
        "ltc_grading_confirmed",
    ]
    raw_id_fields = ["region"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return back_office_allowed(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return back_office_allowed(request)

    def save_model(
        self, request: HttpRequest, obj: AssessmentPolicy, form: Any, change: bool
    ) -> None:
        services.policy_save(
            ctx=audit_ctx(request, "admin"), policy=obj, changed=list(form.changed_data)
        )
