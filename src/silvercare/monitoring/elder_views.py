"""Monitoring of one elder: the elder-page panel (latest readings, charts, devices, recent
alerts), the health profile (conditions, medicines, family accounts), the per-elder rule
pages, and the family's read-only view. Thin: selectors read, services write."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from silvercare.accounts.roles import Perm
from silvercare.accounts.scoping import actor_has_perm
from silvercare.common.errors import DomainError, FieldError, NotFound, ValidationFailed
from silvercare.common.request import audit_ctx
from silvercare.monitoring import rule_forms, selectors, services
from silvercare.monitoring.choices import Condition, DeviceType, ZoneType
from silvercare.monitoring.presenters import kind_label, reading_text, unit_label
from silvercare.monitoring.rules.defaults import METRICS


def _labels() -> dict[str, str]:
    # Translated per request (the dict above is built at import, in English).
    return {
        "heart_rate": _("Heart rate"),
        "spo2": _("Blood oxygen"),
        "bp_systolic": _("Systolic blood pressure"),
        "bp_diastolic": _("Diastolic blood pressure"),
        "glucose": _("Blood glucose"),
        "temperature": _("Body temperature"),
    }


def _elder(request: HttpRequest, elder_id: uuid.UUID, perm: str = Perm.MONITORING_VIEW) -> Any:
    try:
        return selectors.elder_for_monitoring(actor=request.user, elder_id=elder_id, perm=perm)
    except NotFound:
        raise Http404 from None


def _latest_rows(latest: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {"kind": kind_label(r["kind"]), "ts": r["ts"], "text": reading_text(r["kind"], r["value"])}
        for r in latest
    ]


def _charts(elder: Any) -> dict[str, Any]:
    labels = _labels()
    day = selectors.elder_series(elder, days=1)
    week = selectors.elder_series(elder, days=7)
    for series in (*day.values(), *week.values()):
        series["unit"] = unit_label(series["unit"])
    return {
        "labels": labels,
        "day": day,
        "week": week,
        "texts": {"day": _("Last 24 hours"), "week": _("Last 7 days")},
    }


def _alert_rows(alerts: list[Any]) -> list[dict[str, Any]]:
    from silvercare.alerts.presenters import alert_summary

    return [alert_summary(a) for a in alerts]


# --- The elder-page panel -------------------------------------------------------------------


def elder_panel_context(request: HttpRequest, elder: Any) -> dict[str, Any] | None:
    """The monitoring section of the elder page (``common.elder_panels``): None unless the
    user sees monitoring in the elder's community."""
    user = request.user
    if not actor_has_perm(user, Perm.MONITORING_VIEW, elder.region_id):
        return None
    devices = selectors.elder_devices(actor=user, elder=elder)
    alerts: list[Any] = []
    if actor_has_perm(user, Perm.ALERTS_VIEW, elder.region_id):
        from silvercare.alerts.selectors import AlertFilters, alert_list

        alerts = list(
            alert_list(actor=user, filters=AlertFilters(status="all", elder_id=elder.pk)).order_by(
                "-created_at", "id"
            )[:10]
        )
    profile = selectors.health_profile_of(elder)
    return {
        "elder": elder,
        "consented": selectors.monitoring_consented(elder),
        "devices": devices,
        "types": dict(DeviceType.choices),
        "latest": _latest_rows(selectors.elder_latest(elder, devices)),
        "charts": _charts(elder),
        "alerts": _alert_rows(alerts),
        "may_see_alerts": actor_has_perm(user, Perm.ALERTS_VIEW, elder.region_id),
        "may_manage": actor_has_perm(user, Perm.MONITORING_MANAGE, elder.region_id),
        "conditions": _condition_labels(profile.conditions if profile else []),
        "medications": profile.medications if profile else [],
    }


def _condition_labels(conditions: list[str]) -> list[str]:
    names = dict(Condition.choices)
    return [str(names.get(c, c)) for c in conditions]


# --- Health profile -------------------------------------------------------------------------


def _key(field: str) -> str:
    return field.replace(".", "_").replace("[", "_").replace("]", "")


def _summary(errors: list[FieldError], labels: dict[str, str]) -> list[dict[str, str]]:
    return [
        {
            "href": "#f-" + _key(e.field),
            "label": labels.get(e.field, e.field),
            "message": str(e.message),
        }
        for e in errors
    ]


