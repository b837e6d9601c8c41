"""Endpoints under /api/v1/industry: the enterprise and facility registries, the
classification, report forms, reports (filing, upload, approval, return, unlock), late and
missing reports, the key project library and the white list. Region-scoped like every read;
enterprise users reach only their own enterprise; out of scope answers 404."""

from __future__ import annotations

import uuid
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import Field

from silvercare.accounts.roles import Perm
from silvercare.common.errors import FieldError, NotFound, ValidationFailed
from silvercare.common.request import audit_ctx
from silvercare.industry import selectors, services
from silvercare.industry.models import Enterprise, Facility, Project, Report
from silvercare.industry.schemas import (
    CategoryOut,
    ComplianceOut,
    EnterpriseDetailOut,
    EnterpriseIn,
    EnterpriseOut,
    EnterprisePageOut,
    EnterpriseUpdateIn,
    FacilityIn,
    FacilityOut,
    FacilityPageOut,
    FacilityUpdateIn,
    FormOut,
    ProgressIn,
    ProjectDetailOut,
    ProjectIn,
    ProjectPageOut,
    ReasonIn,
    ReportDetailOut,
    ReportIn,
    ReportOut,
    ReportPageOut,
    TierIn,
    TierOut,
    WhiteListEventOut,
    WhiteListIn,
)
from silvercare.industry.validation import fields_of, rules_of

router = Router(tags=["industry"])

MAX_UPLOAD_BYTES = 5 * 1024 * 1024


def _unknown(field: str) -> ValidationFailed:
    return ValidationFailed([FieldError(field, "unknown", _("Unknown or not in your area."))])


def present_enterprise(e: Enterprise) -> dict[str, Any]:
    return {
        "id": e.pk,
        "credit_code": e.credit_code,
        "name": e.name,
        "region_code": e.region_id,
        "region_name": e.region.name,
        "address": e.address,
        "size_class": e.size_class,
        "above_designated_size": e.above_designated_size,
        "category_code": e.category_id,
        "sectors": list(e.sectors),
        "whitelisted": e.whitelisted,
        "active": e.active,
    }


def present_event(ev: Any) -> dict[str, Any]:
    return {
        "enterprise_id": ev.enterprise_id,
        "enterprise": ev.enterprise.name,
        "action": ev.action,
        "reason": ev.reason,
        "actor": ev.actor_label,
        "at": ev.created_at,
    }


def present_enterprise_detail(e: Enterprise, actor: Any) -> dict[str, Any]:
    today = timezone.localdate()
    return {
        **present_enterprise(e),
        "tiers": [
            {
                "tier": t.tier,
                "granted_on": t.granted_on,
                "expires_on": t.expires_on,
                "issuer": t.issuer,
                "current": t.expires_on is None or t.expires_on >= today,
            }
            for t in e.tiers.all()
        ],
        "whitelist_history": [present_event(ev) for ev in selectors.whitelist_history(e)],
        "facility_ids": list(
            selectors.facilities_visible(actor).filter(operator=e).values_list("pk", flat=True)
        ),
    }


def present_facility(f: Facility) -> dict[str, Any]:
    return {
        "id": f.pk,
        "kind": f.kind,
        "name": f.name,
        "region_code": f.region_id,
        "region_name": f.region.name,
        "address": f.address,
        "latitude": f.latitude,
        "longitude": f.longitude,
        "operator_id": f.operator_id,
        "operator": f.operator.name if f.operator else "",
        "ownership": f.ownership,
        "beds": f.beds,
        "nursing_beds": f.nursing_beds,
        "medical_care": f.medical_care,
        "capacity": f.capacity,
        "opened_on": f.opened_on,
        "active": f.active,
    }


def present_report(r: Report) -> dict[str, Any]:
    return {
        "id": r.pk,
        "form": r.period.form.code,
        "period": r.period.code,
        "deadline": r.period.deadline,
        "enterprise_id": r.enterprise_id,
        "facility_id": r.facility_id,
        "filer": r.filer.name,
        "region_code": r.region_id,
        "status": r.status,
        "locked": r.locked,
        "values": r.values,
        "submitted_at": r.submitted_at,
        "approved_at": r.approved_at,
        "return_reason": r.return_reason,
    }


def present_report_detail(r: Report) -> dict[str, Any]:
    return {
        **present_report(r),
        "history": [
            {
                "step": h.step,
                "status": h.status,
                "reason": h.reason,
                "actor": h.actor_label,
                "at": h.at,
            }
            for h in selectors.report_history(r)
        ],
    }


