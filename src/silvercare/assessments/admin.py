"""Back office for regional assessment rules and assessor certificates; writes go through
the services so they are checked and audited like any other."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from silvercare.assessments import services
from silvercare.assessments.models import AssessmentPolicy, AssessorQualification
from silvercare.common.request import audit_ctx


@admin.register(AssessmentPolicy)
class AssessmentPolicyAdmin(admin.ModelAdmin[AssessmentPolicy]):
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

    def save_model(
        self, request: HttpRequest, obj: AssessmentPolicy, form: Any, change: bool
    ) -> None:
        services.policy_save(
            ctx=audit_ctx(request, "admin"), policy=obj, changed=list(form.changed_data)
        )


@admin.register(AssessorQualification)
class AssessorQualificationAdmin(admin.ModelAdmin[AssessorQualification]):
    """Certificates are recorded, never edited: a renewal is a new row."""

    list_display = ["user", "certificate_no", "issued_by", "valid_from", "valid_until"]
    search_fields = ["certificate_no", "user__username"]
    raw_id_fields = ["user"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is None

    def save_model(
        self, request: HttpRequest, obj: AssessorQualification, form: Any, change: bool
    ) -> None:
        saved = services.qualification_add(
            ctx=audit_ctx(request, "admin"),
            user=obj.user,
            certificate_no=obj.certificate_no,
            valid_from=obj.valid_from,
            valid_until=obj.valid_until,
            issued_by=obj.issued_by,
        )
        obj.pk = saved.pk
