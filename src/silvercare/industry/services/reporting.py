"""Statistical reports: periods, filing by form or spreadsheet, district then city approval,
returns with a reason, locking and recorded unlocks, and reminders of periods nearing or
past their deadline (``silvercare industry-reminders``)."""

from __future__ import annotations

import datetime as dt
import io
from typing import IO, Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from silvercare.accounts.roles import Perm
from silvercare.accounts.scoping import actor_has_perm, actor_prefixes
from silvercare.audit.models import AuditAction
from silvercare.audit.services import AuditContext
from silvercare.common.errors import DomainError, FieldError, ValidationFailed
from silvercare.common.text import check_text, fold_fullwidth
from silvercare.industry import error_codes as codes
from silvercare.industry.choices import EDITABLE, Filer, ReportStatus, ReportStep
from silvercare.industry.models import (
    Enterprise,
    Facility,
    Report,
    ReportForm,
    ReportHistory,
    ReportPeriod,
    ReportReminder,
    officer_prefixes,
)
from silvercare.industry.periods import period_dates
from silvercare.industry.services._base import audit, denied
from silvercare.industry.validation import fields_of, values_check

#: A reminder goes to filers without a submitted report this many days before the deadline.
DUE_SOON_DAYS = 7
#: Overdue reminders stop this many days after the deadline.
OVERDUE_DAYS = 90
MAX_UPLOAD_ROWS = 5_000
MAX_REASON = 500
DISTRICT_PREFIX = 6
CITY_PREFIX = 4


def _actor_label(ctx: AuditContext) -> str:
    actor = ctx.actor
    if actor is None:
        return "system"
    return str(getattr(actor, "display_name", "") or getattr(actor, "username", actor))[:150]


def period_get_or_open(*, form: ReportForm, code: str) -> ReportPeriod:
    """The period of ``form`` with ``code``, created on first use with its deadline."""
    dates = period_dates(form.frequency, code)
    if dates is None:
        raise ValidationFailed(
            [FieldError("period", codes.PERIOD_INVALID, _("This is not a period of this form."))]
        )
    first, last = dates
    period, _created = ReportPeriod.objects.get_or_create(
        form=form,
        code=code.strip().upper(),
        defaults={
            "starts_on": first,
            "ends_on": last,
            "deadline": last + dt.timedelta(days=form.deadline_days),
        },
    )
    return period


def _filer_of(form: ReportForm, filer: Enterprise | Facility) -> dict[str, Any]:
    if form.filer == Filer.ENTERPRISE and isinstance(filer, Enterprise):
        return {"enterprise": filer}
    if (
        form.filer == Filer.FACILITY
        and isinstance(filer, Facility)
        and (not form.facility_kinds or filer.kind in form.facility_kinds)
    ):
        return {"facility": filer}
    raise DomainError(
        code=codes.FILER_INVALID, status=400, message=_("This form is not filed by this filer.")
    )


def may_file(actor: Any, filer: Enterprise | Facility) -> bool:
    """A member of the enterprise (or of the facility's operator) holding industry.report, or
    an officer holding industry.manage over the filer's area."""
    if any(filer.region_id.startswith(p) for p in officer_prefixes(actor, Perm.INDUSTRY_MANAGE)):
        return True
    if not getattr(actor, "pk", None) or not actor_has_perm(actor, Perm.INDUSTRY_REPORT):
        return False
    enterprise = filer if isinstance(filer, Enterprise) else filer.operator
    return enterprise is not None and enterprise.members.filter(pk=actor.pk).exists()


def _step(ctx: AuditContext, report: Report, step: str, reason: str = "") -> None:
    ReportHistory.objects.create(
        report=report,
        step=step,
        status=report.status,
        reason=reason,
        actor=ctx.actor if getattr(ctx.actor, "pk", None) else None,
        actor_label=_actor_label(ctx),
        at=timezone.now(),
    )
    audit(
        ctx,
        entity="report",
        entity_id=report.pk,
        region_code=report.region_id,
        message=gettext_noop("Report %(period)s of %(filer)s: %(step)s")
        if not reason
        else gettext_noop("Report %(period)s of %(filer)s: %(step)s (%(reason)s)"),
        params={
            "period": report.period.code,
            "filer": report.filer.name,
            "step": step,
            **({"reason": reason} if reason else {}),
        },
    )