def present_project(p: Project) -> dict[str, Any]:
    return {
        "id": p.pk,
        "name": p.name,
        "region_code": p.region_id,
        "region_name": p.region.name,
        "enterprise_id": p.enterprise_id,
        "enterprise": p.enterprise.name if p.enterprise else "",
        "sector": p.sector,
        "investment_wan": p.investment_wan,
        "stage": p.stage,
        "progress": p.progress,
        "starts_on": p.starts_on,
        "ends_on": p.ends_on,
        "description": p.description,
    }


def present_project_detail(p: Project) -> dict[str, Any]:
    return {
        **present_project(p),
        "milestones": [
            {"id": m.pk, "name": m.name, "due_on": m.due_on, "done_on": m.done_on}
            for m in p.milestones.all()
        ],
        "updates": [
            {
                "stage": u.stage,
                "progress": u.progress,
                "note": u.note,
                "actor": u.actor_label,
                "at": u.created_at,
            }
            for u in p.updates.all()
        ],
    }


def _page(page: int, size: int) -> slice:
    start = (page - 1) * size
    return slice(start, start + size)


# --- Classification and registries --------------------------------------------------------


@router.get("/categories", response=list[CategoryOut], summary="The industry classification")
def list_categories(request: HttpRequest) -> list[dict[str, Any]]:
    if not selectors.may_view(request.user):
        return []
    return [
        {"code": c.code, "name": c.name, "level": c.level, "parent": c.parent_id}
        for c in selectors.categories()
    ]


class EnterpriseQuery(Schema):
    q: str = Field("", max_length=100)
    region: str = Field("", pattern=r"^(|\d{12})$")
    category: str = Field("", pattern=r"^\d{0,4}$")
    sector: str = Field("", max_length=12)
    tier: str = Field("", max_length=16)
    size_class: str = Field("", max_length=8)
    above_size: bool | None = None
    whitelisted: bool | None = None
    page: int = Field(1, ge=1, le=100_000)
    page_size: int = Field(50, ge=1, le=200)


@router.get("/enterprises", response=EnterprisePageOut, summary="Enterprises you may see")
def list_enterprises(request: HttpRequest, query: Query[EnterpriseQuery]) -> dict[str, Any]:
    qs = selectors.enterprise_search(
        actor=request.user,
        q=query.q,
        region=query.region,
        category=query.category,
        sector=query.sector,
        tier=query.tier,
        size_class=query.size_class,
        above_size=query.above_size,
        whitelisted=query.whitelisted,
    )
    return {
        "items": [present_enterprise(e) for e in qs[_page(query.page, query.page_size)]],
        "count": qs.count(),
    }


@router.post("/enterprises", response={201: EnterpriseOut}, summary="Register an enterprise")
def create_enterprise(request: HttpRequest, payload: EnterpriseIn) -> Status[dict[str, Any]]:
    found = services.enterprise_register(ctx=audit_ctx(request, "api"), **payload.model_dump())
    return Status(201, present_enterprise(found))


@router.get(
    "/enterprises/{ind_enterprise_id}",
    response=EnterpriseDetailOut,
    summary="An enterprise with its tiers and white-list history",
)
def get_enterprise(request: HttpRequest, ind_enterprise_id: uuid.UUID) -> dict[str, Any]:
    found = selectors.enterprise_get_for(actor=request.user, id=ind_enterprise_id)
    return present_enterprise_detail(found, request.user)


@router.put(
    "/enterprises/{ind_enterprise_id}", response=EnterpriseOut, summary="Change an enterprise"
)
def update_enterprise(
    request: HttpRequest, ind_enterprise_id: uuid.UUID, payload: EnterpriseUpdateIn
) -> dict[str, Any]:
    found = selectors.enterprise_get_for(actor=request.user, id=ind_enterprise_id)
    services.enterprise_update(
        ctx=audit_ctx(request, "api"), enterprise=found, **payload.model_dump()
    )
    return present_enterprise(selectors.enterprise_get_for(actor=request.user, id=found.pk))


@router.post(
    "/enterprises/{ind_enterprise_id}/tiers",
    response={201: TierOut},
    summary="Record a tier (专精特新, 小巨人 …)",
)
def add_tier(
    request: HttpRequest, ind_enterprise_id: uuid.UUID, payload: TierIn
) -> Status[dict[str, Any]]:
    found = selectors.enterprise_get_for(actor=request.user, id=ind_enterprise_id)
    row = services.tier_grant(ctx=audit_ctx(request, "api"), enterprise=found, **payload.dict())
    return Status(
        201,
        {
            "tier": row.tier,
            "granted_on": row.granted_on,
            "expires_on": row.expires_on,
            "issuer": row.issuer,
            "current": row.expires_on is None or row.expires_on >= timezone.localdate(),
        },
    )


