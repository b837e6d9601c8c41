from django.contrib import admin

from silvercare.assessments.models import AssessmentPolicy, AssessorQualification


@admin.register(AssessmentPolicy)
class AssessmentPolicyAdmin(admin.ModelAdmin[AssessmentPolicy]):
    """Regional assessment rules (reassessment interval, two assessors, C.4 options)."""

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


@admin.register(AssessorQualification)
class AssessorQualificationAdmin(admin.ModelAdmin[AssessorQualification]):
    list_display = ["user", "certificate_no", "issued_by", "valid_from", "valid_until"]
    search_fields = ["certificate_no", "user__username"]
    raw_id_fields = ["user"]