def _locked_error() -> DomainError:
    return DomainError(
        code=codes.REPORT_LOCKED,
        status=409,
        message=_(
            "This report is approved and its period is locked: ask the city to unlock it "
            "before changing it."
        ),
    )


def _not_editable(report: Report) -> DomainError:
    if report.locked:
        return _locked_error()
    return DomainError(
        code=codes.REPORT_STATE,
        status=409,
        message=_("This report is being approved: it can be changed only if it is returned."),
    )


def report_save(
    *,
    ctx: AuditContext,
    form: ReportForm,
    period_code: str,
    filer: Enterprise | Facility,
    values: dict[str, Any],
    submit: bool = False,
    step: str = ReportStep.SAVE,
) -> Report:
    """Save (and with ``submit`` submit) the figures of ``filer`` for the period. Figures that
    break a field's check or a cross-field rule are refused, each on its field; a report
    being approved or locked is refused whole."""
    if not may_file(ctx.actor, filer):
        raise denied()
    target = _filer_of(form, filer)
    clean, errors = values_check(form, values)
    if errors:
        raise ValidationFailed(errors)
    period = period_get_or_open(form=form, code=period_code)
    with transaction.atomic():
        report = Report.objects.select_for_update().filter(period=period, **target).first()
        if report is None:
            report = Report(period=period, region_id=filer.region_id, **target)
        elif report.status not in EDITABLE:
            raise _not_editable(report)
        report.values = clean
        report.region_id = filer.region_id
        if submit:
            report.status = ReportStatus.SUBMITTED
            report.submitted_at = timezone.now()
            report.return_reason = ""
        try:
            with transaction.atomic():
                report.save()
        except IntegrityError:
            raise _not_editable(report) from None
        _step(ctx, report, step)
        if submit and step != ReportStep.SUBMIT:
            _step(ctx, report, ReportStep.SUBMIT)
    return report


def report_submit(*, ctx: AuditContext, report: Report) -> Report:
    """Submit a saved report as it stands (its figures are checked again)."""
    return report_save(
        ctx=ctx,
        form=report.period.form,
        period_code=report.period.code,
        filer=report.filer,
        values=dict(report.values),
        submit=True,
        step=ReportStep.SUBMIT,
    )


def approval_level(actor: Any, region_code: str) -> str:
    """``"district"`` when the actor approves this area's reports at the district step,
    ``"city"`` at the city step, else ``""``. A district grant approves its district's
    reports; a city grant (or wider) gives the second approval."""
    prefixes = [
        p for p in actor_prefixes(actor, Perm.INDUSTRY_APPROVE) if region_code.startswith(p)
    ]
    if any(len(p) <= CITY_PREFIX for p in prefixes):
        return "city"
    if any(len(p) == DISTRICT_PREFIX for p in prefixes):
        return "district"
    return ""


def _district_prefixes(actor: Any) -> list[str]:
    return [p for p in actor_prefixes(actor, Perm.INDUSTRY_APPROVE) if len(p) == DISTRICT_PREFIX]


def _load(report: Report) -> Report:
    return Report.objects.select_for_update().select_related("period__form").get(pk=report.pk)


