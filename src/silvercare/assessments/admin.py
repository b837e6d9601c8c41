"""Back office for regional assessment rules and assessor certificates; writes go through
the services so they are checked and audited like any other, and a system administrator
sees and chooses only the regions and users they manage (``accounts.backoffice``)."""

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from silvercare.accounts.backoffice import BackOfficeAdmin, back_office_allowed
from silvercare.accounts.selectors import back_office_users
from silvercare.assessments import services
from silvercare.assessments.models import AssessmentPolicy, AssessorQualification
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


@admin.register(AssessorQualification)
class AssessorQualificationAdmin(BackOfficeAdmin[AssessorQualification]):
    """Certificates are recorded, never edited: a renewal is a new row."""

    list_display = ["user", "certificate_no", "issued_by", "valid_from", "valid_until"]
    search_fields = ["certificate_no", "user__username"]
    raw_id_fields = ["user"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[AssessorQualification]:
        users = back_office_users(actor=request.user).values("pk")
        return super().get_queryset(request).filter(user_id__in=users)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return back_office_allowed(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is None and back_office_allowed(request)

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