@router.post(
    "/enterprises/{ind_enterprise_id}/whitelist",
    response={201: WhiteListEventOut},
    summary="Put an enterprise on the white list or take it off, with the reason",
)
def change_whitelist(
    request: HttpRequest, ind_enterprise_id: uuid.UUID, payload: WhiteListIn
) -> Status[dict[str, Any]]:
    found = selectors.enterprise_get_for(actor=request.user, id=ind_enterprise_id)
    change = services.whitelist_enter if payload.action == "enter" else services.whitelist_exit
    event = change(ctx=audit_ctx(request, "api"), enterprise=found, reason=payload.reason)
    return Status(201, present_event(event))


@router.get("/whitelist", response=list[WhiteListEventOut], summary="White-list entries and exits")
def list_whitelist(request: HttpRequest) -> list[dict[str, Any]]:
    return [present_event(ev) for ev in selectors.whitelist_events_visible(request.user)[:500]]


class FacilityQuery(Schema):
    q: str = Field("", max_length=100)
    kind: str = Field("", max_length=16)
    region: str = Field("", pattern=r"^(|\d{12})$")
    ownership: str = Field("", max_length=16)
    medical_care: bool | None = None
    page: int = Field(1, ge=1, le=100_000)
    page_size: int = Field(50, ge=1, le=200)


@router.get("/facilities", response=FacilityPageOut, summary="Facilities you may see")
def list_facilities(request: HttpRequest, query: Query[FacilityQuery]) -> dict[str, Any]:
    qs = selectors.facility_search(
        actor=request.user,
        q=query.q,
        kind=query.kind,
        region=query.region,
        ownership=query.ownership,
        medical_care=query.medical_care,
    )
    return {
        "items": [present_facility(f) for f in qs[_page(query.page, query.page_size)]],
        "count": qs.count(),
    }


def _operator(request: HttpRequest, operator_id: uuid.UUID | None) -> Enterprise | None:
    if operator_id is None:
        return None
    try:
        return selectors.enterprise_get_for(actor=request.user, id=operator_id)
    except NotFound:
        raise _unknown("operator_id") from None


@router.post("/facilities", response={201: FacilityOut}, summary="Register a facility")
def create_facility(request: HttpRequest, payload: FacilityIn) -> Status[dict[str, Any]]:
    data = payload.model_dump()
    operator = _operator(request, data.pop("operator_id"))
    found = services.facility_register(ctx=audit_ctx(request, "api"), operator=operator, **data)
    return Status(201, present_facility(found))


@router.get("/facilities/{ind_facility_id}", response=FacilityOut, summary="A facility")
def get_facility(request: HttpRequest, ind_facility_id: uuid.UUID) -> dict[str, Any]:
    return present_facility(selectors.facility_get_for(actor=request.user, id=ind_facility_id))


@router.put("/facilities/{ind_facility_id}", response=FacilityOut, summary="Change a facility")
def update_facility(
    request: HttpRequest, ind_facility_id: uuid.UUID, payload: FacilityUpdateIn
) -> dict[str, Any]:
    found = selectors.facility_get_for(actor=request.user, id=ind_facility_id)
    services.facility_update(ctx=audit_ctx(request, "api"), facility=found, **payload.model_dump())
    return present_facility(selectors.facility_get_for(actor=request.user, id=found.pk))


# --- Reports ------------------------------------------------------------------------------


def present_form(form: Any) -> dict[str, Any]:
    return {
        "code": form.code,
        "name": form.name,
        "filer": form.filer,
        "facility_kinds": list(form.facility_kinds),
        "frequency": form.frequency,
        "deadline_days": form.deadline_days,
        "fields": [f.__dict__ for f in fields_of(form)],
        "rules": [{**r.__dict__, "fields": list(r.fields)} for r in rules_of(form)],
    }


@router.get("/forms", response=list[FormOut], summary="Report forms with fields and rules")
def list_forms(request: HttpRequest) -> list[dict[str, Any]]:
    if not selectors.may_view(request.user):
        return []
    return [present_form(f) for f in selectors.forms_active()]