def report_approve(*, ctx: AuditContext, report: Report) -> Report:
    """District approval of a submitted report, or city approval of a district-approved one;
    the city's approval locks it."""
    with transaction.atomic():
        report = _load(report)
        level = approval_level(ctx.actor, report.region_id)
        if report.status == ReportStatus.SUBMITTED:
            if not any(report.region_id.startswith(p) for p in _district_prefixes(ctx.actor)):
                raise denied()
            report.status = ReportStatus.DISTRICT_APPROVED
            step = ReportStep.DISTRICT_APPROVE
        elif report.status == ReportStatus.DISTRICT_APPROVED:
            if level != "city":
                raise denied()
            report.status = ReportStatus.APPROVED
            report.locked = True
            report.approved_at = timezone.now()
            step = ReportStep.CITY_APPROVE
        else:
            raise DomainError(
                code=codes.REPORT_STATE,
                status=409,
                message=_("Only a submitted or district-approved report can be approved."),
            )
        report.save()
        _step(ctx, report, step)
    return report


def _reason(reason: str) -> str:
    text = (reason or "").strip()
    error = check_text(text, "reason", multiline=True)
    if error is not None:
        raise ValidationFailed([error])
    if not text:
        raise ValidationFailed([FieldError("reason", codes.REASON_REQUIRED, _("Give the reason."))])
    if len(text) > MAX_REASON:
        raise ValidationFailed(
            [
                FieldError(
                    "reason", codes.REASON_REQUIRED, _("Keep the reason under 500 characters.")
                )
            ]
        )
    return text


def report_return(*, ctx: AuditContext, report: Report, reason: str) -> Report:
    """Send a report under approval back to its filer with the reason; they correct it and
    submit it again."""
    reason = _reason(reason)
    with transaction.atomic():
        report = _load(report)
        if report.status == ReportStatus.SUBMITTED:
            allowed = any(report.region_id.startswith(p) for p in _district_prefixes(ctx.actor))
            allowed = allowed or approval_level(ctx.actor, report.region_id) == "city"
        elif report.status == ReportStatus.DISTRICT_APPROVED:
            allowed = approval_level(ctx.actor, report.region_id) == "city"
        else:
            raise DomainError(
                code=codes.REPORT_STATE,
                status=409,
                message=_("Only a report under approval can be returned."),
            )
        if not allowed:
            raise denied()
        report.status = ReportStatus.RETURNED
        report.return_reason = reason
        report.save()
        _step(ctx, report, ReportStep.RETURN, reason)
    return report


def report_unlock(*, ctx: AuditContext, report: Report, reason: str) -> Report:
    """Unlock an approved report so its filer can correct it (it goes back as returned); the
    unlock is recorded with its reason. Only the city's approvers unlock."""
    reason = _reason(reason)
    with transaction.atomic():
        report = _load(report)
        if not report.locked:
            raise DomainError(
                code=codes.REPORT_NOT_LOCKED, status=409, message=_("This report is not locked.")
            )
        if approval_level(ctx.actor, report.region_id) != "city":
            raise denied()
        report.locked = False
        report.status = ReportStatus.RETURNED
        report.return_reason = reason
        report.save()
        _step(ctx, report, ReportStep.UNLOCK, reason)
    return report


# --- Spreadsheet upload -------------------------------------------------------------------

FILER_COLUMN = {Filer.ENTERPRISE: "credit_code", Filer.FACILITY: "facility_id"}


def upload_template_rows(form: ReportForm) -> list[list[str]]:
    """Header row of the upload template: the filer's key, then each field's code."""
    return [[FILER_COLUMN[Filer(form.filer)], *[f.code for f in fields_of(form)]]]


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return fold_fullwidth(str(value)).strip()


def _read(fileobj: IO[bytes]) -> list[list[Any]]:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(fileobj, read_only=True, data_only=True)
    except Exception:
        raise _upload_error(_("This file is not an .xlsx spreadsheet.")) from None
    try:
        if not wb.worksheets:
            raise _upload_error(_("The spreadsheet has no sheet."))
        rows = []
        for index, row in enumerate(wb.worksheets[0].iter_rows(values_only=True)):
            if index > MAX_UPLOAD_ROWS:
                raise _upload_error(_("The spreadsheet has more than 5000 rows."))
            rows.append(list(row))
        return rows
    except DomainError:
        raise
    except Exception:
        raise _upload_error(
            _("The spreadsheet is damaged or uses features that cannot be read; save it again.")
        ) from None
    finally:
        wb.close()