@login_required
@require_http_methods(["GET", "POST"])
def health(request: HttpRequest, elder_id: uuid.UUID) -> HttpResponse:
    elder = _elder(request, elder_id)
    may_manage = actor_has_perm(request.user, Perm.MONITORING_MANAGE, elder.region_id)
    may_link = actor_has_perm(request.user, Perm.ELDERS_EDIT, elder.region_id)
    profile = selectors.health_profile_of(elder)
    values = {
        "conditions": profile.conditions if profile else [],
        "medications": "\n".join(profile.medications) if profile else "",
        "note": profile.note if profile else "",
    }
    errors: list[FieldError] = []
    status = 200
    if request.method == "POST":
        if not may_manage:
            raise Http404
        values = {
            "conditions": request.POST.getlist("conditions"),
            "medications": request.POST.get("medications", "")[:5000],
            "note": request.POST.get("note", "")[:600],
        }
        try:
            services.health_profile_save(
                ctx=audit_ctx(request),
                elder=elder,
                conditions=values["conditions"],
                medications=values["medications"].splitlines(),
                note=values["note"],
            )
        except ValidationFailed as exc:
            errors, status = list(exc.errors), 422
        except DomainError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(request, _("The health profile is saved."))
            return redirect("monitoring:elder_health", elder_id=elder.pk)
    from silvercare.elders.selectors import contacts_of_elders

    contacts = contacts_of_elders(actor=request.user, elder_ids=[elder.pk]) if may_link else []
    return render(
        request,
        "monitoring/health.html",
        {
            "elder": elder,
            "values": values,
            "conditions": Condition.choices,
            "errors": {_key(e.field): e.message for e in errors},
            "summary_items": _summary(
                errors,
                {"conditions": _("Conditions"), "medications": _("Medicines"), "note": _("Note")},
            ),
            "may_manage": may_manage,
            "may_link": may_link,
            "contacts": contacts,
        },
        status=status,
    )


@login_required
@require_http_methods(["POST"])
def link_family(request: HttpRequest, elder_id: uuid.UUID) -> HttpResponse:
    """Bind one of the elder's contacts to a family-member account (or unbind it)."""
    from silvercare.elders.services import contact_link_account

    elder = _elder(request, elder_id, Perm.ELDERS_EDIT)
    try:
        contact_id = int(request.POST.get("contact_id", ""))
    except ValueError:
        raise Http404 from None
    try:
        contact_link_account(
            ctx=audit_ctx(request),
            elder=elder,
            contact_id=contact_id,
            username=request.POST.get("username", "")[:150],
        )
    except NotFound:
        raise Http404 from None
    except DomainError as exc:
        text = "; ".join(str(e.message) for e in exc.errors) or str(exc.message)
        messages.error(request, text)
    else:
        messages.success(request, _("The family account is saved."))
    return redirect("monitoring:elder_health", elder_id=elder.pk)


# --- Rules ----------------------------------------------------------------------------------


def _rules_context(elder: Any, spec: dict[str, Any]) -> dict[str, Any]:
    labels = _labels()
    rows = selectors.threshold_rows(spec)
    for row in rows:
        row["label"] = labels.get(row["metric"], row["metric"])
        row["unit"] = unit_label(row["unit"])

    def part(key: str) -> dict[str, Any]:
        value = spec.get(key)
        return dict(value) if isinstance(value, dict) else {}

    geofence, medication, inactivity, device = (
        part("geofence"),
        part("medication"),
        part("inactivity"),
        part("device"),
    )
    inactivity_off = "inactivity" in spec and spec["inactivity"] is None

    def sub(key: str, defaults: dict[str, Any]) -> dict[str, Any] | None:
        if inactivity_off or (key in inactivity and inactivity[key] is None):
            return None
        value = inactivity.get(key) or {}
        merged = {**defaults, **value}
        if "window" in merged:
            merged["start"], merged["end"] = merged["window"]
        return merged

    return {
        "elder": elder,
        "thresholds": rows,
        "thresholds_off": "thresholds" in spec and spec["thresholds"] is None,
        "zones": geofence.get("zones", []),
        "zone_types": dict(ZoneType.choices),
        "doses": medication.get("doses", []),
        "no_motion": sub("no_motion", {"hours": 4, "window": ["08:00", "20:00"]}),
        "out_of_bed": sub("out_of_bed", {"by": "09:00"}),
        "bed_empty": sub("bed_empty", {"minutes": 30, "window": ["23:00", "06:00"]}),
        "device": {"offline_minutes": 30, "battery_low_pct": 20, **device},
        "conditions": _condition_labels(spec.get("conditions") or []),
        "units": METRICS,
    }