class ReportQuery(Schema):
    form: str = Field("", max_length=40)
    period: str = Field("", max_length=8)
    status: str = Field("", max_length=20)
    region: str = Field("", pattern=r"^(|\d{12})$")
    enterprise_id: uuid.UUID | None = None
    facility_id: uuid.UUID | None = None
    page: int = Field(1, ge=1, le=100_000)
    page_size: int = Field(50, ge=1, le=200)


@router.get("/reports", response=ReportPageOut, summary="Reports you may see")
def list_reports(request: HttpRequest, query: Query[ReportQuery]) -> dict[str, Any]:
    qs = selectors.report_search(
        actor=request.user,
        form=query.form,
        period=query.period,
        status=query.status,
        region=query.region,
        enterprise=str(query.enterprise_id or ""),
        facility=str(query.facility_id or ""),
    )
    return {
        "items": [present_report(r) for r in qs[_page(query.page, query.page_size)]],
        "count": qs.count(),
    }


def _form(code: str) -> Any:
    try:
        return selectors.form_get(code)
    except NotFound:
        raise _unknown("form") from None


def _filer(request: HttpRequest, payload: ReportIn) -> Enterprise | Facility:
    if (payload.enterprise_id is None) == (payload.facility_id is None):
        raise ValidationFailed(
            [FieldError("enterprise_id", "filer_invalid", _("Give an enterprise or a facility."))]
        )
    try:
        if payload.enterprise_id is not None:
            return selectors.enterprise_get_for(actor=request.user, id=payload.enterprise_id)
        return selectors.facility_get_for(actor=request.user, id=payload.facility_id)
    except NotFound:
        field = "enterprise_id" if payload.enterprise_id is not None else "facility_id"
        raise _unknown(field) from None


@router.post(
    "/reports",
    response={201: ReportDetailOut},
    summary="Save (and optionally submit) a report's figures for a period",
)
def save_report(request: HttpRequest, payload: ReportIn) -> Status[dict[str, Any]]:
    report = services.report_save(
        ctx=audit_ctx(request, "api"),
        form=_form(payload.form),
        period_code=payload.period,
        filer=_filer(request, payload),
        values=payload.values,
        submit=payload.submit,
    )
    return Status(
        201, present_report_detail(selectors.report_get_for(actor=request.user, id=report.pk))
    )


@router.post(
    "/reports/upload",
    response={201: list[ReportOut]},
    summary="File a period's reports from an .xlsx file (all rows or none)",
)
def upload_reports(
    request: HttpRequest,
    form: Form[str],
    period: Form[str],
    file: File[UploadedFile],
) -> Status[list[dict[str, Any]]]:
    if file.size is not None and file.size > MAX_UPLOAD_BYTES:
        raise ValidationFailed([FieldError("file", "upload_invalid", _("The file is too large."))])
    saved = services.reports_upload(
        ctx=audit_ctx(request, "api"),
        form=_form(form[:40]),
        period_code=period[:8],
        fileobj=file.read(),
    )
    return Status(201, [present_report(r) for r in saved])


@router.get("/approvals", response=list[ReportOut], summary="Reports waiting for your approval")
def list_approvals(request: HttpRequest) -> list[dict[str, Any]]:
    return [present_report(r) for r in selectors.approval_queue(request.user)[:500]]


class ComplianceQuery(Schema):
    form: str = Field(min_length=1, max_length=40)
    period: str = Field(min_length=4, max_length=8)
    region: str = Field("", pattern=r"^(|\d{12})$")


@router.get("/compliance", response=ComplianceOut, summary="Late and missing reports of a period")
def get_compliance(request: HttpRequest, query: Query[ComplianceQuery]) -> dict[str, Any]:
    if not selectors.is_officer(request.user):
        raise NotFound()
    form = _form(query.form)
    period = selectors.period_get(form=form, code=query.period)
    rows = selectors.compliance(actor=request.user, period=period, region=query.region)
    return {
        "form": form.code,
        "period": period.code,
        "deadline": period.deadline,
        "by_region": selectors.compliance_by_region(rows),
        "rows": [r.__dict__ for r in rows],
    }


@router.get("/reports/{ind_report_id}", response=ReportDetailOut, summary="A report with its steps")
def get_report(request: HttpRequest, ind_report_id: uuid.UUID) -> dict[str, Any]:
    return present_report_detail(selectors.report_get_for(actor=request.user, id=ind_report_id))