def _upload_error(message: str) -> ValidationFailed:
    return ValidationFailed([FieldError("file", codes.UPLOAD_INVALID, message)])


def reports_upload(
    *,
    ctx: AuditContext,
    form: ReportForm,
    period_code: str,
    fileobj: IO[bytes] | bytes,
    submit: bool = True,
) -> list[Report]:
    """File many reports of one period from a spreadsheet: a header row of the filer's key
    (``credit_code`` or ``facility_id``) and field codes, then one row per filer. Every row
    is checked first; any problem refuses the whole file with a message per row and field,
    and nothing is saved."""
    if isinstance(fileobj, bytes):
        fileobj = io.BytesIO(fileobj)
    rows = _read(fileobj)
    period_get_or_open(form=form, code=period_code)  # refuses a bad period first
    if not rows:
        raise _upload_error(_("The spreadsheet is empty."))
    header = [_cell(c).lower() for c in rows[0]]
    key_column = FILER_COLUMN[Filer(form.filer)]
    field_codes = [f.code for f in fields_of(form)]
    if key_column not in header:
        raise _upload_error(
            _("The first row must name the columns: %(column)s and the field codes.")
            % {"column": key_column}
        )
    unknown = [h for h in header if h and h != key_column and h not in field_codes]
    if unknown:
        raise _upload_error(
            _("Unknown columns: %(columns)s.") % {"columns": ", ".join(unknown[:10])}
        )
    position = {h: i for i, h in enumerate(header) if h}
    errors: list[FieldError] = []
    planned: list[tuple[Enterprise | Facility, dict[str, Any]]] = []
    seen: set[str] = set()
    for number, row in enumerate(rows[1:], start=2):
        cells = {h: _cell(row[i]) if i < len(row) else "" for h, i in position.items()}
        if not any(cells.values()):
            continue
        key = (
            cells.get(key_column, "").upper()
            if form.filer == Filer.ENTERPRISE
            else cells.get(key_column, "").lower()
        )
        prefix = _("Row %(row)s") % {"row": number}
        filer = _upload_filer(form, key)
        if filer is None or not may_file(ctx.actor, filer):
            errors.append(
                FieldError(
                    f"row {number}: {key_column}",
                    codes.FILER_INVALID,
                    f"{prefix}: " + _("no filer of yours with this key: %(key)s") % {"key": key},
                )
            )
            continue
        if key in seen:
            errors.append(
                FieldError(
                    f"row {number}: {key_column}",
                    codes.UPLOAD_INVALID,
                    f"{prefix}: " + _("this filer is on another row too."),
                )
            )
            continue
        seen.add(key)
        existing = (
            Report.objects.filter(period__form=form, period__code=period_code.upper())
            .filter(**_filer_of(form, filer))
            .first()
        )
        if existing is not None and existing.status not in EDITABLE:
            errors.append(
                FieldError(
                    f"row {number}: {key_column}",
                    codes.REPORT_LOCKED if existing.locked else codes.REPORT_STATE,
                    f"{prefix}: " + str(_not_editable(existing).message),
                )
            )
            continue
        clean, row_errors = values_check(form, {c: cells.get(c, "") for c in field_codes})
        for error in row_errors:
            errors.append(
                FieldError(
                    f"row {number}: {error.field}",
                    error.code,
                    f"{prefix}, {error.field}: {error.message}",
                    error.params,
                )
            )
        if not row_errors:
            planned.append((filer, clean))
    if errors:
        raise ValidationFailed(errors, message=_("The spreadsheet has errors: nothing was saved."))
    if not planned:
        raise _upload_error(_("The spreadsheet has no rows of figures."))
    saved = []
    with transaction.atomic():
        for filer, clean in planned:
            saved.append(
                report_save(
                    ctx=ctx,
                    form=form,
                    period_code=period_code,
                    filer=filer,
                    values=clean,
                    submit=submit,
                    step=ReportStep.UPLOAD,
                )
            )
        audit(
            ctx,
            entity="upload",
            entity_id=f"{form.code}:{period_code}",
            region_code="",
            action=AuditAction.IMPORT,
            message=gettext_noop("%(count)s reports of %(period)s filed from a spreadsheet"),
            params={"count": len(saved), "period": period_code.upper()},
        )
    return saved