def _section_from_post(request: HttpRequest, spec: dict[str, Any]) -> tuple[str, Any, str]:
    """(section, new value, form name) from the posted form."""
    form = request.POST.get("form", "")
    post = request.POST
    if form == "thresholds":
        return "thresholds", rule_forms.thresholds_value(post, selectors.threshold_rows(spec)), form
    if form == "thresholds_reset":
        return "thresholds", {}, "thresholds"
    if form in ("zone_add", "zone_remove"):
        current = dict(spec.get("geofence") or {})
        zones = list(current.get("zones", []))
        if form == "zone_add":
            zones.append(rule_forms.zone_from_post(post))
        else:
            zones = [z for z in zones if str(z.get("id")) != post.get("zone", "")]
        current["zones"] = zones
        return "geofence", current if zones or len(current) > 1 else {}, form
    if form in ("dose_add", "dose_remove"):
        current = dict(spec.get("medication") or {})
        doses = list(current.get("doses", []))
        if form == "dose_add":
            doses.append(rule_forms.dose_from_post(post))
        else:
            doses = [d for d in doses if str(d.get("id")) != post.get("dose", "")]
        current["doses"] = doses
        return "medication", current if doses or len(current) > 1 else {}, form
    if form == "inactivity":
        return "inactivity", rule_forms.inactivity_value(post), form
    if form == "device":
        return "device", rule_forms.device_value(post), form
    raise rule_forms.FormErrors(
        [FieldError("form", "rule_section_unknown", _("Unknown rule section."))]
    )


@login_required
@require_http_methods(["GET", "POST"])
def rules(request: HttpRequest, elder_id: uuid.UUID) -> HttpResponse:
    elder = _elder(request, elder_id)
    may_manage = actor_has_perm(request.user, Perm.MONITORING_MANAGE, elder.region_id)
    spec = selectors.rule_spec_of(elder)
    errors: list[FieldError] = []
    failed_form = ""
    status = 200
    if request.method == "POST":
        if not may_manage:
            raise Http404
        try:
            section, value, failed_form = _section_from_post(request, spec)
            services.rule_section_set(
                ctx=audit_ctx(request), elder=elder, section=section, value=value
            )
        except rule_forms.FormErrors as exc:
            errors, status = exc.errors, 422
            failed_form = request.POST.get("form", "")
        except ValidationFailed as exc:
            errors = [
                FieldError(rule_forms.field_of(e.field), e.code, e.message) for e in exc.errors
            ]
            status = 422
        except DomainError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(request, _("The rules are saved."))
            return redirect("monitoring:elder_rules", elder_id=elder.pk)
    context = _rules_context(elder, spec)
    by_key = {_key(e.field): e.message for e in errors}
    posted = request.POST if errors else {}
    for row in context["thresholds"]:
        base = _key(row["key"])
        row["id"] = base
        row["errors"] = [
            by_key[f"{base}_{f}"]
            for f in ("limit", "duration_s", "margin")
            if f"{base}_{f}" in by_key
        ]
        if posted and failed_form == "thresholds":
            row["on"] = posted.get(f"{row['key']}.on") in ("1", "on")
            for f in ("limit", "duration_s", "margin"):
                row[f] = posted.get(f"{row['key']}.{f}", row[f])
    context.update(
        {
            "may_manage": may_manage,
            "errors": by_key,
            "failed_form": failed_form,
            "posted": {_key(k): v for k, v in posted.items()},
            "summary_items": _summary(errors, {}),
        }
    )
    return render(request, "monitoring/rules.html", context, status=status)


# --- Family ---------------------------------------------------------------------------------


@login_required
@require_GET
def family_home(request: HttpRequest) -> HttpResponse:
    return render(
        request, "monitoring/family.html", {"rows": selectors.family_elders(user=request.user)}
    )


@login_required
@require_GET
def family_elder(request: HttpRequest, elder_id: uuid.UUID) -> HttpResponse:
    from silvercare.alerts.selectors import alerts_of_elder

    try:
        elder = selectors.family_elder_get(user=request.user, elder_id=elder_id)
    except NotFound:
        raise Http404 from None
    return render(
        request,
        "monitoring/family_elder.html",
        {
            "elder": elder,
            "latest": _latest_rows(selectors.elder_latest(elder)),
            "charts": _charts(elder),
            "alerts": _alert_rows(alerts_of_elder(elder_id=elder.pk, limit=20)),
        },
    )
