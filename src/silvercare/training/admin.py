"""Back office: qualifications of staff (assessor certificates and the rest) and the
workforce targets. Writes go through the services; a system administrator sees and chooses
only the users and regions they manage."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _

from silvercare.accounts.backoffice import BackOfficeAdmin, back_office_allowed
from silvercare.accounts.scoping import actor_is_national_admin
from silvercare.accounts.selectors import back_office_users
from silvercare.common.request import audit_ctx
from silvercare.training import services
from silvercare.training.choices import CAREGIVER_LEVELS
from silvercare.training.models import Qualification, WorkforceTarget


class QualificationAdminForm(forms.ModelForm):  # type: ignore[type-arg]
    """Checks the service would refuse, shown on the form instead of failing the save."""

    class Meta:
        model = Qualification
        fields = [
            "user",
            "kind",
            "level",
            "number",
            "issued_by",
            "valid_from",
            "valid_until",
            "employer",
            "employer_email",
            "evidence",
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind, level = data.get("kind"), data.get("level")
        if kind == "caregiver" and level not in CAREGIVER_LEVELS:
            self.add_error("level", _("Choose the caregiver level."))
        if kind and kind != "caregiver" and level is not None:
            self.add_error(
                "level", _("Only caregiver qualifications have a level, from 5 (beginner) to 1.")
            )
        start, end = data.get("valid_from"), data.get("valid_until")
        if start and end and end < start:
            self.add_error("valid_until", _("The end date is before the start date."))
        return data


@admin.register(Qualification)
class QualificationAdmin(BackOfficeAdmin[Qualification]):
    """Certificates are recorded, never edited: a renewal is a new row."""

    form = QualificationAdminForm

    list_display = ["holder_name", "kind", "number", "issued_by", "valid_from", "valid_until"]
    list_filter = ["kind"]
    search_fields = ["number", "holder_name", "user__username"]
    raw_id_fields = ["user"]
    fields = [
        "user",
        "kind",
        "level",
        "number",
        "issued_by",
        "valid_from",
        "valid_until",
        "employer",
        "employer_email",
        "evidence",
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Qualification]:
        users = back_office_users(actor=request.user).values("pk")
        return super().get_queryset(request).filter(user_id__in=users)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return back_office_allowed(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is None and back_office_allowed(request)

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        form = super().get_form(request, obj, change, **kwargs)
        form.base_fields["user"].required = True
        return form

    def save_model(self, request: HttpRequest, obj: Qualification, form: Any, change: bool) -> None:
        saved = services.qualification_record(
            ctx=audit_ctx(request, "admin"),
            kind=obj.kind,
            level=obj.level,
            user=obj.user,
            number=obj.number,
            issued_by=obj.issued_by,
            valid_from=obj.valid_from,
            valid_until=obj.valid_until,
            employer=obj.employer,
            employer_email=obj.employer_email,
            evidence=obj.evidence,
        )
        obj.pk = saved.pk


@admin.register(WorkforceTarget)
class WorkforceTargetAdmin(BackOfficeAdmin[WorkforceTarget]):
    """The targets the officers' page measures progress against (national operator only)."""

    list_display = ["region_code", "name", "target", "year"]

    def has_module_permission(self, request: HttpRequest) -> bool:
        return actor_is_national_admin(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return actor_is_national_admin(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return actor_is_national_admin(request.user)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return actor_is_national_admin(request.user)