def _upload_filer(form: ReportForm, key: str) -> Enterprise | Facility | None:
    if not key:
        return None
    if form.filer == Filer.ENTERPRISE:
        return Enterprise.objects.select_related("region").filter(credit_code=key).first()
    import uuid

    try:
        pk = uuid.UUID(key)
    except ValueError:
        return None
    return Facility.objects.select_related("operator").filter(pk=pk).first()


# --- Reminders ------------------------------------------------------------------------------


def expected_filers(form: ReportForm) -> tuple[Any, Any]:
    """(enterprises, facilities) that must file ``form`` (active, of the right kind)."""
    if form.filer == Filer.ENTERPRISE:
        return Enterprise.objects.filter(active=True), Facility.objects.none()
    facilities = Facility.objects.filter(active=True)
    if form.facility_kinds:
        facilities = facilities.filter(kind__in=form.facility_kinds)
    return Enterprise.objects.none(), facilities


def reports_remind(*, ctx: AuditContext, on: dt.date | None = None) -> dict[str, int]:
    """Record a reminder for each filer without a submitted report of a period whose deadline
    is within ``DUE_SOON_DAYS`` ("due") or passed less than ``OVERDUE_DAYS`` ago ("overdue");
    each filer, period and stage once, so running it twice sends nothing twice. The reminder
    goes to the enterprise's members (their home page lists it)."""
    on = on or timezone.localdate()
    counts = {"due": 0, "overdue": 0}
    periods = ReportPeriod.objects.filter(
        deadline__gte=on - dt.timedelta(days=OVERDUE_DAYS),
        deadline__lte=on + dt.timedelta(days=DUE_SOON_DAYS),
        ends_on__lt=on,
        form__active=True,
    ).select_related("form")
    for period in periods:
        stage = "overdue" if period.deadline < on else "due"
        filed = Report.objects.filter(period=period).exclude(
            status__in=[ReportStatus.DRAFT, ReportStatus.RETURNED]
        )
        enterprises, facilities = expected_filers(period.form)
        enterprises = enterprises.exclude(pk__in=filed.values("enterprise_id")).exclude(
            pk__in=ReportReminder.objects.filter(period=period, stage=stage).values("enterprise_id")
        )
        facilities = facilities.exclude(pk__in=filed.values("facility_id")).exclude(
            pk__in=ReportReminder.objects.filter(period=period, stage=stage).values("facility_id")
        )
        rows: list[ReportReminder] = []
        for enterprise in enterprises.prefetch_related("members"):
            rows.append(
                ReportReminder(
                    period=period,
                    enterprise=enterprise,
                    region_id=enterprise.region_id,
                    stage=stage,
                    recipients=[u.username for u in enterprise.members.all()],
                )
            )
        for facility in facilities.select_related("operator").prefetch_related("operator__members"):
            members = facility.operator.members.all() if facility.operator else []
            rows.append(
                ReportReminder(
                    period=period,
                    facility=facility,
                    region_id=facility.region_id,
                    stage=stage,
                    recipients=[u.username for u in members],
                )
            )
        with transaction.atomic():
            ReportReminder.objects.bulk_create(rows, batch_size=500, ignore_conflicts=True)
            if rows:
                audit(
                    ctx,
                    entity="reminder",
                    entity_id=f"{period.form.code}:{period.code}",
                    region_code="",
                    message=gettext_noop("%(count)s reminders of %(period)s: %(stage)s"),
                    params={"count": len(rows), "period": period.code, "stage": stage},
                )
        counts[stage] += len(rows)
    return counts
