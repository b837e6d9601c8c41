"""Statistical reports: per-field and cross-field validation (CEL), district then city
approval, returns with a reason, locking and recorded unlocks, spreadsheet uploads that save
all rows or none, reminders, late and missing reports."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
import time_machine
from openpyxl import Workbook

from silvercare.common.errors import DomainError, ValidationFailed
from silvercare.industry import selectors, services
from silvercare.industry.models import Report, ReportHistory, ReportReminder
from silvercare.industry.tests.conftest import ctx_of

pytestmark = pytest.mark.django_db

GOOD = {"revenue": "500", "export_revenue": "100", "silver_revenue": "300", "employees": "40"}


def _form(code: str = "enterprise-quarterly") -> Any:
    return selectors.form_get(code)


def _submitted(member: Any, enterprise: Any, period: str = "2026Q1") -> Report:
    return services.report_save(
        ctx=ctx_of(member),
        form=_form(),
        period_code=period,
        filer=enterprise,
        values=GOOD,
        submit=True,
    )


def test_cross_field_rule_refused_on_its_field(member: Any, enterprise: Any) -> None:
    with pytest.raises(ValidationFailed) as caught:
        services.report_save(
            ctx=ctx_of(member),
            form=_form(),
            period_code="2026Q1",
            filer=enterprise,
            values={**GOOD, "export_revenue": "600", "employees": "1.5"},
        )
    assert sorted((e.field, e.code) for e in caught.value.errors) == [
        ("employees", "number_invalid"),
        ("export_revenue", "rule_failed"),
    ]
    assert Report.objects.count() == 0


def test_nursing_beds_rule_on_institution_form(member: Any, institution: Any) -> None:
    values = {
        "beds": "100",
        "nursing_beds": "101",
        "residents": "90",
        "disabled_residents": "30",
        "staff": "20",
    }
    with pytest.raises(ValidationFailed) as caught:
        services.report_save(
            ctx=ctx_of(member),
            form=_form("institution-quarterly"),
            period_code="2026Q1",
            filer=institution,
            values=values,
        )
    [error] = caught.value.errors
    assert (error.field, error.code, error.params) == (
        "nursing_beds",
        "rule_failed",
        {"rule": "nursing_le_beds"},
    )


def test_missing_required_and_empty_optional(member: Any, enterprise: Any) -> None:
    with pytest.raises(ValidationFailed) as caught:
        services.report_save(
            ctx=ctx_of(member),
            form=_form(),
            period_code="2026Q1",
            filer=enterprise,
            values={"revenue": "10"},
        )
    assert {e.field for e in caught.value.errors} == {
        "export_revenue",
        "silver_revenue",
        "employees",
    }
    report = services.report_save(
        ctx=ctx_of(member), form=_form(), period_code="2026Q1", filer=enterprise, values=GOOD
    )
    assert report.values == {
        "revenue": 500.0,
        "export_revenue": 100.0,
        "silver_revenue": 300.0,
        "employees": 40,
    }
    assert report.status == "draft"


def test_bad_period_refused(member: Any, enterprise: Any) -> None:
    with pytest.raises(ValidationFailed) as caught:
        services.report_save(
            ctx=ctx_of(member), form=_form(), period_code="2026-03", filer=enterprise, values=GOOD
        )
    assert caught.value.errors[0].field == "period"


def test_other_enterprise_user_may_not_file(outsider_member: Any, enterprise: Any) -> None:
    with pytest.raises(DomainError) as caught:
        _submitted(outsider_member, enterprise)
    assert caught.value.status == 403
    assert Report.objects.count() == 0


def test_approval_flow_district_then_city_locks(
    member: Any, enterprise: Any, futian_officer: Any, luohu_officer: Any, city_officer: Any
) -> None:
    report = _submitted(member, enterprise)
    assert list(selectors.approval_queue(futian_officer)) == [report]
    assert list(selectors.approval_queue(city_officer)) == []
    # The city cannot skip the district; another district cannot approve.
    for actor in (city_officer, luohu_officer):
        with pytest.raises(DomainError) as caught:
            services.report_approve(ctx=ctx_of(actor), report=report)
        assert caught.value.status == 403
    report = services.report_approve(ctx=ctx_of(futian_officer), report=report)
    assert report.status == "district_approved" and not report.locked
    # The district cannot give the second approval.
    with pytest.raises(DomainError):
        services.report_approve(ctx=ctx_of(futian_officer), report=report)
    assert list(selectors.approval_queue(city_officer)) == [report]
    report = services.report_approve(ctx=ctx_of(city_officer), report=report)
    assert report.status == "approved" and report.locked
    steps = list(ReportHistory.objects.filter(report=report).values_list("step", "actor__username"))
    assert steps == [
        ("save", "ind_member"),
        ("submit", "ind_member"),
        ("district_approve", "ind_futian"),
        ("city_approve", "ind_city"),
    ]


def test_return_needs_reason_and_lets_filer_correct(
    member: Any, enterprise: Any, futian_officer: Any
) -> None:
    report = _submitted(member, enterprise)
    with pytest.raises(ValidationFailed) as caught:
        services.report_return(ctx=ctx_of(futian_officer), report=report, reason="  ")
    assert caught.value.errors[0].field == "reason"
    # While under approval the filer cannot change it.
    with pytest.raises(DomainError) as caught_edit:
        _submitted(member, enterprise)
    assert caught_edit.value.code == "report_state_invalid"
    report = services.report_return(
        ctx=ctx_of(futian_officer), report=report, reason="出口收入请核对"
    )
    assert (report.status, report.return_reason) == ("returned", "出口收入请核对")
    report = _submitted(member, enterprise)
    assert report.status == "submitted" and report.return_reason == ""
    assert ReportHistory.objects.filter(
        report=report, step="return", reason="出口收入请核对"
    ).exists()


def test_locked_report_refuses_edits_until_unlocked_with_reason(
    member: Any, enterprise: Any, futian_officer: Any, city_officer: Any
) -> None:
    report = _submitted(member, enterprise)
    services.report_approve(ctx=ctx_of(futian_officer), report=report)
    services.report_approve(ctx=ctx_of(city_officer), report=report)
    before = Report.objects.get(pk=report.pk).values
    with pytest.raises(DomainError) as caught:
        services.report_save(
            ctx=ctx_of(member),
            form=_form(),
            period_code="2026Q1",
            filer=enterprise,
            values={**GOOD, "revenue": "900"},
        )
    assert caught.value.code == "report_locked"
    assert Report.objects.get(pk=report.pk).values == before
    # Only the city unlocks, and only with a reason.
    with pytest.raises(DomainError):
        services.report_unlock(ctx=ctx_of(futian_officer), report=report, reason="更正")
    with pytest.raises(ValidationFailed):
        services.report_unlock(ctx=ctx_of(city_officer), report=report, reason="")
    report = services.report_unlock(ctx=ctx_of(city_officer), report=report, reason="营业收入更正")
    assert not report.locked and report.status == "returned"
    unlock = ReportHistory.objects.get(report=report, step="unlock")
    assert (unlock.reason, unlock.actor) == ("营业收入更正", city_officer)
    changed = services.report_save(
        ctx=ctx_of(member),
        form=_form(),
        period_code="2026Q1",
        filer=enterprise,
        values={**GOOD, "revenue": "900"},
    )
    assert changed.values["revenue"] == 900.0


def _xlsx(rows: list[list[Any]]) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_upload_with_row_errors_saves_nothing(
    futian_officer: Any, enterprise: Any, member: Any
) -> None:
    from silvercare.industry.tests.conftest import credit_code

    second = services.enterprise_register(
        ctx=ctx_of(futian_officer),
        credit_code=credit_code(3),
        name="第二家",
        region_code=enterprise.region_id,
    )
    header = ["credit_code", "revenue", "export_revenue", "silver_revenue", "employees"]
    content = _xlsx(
        [
            header,
            [enterprise.credit_code, 500, 100, 300, 40],
            [second.credit_code, 100, 200, 50, 3],
            ["91440304MA5XXXXX0X", 1, 0, 0, 1],
            [enterprise.credit_code, "abc", 0, 0, 1],
        ]
    )
    with pytest.raises(ValidationFailed) as caught:
        services.reports_upload(
            ctx=ctx_of(futian_officer), form=_form(), period_code="2026Q1", fileobj=content
        )
    fields = [e.field for e in caught.value.errors]
    assert fields == ["row 3: export_revenue", "row 4: credit_code", "row 5: credit_code"]
    assert "Row 3" in str(caught.value.errors[0].message) or "第 3 行" in str(
        caught.value.errors[0].message
    )
    assert Report.objects.count() == 0
    good = _xlsx(
        [header, [enterprise.credit_code, 500, 100, 300, 40], [second.credit_code, 300, 200, 50, 3]]
    )
    saved = services.reports_upload(
        ctx=ctx_of(futian_officer), form=_form(), period_code="2026Q1", fileobj=good
    )
    assert sorted(r.status for r in saved) == ["submitted", "submitted"]


def test_upload_of_not_a_spreadsheet_is_refused(futian_officer: Any) -> None:
    with pytest.raises(ValidationFailed) as caught:
        services.reports_upload(
            ctx=ctx_of(futian_officer), form=_form(), period_code="2026Q1", fileobj=b"not xlsx"
        )
    assert caught.value.errors[0].field == "file"


def test_member_upload_of_other_enterprise_refused(
    member: Any, enterprise: Any, luohu_enterprise: Any
) -> None:
    content = _xlsx(
        [
            ["credit_code", "revenue", "export_revenue", "silver_revenue", "employees"],
            [luohu_enterprise.credit_code, 500, 100, 300, 40],
        ]
    )
    with pytest.raises(ValidationFailed) as caught:
        services.reports_upload(
            ctx=ctx_of(member), form=_form(), period_code="2026Q1", fileobj=content
        )
    assert caught.value.errors[0].code == "filer_invalid"


def test_reminders_once_per_stage_and_late_missing_lists(
    member: Any, enterprise: Any, luohu_enterprise: Any, futian_officer: Any, city_officer: Any
) -> None:
    form = _form()
    period = services.period_get_or_open(form=form, code="2026Q1")
    assert period.deadline == dt.date(2026, 4, 15)
    with time_machine.travel(dt.datetime(2026, 4, 10, 9, tzinfo=dt.UTC)):
        counts = services.reports_remind(ctx=ctx_of(None), on=dt.date(2026, 4, 10))
        assert counts == {"due": 2, "overdue": 0}
        assert services.reports_remind(ctx=ctx_of(None), on=dt.date(2026, 4, 10))["due"] == 0
        assert [r.stage for r in selectors.reminders_for(member)] == ["due"]
    with time_machine.travel(dt.datetime(2026, 4, 20, 9, tzinfo=dt.UTC)):
        _submitted(member, enterprise)
        counts = services.reports_remind(ctx=ctx_of(None), on=dt.date(2026, 4, 20))
        assert counts == {"due": 0, "overdue": 1}
        assert ReportReminder.objects.filter(enterprise=luohu_enterprise).count() == 2
        rows = selectors.compliance(actor=city_officer, period=period)
        assert {(r.filer_name, r.kind) for r in rows} == {
            (enterprise.name, "late"),
            (luohu_enterprise.name, "missing"),
        }
        assert [
            (r.filer_name, r.kind)
            for r in selectors.compliance(actor=futian_officer, period=period)
        ] == [(enterprise.name, "late")]
        by_region = selectors.compliance_by_region(rows)
        assert [(e["region_code"], e["late"], e["missing"]) for e in by_region] == [
            ("440303000000", 0, 1),
            ("440304000000", 1, 0),
        ]


def test_reports_on_time_as_the_indicators_count_them(
    member: Any, enterprise: Any, luohu_enterprise: Any
) -> None:
    period = services.period_get_or_open(form=_form(), code="2026Q1")
    april = (dt.date(2026, 4, 1), dt.date(2026, 5, 1))
    with time_machine.travel(dt.datetime(2026, 4, 10, 9, tzinfo=dt.UTC)):
        _submitted(member, enterprise)  # before the deadline of 15 April
        assert selectors.report_facts(start=april[0], end=april[1]) == {}  # not yet due
    with time_machine.travel(dt.datetime(2026, 4, 20, 9, tzinfo=dt.UTC)):
        facts = selectors.report_facts(start=april[0], end=april[1])
        assert facts == {
            enterprise.region_id: {"reports_due": 1, "reports_on_time": 1},
            luohu_enterprise.region_id: {"reports_due": 1, "reports_on_time": 0},
        }
        # March holds no deadline of this form.
        assert selectors.report_facts(start=dt.date(2026, 3, 1), end=april[0]) == {}
    assert period.deadline == dt.date(2026, 4, 15)


def test_reminder_command(enterprise: Any) -> None:
    from django.core.management import call_command

    services.period_get_or_open(form=_form(), code="2026Q1")
    out = io.StringIO()
    call_command("industry_reminders", "--on", "2026-04-10", stdout=out)
    assert out.getvalue().strip() == "1 due and 0 overdue reminders recorded."
    call_command("industry_reminders", "--on", "2026-04-10", stdout=out)
    assert ReportReminder.objects.count() == 1