def _report_action(request: HttpRequest, ind_report_id: uuid.UUID, action: Any, **kw: Any) -> Any:
    report = selectors.report_get_for(actor=request.user, id=ind_report_id)
    action(ctx=audit_ctx(request, "api"), report=report, **kw)
    return present_report_detail(selectors.report_get_for(actor=request.user, id=report.pk))


@router.post(
    "/reports/{ind_report_id}/submit", response=ReportDetailOut, summary="Submit a saved report"
)
def submit_report(request: HttpRequest, ind_report_id: uuid.UUID) -> dict[str, Any]:
    result: dict[str, Any] = _report_action(request, ind_report_id, services.report_submit)
    return result


@router.post(
    "/reports/{ind_report_id}/approve",
    response=ReportDetailOut,
    summary="Approve a report (district step, then city step which locks it)",
)
def approve_report(request: HttpRequest, ind_report_id: uuid.UUID) -> dict[str, Any]:
    result: dict[str, Any] = _report_action(request, ind_report_id, services.report_approve)
    return result


@router.post(
    "/reports/{ind_report_id}/return",
    response=ReportDetailOut,
    summary="Return a report under approval to its filer, with the reason",
)
def return_report(
    request: HttpRequest, ind_report_id: uuid.UUID, payload: ReasonIn
) -> dict[str, Any]:
    result: dict[str, Any] = _report_action(
        request, ind_report_id, services.report_return, reason=payload.reason
    )
    return result


@router.post(
    "/reports/{ind_report_id}/unlock",
    response=ReportDetailOut,
    summary="Unlock an approved report, with the reason",
)
def unlock_report(
    request: HttpRequest, ind_report_id: uuid.UUID, payload: ReasonIn
) -> dict[str, Any]:
    result: dict[str, Any] = _report_action(
        request, ind_report_id, services.report_unlock, reason=payload.reason
    )
    return result


# --- Key projects ---------------------------------------------------------------------------


class ProjectQuery(Schema):
    q: str = Field("", max_length=100)
    region: str = Field("", pattern=r"^(|\d{12})$")
    sector: str = Field("", max_length=12)
    stage: str = Field("", max_length=14)
    page: int = Field(1, ge=1, le=100_000)
    page_size: int = Field(50, ge=1, le=200)


@router.get("/projects", response=ProjectPageOut, summary="Key projects you may see")
def list_projects(request: HttpRequest, query: Query[ProjectQuery]) -> dict[str, Any]:
    qs = selectors.project_search(
        actor=request.user, q=query.q, region=query.region, sector=query.sector, stage=query.stage
    )
    return {
        "items": [present_project(p) for p in qs[_page(query.page, query.page_size)]],
        "count": qs.count(),
    }


@router.post("/projects", response={201: ProjectDetailOut}, summary="Enter a key project")
def create_project(request: HttpRequest, payload: ProjectIn) -> Status[dict[str, Any]]:
    data = payload.model_dump()
    enterprise_id = data.pop("enterprise_id")
    enterprise = None
    if enterprise_id is not None:
        try:
            enterprise = selectors.enterprise_get_for(actor=request.user, id=enterprise_id)
        except NotFound:
            raise _unknown("enterprise_id") from None
    milestones = [(m["name"], m["due_on"]) for m in data.pop("milestones")]
    project = services.project_create(
        ctx=audit_ctx(request, "api"), enterprise=enterprise, milestones=milestones, **data
    )
    return Status(
        201, present_project_detail(selectors.project_get_for(actor=request.user, id=project.pk))
    )


@router.get("/projects/{ind_project_id}", response=ProjectDetailOut, summary="A key project")
def get_project(request: HttpRequest, ind_project_id: uuid.UUID) -> dict[str, Any]:
    return present_project_detail(selectors.project_get_for(actor=request.user, id=ind_project_id))


@router.post(
    "/projects/{ind_project_id}/progress",
    response={201: ProjectDetailOut},
    summary="Record a key project's progress",
)
def add_progress(
    request: HttpRequest, ind_project_id: uuid.UUID, payload: ProgressIn
) -> Status[dict[str, Any]]:
    project = selectors.project_get_for(actor=request.user, id=ind_project_id)
    done_on = payload.done_on or timezone.localdate()
    services.project_progress(
        ctx=audit_ctx(request, "api"),
        project=project,
        stage=payload.stage,
        progress=payload.progress,
        note=payload.note,
        milestones_done=dict.fromkeys(payload.milestones_done, done_on),
    )
    return Status(
        201, present_project_detail(selectors.project_get_for(actor=request.user, id=project.pk))
    )


__all__ = ["Perm", "router"]
